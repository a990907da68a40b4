/// What decoding one document needs: its file (for positions), the diagnostics collected so far,
/// and the positions of the fields it has read.
public struct DecodeContext {
    public var file: String
    public var address: String?
    public var diagnostics = Diagnostics()
    /// Positions recorded per field path. Only filled when `recordsFields` is set (console JSON
    /// imports, whose positions are in another file); manifest positions are found on demand by
    /// walking the document (`Resource.location(of:)`), which keeps decoding fast.
    public var fieldLocations: [String: SourceLocation] = [:]
    public var recordsFields = false
    /// Reads a file named relative to this manifest (e.g. `fromConsoleJson`); I/O is injected so
    /// decoding stays pure.
    public var readFile: @Sendable (String) -> String? = { _ in nil }
    /// The size and MD5 of a file named relative to this manifest (a firmware's `file`), nil when
    /// it cannot be read; injected like `readFile`.
    public var fileDigest: @Sendable (String) -> FileDigest? = { _ in nil }
    /// Why a path this manifest names may not be read (outside the manifest root, not a regular
    /// file, over `limit` bytes), or nil when it may; injected like `readFile`.
    public var pathProblem: @Sendable (_ path: String, _ limit: Int?) -> String? = { _, _ in nil }

    public init(file: String, address: String? = nil) {
        self.file = file
        self.address = address
    }

    public func location(_ node: Node) -> SourceLocation { node.location(in: file) }

    public mutating func error(_ code: String, _ node: Node, _ message: String, hint: String? = nil) {
        diagnostics.error(code, at: location(node), address: address, message, hint: hint)
    }

    public mutating func warning(_ code: String, _ node: Node, _ message: String, hint: String? = nil) {
        diagnostics.warning(code, at: location(node), address: address, message, hint: hint)
    }

    /// E-MAN-10 at `node` when `path` may not be read; true when refused (the caller stops there).
    public mutating func refusesPath(_ path: String, _ node: Node, field: String, limit: Int?) -> Bool {
        guard let why = pathProblem(path, limit) else { return false }
        error(ManifestCode.pathOutsideTree, node, "\(field) '\(path)' \(why)",
              hint: "Name a regular file inside the manifest root, by a path relative to the manifest (the root is the folder given on the command line, or --root)")
        return true
    }

    public mutating func record(_ path: @autoclosure () -> String, _ node: Node) {
        guard recordsFields else { return }
        fieldLocations[path()] = location(node)
    }
}
