/// One problem with a fence's geometry, found by `GeometryValidator` at plan time.
///
/// Spec/05 §6.9 lists the conditions ("fewer than 3 vertices, self-intersecting, out-of-range
/// coordinates, radius ≤ 0") but gives them no codes; the `E-GEO-nn` codes are ours (`GeometryCode`).
/// Vertex indexes are positions in the list the user wrote (0-based), before duplicates are dropped.
public struct GeometryIssue: Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    /// The offending vertex, when one is to blame.
    public var vertexIndex: Int?
    /// For a self-intersection: the two edges, each named by the index of its first vertex
    /// (edge `i` runs from vertex `i` to the next distinct vertex, the last one back to the first).
    public var segments: SegmentPair?

    public init(code: String, message: String, vertexIndex: Int? = nil, segments: SegmentPair? = nil) {
        self.code = code
        self.message = message
        self.vertexIndex = vertexIndex
        self.segments = segments
    }

    public var description: String { "\(code) \(message)" }
}

/// Two polygon edges, each named by the user's index of its first vertex; `first < second`.
public struct SegmentPair: Hashable, Sendable {
    public var first: Int
    public var second: Int
    public init(_ first: Int, _ second: Int) {
        self.first = min(first, second)
        self.second = max(first, second)
    }
}

/// Codes for geometry issues (spec/05 §6.3, §6.9; the numbering is ours).
public enum GeometryCode {
    /// A coordinate is NaN, infinite or outside longitude [-180, 180] / latitude [-90, 90] (§1.2).
    public static let coordinateOutOfRange = "E-GEO-01"
    /// A polygon has fewer than 3 distinct vertices.
    public static let tooFewVertices = "E-GEO-02"
    /// A polygon has more than 1000 distinct vertices.
    public static let tooManyVertices = "E-GEO-03"
    /// Two edges of a polygon cross, touch or overlap: the ring is not simple.
    public static let selfIntersection = "E-GEO-04"
    /// A circle's radius is not in (0, 1,000,000] metres.
    public static let radiusOutOfRange = "E-GEO-05"
    /// A polygon's vertices are all on one line: it has no area.
    public static let zeroArea = "E-GEO-06"
    /// An edge's ends are exactly 180° of longitude apart: which way round it goes is ambiguous.
    public static let ambiguousEdge = "E-GEO-07"
    /// The ring goes all the way round a pole, so it has no inside on the (longitude, latitude) plane.
    public static let encirclesPole = "E-GEO-08"
    /// The shape's JSON text could not be read (`ShapeParser`).
    public static let syntax = "E-GEO-10"
    /// The shape's JSON is well formed but not a shape: wrong or missing field, unknown type (`ShapeParser`).
    public static let schema = "E-GEO-11"
}
