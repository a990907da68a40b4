/// Reads a shape from the JSON text a user writes, with the field names of spec/05 §6.3:
///
/// ```json
/// {"type": "circle", "center": {"longitude": 112.59014, "latitude": 22.28014}, "radiusMeters": 500}
/// {"type": "polygon", "points": [{"longitude": 112, "latitude": 22}, {"longitude": 113, "latitude": 22}, ...]}
/// ```
/// Unknown fields are errors (with a hint for the usual near-misses such as `radius` or `lon`).
/// Parsing checks only the form; `GeometryValidator` checks the geometry, and
/// `ParsedShape.position(of:)` places its issues back in the text.
public enum ShapeParser {
    public static func parse(_ text: String) throws(ShapeParseError) -> ParsedShape {
        let root: JSONText.Node
        do {
            root = try JSONText.parse(text)
        } catch let failure as JSONText.Failure {
            throw ShapeParseError(code: GeometryCode.syntax, message: failure.message, at: failure.at)
        } catch {
            throw ShapeParseError(code: GeometryCode.syntax, message: "\(error)", at: .init(line: 1, column: 1))
        }
        do {
            return try shape(root)
        } catch let failure as JSONText.Failure {
            throw ShapeParseError(code: GeometryCode.schema, message: failure.message, at: failure.at)
        } catch {
            throw ShapeParseError(code: GeometryCode.schema, message: "\(error)", at: root.at)
        }
    }

    static let hints = ["radius": "radiusMeters", "coordinates": "points", "lon": "longitude", "lng": "longitude",
                        "lat": "latitude", "centre": "center", "vertices": "points"]

    private static func members(_ node: JSONText.Node, what: String, allowed: [String])
        throws -> [String: JSONText.Node] {
        guard case let .object(list) = node.value else {
            throw JSONText.Failure(message: "\(what) must be an object, found \(node.typeName)", at: node.at)
        }
        var out: [String: JSONText.Node] = [:]
        for m in list {
            guard allowed.contains(m.key) else {
                var message = "unknown field \"\(m.key)\" in \(what)"
                if let hint = hints[m.key], allowed.contains(hint) { message += "; did you mean \"\(hint)\"?" }
                else { message += "; expected one of: " + allowed.joined(separator: ", ") }
                throw JSONText.Failure(message: message, at: m.keyAt)
            }
            out[m.key] = m.value
        }
        for key in allowed where out[key] == nil {
            throw JSONText.Failure(message: "\(what) is missing the field \"\(key)\"", at: node.at)
        }
        return out
    }

    private static func number(_ node: JSONText.Node, _ what: String) throws -> Double {
        guard case let .number(d) = node.value else {
            throw JSONText.Failure(message: "\(what) must be a number, found \(node.typeName)", at: node.at)
        }
        return d
    }

    private static func coordinate(_ node: JSONText.Node, _ what: String) throws -> Coordinate {
        let m = try members(node, what: what, allowed: ["longitude", "latitude"])
        return Coordinate(longitude: try number(m["longitude"]!, "\(what).longitude"),
                          latitude: try number(m["latitude"]!, "\(what).latitude"))
    }

    private static func shape(_ root: JSONText.Node) throws -> ParsedShape {
        guard case let .object(list) = root.value else {
            throw JSONText.Failure(message: "a shape must be an object, found \(root.typeName)", at: root.at)
        }
        guard let typeNode = list.first(where: { $0.key == "type" })?.value else {
            throw JSONText.Failure(message: "the shape is missing the field \"type\" (circle or polygon)", at: root.at)
        }
        guard case let .string(type) = typeNode.value else {
            throw JSONText.Failure(message: "\"type\" must be a string, found \(typeNode.typeName)", at: typeNode.at)
        }
        switch type {
        case "circle":
            let m = try members(root, what: "circle", allowed: ["type", "center", "radiusMeters"])
            let center = try coordinate(m["center"]!, "center")
            let radius = try number(m["radiusMeters"]!, "radiusMeters")
            return ParsedShape(shape: .circle(center: center, radiusMeters: radius), at: .init(root.at),
                               vertexPositions: [], centerPosition: .init(m["center"]!.at),
                               radiusPosition: .init(m["radiusMeters"]!.at))
        case "polygon":
            let m = try members(root, what: "polygon", allowed: ["type", "points"])
            guard case let .array(items) = m["points"]!.value else {
                throw JSONText.Failure(message: "points must be an array of {longitude, latitude}, found \(m["points"]!.typeName)", at: m["points"]!.at)
            }
            var points: [Coordinate] = []
            points.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { points.append(try coordinate(item, "points[\(i)]")) }
            return ParsedShape(shape: .polygon(points), at: .init(root.at), vertexPositions: items.map { .init($0.at) },
                               centerPosition: nil, radiusPosition: nil)
        case "district":
            throw JSONText.Failure(message: "district shapes need a boundary file (see the README's Space and Fence section) and cannot be read as geometry here", at: typeNode.at)
        default:
            throw JSONText.Failure(message: "unknown shape type \"\(type)\"; expected circle or polygon", at: typeNode.at)
        }
    }
}

/// A line and column in the shape's text, both 1-based; columns count Unicode scalars.
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    init(_ p: JSONText.Position) { self.init(line: p.line, column: p.column) }
    public var description: String { "\(line):\(column)" }
}

/// A shape read from text, with where each part was written.
public struct ParsedShape: Hashable, Sendable {
    public var shape: Shape
    /// Where the shape object starts.
    public var at: SourcePosition
    /// For a polygon, where each entry of `points` starts.
    public var vertexPositions: [SourcePosition]
    public var centerPosition: SourcePosition?
    public var radiusPosition: SourcePosition?

    /// Where to point at for a validator issue: its vertex, the circle's centre or radius, else the shape.
    public func position(of issue: GeometryIssue) -> SourcePosition {
        if let v = issue.vertexIndex, vertexPositions.indices.contains(v) { return vertexPositions[v] }
        if issue.code == GeometryCode.radiusOutOfRange, let radiusPosition { return radiusPosition }
        if issue.code == GeometryCode.coordinateOutOfRange, let centerPosition { return centerPosition }
        return at
    }
}

/// Why a shape's text could not be read: a syntax error (`E-GEO-10`) or a wrong form (`E-GEO-11`).
public struct ShapeParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public var position: SourcePosition

    init(code: String, message: String, at: JSONText.Position) {
        self.code = code
        self.message = message
        self.position = SourcePosition(at)
    }

    /// `line:column: CODE message`.
    public var description: String { "\(position): \(code) \(message)" }
}
