/// The runtime message-validation codes of spec/01 §11.5. `E-MSG-nn`; in the digest reply style
/// the reply `code` is `4000 + nn`.
public enum MessageCode: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case notJSONObject = 1
    case badEnvelope = 2
    case methodNotAllowed = 3
    case notAnObject = 4
    case unknownIdentifier = 5
    case wrongType = 6
    case outOfRange = 7
    case badLength = 8
    case notInMapping = 9
    case badStruct = 10
    case badElement = 11
    case stepViolation = 12
    case readOnly = 13
    case missingParameter = 14
    case eventTypeMismatch = 15

    /// `E-MSG-07`.
    public var description: String { rawValue < 10 ? "E-MSG-0\(rawValue)" : "E-MSG-\(rawValue)" }

    /// The digest's reply code, `4000 + nn` (spec/01 §7.6).
    public var digestReplyCode: Int { 4000 + rawValue }

}
