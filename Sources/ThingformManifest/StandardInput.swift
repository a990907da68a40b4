import ThingformModel

/// `-` on the command line: manifests piped in (`kubectl kustomize overlays/acme | thingform plan -`),
/// any number of `---` documents, positions named `<stdin>:line:col`. The caller reads the bytes
/// (the edge does the I/O); the files they name resolve against the working folder, or `--root`.
public enum StandardInput {
    public static let argument = "-"
    /// The file name positions and the plan's manifest list show.
    public static let fileName = "<stdin>"

    /// Whether the input holds anything but blank lines and comments: empty input is no manifest
    /// (E-PLN-04 as for an empty folder), not an empty set of resources.
    public static func holdsDocuments(_ bytes: [UInt8]) -> Bool {
        var inComment = false
        for b in bytes {
            switch b {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): inComment = false
            case UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            case UInt8(ascii: "#"): inComment = true
            default: if !inComment { return true }
            }
        }
        return false
    }

    static func source(root: String?) -> ManifestLoader.SourceFile {
        let r = ManifestRoot(root ?? ".")
        return ManifestLoader.SourceFile(path: fileName, key: fileName, bytes: { nil },
                                         access: .disk(root: r, manifest: "./" + fileName))
    }
}
