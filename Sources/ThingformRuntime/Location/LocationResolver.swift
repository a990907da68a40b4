import Geofence

/// Turns a cell or Wi-Fi report into coordinates (spec/05 §2.5). The console does this with a
/// cloud service (base-station and access-point databases) that a local runtime does not have, so
/// the runtime's default resolves nothing: such reports are stored as unresolved positions and
/// neither drawn nor evaluated against fences. A lookup table (tests, or a site that surveyed its
/// own access points) can be plugged in instead.
public protocol LocationResolver: Sendable {
    func resolve(_ query: LocationQuery) -> ResolvedPosition?
}

/// What a cell or Wi-Fi report asks the resolver.
public enum LocationQuery: Sendable, Equatable {
    /// Access points, strongest first as reported; MACs normalised to 12 lower-case hex digits.
    case wifi([(mac: String, rssi: Int?)])
    /// One base station (`Cell_Info`, or the legacy `LBS_BS` string).
    case cell(CellKey)

    public static func == (a: LocationQuery, b: LocationQuery) -> Bool {
        switch (a, b) {
        case let (.wifi(x), .wifi(y)): return x.map(\.mac) == y.map(\.mac) && x.map(\.rssi) == y.map(\.rssi)
        case let (.cell(x), .cell(y)): return x == y
        default: return false
        }
    }
}

/// A base station: country code, network code, area code and cell id.
public struct CellKey: Hashable, Sendable, CustomStringConvertible {
    public var mcc: Int64, mnc: Int64, lac: Int64, cid: Int64
    public init(mcc: Int64, mnc: Int64, lac: Int64, cid: Int64) {
        self.mcc = mcc
        self.mnc = mnc
        self.lac = lac
        self.cid = cid
    }
    /// `mcc/mnc/lac/cid`.
    public var description: String { "\(mcc)/\(mnc)/\(lac)/\(cid)" }
}

public struct ResolvedPosition: Sendable, Equatable {
    public var position: Coordinate
    public var accuracyMeters: Double
    public init(position: Coordinate, accuracyMeters: Double) {
        self.position = position
        self.accuracyMeters = accuracyMeters
    }
}

/// The runtime's default: no location service, nothing resolved.
public struct NoLocationService: LocationResolver {
    public init() {}
    public func resolve(_ query: LocationQuery) -> ResolvedPosition? { nil }
}

/// A fixed table of access points and base stations. A Wi-Fi report resolves to the first
/// reported access point the table knows (reports list the strongest first).
public struct LocationTable: LocationResolver {
    public var accessPoints: [String: ResolvedPosition]
    public var cells: [CellKey: ResolvedPosition]

    public init(accessPoints: [String: ResolvedPosition] = [:], cells: [CellKey: ResolvedPosition] = [:]) {
        self.accessPoints = [:]
        for (mac, p) in accessPoints { self.accessPoints[LocationExtractor.normalisedMAC(mac) ?? mac] = p }
        self.cells = cells
    }

    public func resolve(_ query: LocationQuery) -> ResolvedPosition? {
        switch query {
        case let .wifi(points): return points.lazy.compactMap { accessPoints[$0.mac] }.first
        case let .cell(key): return cells[key]
        }
    }
}
