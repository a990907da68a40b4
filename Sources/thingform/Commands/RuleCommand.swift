import ArgumentParser
import Foundation
import RuleSQL
import ThingformModel
import ThingformTest

struct RuleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Try rule-engine SQL before applying it.",
        subcommands: [Test.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a rule's SQL against one message: whether it matches and the SELECT output. Nothing is sent.",
            discussion: """
            The SQL is the rule engine's dialect (spec/04 §5): SELECT fields FROM topic-filter [WHERE condition].
            Errors name the line and column inside the SQL and an E-RULE code. Exit 0 when evaluated (matched or not), 1 on an error.
            """
        )
        @Argument(help: ArgumentHelp("A Rule of the manifests (arrives with the Rule kind).", valueName: "Rule/NAME")) var rule: String?
        @Option(help: "The rule's SQL.") var sql: String?
        @Option(help: "The message's topic.") var topic: String
        @Option(help: ArgumentHelp("The payload, or @FILE.", valueName: "json")) var payload: String
        @Option(help: "The sender's MQTT client id.") var clientId: String?
        @Option(help: "The sender's ProductId.") var productId: String?
        @Option(help: "The sender's device name.") var deviceName: String?
        @Option(help: "The message time in Unix milliseconds.") var timestamp: Int64?
        @Option(help: "text or json.") var format: CheckFormat = .text

        func run() throws {
            if let rule { throw CLIError("Error: E-CLI-01 \(rule): Rule manifests are not supported yet; give the SQL with --sql") }
            guard let sql else { throw CLIError("Error: give --sql SQL") }
            let payloadText = try InputText.read(payload, what: "payload")
            switch RuleCheck.run(sql: sql, topic: topic, payload: payloadText, clientId: clientId, productId: productId,
                                 deviceName: deviceName, timestamp: timestamp) {
            case let .failure(problems):
                for e in problems.errors { printError("Error: sql:\(e.description)") }
                throw ExitCode(1)
            case let .success(r):
                if format == .json {
                    print(JSON.object([
                        .init("matched", .bool(r.matched)),
                        .init("reason", r.reason.map(JSON.string) ?? .null),
                        .init("output", r.output.flatMap(JSON.parse) ?? (r.output.map(JSON.string) ?? .null)),
                        .init("actions", .array([])),
                    ]).compact)
                } else if r.matched {
                    print("matched\noutput: \(r.output ?? "")")
                } else {
                    print("not matched: \(r.reason ?? "")")
                }
            }
        }
    }
}
