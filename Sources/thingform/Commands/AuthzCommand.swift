import ArgumentParser
import CAM
import Foundation
import ThingformModel
import ThingformTest

struct AuthzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authz",
        abstract: "Try CAM permission policies before applying them.",
        subcommands: [Check.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide one request against policies: allowed or denied, and the statement that decided it.",
            discussion: """
            Policies are CAM policy documents (JSON, spec/06 §12.6), validated first: every problem with the policy file's
            line:column and its code. Evaluation: default deny, an explicit deny wins, wildcards in actions and resources.
            Exit codes: 0 allowed, 3 denied, 1 error.
            """
        )
        @Option(name: .customLong("policy"), help: ArgumentHelp("A policy document file (repeatable).", valueName: "file"))
        var policies: [String] = []
        @Option(name: .customLong("as"), help: ArgumentHelp("A CamUser of the manifests (arrives with the CamUser kind).", valueName: "CamUser/NAME"))
        var user: String?
        @Option(help: "The action, e.g. iotexplorer:DescribeStudioProduct.") var action: String
        @Option(help: "The resource, e.g. qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/p/product/ABCDE12345, or *.") var resource: String
        @Option(name: .customLong("context"), help: ArgumentHelp("Request context key=value, e.g. qcs:ip=10.0.0.1 (repeatable).", valueName: "key=value"))
        var context: [String] = []
        @Option(help: "The root account's UIN (what an empty account segment in a policy means).") var rootUin: String?
        @Option(help: "text or json.") var format: CheckFormat = .text

        func run() throws {
            if let user {
                throw CLIError("Error: E-CLI-01 --as \(user): CamUser manifests are not supported yet; give the user's policies with --policy")
            }
            guard !policies.isEmpty else { throw CLIError("Error: give at least one --policy FILE") }
            var docs: [(name: String, text: String, source: String)] = []
            for path in policies {
                let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                docs.append((name, try InputText.read("@" + path, what: "policy"), path))
            }
            let (parsed, problems) = AuthzCheck.policies(docs)
            if !problems.isEmpty {
                for p in problems { printError("Error: \(p)") }
                throw ExitCode(1)
            }
            var ctx: [String: String] = [:]
            for kv in context {
                guard let eq = kv.firstIndex(of: "=") else { throw CLIError("Error: --context takes key=value, got '\(kv)'") }
                ctx[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            }
            let d = AuthzCheck.decide(parsed, action: action, resource: resource, context: ctx, rootUin: rootUin)
            if format == .json {
                print(JSON.object([
                    .init("decision", .string(d.allowed ? "allow" : "deny")),
                    .init("effect", .string(d.effect.rawValue)),
                    .init("policy", d.decidingPolicy.map(JSON.string) ?? .null),
                    .init("statement", d.decidingStatement.map { .int($0) } ?? .null),
                    .init("reason", .string(d.reason)),
                ]).compact)
            } else {
                print("\(d.allowed ? "allowed" : "denied"): \(d.reason)")
            }
            if !d.allowed { throw ExitCode(3) }
        }
    }
}
