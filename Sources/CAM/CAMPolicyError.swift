/// A problem in a policy document: a stable code, where it is (line and column inside the policy
/// text, 1-based, columns in Unicode scalars; 0:0 when the problem is not inside the text, e.g. the
/// policy name), what is wrong and how to fix it.
///
/// `description` reads `3:17: InvalidEffect statement[0].effect must be "allow" or "deny", not "Allow". Write it in lowercase.`
public struct CAMPolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable error codes. The first three are the spec's own (§12.6); the others are proposed
    /// names for the remaining rules of §12.6 and §12.9.
    public enum Code: String, Sendable, CaseIterable {
        case invalidPolicyVersion = "InvalidPolicyVersion"
        case policyDocumentTooLong = "PolicyDocumentTooLong"
        case invalidResource = "InvalidResource"
        /// The text is not JSON (reported once, at the first syntax error).
        case invalidJSON = "InvalidJSON"
        /// A required element (`version`, `statement`, `effect`, `action`, `resource`) is missing.
        case missingElement = "MissingElement"
        /// A key that is not part of the grammar.
        case unknownElement = "UnknownElement"
        /// An element name written with capitals (`Version`); element names are lowercase.
        case elementNotLowercase = "ElementNotLowercase"
        /// `principal` in an identity policy.
        case principalNotAllowed = "PrincipalNotAllowed"
        /// An element holds the wrong kind of JSON value (e.g. a number where a string is needed).
        case invalidElementType = "InvalidElementType"
        /// `statement` is empty, or `action`/`resource` is an empty list.
        case emptyElement = "EmptyElement"
        case tooManyStatements = "TooManyStatements"
        case invalidEffect = "InvalidEffect"
        /// An action pattern that does not follow `*` or `[name/]service:ApiGlob`.
        case invalidAction = "InvalidAction"
        /// A well-formed action naming an unknown service or an unknown API of a known service.
        case unknownAction = "UnknownAction"
        /// A `permid/` feature-set action (not supported).
        case unsupportedActionPrefix = "UnsupportedActionPrefix"
        case invalidCondition = "InvalidCondition"
        case unknownConditionOperator = "UnknownConditionOperator"
        case unknownConditionKey = "UnknownConditionKey"
        case invalidConditionValue = "InvalidConditionValue"
        case invalidPolicyName = "InvalidPolicyName"
    }

    public var code: Code
    public var line: Int
    public var column: Int
    public var message: String
    /// A way out, or "" when the message says it all.
    public var hint: String

    public init(code: Code, line: Int, column: Int, message: String, hint: String = "") {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    init(_ code: Code, _ position: JSONPosition, _ message: String, hint: String = "") {
        self.init(code: code, line: position.line, column: position.column, message: message, hint: hint)
    }

    public var description: String {
        "\(line):\(column): \(code.rawValue) \(message)" + (hint.isEmpty ? "" : " \(hint)")
    }
}
