/// Paths written in a manifest (`file`, `devicesFile`, `namesFile`, `fromConsoleJson`) are
/// relative to the manifest's folder. One rule for the loader that reads them and for the
/// diagnostics that point into them.
public enum ManifestPath {
    /// The most a CSV a manifest names (`namesFile`, `devicesFile`) may hold: 10,000 names of at
    /// most 48 characters fit many times over.
    public static let maxCSVBytes = 4 << 20
    /// The most a console thing-model JSON (`fromConsoleJson`) may hold.
    public static let maxConsoleJSONBytes = 4 << 20

    public static func resolve(_ path: String, from manifest: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = manifest.lastIndex(of: "/") else { return path }
        return String(manifest[..<slash]) + "/" + path
    }

    /// The last extension of the path's file name, lowercased (`report.tar.GZ` → `gz`); nil without one.
    public static func fileExtension(_ path: String) -> String? {
        path.split(separator: "/").last.flatMap { $0.contains(".") ? $0.split(separator: ".").last : nil }.map { $0.lowercased() }
    }
}
