import Foundation

/// A sink's own serial thread for a C library that blocks (Connector/C, librdkafka) or for
/// fsync: the cooperative pool never waits on I/O, and the sink's state is touched in one place.
final class SinkQueue: @unchecked Sendable {
    private let queue: DispatchQueue

    init(_ label: String) {
        queue = DispatchQueue(label: "thingform.forwarder.\(label)")
    }

    func run<T>(_ body: @escaping () -> T) async -> T {
        await withCheckedContinuation { c in queue.async { c.resume(returning: body()) } }
    }

    func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in queue.async { c.resume(with: Result { try body() }) } }
    }
}
