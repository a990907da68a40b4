/// A product's complete thing model (spec/01 §6): properties, events and actions, each in
/// declaration order, because the console lists them in that order (canonical rule 2).
public struct ThingModelDefinition: Hashable, Sendable {
    public var properties: [Property]
    public var events: [Event]
    public var actions: [Action]

    public init(properties: [Property] = [], events: [Event] = [], actions: [Action] = []) {
        self.properties = properties
        self.events = events
        self.actions = actions
    }

    /// Every feature identifier, in order (one namespace across the three lists, §6.4).
    public var featureIDs: [String] { properties.map(\.id) + events.map(\.id) + actions.map(\.id) }
}

/// Whether a model violating the console's name and label rules is refused or accepted with
/// warnings (§6.4): the console's own exported JSON breaks them, so imports need a way in.
public enum Compat: String, Sendable, CaseIterable {
    case strict, lenient
}

/// 属性: a value the device reports and, when read-write, the platform may set.
public struct Property: Hashable, Sendable {
    public enum Mode: String, Sendable, CaseIterable { case rw, r }
    /// Manifest-only (never exported): which console tab lists the feature (§6.2).
    public enum Origin: String, Sendable, CaseIterable { case custom, standard, system }

    public var id: String
    public var name: String
    public var desc: String
    public var required: Bool
    public var mode: Mode
    public var define: DataType
    public var origin: Origin

    public init(id: String, name: String, desc: String = "", required: Bool = false, mode: Mode,
                define: DataType, origin: Origin = .custom) {
        self.id = id
        self.name = name
        self.desc = desc
        self.required = required
        self.mode = mode
        self.define = define
        self.origin = origin
    }
}

/// 事件: data the device raises on its own, typed info / alert / fault.
public struct Event: Hashable, Sendable {
    public enum EventType: String, Sendable, CaseIterable { case info, alert, fault }

    public var id: String
    public var name: String
    public var desc: String
    public var type: EventType
    public var required: Bool
    public var params: [Parameter]

    public init(id: String, name: String, desc: String = "", type: EventType, required: Bool = false,
                params: [Parameter] = []) {
        self.id = id
        self.name = name
        self.desc = desc
        self.type = type
        self.required = required
        self.params = params
    }
}

/// 行为: a call the platform makes on the device, with input and output parameters.
public struct Action: Hashable, Sendable {
    public var id: String
    public var name: String
    public var desc: String
    public var input: [Parameter]
    public var output: [Parameter]
    public var required: Bool

    public init(id: String, name: String, desc: String = "", input: [Parameter] = [], output: [Parameter] = [],
                required: Bool = false) {
        self.id = id
        self.name = name
        self.desc = desc
        self.input = input
        self.output = output
        self.required = required
    }
}

/// An event parameter or an action input/output. Identifiers are unique only within their own list.
public struct Parameter: Hashable, Sendable {
    public var id: String
    public var name: String
    public var desc: String
    public var define: DataType

    public init(id: String, name: String, desc: String = "", define: DataType) {
        self.id = id
        self.name = name
        self.desc = desc
        self.define = define
    }
}
