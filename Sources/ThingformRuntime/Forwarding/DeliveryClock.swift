import Foundation

/// The delivery worker's time: the system clock when running, a hand-moved one in tests of the
/// retry schedule (which then never sleep).
public protocol DeliveryClock: Sendable {
    func nowMillis() -> Int64
}

public struct SystemDeliveryClock: DeliveryClock {
    public init() {}
    public func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A clock that moves only when told.
public final class ManualDeliveryClock: DeliveryClock, @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    public init(_ startMillis: Int64) { now = startMillis }
    public func nowMillis() -> Int64 { lock.withLock { now } }
    public func set(_ millis: Int64) { lock.withLock { now = millis } }
    public func advance(_ millis: Int64) { lock.withLock { now += millis } }
}
