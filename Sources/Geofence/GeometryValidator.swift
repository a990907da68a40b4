/// Checks a fence's geometry before it is planned (spec/05 §6.3, §6.9).
///
/// Circles: a valid centre and 0 < radius ≤ 1,000,000 m. Polygons: valid coordinates, 3 to 1000
/// distinct vertices (the ring closes implicitly; a duplicate closing vertex or a repeated vertex is
/// ignored), no edge exactly 180° of longitude wide, not round a pole, non-zero area, and simple:
/// no two edges cross, touch or overlap. Crossing the antimeridian is allowed.
/// Never traps, whatever the input; at most `maxReported` issues of one kind are listed.
public enum GeometryValidator {
    public static let minimumRadiusExclusive = 0.0
    public static let maximumRadiusMeters = 1_000_000.0
    public static let minimumVertices = 3
    public static let maximumVertices = 1000
    public static let maxReported = 10

    public static func validate(_ shape: Shape) -> [GeometryIssue] {
        switch shape {
        case let .circle(center, radius):
            var issues: [GeometryIssue] = []
            if !center.isValid {
                issues.append(GeometryIssue(code: GeometryCode.coordinateOutOfRange,
                                            message: "circle center \(center) is not a valid coordinate; longitude must be in [-180, 180] and latitude in [-90, 90]"))
            }
            if !(radius > minimumRadiusExclusive && radius <= maximumRadiusMeters) {
                issues.append(GeometryIssue(code: GeometryCode.radiusOutOfRange,
                                            message: "radius \(radius) m is out of range; it must be greater than 0 and at most 1000000 m"))
            }
            return issues
        case let .polygon(points):
            return validatePolygon(points)
        }
    }

    static func validatePolygon(_ points: [Coordinate]) -> [GeometryIssue] {
        var issues: [GeometryIssue] = []
        for (i, p) in points.enumerated() where !p.isValid {
            if issues.count == maxReported { break }
            issues.append(GeometryIssue(code: GeometryCode.coordinateOutOfRange,
                                        message: "vertex \(i) \(p) is not a valid coordinate; longitude must be in [-180, 180] and latitude in [-90, 90]",
                                        vertexIndex: i))
        }
        if !issues.isEmpty { return issues }
        let ring = Ring(points)
        if ring.count < minimumVertices {
            return [GeometryIssue(code: GeometryCode.tooFewVertices,
                                  message: "polygon has \(ring.count) distinct vertices; at least \(minimumVertices) are needed")]
        }
        if ring.count > maximumVertices {
            return [GeometryIssue(code: GeometryCode.tooManyVertices,
                                  message: "polygon has \(ring.count) distinct vertices; at most \(maximumVertices) are allowed",
                                  vertexIndex: ring.original[maximumVertices])]
        }
        for k in ring.ambiguousEdges.prefix(maxReported) {
            let a = ring.original[k], b = ring.original[(k + 1) % ring.count]
            issues.append(GeometryIssue(code: GeometryCode.ambiguousEdge,
                                        message: "edge from vertex \(a) to vertex \(b) spans exactly 180° of longitude, so its direction is ambiguous; add a vertex between them",
                                        vertexIndex: a))
        }
        if !issues.isEmpty { return issues }
        if ring.lonWinding != 0 {
            return [GeometryIssue(code: GeometryCode.encirclesPole,
                                  message: "polygon goes all the way round a pole; split it or add vertices so it does not circle the globe")]
        }
        if isCollinear(ring) {
            return [GeometryIssue(code: GeometryCode.zeroArea,
                                  message: "polygon has zero area: all its vertices lie on one line")]
        }
        return selfIntersections(ring)
    }

    /// Every pair of edges that cross, touch or overlap (adjacent edges may only share their common vertex).
    static func selfIntersections(_ ring: Ring) -> [GeometryIssue] {
        let n = ring.count
        let xs = ring.xs, ys = ring.ys
        var issues: [GeometryIssue] = []
        // Edge boxes for a cheap rejection.
        var x0 = [Double](repeating: 0, count: n), x1 = x0, y0 = x0, y1 = x0
        for i in 0..<n {
            let j = (i + 1) % n
            x0[i] = min(xs[i], xs[j]); x1[i] = max(xs[i], xs[j])
            y0[i] = min(ys[i], ys[j]); y1[i] = max(ys[i], ys[j])
        }
        outer: for i in 0..<n {
            for k in (i + 1)..<n {
                if x0[k] > x1[i] || x1[k] < x0[i] || y0[k] > y1[i] || y1[k] < y0[i] { continue }
                let a = (xs[i], ys[i]), b = (xs[(i + 1) % n], ys[(i + 1) % n])
                let c = (xs[k], ys[k]), d = (xs[(k + 1) % n], ys[(k + 1) % n])
                let bad: Bool
                if k == i + 1 {
                    // Shared vertex b == c: bad only if they fold back onto each other.
                    bad = onSegment(d, a, b) || onSegment(a, c, d)
                } else if i == 0 && k == n - 1 {
                    // Shared vertex a == d.
                    bad = onSegment(c, a, b) || onSegment(b, c, d)
                } else {
                    bad = segmentsIntersect(a, b, c, d)
                }
                if bad {
                    let ei = ring.original[i], ek = ring.original[k]
                    let ei2 = ring.original[(i + 1) % n], ek2 = ring.original[(k + 1) % n]
                    issues.append(GeometryIssue(code: GeometryCode.selfIntersection,
                                                message: "polygon is not simple: edge \(ei)–\(ei2) and edge \(ek)–\(ek2) intersect",
                                                vertexIndex: ek, segments: SegmentPair(ei, ek)))
                    if issues.count == maxReported { break outer }
                }
            }
        }
        return issues
    }

    typealias P = (Double, Double)

    /// All vertices on one line (the ring has no interior at all; a bow tie's signed area may be 0
    /// too, but it is reported as a self-intersection instead).
    static func isCollinear(_ ring: Ring) -> Bool {
        let a = (ring.xs[0], ring.ys[0]), b = (ring.xs[1], ring.ys[1])
        for i in 2..<ring.count where abs(orient(a, b, (ring.xs[i], ring.ys[i]))) > 1e-24 { return false }
        return true
    }

    @inline(__always)
    static func orient(_ a: P, _ b: P, _ c: P) -> Double {
        (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
    }

    /// `p` lies on the closed segment a–b.
    static func onSegment(_ p: P, _ a: P, _ b: P) -> Bool {
        orient(a, b, p) == 0 && p.0 >= min(a.0, b.0) && p.0 <= max(a.0, b.0)
            && p.1 >= min(a.1, b.1) && p.1 <= max(a.1, b.1)
    }

    /// Closed segments a–b and c–d share at least one point.
    static func segmentsIntersect(_ a: P, _ b: P, _ c: P, _ d: P) -> Bool {
        let o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b)
        if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) { return true }
        return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d)
    }
}
