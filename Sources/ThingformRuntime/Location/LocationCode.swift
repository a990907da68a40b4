/// Codes of the location commands (`device track`, `fence alarms`): bad arguments, refused before
/// anything is read.
public enum LocationCode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// --from, --to or --since is not a time (a duration back from now, RFC 3339, unix ms).
    case badTime = "E-LOC-01"
    /// --to is before --from.
    case reversedWindow = "E-LOC-02"
    /// The window spans more than 31 days.
    case windowTooLong = "E-LOC-03"
    /// --format is not one the command prints.
    case badFormat = "E-LOC-04"
    /// --accuracy is not a number of metres greater than 0.
    case badAccuracy = "E-LOC-05"
    /// --space or --fence names nothing in the state and no stored alarm.
    case unknownName = "E-LOC-06"
    /// --limit outside 1…10000.
    case badLimit = "E-LOC-07"

    public var description: String { rawValue }
}

public struct LocationError: Error, CustomStringConvertible, Equatable {
    public var code: LocationCode
    public var message: String
    public init(_ code: LocationCode, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue) \(message)" }
}
