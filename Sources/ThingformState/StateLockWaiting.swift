import Foundation

extension StateStore {
    /// `lock(operation:)`, retried every half second while another holder has it, for at most
    /// `timeout` seconds (`apply --lock-timeout`); then the last `StateError.locked` naming the
    /// holder. A timeout of 0 fails fast. Other errors are thrown at once.
    public func lock(operation: String, waiting timeout: TimeInterval) throws -> LockInfo {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            do {
                return try lock(operation: operation)
            } catch StateError.locked(let holder) {
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { throw StateError.locked(holder) }
                Thread.sleep(forTimeInterval: min(0.5, left))
            }
        }
    }
}
