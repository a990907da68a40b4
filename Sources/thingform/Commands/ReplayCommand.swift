import ArgumentParser
import Foundation
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
        gateway bindings, device states), and the replies the device would get are printed. A malformed line
        is reported with its number and skipped; the rest still run. Exit 0, or 1 if a line was malformed.
        """
    )

    @Argument(help: ArgumentHelp("The recorded messages (JSON lines).", valueName: "FILE.jsonl")) var file: String
    @Option(name: .long, help: "text (one line per message and one per reply) or jsonl (one object per message).")
    var format: String = "text"
    @OptionGroup var stateOptions: StateOptions

    func run() throws {
        guard ["text", "jsonl"].contains(format) else { throw CLIError("Error: --format must be text or jsonl, found '\(format)'") }
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("Error: E-RUN-08 cannot read \(file)") }
        let store = try stateOptions.open()
        var counts: [String: Int] = [:]
        var messages = 0
        do {
            let pipeline = try MessagePipeline(store: store)
            try Replay.run(String(decoding: data, as: UTF8.self), pipeline: pipeline) { e in
                print(format == "jsonl" ? Replay.json(e).compact : Replay.text(e))
                switch e.result {
                case .failure: counts["malformed", default: 0] += 1
                case let .success(r):
                    messages += 1
                    switch r.outcome {
                    case .accepted: counts["accepted", default: 0] += 1
                    case .rejected: counts["rejected", default: 0] += 1
                    case .logged: counts["logged", default: 0] += 1
                    }
                }
            }
        } catch let e as StateError { throw CLIError(e.description) }
        let malformed = counts["malformed"] ?? 0
        printError("replay: \(messages) messages: \(counts["accepted"] ?? 0) accepted, \(counts["rejected"] ?? 0) rejected, "
                   + "\(counts["logged"] ?? 0) logged; \(malformed) malformed line\(malformed == 1 ? "" : "s") skipped")
        if malformed > 0 { throw ExitCode(1) }
    }
}
