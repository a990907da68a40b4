import ThingformModel
import ThingformState

/// Plans that are almost always a mistake (an empty file taken for manifests, a path typed wrong,
/// a folder emptied by a bad merge): refused with E-PLN-04 unless `--allow-destroy-all`.
public enum PlanGuards {
    public static let code = "E-PLN-04"
    static let wayOut = "If that is really meant, run again with --allow-destroy-all"

    /// Every resource of a non-empty state would be deleted (no stored address is still declared).
    public static func destroysEverything(desired: DesiredState, snapshot: Snapshot) -> Diagnostic? {
        guard !snapshot.resources.isEmpty, !snapshot.resources.keys.contains(where: { desired[$0] != nil }) else { return nil }
        let n = snapshot.resources.count
        return .error(code, at: nil, "the plan would delete every resource in the state (\(n) resource\(n == 1 ? "" : "s")) and keep none",
                      hint: "Check the manifest paths (a folder with no manifests, an empty file). \(wayOut)")
    }

    /// No manifest file was read at all (a folder without `*.yaml`, a path that matched nothing).
    public static func noManifests(paths: [String]) -> Diagnostic {
        .error(code, at: nil, "no manifest file was read from \(paths.joined(separator: ", "))",
               hint: "Name a folder or file that holds *.yaml or *.yml manifests. \(wayOut)")
    }
}
