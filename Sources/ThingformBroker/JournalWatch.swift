import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Calls `changed` on `queue` soon after a file in the journal folder was written or created
/// (inotify), so a report is consumed within a scheduler tick of the broker accepting it rather
/// than at the next poll. Wake-ups that arrive while one is handled are merged.
final class JournalWatch {
    private let fd: Int32
    private let source: DispatchSourceRead

    init(folder: URL, queue: DispatchQueue, changed: @escaping () -> Void) throws {
        // IN_NONBLOCK | IN_CLOEXEC
        fd = inotify_init1(0o4000 | 0o2000000)
        guard fd >= 0 else { throw BrokerError(message: "inotify_init1: \(String(cString: strerror(errno)))", logTail: "") }
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)
        guard inotify_add_watch(fd, folder.path, mask) >= 0 else {
            let why = String(cString: strerror(errno))
            Glibc.close(fd)
            throw BrokerError(message: "cannot watch \(folder.path): \(why)", logTail: "")
        }
        source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        let fd = self.fd
        source.setEventHandler {
            // Drain the events: only "something changed" matters.
            var buffer = [UInt8](repeating: 0, count: 4096)
            while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
            changed()
        }
        source.setCancelHandler { Glibc.close(fd) }
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
