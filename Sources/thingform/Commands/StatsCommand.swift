import ArgumentParser
import Foundation
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
        (Payload_Not_JSON, Rule_Process_SQL_Err, Payload_No_Field, …), plus outbox (waiting now). \
        With --by minute|hour|day: the same counters per bucket instead (kept one day, seven days and \
        ninety days; days from midnight at UTC+8), oldest first, each bucket named by its start.
        """
    )

    @Option(name: .long, help: "text or json.") var format = "text"
    @Option(name: .long, help: "minute, hour or day: the counters per bucket instead of the totals.") var by: String?
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        guard ["text", "json"].contains(format) else { throw CLIError("Error: --format must be text or json, found '\(format)'") }
        let granularity = try by.map { g in
            guard let v = CounterGranularity(rawValue: g) else { throw CLIError("Error: --by must be minute, hour or day, found '\(g)'") }
            return v
        }
        let store = try stateOptions.openForReading()
        if let granularity { return try series(store, granularity) }
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
        for (k, v) in rows { print("\(k.metric)\t\(Self.scope(k))\t\(v)") }
        print("outbox\t\t\(outbox)")
    }

    private func series(_ store: RuntimeStore, _ granularity: CounterGranularity) throws {
        let buckets = try store.runtimeRead { try $0.counterSeries(granularity, since: nil) }
        if format == "json" {
            let items = buckets.map { b in
                JSON.object([.init("start", .string(Self.time(b.start, granularity))), .init("metric", .string(b.key.metric)),
                             .init("productId", .string(b.key.productId)), .init("rule", .string(b.key.rule)),
                             .init("target", .string(b.key.target)), .init("value", .number(String(b.value)))])
            }
            print(JSON.object([.init("by", .string(granularity.rawValue)), .init("series", .array(items))]).pretty)
            return
        }
        for b in buckets { print("\(Self.time(b.start, granularity))\t\(b.key.metric)\t\(Self.scope(b.key))\t\(b.value)") }
    }

    static func scope(_ k: CounterKey) -> String {
        [k.productId.isEmpty ? nil : "product=\(k.productId)", k.rule.isEmpty ? nil : "rule=\(k.rule)",
         k.target.isEmpty ? nil : "target=\(k.target)"].compactMap { $0 }.joined(separator: " ")
    }

    /// A bucket's start: RFC 3339 in UTC, days at UTC+8 (where they start).
    static func time(_ seconds: Int64, _ granularity: CounterGranularity) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if granularity == .day { f.timeZone = TimeZone(secondsFromGMT: Int(CounterGranularity.dayOffsetSeconds)) }
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
