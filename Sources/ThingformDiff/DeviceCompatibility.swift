import ThingformModel
import ThingformPlan

/// Classes the changes of thing models, custom topics and a product's default topics for devices
/// in the field, with a reason each. Pure: two canonical forms in, findings out. Thing models go
/// through `ThingModelChangeClassifier` (the change classes of the thing-model chapter: cosmetic
/// and additive are compatible, narrowing and breaking are breaking); every other field change of
/// a classed kind (labels, `compat`, the order of features) is compatible.
public enum DeviceCompatibility {
    /// The findings for one resource; `before` nil is an added resource, `after` nil a removed one.
    /// `fields` is the field diff of the two (`JSONDiff`), so each field change gets a class.
    public static func findings(_ address: Address, before: JSON?, after: JSON?, fields: [FieldChange]) -> [CompatibilityFinding] {
        var out: [CompatibilityFinding]
        switch address.kind {
        case .thingModel: out = thingModel(before: before, after: after)
        case .topic: out = topic(before: before, after: after, fields: fields)
        case .product: return product(before: before, after: after, fields: fields)
        default: return []
        }
        if before != nil && after != nil {
            for f in fields where !out.contains(where: { $0.covers(f.path) }) {
                out.append(CompatibilityFinding(f.path, .compatible, f.path.hasPrefix("labels")
                    ? "labels only: no effect on devices" : "\(describe(f)): no effect on what devices send or receive"))
            }
        }
        return out
    }

    // MARK: thing models

    static func thingModel(before: JSON?, after: JSON?) -> [CompatibilityFinding] {
        let product = (after ?? before)?["spec"]?["product"]?.stringValue ?? "?"
        guard let before else { return [CompatibilityFinding("spec.model", .compatible, "thing model added for Product/\(product)")] }
        guard let after else {
            return [CompatibilityFinding("spec.model", .breaking, "thing model removed: devices of Product/\(product) lose every property, event and action")]
        }
        var out: [CompatibilityFinding] = []
        let b = before["spec"]?["product"]?.stringValue, a = after["spec"]?["product"]?.stringValue
        if b != a {
            out.append(CompatibilityFinding("spec.product", .breaking, "thing model moved from Product/\(b ?? "?") to Product/\(a ?? "?")"))
        }
        let old = before["spec"]?["model"] ?? .object([]), new = after["spec"]?["model"] ?? .object([])
        for c in ThingModelChangeClassifier.classify(before: old, after: new) {
            let compatibility: Compatibility = c.kind == .cosmetic || c.kind == .additive ? .compatible : .breaking
            out.append(CompatibilityFinding("spec.model." + c.path, compatibility,
                                            reason(c.path, c.kind, ModelPath.value(c.path, in: old), ModelPath.value(c.path, in: new))))
        }
        return out
    }

    /// A sentence for one thing-model change, from its path, class and values.
    static func reason(_ path: String, _ kind: ThingModelChangeClassifier.ChangeClass, _ before: JSON?, _ after: JSON?) -> String {
        let segments = ModelPath.segments(path)
        guard let last = segments.last else { return "changed" }
        if let id = last.id {
            let noun = nouns[last.key] ?? last.key
            switch kind {
            case .breaking: return "\(noun) '\(id)' removed: devices that still use it are refused"
            case .narrowing: return "required \(noun) '\(id)' added: devices in the field do not send it"
            default: return "\(noun) '\(id)' added"
            }
        }
        let was = show(before), now = show(after)
        if segments.count >= 2, segments[segments.count - 2].key == "mapping", segments[segments.count - 2].id == nil {
            switch kind {
            case .narrowing: return "enum value \(last.key) (\(was)) removed: devices that send it are refused"
            case .additive: return "enum value \(last.key) (\(now)) added"
            default: return "label of value \(last.key) changed (\(was) -> \(now))"
            }
        }
        switch last.key {
        case "type":
            if segments.count == 2 && segments[0].key == "events" { return "event type changed (\(was) -> \(now))" }
            return "data type changed (\(was) -> \(now)): devices send the old type"
        case "mode":
            return kind == .breaking ? "mode narrowed (\(was) -> \(now)): the cloud can no longer set it" : "mode widened (\(was) -> \(now))"
        case "min", "max":
            switch kind {
            case .cosmetic: return "\(last.key) written differently, same value (\(was) -> \(now))"
            case .additive: return "range widened (\(last.key) \(was) -> \(now))"
            default: return "range narrowed (\(last.key) \(was) -> \(now)): values devices send may be refused"
            }
        case "required":
            switch kind {
            case .narrowing: return "made required (\(was) -> \(now)): devices in the field may not send it"
            case .additive: return "made optional (\(was) -> \(now))"
            default: return "required flag changed (\(was) -> \(now))"
            }
        case "name": return "name changed (\(was) -> \(now))"
        case "desc": return "description changed"
        default: return "\(last.key) changed (\(was) -> \(now))"
        }
    }

