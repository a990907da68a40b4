import ThingformModel

/// What every renderer shares: how a value reads in a plan, which fields are never shown, and
/// the summary sentence. Secrets never reach a plan's attributes, but a field whose name ends in
/// `secret` or `password` is redacted anyway, so a future kind cannot leak one by accident.
enum RenderSupport {
    static let sensitive = "(sensitive value)"
    static let knownAfterApply = "(known after apply)"

    /// Whether the last component of `path` (`spec.productSecret`, `spec.mqtt.password`) names a secret.
    static func isSensitive(_ path: String) -> Bool {
        var last = Substring(path)
        if let dot = last.lastIndex(of: ".") { last = last[last.index(after: dot)...] }
        if let bracket = last.firstIndex(of: "[") { last = last[..<bracket] }
        let lower = last.lowercased()
        return lower.hasSuffix("secret") || lower.hasSuffix("password")
    }

    /// A copy of `value` whose sensitive object fields (at any depth) are replaced by a marker.
    static func redacted(_ value: JSON) -> JSON {
        switch value {
        case let .object(fields):
            return .object(fields.map { f in
                JSON.Field(f.name, isSensitive(f.name) && !f.value.isNull ? .string(sensitive) : redacted(f.value))
            })
        case let .array(items):
            return .array(items.map(redacted))
        default:
            return value
        }
    }

    /// One value on one line: strings quoted, objects and lists as compact JSON, secrets hidden.
    static func inline(_ value: JSON?, path: String = "") -> String {
        guard let value else { return "null" }
        if isSensitive(path), !value.isNull { return sensitive }
        return redacted(value).compact
    }

    /// Whether a key can be printed unquoted: it starts with a letter or `_`.
    static func isBareKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first else { return false }
        return first == "_" || first.properties.isAlphabetic
    }

    /// Absent and JSON null both read as "no value" when choosing `+`, `~` or `-`.
    static func hasValue(_ value: JSON?) -> Bool {
        guard let value else { return false }
        return !value.isNull
    }

    /// `+`, `~` or `-` for one field change.
    static func symbol(_ f: FieldChange) -> String {
        switch (hasValue(f.before), hasValue(f.after)) {
        case (false, true): return "+"
        case (true, false): return "-"
        default: return "~"
        }
    }

    /// The verb of a change's heading: the action's, except for an application for release, which
    /// does not publish by itself.
    static func verb(_ c: Change) -> String {
        guard let step = c.release, step.via == .review || step.to == .underReview else { return c.action.verb }
        return step.autoApproved ? "will apply for release, approved at once (released)" : "will apply for release (under review)"
    }

    /// `Plan: 1 to add, 2 to change, 0 to destroy.` or the no-changes sentence.
    static func summarySentence(_ plan: Plan) -> String {
        guard plan.hasChanges else { return "No changes. Your infrastructure matches the configuration." }
        let s = plan.summary
        return "Plan: \(s.added) to add, \(s.changed) to change, \(s.destroyed) to destroy."
    }

    /// The lines a reviewer reads for one change, as `(symbol, path, value text, forces replacement)`:
    /// every field of a create, the id and fields of a delete, the field diffs otherwise.
    static func fieldLines(_ c: Change) -> [(symbol: String, path: String, before: JSON?, after: JSON?, forces: Bool)] {
        switch c.action {
        case .create:
            return leaves(c.after).map { ("+", $0.path, nil, $0.value, false) }
        case .delete:
            return leaves(c.before).map { ("-", $0.path, $0.value, nil, false) }
        case .publish, .unpublish:
            if c.fields.isEmpty {
                let on = c.action == .publish
                return [("~", "spec.released", .bool(!on), .bool(on), false)]
            }
            return c.fields.map { ("~", $0.path, $0.before, $0.after, $0.forcesReplacement) }
        case .update, .replace:
            return c.fields.map { (symbol($0), $0.path, $0.before, $0.after, $0.forcesReplacement) }
        }
    }

    /// The top-level fields of `labels` and `spec` (`spec.name`, `labels.customer`), nulls left out.
    static func leaves(_ attributes: JSON?) -> [(path: String, value: JSON)] {
        var out: [(String, JSON)] = []
        for section in attributes?.fields ?? [] {
            guard let fields = section.value.fields else {
                if !section.value.isNull { out.append((section.name, section.value)) }
                continue
            }
            for f in fields where !f.value.isNull { out.append(("\(section.name).\(f.name)", f.value)) }
        }
        return out
    }
}
