import ThingformState

/// The console's statistics, computed from records (pure).
public enum OTAStatistics {
    /// The task's tab counts: `全部设备(n) 升级成功(n) 待推送(n) 已推送(n) 升级中(n) 升级失败(n)`.
    public struct TaskCounts: Sendable, Equatable {
        public var all = 0
        public var succeeded = 0
        public var pending = 0
        public var pushed = 0
        public var upgrading = 0
        public var failed = 0
        public init() {}

        public subscript(state: OTAState) -> Int {
            switch state {
            case .succeeded: return succeeded
            case .pending: return pending
            case .pushed: return pushed
            case .upgrading: return upgrading
            case .failed: return failed
            }
        }

        public var active: Int { pending + pushed + upgrading }

        /// The tabs, in the console's order.
        public var tabs: String {
            "全部设备(\(all)) 升级成功(\(succeeded)) 待推送(\(pending)) 已推送(\(pushed)) 升级中(\(upgrading)) 升级失败(\(failed))"
        }

        /// 任务统计: one line per state with at least one record, `已推送: 100%`, the percentage
        /// `round-half-up(100 × count / all)` (the lines need not add up to 100).
        public var lines: [(state: OTAState, percent: Int)] {
            guard all > 0 else { return [] }
            return OTAStatistics.tabOrder.compactMap { s in
                let c = self[s]
                return c == 0 ? nil : (s, (200 * c + all) / (2 * all))
            }
        }
    }

    /// The console's tab order after 全部设备.
    public static let tabOrder: [OTAState] = [.succeeded, .pending, .pushed, .upgrading, .failed]

    public static func counts(_ records: [OTARecord]) -> TaskCounts {
        var c = TaskCounts()
        for r in records {
            c.all += 1
            switch r.state {
            case .succeeded: c.succeeded += 1
            case .pending: c.pending += 1
            case .pushed: c.pushed += 1
            case .upgrading: c.upgrading += 1
            case .failed: c.failed += 1
            }
        }
        return c
    }

    /// 固件升级设备统计: distinct devices over every task of one firmware, each classified by its
    /// newest record; total = succeeded + in progress + failed.
    public struct FirmwareCounts: Sendable, Equatable {
        public var total = 0
        public var succeeded = 0
        public var inProgress = 0
        public var failed = 0
        public init() {}
        public var line: String { "\(total) | \(succeeded) | \(inProgress) | \(failed)" }
    }

    public static func firmware(_ records: [OTARecord]) -> FirmwareCounts {
        var newest: [DeviceRef: OTARecord] = [:]
        for r in records {
            if let n = newest[r.device], (n.createdAt, Int(n.taskId) ?? 0) >= (r.createdAt, Int(r.taskId) ?? 0) { continue }
            newest[r.device] = r
        }
        var c = FirmwareCounts()
        for r in newest.values {
            c.total += 1
            switch r.state {
            case .succeeded: c.succeeded += 1
            case .failed: c.failed += 1
            default: c.inProgress += 1
            }
        }
        return c
    }
}
