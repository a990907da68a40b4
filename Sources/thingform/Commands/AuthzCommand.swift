import ArgumentParser
import CAM
import Foundation
import ThingformManifest
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
            Policies are CAM policy documents (JSON; see the README's "CamPolicy, CamGroup and CamUser" section), validated first: every problem with the policy file's
            line:column and its code. Or --as CamUser/NAME: the user's policies from the manifests (--manifests, no state
            store), attached directly or through its groups, from either side (CamPolicy.spec.attachTo, CamGroup, CamUser).
            Evaluation: default deny, an explicit deny wins, wildcards in actions and resources.
            Exit codes: 0 allowed, 3 denied, 1 error.
            """
        )
        @Option(name: .customLong("policy"), help: ArgumentHelp("A policy document file (repeatable).", valueName: "file"))
        var policies: [String] = []
        @Option(name: .customLong("as"), help: ArgumentHelp("A CamUser of the manifests: decide with the user's policies (direct and through groups).", valueName: "CamUser/NAME"))
        var user: String?
        @Option(name: .customLong("manifests"), help: ArgumentHelp("Where the manifests are, with --as (default: the current directory).", valueName: "path"))
        var manifests: [String] = []
        @Option(help: "The action, e.g. iotexplorer:DescribeStudioProduct.") var action: String
        @Option(help: "The resource, e.g. qcs::iotexplorer:ap-guangzhou:uin/100000000001:project/p/product/ABCDE12345, or *.") var resource: String
        @Option(name: .customLong("context"), help: ArgumentHelp("Request context key=value, e.g. qcs:ip=10.0.0.1 (repeatable).", valueName: "key=value"))
        var context: [String] = []
        @Option(help: "The root account's UIN (what an empty account segment in a policy means).") var rootUin: String?
        @Option(help: "text or json.") var format: CheckFormat = .text

        func run() throws {
            var parsed: [CAMPolicy] = []
            var principal = "test"
            var uin = rootUin
            if let user {
                guard policies.isEmpty else { throw CLIError("Error: give either --as CamUser/NAME or --policy FILE, not both") }
                let name = user.hasPrefix("CamUser/") ? String(user.dropFirst("CamUser/".count)) : user
                guard !name.isEmpty, !name.contains("/") else { throw CLIError("Error: --as takes CamUser/NAME, got '\(user)'") }
                let loaded = ManifestLoader.load(paths: manifestPaths(manifests))
                for d in loaded.diagnostics.errors { printError("Error: \(d)") }
                if loaded.diagnostics.hasErrors { throw ExitCode(1) }
                guard let held = CAMAccess.policies(of: name, in: loaded.desired) else {
                    throw CLIError("Error: E-MAN-06 CamUser/\(name) is not declared in the manifests")
                }
                parsed = held.policies
                principal = name
                uin = uin ?? held.rootUin
            } else {
                guard !policies.isEmpty else { throw CLIError("Error: give --as CamUser/NAME or at least one --policy FILE") }
                var docs: [(name: String, text: String, source: String)] = []
                for path in policies {
                    let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
                    docs.append((name, try InputText.read("@" + path, what: "policy"), path))
                }
                let (ok, problems) = AuthzCheck.policies(docs)
                if !problems.isEmpty {
                    for p in problems { printError("Error: \(p)") }
                    throw ExitCode(1)
                }
                parsed = ok
            }
            var ctx: [String: String] = [:]
            for kv in context {
                guard let eq = kv.firstIndex(of: "=") else { throw CLIError("Error: --context takes key=value, got '\(kv)'") }
                ctx[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            }
            let d = AuthzCheck.decide(parsed, user: principal, action: action, resource: resource, context: ctx, rootUin: uin)
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
