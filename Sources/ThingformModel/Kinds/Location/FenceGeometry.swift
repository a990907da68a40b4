import Geofence

/// A fence's `spec.shape` as written (spec/05 §6.3): coordinates keep their source text (the
/// canonical form must not drift by a float round trip), and the engine's `Shape` is built from it.
public enum FenceGeometry: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var longitude: String
        public var latitude: String
        public var coordinate: Coordinate { Coordinate(longitude: Double(longitude) ?? .nan, latitude: Double(latitude) ?? .nan) }
        public var canonical: JSON { .object([.init("longitude", .number(longitude)), .init("latitude", .number(latitude))]) }
    }

    case circle(center: Point, radiusMeters: String)
    case polygon([Point])

    public static let types = ["circle", "polygon", "district"]

    /// The engine's shape.
    public var shape: Shape {
        switch self {
        case let .circle(c, r): return .circle(center: c.coordinate, radiusMeters: Double(r) ?? .nan)
        case let .polygon(points): return .polygon(points.map(\.coordinate))
        }
    }

    public var canonical: JSON {
        switch self {
        case let .circle(c, r):
            return .object([.init("type", .string("circle")), .init("center", c.canonical), .init("radiusMeters", .number(r))])
        case let .polygon(points):
            return .object([.init("type", .string("polygon")), .init("points", .array(points.map(\.canonical)))])
        }
    }

    /// The shape of a canonical `spec.shape` (as stored in a resource's attributes).
    public static func shape(fromCanonical j: JSON) -> Shape? {
        func point(_ p: JSON?) -> Coordinate? {
            guard case let .number(lon)? = p?["longitude"], case let .number(lat)? = p?["latitude"],
                  let x = Double(lon), let y = Double(lat) else { return nil }
            return Coordinate(longitude: x, latitude: y)
        }
        switch j["type"]?.stringValue {
        case "circle":
            guard let c = point(j["center"]), case let .number(r)? = j["radiusMeters"], let radius = Double(r) else { return nil }
            return .circle(center: c, radiusMeters: radius)
        case "polygon":
            let points = (j["points"]?.arrayValue ?? []).compactMap(point)
            return .polygon(points)
        default:
            return nil
        }
    }

    /// Reads `spec.shape` and validates it with the engine's `GeometryValidator`; each issue is
    /// reported at the vertex it names (the list item), the centre or the radius.
    static func read(_ node: Node, _ ctx: inout DecodeContext) -> FenceGeometry? {
        guard var r = MappingReader(node, path: "spec.shape", what: "shape", &ctx) else { return nil }
        guard let type = r.oneOf("type", types, required: true, code: FenceCode.shape, &ctx) else {
            r.finish(known: ["center", "radiusMeters", "points", "level", "code", "name", "boundary"], &ctx)
            return nil
        }
        var geometry: FenceGeometry?
        var vertexNodes: [Node] = []
        var centerNode: Node?
        var radiusNode: Node?
        switch type {
        case "circle":
            centerNode = r.required("center", &ctx)
            let center = centerNode.flatMap { point($0, path: "spec.shape.center", &ctx) }
            radiusNode = r.required("radiusMeters", &ctx)
            let radius = radiusNode.flatMap { number($0, path: "spec.shape.radiusMeters", &ctx) }
            if let center, let radius { geometry = .circle(center: center, radiusMeters: radius) }
        case "polygon":
            if let list = r.required("points", &ctx) {
                if let items = list.items {
                    vertexNodes = items
                    var points: [Point] = []
                    var ok = true
                    for (i, item) in items.enumerated() {
                        if let p = point(item, path: "spec.shape.points[\(i)]", &ctx) { points.append(p) } else { ok = false }
                    }
                    if ok { geometry = .polygon(points) }
                } else {
                    ctx.error(ManifestCode.wrongType, list, "spec.shape.points must be a list of {longitude, latitude}, found \(list.typeName)")
                }
            }
        default:
            ctx.error(FenceCode.shape, r.node["type"]!, "spec.shape.type: district fences need an administrative boundary dataset and are not supported yet",
                      hint: "Draw the district as a polygon (type: polygon with its boundary's points)")
            r.finish(known: ["level", "code", "name", "boundary"], &ctx)
            return nil
        }
        r.finish(&ctx)
        guard let geometry else { return nil }
        let issues = GeometryValidator.validate(geometry.shape)
        for issue in issues {
            var at: Node = node["points"] ?? node
            if let v = issue.vertexIndex, v < vertexNodes.count { at = vertexNodes[v] }
            if case .circle = geometry {
                at = issue.code == GeometryCode.radiusOutOfRange ? (radiusNode ?? node) : (centerNode ?? node)
            }
            ctx.error(issue.code, at, "spec.shape: \(issue.message)", hint: hint(issue.code))
        }
        return issues.isEmpty ? geometry : nil
    }

    static func hint(_ code: String) -> String? {
        switch code {
        case GeometryCode.coordinateOutOfRange: return "Longitude must be in [-180, 180] and latitude in [-90, 90] (decimal degrees, WGS-84)"
        case GeometryCode.selfIntersection: return "Reorder the vertices so that the edges do not cross"
        case GeometryCode.tooFewVertices: return "A polygon needs at least 3 distinct vertices"
        case GeometryCode.radiusOutOfRange: return "Use a radius in metres, greater than 0 and at most 1000000"
        default: return nil
        }
    }

    /// `{longitude: .., latitude: ..}`.
    static func point(_ node: Node, path: String, _ ctx: inout DecodeContext) -> Point? {
        guard var r = MappingReader(node, path: path, what: "point", &ctx) else { return nil }
        let lon = r.required("longitude", &ctx).flatMap { number($0, path: "\(path).longitude", &ctx) }
        let lat = r.required("latitude", &ctx).flatMap { number($0, path: "\(path).latitude", &ctx) }
        r.finish(&ctx)
        guard let lon, let lat else { return nil }
        return Point(longitude: lon, latitude: lat)
    }

    /// A plain number in JSON's grammar, kept as its source text.
    static func number(_ node: Node, path: String, _ ctx: inout DecodeContext) -> String? {
        if let s = node.scalar, s.plain, isJSONNumber(s.text) { return s.text }
        ctx.error(ManifestCode.wrongType, node, "\(path) must be a number, found \(node.typeName)")
        return nil
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func isJSONNumber(_ text: String) -> Bool {
        let b = Array(text.utf8)
        var i = 0
        func digits() -> Int { let s = i; while i < b.count, (0x30...0x39).contains(b[i]) { i += 1 }; return i - s }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; if digits() == 0 { return false } }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { return false }
        }
        return i == b.count
    }
}
