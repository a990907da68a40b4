import Foundation

/// Bounds a driver call: the sink gets an answer within `seconds` even when a link hangs without
/// closing (a half-open TCP connection, a server paused mid-statement). The late call is
/// cancelled and left to finish on its own; the sink drops the connection it used.
enum SQLDeadline {
    /// `discard` gets a result that comes after the deadline (a late connection, to be closed).
    static func run<T: Sendable>(_ seconds: Double, _ what: String, discard: (@Sendable (T) async -> Void)? = nil,
                                 _ op: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = Once<T>()
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, Error>) in
            once.set(c)
            let work = Task {
                do {
                    let value = try await op()
                    if !once.resume(.success(value)) { await discard?(value) }
                } catch { once.resume(.failure(error)) }
            }
            let timer = Task {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                if once.resume(.failure(SQLWriteError.connection("no answer to \(what) within \(seconds) s"))) { work.cancel() }
            }
            once.onResume { timer.cancel() }
        }
    }

    final class Once<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, Error>?
        private var pending: Result<T, Error>?
        private var done = false
        private var after: (() -> Void)?

        func set(_ c: CheckedContinuation<T, Error>) {
            lock.lock()
            if let pending { lock.unlock(); c.resume(with: pending); return }
            continuation = c
            lock.unlock()
        }

        func onResume(_ f: @escaping () -> Void) {
            lock.lock()
            if done { lock.unlock(); f(); return }
            after = f
            lock.unlock()
        }

        @discardableResult
        func resume(_ r: Result<T, Error>) -> Bool {
            lock.lock()
            guard !done else { lock.unlock(); return false }
            done = true
            let c = continuation, f = after
            if c == nil { pending = r }
            lock.unlock()
            c?.resume(with: r)
            f?()
            return true
        }
    }
}
