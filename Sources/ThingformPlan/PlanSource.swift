/// What a plan was computed from: the manifest paths as given to `plan`, every manifest file it
/// read with the SHA-256 of its content, and the flags that change what the planner allows. A
/// saved plan carries it so that `apply PLANFILE` can plan again from the same input and refuse
/// the file unless the result is exactly the plan it holds (E-PLN-05).
public struct PlanSource: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var paths: [String]
    public var files: [File]
    public var allowReplace: Bool
    public var allowDestroyAll: Bool
    /// `--root`, when given: the folder paths in the manifests must stay inside.
    public var root: String?
    /// `--target`, when given: a saved targeted plan applies only those (and what they reference).
    public var targets: [String] = []

    public init(paths: [String], files: [File], allowReplace: Bool = false, allowDestroyAll: Bool = false, root: String? = nil) {
        self.root = root
        self.paths = paths
        self.files = files
        self.allowReplace = allowReplace
        self.allowDestroyAll = allowDestroyAll
    }
}
