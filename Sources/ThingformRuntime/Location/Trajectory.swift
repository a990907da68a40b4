import Foundation
import ThingformModel
import ThingformState

/// A device's historical trajectory (spec/05 §7): its positions in a window of at most 31 days,
/// oldest first, without the ones that cannot be drawn (unresolved cell / Wi-Fi reports, GPS fixes
/// marked invalid) or whose estimated accuracy is worse than the threshold (60 m by default; GPS
/// fixes have none and are always drawn). Pure: the caller reads the rows.
public struct Trajectory: Sendable {
    public static let maxSpanMillis: Int64 = 31 * 86_400_000
    public static let defaultAccuracyMeters = 60.0

    public var from: Int64
    public var to: Int64
    public var accuracyMeters: Double
    public var points: [PositionRecord]
    /// Positions in the window left out: not drawable, and less accurate than the threshold.
    public var unusable: Int
    public var inaccurate: Int

    public init(_ records: [PositionRecord], from: Int64, to: Int64, accuracyMeters: Double = defaultAccuracyMeters) {
        self.from = from
        self.to = to
        self.accuracyMeters = accuracyMeters
        var points: [PositionRecord] = [], unusable = 0, inaccurate = 0
        for r in records {
            guard r.usable, r.longitude != nil, r.latitude != nil else { unusable += 1; continue }
            if let a = r.accuracyMeters, a > accuracyMeters { inaccurate += 1; continue }
            points.append(r)
        }
        self.points = points
        self.unusable = unusable
        self.inaccurate = inaccurate
    }

    /// The window of `--from`/`--to` (each a duration back from now, RFC 3339 or unix ms): `to`
    /// defaults to now, `from` to 24 hours before `to`.
    public static func window(from: String?, to: String?, nowMillis: Int64) throws -> (from: Int64, to: Int64) {
        let end = try to.map { try time($0, "--to", nowMillis: nowMillis) } ?? nowMillis
        let start = try from.map { try time($0, "--from", nowMillis: nowMillis) } ?? end - 86_400_000
        guard start <= end else {
            throw LocationError(.reversedWindow, "--to (\(LogWindow.format(end))) is before --from (\(LogWindow.format(start)))")
        }
        guard end - start <= maxSpanMillis else {
            throw LocationError(.windowTooLong, "the window from \(LogWindow.format(start)) to \(LogWindow.format(end)) is longer than 31 days; query a month at most")
        }
        return (start, end)
    }

    /// A time option: a duration back from now (`45s`, `30m`, `1h`, `7d`), RFC 3339 or unix milliseconds.
    public static func time(_ text: String, _ option: String, nowMillis: Int64) throws -> Int64 {
        do { return try LogWindow.since(text, nowMillis: nowMillis) } catch {
            throw LocationError(.badTime, "\(option) '\(text)' is not a time; give a duration back from now (45s, 30m, 1h, 7d), an RFC 3339 time (2026-12-03T10:00:00Z) or unix milliseconds")
        }
    }

    /// A GeoJSON FeatureCollection (RFC 7946, longitude first) that QGIS and geojson.io open as
    /// is: the track as a LineString (when there are two points or more), then one Point per
    /// position with its time, type and accuracy.
    public func geoJSON(device: String) -> JSON {
        func position(_ p: PositionRecord) -> JSON { .array([Self.number(p.longitude!), Self.number(p.latitude!)]) }
        var features: [JSON] = []
        if points.count >= 2 {
            features.append(.object([
                .init("type", .string("Feature")),
                .init("geometry", .object([.init("type", .string("LineString")), .init("coordinates", .array(points.map(position)))])),
                .init("properties", .object([
                    .init("device", .string(device)), .init("kind", .string("track")), .init("points", .int(points.count)),
                    .init("from", .string(LogWindow.format(points.first!.at))), .init("to", .string(LogWindow.format(points.last!.at))),
                ])),
            ]))
        }
        for (i, p) in points.enumerated() {
            features.append(.object([
                .init("type", .string("Feature")),
                .init("geometry", .object([.init("type", .string("Point")), .init("coordinates", position(p))])),
                .init("properties", .object([
                    .init("device", .string(device)), .init("kind", .string("position")), .init("index", .int(i + 1)),
                    .init("time", .string(LogWindow.format(p.at))), .init("timeMs", .number(String(p.at))),
                    .init("locationType", .string(p.locationType)),
                    .init("accuracyMeters", p.accuracyMeters.map(Self.number) ?? .null),
                ])),
            ]))
        }
        return .object([.init("type", .string("FeatureCollection")), .init("features", .array(features))])
    }

    /// A finite double as a JSON number (`112.59014`, not `1.1259014e+02`).
    static func number(_ v: Double) -> JSON {
        if v == v.rounded(), abs(v) < 1e15 { return .number(String(Int64(v))) }
        return .number("\(v)")
    }
}
