import ThingformModel

/// A suite of test cases kept next to the manifests (`kind: Test`): inputs for the engines and
/// the results the author expects. `thingform test` runs them without any state store.
public struct TestSuite: Sendable {
    public var name: String
    public var location: SourceLocation
    public var cases: [TestCase]
}

/// One case: what to run and what must come out.
public struct TestCase: Sendable {
    public var name: String
    public var location: SourceLocation
    public var input: TestInput
    /// The expected result, as the author wrote it (compared field by field with the actual one).
    public var expect: JSON
    public var expectLocation: SourceLocation
}

/// The engine a case exercises.
public enum TestInput: Sendable {
    /// A device message checked against a product's thing model.
    case message(MessageInput)
    /// A rule's SQL evaluated against one message.
    case rule(RuleInput)
    /// A point, or a sequence of fixes, against a fence shape.
    case fence(FenceInput)
    /// A request decided by CAM policies.
    case authz(AuthzInput)
}

public struct MessageInput: Sendable {
    /// A `Product` of the same tree (its `ThingModel` is used), or a console JSON file.
    public var product: String?
    public var thingModelJSON: String?
    public var deviceName: String?
    /// `${productId}` in the topic is replaced by the product id used for the test.
    public var topic: String
    public var payload: String
    public var strictStep: Bool
}

public struct RuleInput: Sendable {
    /// The SQL, or "" when the case names a Rule of the manifests (`rule: NAME`).
    public var sql: String
    public var rule: String?
    public var sqlLocation: SourceLocation
    public var topic: String
    public var payload: String
    public var clientId: String?
    public var productId: String?
    public var deviceName: String?
    public var timestamp: Int64?
}

public struct FenceInput: Sendable {
    /// The shape as JSON text (the same form `fence test --shape` takes), or nil with `fence`.
    public var shape: String?
    /// A `Fence` of the same tree (its shape, and its trigger unless the case gives one).
    public var fence: String?
    public var shapeLocation: SourceLocation
    public var point: (longitude: Double, latitude: Double)?
    public var fixes: [(longitude: Double, latitude: Double)]
    public var trigger: String?
}

public struct AuthzInput: Sendable {
    /// Policies as (name, JSON document text).
    public var policies: [(name: String, document: String, location: SourceLocation)]
    /// Instead of `policies`: a CamUser of the manifests, whose policies decide.
    public var user: String?
    public var action: String
    public var resource: String
    public var context: [String: String]
}
