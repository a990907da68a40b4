/// One purchase of codes in a pool (spec/02 §4.5): `{count, expiresAt?}` for device and
/// value-added pools, `{bitrateMbps, years, purchasedAt, count}` for AV codes, whose term ends
/// `years` after `purchasedAt`. A lot is identified by its position in its list: new purchases
/// are appended (removing or lowering a lot below its used codes is E-LIC-04).
public struct LicenceLot: Equatable, Sendable {
    /// Bounds a manifest's lot may state (proposed; the console sells lots far smaller): every sum
    /// and term computed from them stays far inside Int.
    public static let maxCount = 100_000_000
    public static let maxYears = 100

    public var count: Int
    public var expiresAt: String?
    public var bitrate: AVBitrate?
    public var years: Int?
    public var purchasedAt: String?

    public init(count: Int, expiresAt: String? = nil, bitrate: AVBitrate? = nil, years: Int? = nil, purchasedAt: String? = nil) {
        self.count = count
        self.expiresAt = expiresAt
        self.bitrate = bitrate
        self.years = years
        self.purchasedAt = purchasedAt
    }

    /// Unix seconds after which the lot no longer counts; nil: it never expires.
    public var expiry: Int64? {
        if let expiresAt { return CivilTime.parse(expiresAt)?.unixSeconds }
        if let years, let purchasedAt { return CivilTime.parse(purchasedAt)?.adding(years: years).unixSeconds }
        return nil
    }

    /// Expired lots (the expiry before `now`) drop out of the valid total and their pending codes
    /// can no longer be used; codes already held stay held (spec/02 §4.3).
    public func isValid(at now: Int64) -> Bool { expiry.map { now <= $0 } ?? true }

    var canonical: JSON {
        var f: [JSON.Field] = []
        if let bitrate { f.append(.init("bitrateMbps", .number(bitrate.text))) }
        if let years { f.append(.init("years", .int(years))) }
        if let purchasedAt { f.append(.init("purchasedAt", .string(purchasedAt))) }
        f.append(.init("count", .int(count)))
        if let expiresAt { f.append(.init("expiresAt", .string(expiresAt))) }
        return .object(f)
    }

    init?(json: JSON) {
        guard case let .number(c)? = json["count"], let count = Int(c) else { return nil }
        self.count = count
        expiresAt = json["expiresAt"]?.stringValue
        if case let .number(b)? = json["bitrateMbps"] { bitrate = AVBitrate(text: b) }
        if case let .number(y)? = json["years"] { years = Int(y) }
        purchasedAt = json["purchasedAt"]?.stringValue
    }
}
