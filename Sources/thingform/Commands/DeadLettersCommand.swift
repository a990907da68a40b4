import ArgumentParser
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

struct DeadLettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadletters",
        abstract: "List, retry or purge the rule engine's dead letters (deliveries that used up their attempts).",
        discussion: """
        A delivery lands here after its last attempt failed (the retry schedule of README "Rules and forwarders \
        at work"), with the error of that attempt, or when it could not be attempted at all (E-FWD-RT-01..03). \
        `retry` puts dead letters back in the outbox with their ids (a sink that deduplicates by id still sees \
        each once) and a fresh set of attempts; the running runtime (or the next replay) sends them. \
        `purge` deletes them. Without --id, every dead letter.
        """,
        subcommands: [List.self, Retry.self, Purge.self]
    )

    struct Selection: ParsableArguments {
        @Option(name: .customLong("id"), help: ArgumentHelp("A dead letter's id (repeatable); default: all.", valueName: "id"))
        var ids: [Int64] = []
        var selected: [Int64]? { ids.isEmpty ? nil : ids }

        /// Every id named must be a dead letter (E-FWD-RT-04), so nothing is half-done.
        func check(_ store: SQLiteStateStore) throws {
            guard let selected else { return }
            let found = Set(try store.runtimeRead { try $0.deadLetters(ids: selected) }.map(\.delivery.id))
            let missing = selected.filter { !found.contains($0) }
            if !missing.isEmpty {
                throw CLIError("Error: \(ForwardingCode.unknownDeadLetter) no dead letter has id \(missing.map(String.init).joined(separator: ", ")); `thingform deadletters list` shows them")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead letters, oldest first.")
        @Option(name: .long, help: "text or json.") var format = "text"
        @OptionGroup var selection: Selection
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard ["text", "json"].contains(format) else { throw CLIError("Error: --format must be text or json, found '\(format)'") }
            let store = try stateOptions.openForReading()
            let letters = try store.runtimeRead { try $0.deadLetters(ids: selection.selected) }
            if format == "json" {
                print(JSON.array(letters.map(Self.json)).pretty)
                return
            }
            if letters.isEmpty { print("No dead letters."); return }
            for l in letters {
                let d = l.delivery
                print("\(d.id)\t\(d.rule) \(d.isErrorAction ? "errorActions" : "actions")[\(d.actionIndex)] \(d.actionType)\t\(d.productId)/\(d.deviceName) seq \(d.seq)\t"
                      + "\(d.attempts) attempt\(d.attempts == 1 ? "" : "s")\t\(l.errcode) \(l.result)")
            }
        }

        static func json(_ l: DeadLetterRow) -> JSON {
            let d = l.delivery
            let payload = String(validating: d.payload, as: UTF8.self).map(JSON.string) ?? .string("base64:" + Data(d.payload).base64EncodedString())
            return .object([
                .init("id", .number(String(d.id))), .init("rule", .string(d.rule)), .init("actionIndex", .int(d.actionIndex)),
                .init("isErrorAction", .bool(d.isErrorAction)), .init("actionType", .string(d.actionType)),
                .init("productId", .string(d.productId)), .init("deviceName", .string(d.deviceName)), .init("topic", .string(d.topic)),
                .init("qos", .int(d.qos)), .init("seq", .number(String(d.seq))), .init("firstAttemptAt", .number(String(d.firstAttemptAt))),
                .init("payload", payload), .init("output", d.output.flatMap { JSON.parse($0) } ?? .null), .init("attempts", .int(d.attempts)),
                .init("errcode", .string(l.errcode)), .init("diagnostic", .string(l.diagnostic)), .init("result", .string(l.result)),
                .init("failedAt", .number(String(l.failedAt))),
            ])
        }
    }

    struct Retry: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put dead letters back in the outbox, with their ids and a fresh set of attempts.")
        @OptionGroup var selection: Selection
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let store = try stateOptions.open()
            try selection.check(store)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let n = try store.runtimeTransaction { try $0.retryDeadLetters(ids: selection.selected, atMillis: now) }
            print("\(n) dead letter\(n == 1 ? "" : "s") queued again.")
        }
    }

    struct Purge: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete dead letters.")
        @OptionGroup var selection: Selection
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            let store = try stateOptions.open()
            try selection.check(store)
            let n = try store.runtimeTransaction { try $0.purgeDeadLetters(ids: selection.selected) }
            print("\(n) dead letter\(n == 1 ? "" : "s") purged.")
        }
    }
}