    static let nouns = ["properties": "property", "events": "event", "actions": "action", "params": "event parameter",
                        "input": "action input", "output": "action output", "specs": "struct member"]

    // MARK: topics

    static func topic(before: JSON?, after: JSON?, fields: [FieldChange]) -> [CompatibilityFinding] {
        func name(_ j: JSON?) -> String { j?["spec"]?["name"]?.stringValue ?? "?" }
        func product(_ j: JSON?) -> String { j?["spec"]?["product"]?.stringValue ?? "?" }
        func permission(_ j: JSON?) -> TopicPermission? { j?["spec"]?["permission"]?.stringValue.flatMap(TopicPermission.init) }
        guard let before else {
            return [CompatibilityFinding("spec", .compatible, "topic '\(name(after))' added to Product/\(product(after))")]
        }
        guard let after else {
            return [CompatibilityFinding("spec", .breaking, "topic '\(name(before))' removed from Product/\(product(before)): devices that use it are refused")]
        }
        var out: [CompatibilityFinding] = []
        if product(before) != product(after) {
            out.append(CompatibilityFinding("spec.product", .breaking, "topic moved from Product/\(product(before)) to Product/\(product(after)): devices of the old product lose it"))
        }
        if name(before) != name(after) {
            out.append(CompatibilityFinding("spec.name", .breaking, "topic renamed ('\(name(before))' -> '\(name(after))'): devices that use the old name are refused"))
        }
        if let p = permission(before), let q = permission(after), p != q {
            var lost: [String] = []
            if p.allowsPublish && !q.allowsPublish { lost.append("publish") }
            if p.allowsSubscribe && !q.allowsSubscribe { lost.append("subscribe") }
            out.append(lost.isEmpty
                ? CompatibilityFinding("spec.permission", .compatible, "permission widened (\(p.rawValue) -> \(q.rawValue))")
                : CompatibilityFinding("spec.permission", .breaking,
                                       "permission narrowed (\(p.rawValue) -> \(q.rawValue)): devices can no longer \(lost.joined(separator: " or "))"))
        }
        return out
    }

    // MARK: products

    /// A product's three default custom topics (`customTopics.includeDefaults`): dropping them is
    /// breaking, adding them back compatible. Other product fields are not classed.
    static func product(before: JSON?, after: JSON?, fields: [FieldChange]) -> [CompatibilityFinding] {
        guard before != nil, after != nil, fields.contains(where: { $0.path.hasPrefix("spec.customTopics") }) else { return [] }
        func defaults(_ j: JSON?) -> Bool { j?["spec"]?["customTopics"]?["includeDefaults"]?.boolValue ?? true }
        switch (defaults(before), defaults(after)) {
        case (true, false):
            return [CompatibilityFinding("spec.customTopics", .breaking, "the default custom topics (control, data, event) are removed: devices that use them are refused")]
        case (false, true):
            return [CompatibilityFinding("spec.customTopics", .compatible, "the default custom topics (control, data, event) are added")]
        default:
            return []
        }
    }

    // MARK: text

    static func show(_ value: JSON?) -> String {
        guard let value, !value.isNull else { return "none" }
        if case let .string(s) = value { return s }
        return value.compact
    }

    static func describe(_ f: FieldChange) -> String {
        switch (f.before?.isNull ?? true, f.after?.isNull ?? true) {
        case (true, false): return "\(f.path) added"
        case (false, true): return "\(f.path) removed"
        default: return "\(f.path) changed"
        }
    }
}

/// The classifier's paths (`properties[x].define.mapping.0`) read as segments and looked up in a
/// console JSON model.
enum ModelPath {
    struct Segment: Equatable {
        var key: String
        var id: String?
    }

    static func segments(_ path: String) -> [Segment] {
        path.split(separator: ".").map { part in
            if let open = part.firstIndex(of: "["), part.hasSuffix("]") {
                return Segment(key: String(part[..<open]), id: String(part[part.index(after: open)..<part.index(before: part.endIndex)]))
            }
            return Segment(key: String(part), id: nil)
        }
    }

    /// The value at `path`; list items are found by `id`.
    static func value(_ path: String, in model: JSON) -> JSON? {
        var here: JSON? = model
        for s in segments(path) {
            here = here?[s.key]
            if let id = s.id { here = here?.arrayValue?.first { $0["id"]?.stringValue == id } }
        }
        return here
    }
}
