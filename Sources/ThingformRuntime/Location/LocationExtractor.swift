import Foundation
import Geofence
import ThingformModel

/// One position taken from an accepted property report (spec/05 §3.3).
public struct ExtractedPosition: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case gps, gpsExt, cell, wifi
    }
    public var kind: Kind
    /// nil: a cell or Wi-Fi report the resolver could not locate.
    public var position: Coordinate?
    /// Metres; nil for GPS fixes.
    public var accuracyMeters: Double?
    /// False for `GPS_ExtInfo.location_state == 0` and unresolved reports (§2.7, §6.6).
    public var usable: Bool
    /// The property's value as reported (compact JSON).
    public var detail: String
}

/// Picks at most one position per accepted report (spec/05 §3.3): `GPS_ExtInfo` unless its
/// `location_state` is 0, otherwise `GPS_Info`, otherwise `Wifi_Info`, `Cell_Info` or the legacy
/// `LBS_BS` string through the resolver. A `GPS_ExtInfo` marked invalid with nothing better is
/// kept as an unusable position (stored, never drawn, never evaluated). Pure.
public enum LocationExtractor {
    /// The properties that can carry a position.
    public static let properties: Set<String> = ["GPS_Info", "GPS_ExtInfo", "Wifi_Info", "Cell_Info", "LBS_BS"]

    public static func extract(_ properties: [JSON.Field], resolver: LocationResolver) -> ExtractedPosition? {
        var values: [String: JSON] = [:]
        for f in properties where Self.properties.contains(f.name) { values[f.name] = f.value }
        guard !values.isEmpty else { return nil }
        var invalidExt: ExtractedPosition?
        if let ext = values["GPS_ExtInfo"], let c = coordinate(ext) {
            let state = number(ext["location_state"])
            let p = ExtractedPosition(kind: .gpsExt, position: c, accuracyMeters: nil, usable: state != 0, detail: ext.compact)
            if p.usable { return p }
            invalidExt = p
        }
        if let gps = values["GPS_Info"], let c = coordinate(gps) {
            return ExtractedPosition(kind: .gps, position: c, accuracyMeters: nil, usable: true, detail: gps.compact)
        }
        if let wifi = values["Wifi_Info"], let query = wifiQuery(wifi) {
            return resolved(.wifi, query, wifi, resolver)
        }
        for name in ["Cell_Info", "LBS_BS"] {
            if let cell = values[name], let key = cellKey(cell) { return resolved(.cell, .cell(key), cell, resolver) }
        }
        return invalidExt
    }

    static func resolved(_ kind: ExtractedPosition.Kind, _ query: LocationQuery, _ value: JSON, _ resolver: LocationResolver) -> ExtractedPosition {
        guard let r = resolver.resolve(query), r.position.isValid else {
            return ExtractedPosition(kind: kind, position: nil, accuracyMeters: nil, usable: false, detail: value.compact)
        }
        return ExtractedPosition(kind: kind, position: r.position, accuracyMeters: r.accuracyMeters, usable: true, detail: value.compact)
    }

    /// `{longitude, latitude}` in range (the thing model checked it; a product declaring the
    /// property by hand with other bounds is still held to the sphere).
    static func coordinate(_ v: JSON) -> Coordinate? {
        guard let lon = number(v["longitude"]), let lat = number(v["latitude"]) else { return nil }
        let c = Coordinate(longitude: lon, latitude: lat)
        return c.isValid ? c : nil
    }

    static func number(_ v: JSON?) -> Double? {
        if case let .number(text)? = v { return Double(text) }
        return nil
    }

    static func integer(_ v: JSON?) -> Int64? {
        guard let d = number(v), d.rounded() == d, abs(d) < 1e15 else { return nil }
        return Int64(d)
    }

    /// `[{Mac, Rssi}, ...]`; a single object is taken as a one-item list (the seed calls the type a struct).
    static func wifiQuery(_ v: JSON) -> LocationQuery? {
        let items = v.arrayValue ?? (v.fields != nil ? [v] : [])
        let points = items.compactMap { item -> (mac: String, rssi: Int?)? in
            guard let mac = item["Mac"]?.stringValue.flatMap(normalisedMAC) else { return nil }
            return (mac, integer(item["Rssi"]).map { Int($0) })
        }
        return points.isEmpty ? nil : .wifi(points)
    }

    /// `Cell_Info {mcc, mnc, lac, cid, ...}` (members matched without regard to case, so the
    /// seed's `networkType` spelling reads too), or `LBS_BS "mcc:460;mnc:0;lac:3;cid:33;..."`.
    static func cellKey(_ v: JSON) -> CellKey? {
        var members: [String: Int64] = [:]
        if let fields = v.fields {
            for f in fields { if let n = integer(f.value) { members[f.name.lowercased()] = n } }
        } else if let text = v.stringValue {
            for pair in text.split(separator: ";") {
                let kv = pair.split(separator: ":", maxSplits: 1)
                if kv.count == 2, let n = Int64(kv[1].trimmingCharacters(in: .whitespaces)) {
                    members[kv[0].trimmingCharacters(in: .whitespaces).lowercased()] = n
                }
            }
        }
        guard let mcc = members["mcc"], let mnc = members["mnc"], let lac = members["lac"], let cid = members["cid"] else { return nil }
        return CellKey(mcc: mcc, mnc: mnc, lac: lac, cid: cid)
    }

    /// 12 hex digits, optionally separated by `:` or `-`, as 12 lower-case digits (spec/05 §2.4).
    public static func normalisedMAC(_ text: String) -> String? {
        let digits = text.lowercased().filter { $0 != ":" && $0 != "-" }
        guard digits.count == 12, digits.allSatisfy({ $0.isHexDigit }) else { return nil }
        return digits
    }
}
