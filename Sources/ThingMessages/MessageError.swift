/// Why one value, parameter, property, event or envelope field was rejected. `path` names the
/// place (`brightness`, `GPS_Info.latitude`, `hsl[1]`, `low_voltage.voltage`); `causes` holds the
/// nested reasons of a struct (every bad member) or an array (its first bad element, E-MSG-11).
public struct MessageError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: MessageCode
    public var path: String
    public var message: String
    public var causes: [MessageError]

    public init(_ code: MessageCode, path: String, _ message: String, causes: [MessageError] = []) {
        self.code = code
        self.path = path
        self.message = message
        self.causes = causes
    }

    /// The innermost reasons, which are what a reply's status lists (`hsl[1]: E-MSG-07 …`).
    public var leaves: [MessageError] { causes.isEmpty ? [self] : causes.flatMap(\.leaves) }

    /// `brightness: E-MSG-07 value 101 out of range:[0,100]`.
    public var description: String { "\(path): \(code) \(message)" }

    func prefixed(_ prefix: String) -> MessageError {
        MessageError(code, path: prefix + path, message, causes: causes.map { $0.prefixed(prefix) })
    }
}
