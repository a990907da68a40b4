import ArgumentParser
import Foundation
import RuleSQL
import ThingformManifest
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
            The SQL is the rule engine's dialect (README, "Forwarder and Rule"): SELECT fields FROM topic-filter [WHERE condition].
            Errors name the line and column inside the SQL and an E-RULE code. Exit 0 when evaluated (matched or not), 1 on an error.
            """
        )
        @Argument(help: ArgumentHelp("A Rule of the manifests (instead of --sql): its SQL and actions.", valueName: "Rule/NAME")) var rule: String?
        @Option(help: "The rule's SQL.") var sql: String?
        @Option(help: ArgumentHelp("Where the manifests are, for Rule/NAME (no state store is read).", valueName: "path")) var manifests: String = "."
        @Option(help: "The message's topic.") var topic: String
        @Option(help: ArgumentHelp("The payload, or @FILE.", valueName: "json")) var payload: String
        @Option(help: "The sender's MQTT client id.") var clientId: String?
        @Option(help: "The sender's ProductId.") var productId: String?
        @Option(help: "The sender's device name.") var deviceName: String?
        @Option(help: "The message time in Unix milliseconds.") var timestamp: Int64?
        @Option(help: "text or json.") var format: CheckFormat = .text

        func run() throws {
            var sql = sql
            var actions: [JSON] = []
            if let rule {
                guard sql == nil else { throw CLIError("Error: give either Rule/NAME or --sql, not both") }
                let name = rule.hasPrefix("Rule/") ? String(rule.dropFirst(5)) : rule
                let loaded = ManifestLoader.load(paths: [manifests])
                for d in loaded.diagnostics.sorted where d.severity == .error { printError("Error: \(d)") }
                if loaded.diagnostics.hasErrors { throw ExitCode(1) }
                guard let found = RuleCheck.manifestRule(name, in: loaded.desired) else {
                    throw CLIError("Error: E-CLI-01 Rule/\(name) is not declared by the manifests in \(manifests)")
                }
                if found.product != nil, productId == nil, found.sql.contains("${productId}") {
                    throw CLIError("Error: E-RULE-11 Rule/\(name) reads FROM ${productId} (Product/\(found.product!)); give the sender's --product-id")
                }
                sql = found.sql
                actions = found.actions
            }
            guard let sql else { throw CLIError("Error: give Rule/NAME or --sql SQL") }
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
                        .init("actions", .array(r.matched ? actions : [])),
                    ]).compact)
                } else if r.matched {
                    print("matched\noutput: \(r.output ?? "")")
                    if !actions.isEmpty {
                        print("actions (nothing sent):")
                        for a in actions {
                            let type = a["type"]?.stringValue ?? ""
                            print(type == "republish" ? "  republish -> topic \(a["topic"]?.stringValue ?? "")"
                                : "  \(type) -> Forwarder/\(a["forwarder"]?.stringValue ?? "")")
                        }
                    }
                } else {
                    print("not matched: \(r.reason ?? "")")
                }
            }
        }
    }
}
