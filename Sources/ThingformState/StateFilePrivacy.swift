import Foundation

/// The state holds platform secrets (product and device secrets, CAM API keys): its file and
/// SQLite's companions (`-wal`, `-shm`, `-journal`) are kept at mode 0600, tightened when they are
/// found wider (a copy, a restore, a umask of 022), and a `.thingform/` folder gets a `.gitignore`
/// of `*` so that `git add -A` never stages the state.
public enum StateFilePrivacy {
    public static let mode: mode_t = 0o600

    public static func protect(_ path: String) {
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] { tighten(file) }
        let folder = (path as NSString).deletingLastPathComponent
        if (folder as NSString).lastPathComponent == ".thingform" {
            let ignore = folder + "/.gitignore"
            if !FileManager.default.fileExists(atPath: ignore) {
                FileManager.default.createFile(atPath: ignore, contents: Data("# thingform's state holds secrets: never commit it\n*\n".utf8),
                                               attributes: [.posixPermissions: 0o644])
            }
        }
    }

    /// Removes group and other permissions from a regular file we own (nothing when it is missing).
    static func tighten(_ file: String) {
        var st = stat()
        guard lstat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == getuid() else { return }
        if st.st_mode & 0o077 != 0 { _ = chmod(file, st.st_mode & 0o700) }
    }
}
