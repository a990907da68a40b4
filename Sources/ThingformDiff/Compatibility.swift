/// What a manifest change means for devices already in the field. `compatible`: a device built
/// against the old manifest keeps working (a property added, a range widened, a description
/// changed). `breaking`: it may be refused or misread (a property removed, a type changed, a range
/// narrowed, an enum value removed, a mode narrowed, a required field added, a topic removed).
public enum Compatibility: String, Sendable, Comparable, CaseIterable, Codable {
    case compatible
    case breaking

    public static func < (a: Compatibility, b: Compatibility) -> Bool { a == .compatible && b == .breaking }
}

/// One classified change of one resource: the field it is about, its class and why.
public struct CompatibilityFinding: Sendable, Equatable {
    /// The field, in the same words as the field diff (`spec.model.properties[brightness].define.max`).
    public var path: String
    public var compatibility: Compatibility
    /// A short sentence for a reviewer: `range narrowed (max 100 -> 50)`.
    public var reason: String

    public init(_ path: String, _ compatibility: Compatibility, _ reason: String) {
        self.path = path
        self.compatibility = compatibility
        self.reason = reason
    }

    /// Whether this finding explains the field change at `field`: the same field, one inside it,
    /// or (for a data type change) any field of the definition whose type changed.
    public func covers(_ field: String) -> Bool {
        if field == path || field.hasPrefix(path + ".") || field.hasPrefix(path + "[") || field.hasPrefix(path + " ") { return true }
        if path.hasSuffix(".type"), let dot = path.lastIndex(of: ".") {
            let definition = path[..<dot]
            return field.hasPrefix(definition + ".") || field.hasPrefix(definition + "[")
        }
        return false
    }
}
