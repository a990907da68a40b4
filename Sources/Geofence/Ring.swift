/// A polygon's vertex list made ready for planar geometry (spec/05 §6.3, §6.5).
///
/// - Consecutive duplicate vertices and the duplicate closing vertex are dropped; `original`
///   keeps, for every remaining vertex, its index in the user's list so issues can name it.
/// - Longitudes are *unwrapped*: every edge takes the shorter way round in longitude, so an edge
///   from 179° to -179° is 2° wide and crosses the antimeridian. The unwrapped ring is then
///   shifted so that its westmost longitude lies in [-180, 180); its eastmost may exceed 180.
///   This is how polygons crossing the antimeridian are supported (the issue overrides the
///   rejection proposed in §6.3).
/// - `lonWinding` is the number of full turns the ring makes round the pole (non-zero: the ring
///   encircles a pole and has no planar meaning; the validator rejects it).
struct Ring {
    var xs: [Double] = []
    var ys: [Double] = []
    var original: [Int] = []
    var lonWinding = 0
    /// An edge whose longitudes differ by exactly 180°: its direction round the globe is ambiguous.
    /// Holds the index (in `xs`) of the edge's first vertex.
    var ambiguousEdges: [Int] = []
    var allFinite = true

    var count: Int { xs.count }

    init(_ points: [Coordinate]) {
        xs.reserveCapacity(points.count)
        ys.reserveCapacity(points.count)
        original.reserveCapacity(points.count)
        var lons: [Double] = []
        lons.reserveCapacity(points.count)
        for (i, p) in points.enumerated() {
            if !(p.longitude.isFinite && p.latitude.isFinite) { allFinite = false }
            if let last = lons.last, last == p.longitude, ys.last == p.latitude { continue }
            lons.append(p.longitude)
            ys.append(p.latitude)
            original.append(i)
        }
        if lons.count > 1, lons[0] == lons[lons.count - 1], ys[0] == ys[ys.count - 1] {
            lons.removeLast(); ys.removeLast(); original.removeLast()
        }
        guard !lons.isEmpty else { return }
        guard allFinite else { xs = lons; return }
        xs.append(lons[0])
        for i in 1..<lons.count {
            let d = Ring.wrap(lons[i] - lons[i - 1])
            if abs(d) == 180 { ambiguousEdges.append(i - 1) }
            xs.append(xs[i - 1] + d)
        }
        if lons.count > 1 {
            let closing = Ring.wrap(lons[0] - lons[lons.count - 1])
            if abs(closing) == 180 { ambiguousEdges.append(lons.count - 1) }
            let end = xs[xs.count - 1] + closing
            // Finite but huge longitudes (1e308) can overflow to infinity here: such a ring is
            // out of range anyway (the validator says so), so it simply gets no winding.
            let turns = ((end - xs[0]) / 360).rounded()
            lonWinding = turns.isFinite && abs(turns) < 1e15 ? Int(turns) : 0
        }
        if let minX = xs.min() {
            // Shift by whole turns so the westmost vertex lies in [-180, 180).
            let turns = ((minX + 180) / 360).rounded(.down)
            if turns != 0 { for i in xs.indices { xs[i] -= turns * 360 } }
        }
    }

    /// A longitude difference mapped into (-180, 180].
    static func wrap(_ d: Double) -> Double {
        var r = d.truncatingRemainder(dividingBy: 360)
        if r > 180 { r -= 360 } else if r <= -180 { r += 360 }
        return r
    }
}
