import Foundation
import GRDB

/// The runtime counters over time (migration `v10-forwarding`; README "Rules and forwarders at
/// work"): besides its total, every counter is added to a bucket of its minute, its hour and its
/// day (days in the reporting zone, UTC+8), the granularities of the console's message overview.
/// Buckets are kept for one day (minutes), seven days (hours) and ninety days (days).
public enum CounterGranularity: String, Sendable, CaseIterable {
    case minute, hour, day

    /// Seconds a bucket spans.
    public var seconds: Int64 {
        switch self {
        case .minute: return 60
        case .hour: return 3600
        case .day: return 86_400
        }
    }

    /// How long buckets of this size are kept, in seconds.
    public var retention: Int64 {
        switch self {
        case .minute: return 86_400
        case .hour: return 7 * 86_400
        case .day: return 90 * 86_400
        }
    }

    /// The reporting zone's offset from UTC: days run from midnight at UTC+8.
    public static let dayOffsetSeconds: Int64 = 8 * 3600

    /// The start (Unix seconds) of the bucket holding the Unix minute `minute`.
    public func bucket(ofMinute minute: Int64) -> Int64 {
        let t = minute * 60
        switch self {
        case .minute, .hour:
            return Self.floor(t, seconds)
        case .day:
            return Self.floor(t + Self.dayOffsetSeconds, seconds) - Self.dayOffsetSeconds
        }
    }

    private static func floor(_ t: Int64, _ size: Int64) -> Int64 {
        let q = t / size
        return (t % size < 0 ? q - 1 : q) * size
    }
}

/// One bucket of one counter.
public struct CounterBucket: Sendable, Equatable {
    /// The counter (its `minute` is nil).
    public var key: CounterKey
    /// The bucket's start, Unix seconds.
    public var start: Int64
    public var value: Int64
}

enum CounterSeriesSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE runtime_counter_series (
                granularity TEXT NOT NULL,
                bucket      INTEGER NOT NULL,
                metric      TEXT NOT NULL,
                product_id  TEXT NOT NULL,
                rule        TEXT NOT NULL,
                target      TEXT NOT NULL,
                value       INTEGER NOT NULL,
                PRIMARY KEY (granularity, bucket, metric, product_id, rule, target)
            ) WITHOUT ROWID;
            """)
    }
}

extension SQLiteRuntimeTransaction {
    /// Adds the deltas that carry a minute to their buckets, and drops buckets past their retention.
    func addCounterSeries(_ deltas: [CounterKey: Int64]) throws {
        var latest: Int64?
        for (k, v) in deltas where v != 0 {
            guard let minute = k.minute else { continue }
            latest = max(latest ?? minute, minute)
            for g in CounterGranularity.allCases {
                try db.cachedStatement(sql: """
                    INSERT INTO runtime_counter_series (granularity, bucket, metric, product_id, rule, target, value) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (granularity, bucket, metric, product_id, rule, target) DO UPDATE SET value = value + excluded.value
                    """).execute(arguments: [g.rawValue, g.bucket(ofMinute: minute), k.metric, k.productId, k.rule, k.target, v])
            }
        }
        guard let latest else { return }
        for g in CounterGranularity.allCases {
            try db.cachedStatement(sql: "DELETE FROM runtime_counter_series WHERE granularity = ? AND bucket < ?")
                .execute(arguments: [g.rawValue, g.bucket(ofMinute: latest) - g.retention])
        }
    }

    func counterSeries(_ granularity: CounterGranularity, since: Int64?) throws -> [CounterBucket] {
        try Row.fetchAll(db.cachedStatement(sql: """
            SELECT bucket, metric, product_id, rule, target, value FROM runtime_counter_series
            WHERE granularity = ? AND bucket >= ? ORDER BY bucket, metric, product_id, rule, target
            """), arguments: [granularity.rawValue, since ?? Int64.min]).map {
            CounterBucket(key: CounterKey($0[1], productId: $0[2], rule: $0[3], target: $0[4]), start: $0[0], value: $0[5])
        }
    }
}
