import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of a `function` forwarder's local command: `argv` started in a process group of its
/// own, with `stdin` as its standard input (a deleted temporary file, so a command that does not
/// read it never blocks us, and one that exits early never breaks a pipe), standard output
/// discarded, standard error kept (its end is shown in a failure), the runner's environment plus
/// `environment`. Past the timeout the whole group is killed (SIGKILL), children included.
/// Blocking: call it from a sink's own thread, never the cooperative pool.
enum FunctionCommand {
    enum Result: Equatable, Sendable {
        /// The command exited with this code; `stderr` is the end of what it wrote there.
        case exited(Int32, stderr: String)
        /// A signal ended it (not ours).
        case signalled(Int32, stderr: String)
        /// Still running at the deadline: killed.
        case timedOut
        /// It could not be started (not found, not executable, …).
        case notStarted(String)
    }

    /// How much of standard error a failure shows.
    static let stderrTail = 200

    static func run(_ argv: [String], stdin: [UInt8], environment: [String: String], timeoutSeconds: Double) -> Result {
        guard let program = argv.first, !program.isEmpty else { return .notStarted("the command is empty") }
        guard let input = scratchFile(stdin), let errors = scratchFile([]) else {
            return .notStarted("no temporary file for its input: \(String(cString: strerror(errno)))")
        }
        defer { close(input); close(errors) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group (so a timeout kills its children too), no blocked signals, and
        // SIGPIPE back to its default whatever the runner does with it.
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }

        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, program, &actions, &attributes, cArgv, cEnv)
        guard spawned == 0 else { return .notStarted("\(program): \(String(cString: strerror(spawned)))") }

        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeoutSeconds) * 1e9)
        var status: Int32 = 0
        var pause: UInt32 = 100 // µs, doubled up to 10 ms
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return .notStarted("waitpid: \(String(cString: strerror(errno)))") }
            if DispatchTime.now().uptimeNanoseconds >= deadline {
                kill(-pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                return .timedOut
            }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
        let tail = Self.tail(errors)
        let signal = status & 0x7F
        if signal == 0 { return .exited((status >> 8) & 0xFF, stderr: tail) }
        return .signalled(signal, stderr: tail)
    }

    /// A temporary file holding `bytes`, already deleted, positioned at its start; nil on failure.
    private static func scratchFile(_ bytes: [UInt8]) -> Int32? {
        var template = Array((NSTemporaryDirectory() + "/thingform-function-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); return nil }
            written += n
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }

    /// The last `stderrTail` bytes written to `fd`, as text, trimmed.
    private static func tail(_ fd: Int32) -> String {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return "" }
        let count = Int(min(size, off_t(stderrTail)))
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, size - off_t(count)) }
        guard n > 0 else { return "" }
        return String(decoding: buffer.prefix(n), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
