import ArgumentParser
import ThingformModel
import ThingformState

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "The runtime's counters: messages up and down per product, rule hits, forwards and failures per rule and forwarder.",
        discussion: """
        Kept in the state store by `thingform run` and `thingform replay`, totals since the state was made: \
        upstream (messages from devices), downstream (messages the runtime sent them), ruleHits (matches), \
        forwards (deliveries that arrived), forwardFailures (failed attempts), deadLetters, dataErrors \
        (Payload_Not_JSON, Rule_Process_SQL_Err, Payload_No_Field, …), plus outbox (waiting now).
        """
    )

    @Option(name: .long, help: "text or json.") var format = "text"
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        guard ["text", "json"].contains(format) else { throw CLIError("Error: --format must be text or json, found '\(format)'") }
        let store = try stateOptions.openForReading()
        let (counters, outbox) = try store.runtimeRead { (try $0.counters(), try $0.outboxCount()) }
        let rows = counters.sorted { $0.key < $1.key }
        if format == "json" {
            let items = rows.map { k, v in
                JSON.object([.init("metric", .string(k.metric)), .init("productId", .string(k.productId)), .init("rule", .string(k.rule)),
                             .init("target", .string(k.target)), .init("value", .number(String(v)))])
            }
            print(JSON.object([.init("counters", .array(items)), .init("outbox", .int(outbox))]).pretty)
            return
        }
        for (k, v) in rows {
            let scope = [k.productId.isEmpty ? nil : "product=\(k.productId)", k.rule.isEmpty ? nil : "rule=\(k.rule)",
                         k.target.isEmpty ? nil : "target=\(k.target)"].compactMap { $0 }.joined(separator: " ")
            print("\(k.metric)\t\(scope)\t\(v)")
        }
        print("outbox\t\t\(outbox)")
    }
}
