import Foundation

/// A shape with everything a point test needs computed once: the unwrapped ring and bounding
/// boxes for polygons, the angular radius for circles. `Shape.contains` prepares on every call;
/// `FenceIndex` prepares each fence once.
///
/// Shapes that fail `GeometryValidator` still never crash here: a polygon with fewer than three
/// distinct vertices, an invalid (non-finite or out-of-range) coordinate or a ring round a pole contains nothing and its
/// distance to the boundary is NaN; a circle with a non-finite centre or radius likewise.
public struct PreparedShape: Sendable {
    enum Kind: Sendable {
        case circle(center: Coordinate, radius: Double)
        case polygon(xs: [Double], ys: [Double])
        case empty
    }

    let kind: Kind
    /// One box, or two when the shape crosses the antimeridian; empty for an unusable shape.
    public let boxes: [BoundingBox]
    /// The unwrapped longitude range (polygons may reach past 180).
    let minX: Double, maxX: Double, minY: Double, maxY: Double

    /// On-edge tolerance of spec/05 §6.5, in degrees.
    public static let edgeEpsilon = 1e-12

    public init(_ shape: Shape) {
        switch shape {
        case let .circle(center, radius):
            guard center.isValid, radius.isFinite, radius >= 0 else { self = .empty; return }
            kind = .circle(center: center, radius: radius)
            let dLat = radius / GreatCircle.metersPerDegree
            let lat0 = max(-90, center.latitude - dLat), lat1 = min(90, center.latitude + dLat)
            let ratio = sin(min(Double.pi, radius / GreatCircle.earthRadiusMeters)) / cos(center.latitude * GreatCircle.radiansPerDegree)
            var lon0 = -180.0, lon1 = 180.0
            if lat0 > -90, lat1 < 90, radius / GreatCircle.earthRadiusMeters < Double.pi / 2, ratio < 1 {
                let dLon = asin(ratio) / GreatCircle.radiansPerDegree + 1e-9
                lon0 = center.longitude - dLon
                lon1 = center.longitude + dLon
            }
            minX = lon0; maxX = lon1; minY = lat0; maxY = lat1
            boxes = BoundingBox.split(minLon: lon0, minLat: lat0, maxLon: lon1, maxLat: lat1)
        case let .polygon(points):
            let ring = Ring(points)
            guard ring.count >= 3, points.allSatisfy(\.isValid), ring.lonWinding == 0 else { self = .empty; return }
            kind = .polygon(xs: ring.xs, ys: ring.ys)
            minX = ring.xs.min()!; maxX = ring.xs.max()!
            minY = ring.ys.min()!; maxY = ring.ys.max()!
            let e = PreparedShape.edgeEpsilon
            boxes = BoundingBox.split(minLon: minX - e, minLat: minY - e, maxLon: maxX + e, maxLat: maxY + e)
        }
    }

    private init(empty: ()) {
        kind = .empty; boxes = []; minX = .nan; maxX = .nan; minY = .nan; maxY = .nan
    }

    private static let empty = PreparedShape(empty: ())

    /// Whether the point is inside or on the boundary (spec/05 §6.5). Invalid points are outside.
    public func contains(_ p: Coordinate) -> Bool {
        guard p.isValid else { return false }
        switch kind {
        case let .circle(center, radius):
            if abs(p.latitude - center.latitude) * GreatCircle.metersPerDegree > radius * 1.0000001 + 1e-6 { return false }
            return GreatCircle.distance(center, p) <= radius
        case let .polygon(xs, ys):
            let e = PreparedShape.edgeEpsilon
            let py = p.latitude
            if py < minY - e || py > maxY + e { return false }
            return xs.withUnsafeBufferPointer { xb in
                ys.withUnsafeBufferPointer { yb in
                    PreparedShape.shiftedRingContains(xb.baseAddress!, yb.baseAddress!, xs.count,
                                                      minX: minX, maxX: maxX, p.longitude, py)
                }
            }
        case .empty:
            return false
        }
    }

    /// The ring test for the point and its copies one turn west and east, which meet rings that
    /// reach past ±180 (the ring's unwrapped longitudes run from `minX` to `maxX`).
    @inline(__always)
    static func shiftedRingContains(_ xb: UnsafePointer<Double>, _ yb: UnsafePointer<Double>, _ n: Int,
                                    minX: Double, maxX: Double, _ lon: Double, _ lat: Double) -> Bool {
        let e = edgeEpsilon
        if lon >= minX - e && lon <= maxX + e && ringContains(xb, yb, n, lon, lat) { return true }
        let east = lon + 360
        if east >= minX - e && east <= maxX + e && ringContains(xb, yb, n, east, lat) { return true }
        let west = lon - 360
        if west >= minX - e && west <= maxX + e && ringContains(xb, yb, n, west, lat) { return true }
        return false
    }

