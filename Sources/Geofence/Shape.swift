/// A fence's geometry (spec/05 §6.3): a circle or a simple polygon without holes.
///
/// Polygon edges are straight lines in (longitude, latitude) and take the shorter way round in
/// longitude, so a ring may cross the antimeridian (e.g. 179° → -179° is 2° wide). The ring closes
/// implicitly; a duplicate closing vertex (and any repeated consecutive vertex) is ignored.
/// Concave polygons are fine; self-intersecting ones are rejected by `GeometryValidator`.
public enum Shape: Hashable, Sendable {
    /// Points within `radiusMeters` great-circle distance of `center` (boundary inside).
    case circle(center: Coordinate, radiusMeters: Double)
    /// Vertices in order, either winding; at least 3 distinct, at most 1000 (see the validator).
    case polygon([Coordinate])

    /// Whether `point` is inside or on the boundary (spec/05 §6.5): haversine distance ≤ radius for
    /// circles; even-odd ray casting with a 1e-12° on-edge tolerance for polygons.
    /// Invalid points (NaN, out of range) are never inside. For repeated tests prepare once with
    /// `PreparedShape` (or use `FenceIndex`).
    public func contains(_ point: Coordinate) -> Bool {
        PreparedShape(self).contains(point)
    }

    /// Unsigned distance in metres from `point` to the boundary; use `contains` for the side, or
    /// `signedDistanceToBoundary`. Exact (great circle) for circles; see
    /// `PreparedShape.distanceToBoundary` for the polygon approximation. NaN for invalid input.
    public func distanceToBoundary(_ point: Coordinate) -> Double {
        PreparedShape(self).distanceToBoundary(point)
    }

    /// Distance in metres to the boundary, negative inside, positive outside (0 on it).
    public func signedDistanceToBoundary(_ point: Coordinate) -> Double {
        let prepared = PreparedShape(self)
        let d = prepared.distanceToBoundary(point)
        return prepared.contains(point) ? -d : d
    }
}
