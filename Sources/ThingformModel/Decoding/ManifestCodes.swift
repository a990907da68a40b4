/// Codes for problems with a manifest as a document, before any kind's own rules.
public enum ManifestCode {
    /// YAML (or JSON) syntax error.
    public static let syntax = "E-MAN-01"
    /// `apiVersion`, `kind` or `metadata` missing or wrong.
    public static let envelope = "E-MAN-02"
    /// A field the kind does not have (a typo must never pass review).
    public static let unknownField = "E-MAN-03"
    /// A value of the wrong type (a list where a string belongs, `yes` for a boolean, ...).
    public static let wrongType = "E-MAN-04"
    /// Two documents declare the same `Kind/name`.
    public static let duplicateName = "E-MAN-05"
    /// A reference by name to a resource that no manifest declares.
    public static let danglingReference = "E-MAN-06"
    /// The same key twice in one mapping.
    public static let duplicateKey = "E-MAN-07"
    /// A required field is missing.
    public static let missingField = "E-MAN-08"
    /// A file that cannot be read, or a path with no manifests.
    public static let unreadable = "E-MAN-09"
    /// A path a manifest names that leaves the manifest root (absolute, `..`, a symlink out), is
    /// not a regular file (a device, a FIFO, a folder) or is larger than its field allows.
    public static let pathOutsideTree = "E-MAN-10"
}
