import Foundation
import ThingformModel
import ThingformState

/// What became of each delivery a worker attempted (its last outcome), so `replay` can say per
/// action: delivered, dry-run, data error, or dead (with the dead letter's error).
public final class DeliveryLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var last: [Int64: SendOutcome] = [:]

    public init() {}

    public func record(_ d: Delivery, _ outcome: SendOutcome) {
        lock.withLock { last[d.id] = outcome }
    }

    /// `{"status":"delivered"}`, `{"status":"dataError","errcode","result"}`, `{"status":"dead","errcode","result"}`,
    /// or `{"status":"pending"}` (still in the outbox). `delivered` reads `dryRunStatus` instead in a dry run.
    public func status(of id: Int64, store: RuntimeStore, dryRunStatus: String? = nil) -> JSON {
        let outcome = lock.withLock { last[id] }
        func object(_ status: String, _ code: String? = nil, _ result: String? = nil) -> JSON {
            var f: [JSON.Field] = [.init("status", .string(status))]
            if let code { f.append(.init("errcode", .string(code))) }
            if let result { f.append(.init("result", .string(result))) }
            return .object(f)
        }
        switch outcome {
        case .delivered?: return object(dryRunStatus ?? "delivered")
        case let .dataError(code, _, result)?: return object("dataError", code, result)
        default:
            if let dead = try? store.runtimeRead({ try $0.deadLetters(ids: [id]) }).first {
                return object("dead", dead.errcode, dead.result)
            }
            return object("pending")
        }
    }
}

/// Runs async work to its end from synchronous code (the CLI's commands, `run`'s start and stop).
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task.detached {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

private final class ResultBox<T>: @unchecked Sendable { var value: T? }
