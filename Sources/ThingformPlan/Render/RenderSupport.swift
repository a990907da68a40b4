import ThingformModel

/// What every renderer shares: how a value reads in a plan, which fields are never shown, and
/// the summary sentence. Secrets never reach a plan's attributes, but a field whose name ends in
/// `secret` or `password` is redacted anyway, so a future kind cannot leak one by accident.
enum RenderSupport {
    static let sensitive = "(sensitive value)"
    static let knownAfterApply = "(known after apply)"

    /// Whether the last component of `path` (`spec.productSecret`, `spec.mqtt.password`) names a
    /// secret. Byte by byte, without copying: it runs for every field of every rendered change.
    static func isSensitive(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            var start = 0
            if let dot = bytes.lastIndex(of: UInt8(ascii: ".")) { start = dot + 1 }
            var end = bytes.count
            if let bracket = bytes[start...].firstIndex(of: UInt8(ascii: "[")) { end = bracket }
            let last = UnsafeBufferPointer(rebasing: bytes[start..<end])
            return endsWithIgnoringCase(last, "secret") || endsWithIgnoringCase(last, "password")
        }
    }

    /// ASCII case-insensitive suffix test (the suffixes are lower-case ASCII).
    private static func endsWithIgnoringCase(_ bytes: UnsafeBufferPointer<UInt8>, _ suffix: StaticString) -> Bool {
        let n = suffix.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        let s = suffix.utf8Start
        let offset = bytes.count - n
        for i in 0..<n {
            var b = bytes[offset + i]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != s[i] { return false }
        }
        return true
    }

    /// One value on one line: strings quoted, objects and lists as compact JSON, secrets hidden.
    static func inline(_ value: JSON?, path: String = "") -> String {
        var out: [UInt8] = []
        appendInline(value, sensitive: !path.isEmpty && isSensitive(path), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `inline`'s text appended to `out`, redacting as it writes (no redacted copy of the value).
    static func appendInline(_ value: JSON?, sensitive: Bool, to out: inout [UInt8]) {
        guard let value else { return out.append(contentsOf: "null".utf8) }
        if sensitive, !value.isNull { return out.append(contentsOf: RenderSupport.sensitive.utf8) }
        appendRedacted(value, to: &out)
    }

    /// Compact JSON of `value` with sensitive object fields replaced by the marker: the same text
    /// as printing a copy of `value` with those fields replaced would.
    static func appendRedacted(_ value: JSON, to out: inout [UInt8]) {
        switch value {
        case let .array(items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendRedacted(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(fields):
            out.append(UInt8(ascii: "{"))
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(f.name, to: &out)
                out.append(UInt8(ascii: ":"))
                if isSensitive(f.name) && !f.value.isNull {
                    JSON.writeString(sensitive, to: &out)
                } else {
                    appendRedacted(f.value, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        default:
            value.writeCompact(to: &out)
        }
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

    /// `Plan: 1 to add, 2 to change, 0 to destroy.` or the no-changes sentence; nil for a plan with
    /// errors and no changes (it never says "No changes": what it would change is unknown).
    static func summarySentence(_ plan: Plan) -> String? {
        guard plan.hasChanges else { return plan.hasErrors ? nil : "No changes. Your infrastructure matches the configuration." }
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
