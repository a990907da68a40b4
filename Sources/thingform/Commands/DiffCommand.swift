import ArgumentParser
import Foundation
import ThingformDiff
import ThingformManifest
import ThingformModel

extension DiffFormat: ExpressibleByArgument {}

/// `thingform diff OLD NEW` and `thingform diff --git BASE[..HEAD] [PATH]`: two manifest trees
/// compared without any state store, for reviewers and CI.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two manifest trees (folders or git revisions) without a state store.",
        discussion: """
        Shows the resources added, removed and changed, field by field, and classes each thing-model
        and topic change for devices in the field: compatible or breaking, with the reason.
          thingform diff OLD NEW                two folders (or files)
          thingform diff --git main..HEAD [PATH]  two revisions, read from git objects (no checkout)
          thingform diff --git main...HEAD [PATH] HEAD against its merge base with main (a pull request)
          thingform diff --git main [PATH]        main against the working tree, as plan reads it
        PATH (default: the current folder) is a folder or file inside the repository.
        Formats: text, markdown (a pull-request comment), json (format_version 1, see the README).
        Exit codes: 0 compared; 1 errors in either tree, or git failed; 3 with --fail-on when its
        condition holds (breaking: any breaking change; change: any difference).
        """
    )

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case breaking, change
    }

    @Argument(help: ArgumentHelp("OLD NEW folders or files; with --git, at most one PATH.", valueName: "path"))
    var paths: [String] = []

    @Option(name: .long, help: ArgumentHelp("Compare git revisions: BASE (with the working tree), BASE..HEAD or BASE...HEAD.", valueName: "revisions"))
    var git: String?

    @Option(name: .long, help: "Output format: text, markdown or json.")
    var format: DiffFormat = .text

    @Option(name: .long, help: ArgumentHelp("Exit 3 when there is a breaking change (breaking) or any difference (change).", valueName: "class"))
    var failOn: FailOn?

    @OptionGroup var rootOption: RootOption

    func validate() throws {
        if git == nil && paths.count != 2 { throw ValidationError("Give two trees, OLD and NEW (or --git BASE[..HEAD] [PATH]).") }
        if git != nil && paths.count > 1 { throw ValidationError("With --git, give at most one PATH inside the repository.") }
        if git?.isEmpty == true { throw ValidationError("--git needs a revision, e.g. main or main..HEAD.") }
    }

    func run() throws {
        let (oldLabel, old, newLabel, new): (String, ManifestSource, String, ManifestSource)
        if let git {
            do { (oldLabel, old, newLabel, new) = try gitSources(git, path: paths.first ?? ".") } catch let e as GitRepository.Failure {
                throw CLIError(e.description)
            }
        } else {
            (oldLabel, old) = ("OLD (\(paths[0]))", .paths([paths[0]], root: rootOption.root))
            (newLabel, new) = ("NEW (\(paths[1]))", .paths([paths[1]], root: rootOption.root))
        }
        let (o, n) = ManifestLoader.load(old, new)
        func tree(_ label: String, _ r: ManifestLoader.Result) -> ManifestDiff.Tree {
            ManifestDiff.Tree(label: label, files: r.files.count, resources: r.desired.resources.count, diagnostics: r.diagnostics.sorted)
        }
        let diff = ManifestDiff.compare(old: o.desired, new: n.desired, oldTree: tree(oldLabel, o), newTree: tree(newLabel, n))
        print(format.render(diff), terminator: "")
        if diff.hasErrors { throw ExitCode(1) }
        switch failOn {
        case .breaking? where diff.hasBreaking: throw ExitCode(3)
        case .change? where diff.hasChanges: throw ExitCode(3)
        default: break
        }
    }

    /// `A..B` compares two revisions (an empty side is HEAD, as in git), `A...B` compares B with
    /// the merge base of A and B (what a pull request changes), `A` alone compares A with the
    /// working tree: the files on disk under PATH, as `thingform plan PATH` reads them.
    func gitSources(_ spec: String, path: String) throws -> (String, ManifestSource, String, ManifestSource) {
        let (repo, prefix) = try GitRepository.containing()
        let inRepo = try repositoryPath(path, repo: repo, prefix: prefix)
        func tree(_ revision: String) throws -> ManifestSource { .tree(try repo.tree(at: revision, path: inRepo)) }
        func sides(_ separator: String) -> (String, String)? {
            guard let range = spec.range(of: separator) else { return nil }
            let a = String(spec[..<range.lowerBound]), b = String(spec[range.upperBound...])
            return (a.isEmpty ? "HEAD" : a, b.isEmpty ? "HEAD" : b)
        }
        if let (a, b) = sides("...") {
            let base = try repo.mergeBase(a, b)
            return ("merge base of \(a) and \(b) (\(base.prefix(10)))", try tree(base), b, try tree(b))
        }
        if let (a, b) = sides("..") { return (a, try tree(a), b, try tree(b)) }
        return (spec, try tree(spec), "working tree", .paths([path], root: rootOption.root))
    }

    /// PATH (relative to the current folder, or absolute) as a path inside the repository.
    func repositoryPath(_ path: String, repo: GitRepository, prefix: String) throws -> String {
        if path.hasPrefix("/") {
            func real(_ p: String) -> String { URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
            let top = real(repo.top), full = real(path)
            if full == top { return "" }
            guard full.hasPrefix(top + "/") else { throw GitRepository.Failure("\(path) is outside the repository at \(repo.top)") }
            return String(full.dropFirst(top.count + 1))
        }
        guard let p = ManifestTree.normalized(prefix + path) else { throw GitRepository.Failure("\(path) is outside the repository at \(repo.top)") }
        return p
    }
}
