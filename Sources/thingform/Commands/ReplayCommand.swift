import ArgumentParser
import Foundation
import ThingformConnectivity
import ThingformForwarders
import ThingformModel
import ThingformRuntime
import ThingformState

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run recorded device messages through the runtime's pipeline, without a broker.",
        discussion: """
        FILE has one JSON object a line: {"topic":"$thing/up/property/PID/DEV","payload":"{…}","clientId":"PIDDEV",\
        "timestamp":1700000000123} (payload_base64 instead of payload for binary payloads; clientId optional;
        timestamp in unix milliseconds, the receive time every stored row gets, so a replay is deterministic).
        Each message is checked and stored exactly as `thingform run` would (shadows, history, events, logs,
        gateway bindings, device states), then goes through the enabled rules of its product; every match is
        queued in the state's outbox and sent to its forwarders (with their retries: a replay ends when every
        action is delivered, a data error, or a dead letter). Republish needs the broker of `thingform run`:
        in a replay it is a dead letter (E-FWD-RT-03) unless --dry-run-forwarders.
        --dry-run-forwarders sends nothing: each action is recorded with what it would send (status dry-run).
        text prints one line per message, its replies and its rule matches; jsonl prints one object per
        message ({"line","topic","device","kind","result","code",…}) and one per rule match
        ({"line","rule","seq","output","actions":[{"type","forwarder","delivery","status",…}]}).
        A malformed line is reported with its number and skipped; the rest still run. Exit 0, or 1 if a line
        was malformed.
        """
    )

    @Argument(help: ArgumentHelp("The recorded messages (JSON lines).", valueName: "FILE.jsonl")) var file: String
    @Option(name: .long, help: "text (one line per message and one per reply) or jsonl (one object per message).")
    var format: String = "text"
    @Flag(name: .long, help: "Record what each forwarder would send instead of sending it.")
    var dryRunForwarders = false
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        guard ["text", "jsonl"].contains(format) else { throw CLIError("Error: --format must be text or jsonl, found '\(format)'") }
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("Error: E-RUN-08 cannot read \(file)") }
        let store = try stateOptions.open()
        var counts: [String: Int] = [:]
        var messages = 0
        do {
            let pipeline = try MessagePipeline(store: store)
            let recorder = dryRunForwarders ? RecordingSink() : nil
            let ledger = DeliveryLedger()
            let reader = SecretReader()
            let worker = DeliveryWorker(store: store, rules: pipeline.world.rules,
                                        sinks: { type in recorder ?? ForwarderSinks.make(type: type) }, secrets: { reader.read($0) })
            runBlocking { await worker.observe { ledger.record($0, $1) } }
            var sent: [Int64: JSON] = [:]
            let status = { (id: Int64) in ledger.status(of: id, store: store, dryRunStatus: recorder == nil ? nil : "dry-run") }
            try Replay.run(String(decoding: data, as: UTF8.self), pipeline: pipeline, afterBatch: {
                runBlocking { await worker.drain() }
                for r in recorder?.take() ?? [] { sent[r.delivery.id] = ForwarderSinks.preview(r.delivery, to: r.target) }
            }) { e in
                if format == "jsonl" {
                    print(Replay.json(e).compact)
                    for m in Replay.matches(e, status: status, sent: { sent[$0] }) { print(m.compact) }
                } else {
                    print(Replay.text(e))
                    for line in Replay.matchLines(e, status: status) { print(line) }
                }
                switch e.result {
                case .failure: counts["malformed", default: 0] += 1
                case let .success(r):
                    messages += 1
                    counts["matches", default: 0] += r.ruleMatches.filter { $0.dataError == nil }.count
                    switch r.outcome {
                    case .accepted: counts["accepted", default: 0] += 1
                    case .rejected: counts["rejected", default: 0] += 1
                    case .logged: counts["logged", default: 0] += 1
                    }
                }
            }
            runBlocking { await worker.stop() }
        } catch let e as StateError { throw CLIError(e.description) }
        let malformed = counts["malformed"] ?? 0
        printError("replay: \(messages) messages: \(counts["accepted"] ?? 0) accepted, \(counts["rejected"] ?? 0) rejected, "
                   + "\(counts["logged"] ?? 0) logged; \(counts["matches"] ?? 0) rule matches; \(malformed) malformed line\(malformed == 1 ? "" : "s") skipped")
        if malformed > 0 { throw ExitCode(1) }
    }
}
