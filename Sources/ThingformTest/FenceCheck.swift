import Geofence
import ThingformModel

/// A fence shape tried against a point or a sequence of fixes, as `thingform fence test` and
/// fence test cases do: the shape is read and validated as a manifest's would be.
public enum FenceCheck {
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var code: String
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(code) \(message)" }
    }

    /// One alarm of a sequence: the fix that raised it (1-based, the line of a JSONL file) and
    /// whether it entered or left.
    public struct Alarm: Sendable, Equatable {
        public var fix: Int
        public var event: String
        public init(fix: Int, event: String) {
            self.fix = fix
            self.event = event
        }
    }

    /// Reads and validates a shape; every geometry problem is returned with its position.
    public static func shape(_ text: String) -> (Shape?, [Problem]) {
        let parsed: ParsedShape
        do { parsed = try ShapeParser.parse(text) } catch {
            return (nil, [Problem(code: error.code, line: error.position.line, column: error.position.column, message: error.message)])
        }
        let issues = GeometryValidator.validate(parsed.shape)
        guard issues.isEmpty else {
            return (nil, issues.map { i in
                let p = parsed.position(of: i)
                return Problem(code: i.code, line: p.line, column: p.column, message: i.message)
            })
        }
        return (parsed.shape, [])
    }

    /// A `Fence` of the manifests: its shape (already validated when the manifests were loaded)
    /// and its own trigger; nil when no manifest declares it.
    public static func fence(named name: String, in desired: DesiredState) -> (shape: Shape, trigger: FenceTrigger)? {
        guard let r = desired[Address(.fence, name)], let spec = r.attributes["spec"],
              let shape = spec["shape"].flatMap(FenceGeometry.shape(fromCanonical:)) else { return nil }
        return (shape, FenceTrigger(rawValue: spec["trigger"]?.stringValue ?? "") ?? .default)
    }

    /// Inside or outside, and the distance to the boundary in metres.
    public static func point(_ shape: Shape, longitude: Double, latitude: Double) -> (inside: Bool, distanceMeters: Double) {
        let c = Coordinate(longitude: longitude, latitude: latitude)
        return (shape.contains(c), shape.distanceToBoundary(c))
    }

    /// The alarms a sequence of fixes raises under `trigger`, starting from an unknown state.
    public static func alarms(_ shape: Shape, fixes: [(longitude: Double, latitude: Double)], trigger: FenceTrigger) -> [Alarm] {
        var state = FenceState.unknown
        var out: [Alarm] = []
        for (i, f) in fixes.enumerated() {
            let fix = FenceFix(productId: "test", deviceName: "test", position: Coordinate(longitude: f.longitude, latitude: f.latitude),
                               receivedAtMs: Int64(i))
            let (next, alarm) = FenceStateMachine.step(state: state, fix: fix, fenceId: 1, shape: shape, trigger: trigger)
            state = next
            if let alarm { out.append(Alarm(fix: i + 1, event: alarm.alertType.rawValue)) }
        }
        return out
    }
}
