import Foundation

/// `replay --dry-run-forwarders`: a sink that sends nothing and records what it was given, every
/// delivery counting as delivered. One instance can stand in for every type.
public final class RecordingSink: ForwarderSink, @unchecked Sendable {
    public struct Record: Sendable, Equatable {
        public var delivery: Delivery
        public var target: ForwarderTarget
    }

    private let lock = NSLock()
    private var records: [Record] = []

    public init() {}

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        lock.withLock { records += batch.map { Record(delivery: $0, target: target) } }
        return batch.map { _ in .delivered }
    }

    public func shutdown() async {}

    /// Everything recorded so far, in the order it was sent.
    public var recorded: [Record] { lock.withLock { records } }

    /// Takes the records (replay prints them batch by batch).
    public func take() -> [Record] {
        lock.withLock {
            defer { records = [] }
            return records
        }
    }
}
