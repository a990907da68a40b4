/// How much of a plan the text form prints. Small plans are printed whole, as Terraform does. A
/// plan of more than `summaryThreshold` changes is summarised unless `--verbose` is given: its
/// creates and in-place updates are counted per kind and action, while what a reviewer must read
/// is still printed in full (every replacement, delete and release, the notices, the connectivity
/// checks, every error and warning). JSON and markdown are always complete.
public enum PlanDetail: Sendable {
    case full
    case summary

    /// More changes than this and the text form is summarised (a few hundred blocks still read
    /// on a terminal; 20,000 do not).
    public static let summaryThreshold = 500

    public static func choose(changes: Int, verbose: Bool) -> PlanDetail {
        verbose || changes <= summaryThreshold ? .full : .summary
    }

    /// The actions whose blocks the summary form still prints.
    static func alwaysShown(_ action: Action) -> Bool {
        switch action {
        case .replace, .delete, .publish, .unpublish: return true
        case .create, .update: return false
        }
    }

    /// One line of the summary's count table.
    struct Row: Hashable {
        var kind: String
        var action: Action
    }
}
