import Foundation
import ThingformRuntime

/// A delivery worker's retry loop reduced to what the fault tests need: send in batches, resend
/// what came back `.failed` (same `Delivery.id`), give a delivery up after `maxAttempts`.
struct RetryLoop {
    var batchSize = 10
    var maxAttempts = 40
    var pause: TimeInterval = 0.1

    struct Result {
        var delivered: [Int64] = []
        var gaveUp: [Int64] = []
        var failedAttempts = 0
        var diagnostics: Set<String> = []
    }

    /// `between` runs after each batch (the test stops and restarts the server from there or
    /// from another thread).
    func run(_ deliveries: [Delivery], sink: ForwarderSink, target: ForwarderTarget, between: (Int) async -> Void = { _ in }) async -> Result {
        var result = Result()
        var pending = deliveries[...]
        var retry: [Delivery] = []
        var round = 0
        while !pending.isEmpty || !retry.isEmpty {
            var batch = Array(retry.prefix(batchSize))
            retry.removeFirst(batch.count)
            let room = batchSize - batch.count
            batch += pending.prefix(room)
            pending = pending.dropFirst(room)
            let outcomes = await sink.send(batch, to: target)
            var failedThisRound = false
            for (d, o) in zip(batch, outcomes) {
                switch o {
                case .delivered: result.delivered.append(d.id)
                case .dataError: result.gaveUp.append(d.id)
                case .failed(let code, _, _):
                    result.failedAttempts += 1
                    result.diagnostics.insert(code)
                    failedThisRound = true
                    var again = d
                    again.attempts += 1
                    if again.attempts >= maxAttempts { result.gaveUp.append(d.id) } else { retry.append(again) }
                }
            }
            await between(round)
            round += 1
            if failedThisRound { try? await Task.sleep(nanoseconds: UInt64(pause * 1e9)) }
        }
        return result
    }
}