    /// Even-odd ray casting on the plane (longitude, latitude); within `edgeEpsilon` of an edge or
    /// a vertex counts as inside.
    static func ringContains(_ xs: [Double], _ ys: [Double], _ px: Double, _ py: Double) -> Bool {
        xs.withUnsafeBufferPointer { xb in
            ys.withUnsafeBufferPointer { yb in ringContains(xb.baseAddress!, yb.baseAddress!, xs.count, px, py) }
        }
    }

    @inline(__always)
    static func ringContains(_ xb: UnsafePointer<Double>, _ yb: UnsafePointer<Double>, _ n: Int,
                             _ px: Double, _ py: Double) -> Bool {
        let e = edgeEpsilon
        var inside = false
        var ax = xb[n - 1], ay = yb[n - 1]
        for i in 0..<n {
            let bx = xb[i], by = yb[i]
            defer { ax = bx; ay = by }
            if (ay > py + e && by > py + e) || (ay < py - e && by < py - e) { continue }
            if px >= min(ax, bx) - e && px <= max(ax, bx) + e
                && segmentDistanceSquared(px, py, ax, ay, bx, by) <= e * e {
                return true
            }
            if (ay > py) != (by > py) {
                let xi = ax + (py - ay) / (by - ay) * (bx - ax)
                if px < xi { inside.toggle() }
            }
        }
        return inside
    }

    @inline(__always)
    static func segmentDistanceSquared(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double,
                                       _ bx: Double, _ by: Double) -> Double {
        let t = segmentParameter(px, py, ax, ay, bx, by, kx: 1)
        let cx = ax + t * (bx - ax) - px, cy = ay + t * (by - ay) - py
        return cx * cx + cy * cy
    }

    /// The parameter in [0, 1] of the point of segment a–b nearest to p, with longitudes scaled by `kx`.
    @inline(__always)
    static func segmentParameter(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double,
                                 _ bx: Double, _ by: Double, kx: Double) -> Double {
        let dx = (bx - ax) * kx, dy = by - ay
        let len2 = dx * dx + dy * dy
        guard len2 > 0 else { return 0 }
        let t = ((px - ax) * kx * dx + (py - ay) * dy) / len2
        return t < 0 ? 0 : (t > 1 ? 1 : t)
    }

    /// Unsigned distance in metres from the point to the shape's boundary; `contains` tells the side.
    ///
    /// Circles: exact on the sphere, `|haversine(center, p) − radius|`.
    /// Polygons: edges are straight in (longitude, latitude) (§6.5), so the nearest edge point is
    /// found in a local equirectangular projection around `p`, and the haversine distance to that
    /// point is returned. It is exact for points on an edge (0) and a close upper bound elsewhere;
    /// the error grows with the distance (a fraction of a percent at tens of kilometres).
    /// NaN for an invalid point or an unusable shape.
    public func distanceToBoundary(_ p: Coordinate) -> Double {
        guard p.isValid else { return .nan }
        switch kind {
        case let .circle(center, radius):
            return abs(GreatCircle.distance(center, p) - radius)
        case let .polygon(xs, ys):
            let kx = max(1e-9, cos(p.latitude * GreatCircle.radiansPerDegree))
            var best = Double.infinity
            var bestX = 0.0, bestY = 0.0
            var j = xs.count - 1
            for i in 0..<xs.count {
                let ax = xs[j], ay = ys[j], bx = xs[i], by = ys[i]
                j = i
                // The copy of p nearest to this edge in longitude.
                let mid = (ax + bx) / 2
                let px = p.longitude + ((mid - p.longitude) / 360).rounded() * 360
                let t = PreparedShape.segmentParameter(px, p.latitude, ax, ay, bx, by, kx: kx)
                let cx = ax + t * (bx - ax), cy = ay + t * (by - ay)
                let dx = (cx - px) * kx, dy = cy - p.latitude
                let d2 = dx * dx + dy * dy
                if d2 < best { best = d2; bestX = cx; bestY = cy }
            }
            let nearest = Coordinate(longitude: bestX, latitude: bestY)
            return GreatCircle.distance(p, nearest)
        case .empty:
            return .nan
        }
    }
}

