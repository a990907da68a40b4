import Foundation
import ThingformModel

/// Numbers compare by value, not by text: `5`, `5.0` and `5.00` are one float, so a tree that
/// kustomize, yq or PyYAML wrote out again plans no change (and trips no release lock). The text
/// stays what the user wrote (the canonical form keeps it, so `thingmodel export` writes it).
///
/// Which values are numbers is the field's type, not the text's look: a JSON number of the
/// canonical form, and the bounds of a thing model's `int`/`float` definition (`min`, `max`,
/// `start`, `step`) and a `string` definition's lengths, which the console's JSON writes as
/// strings. A version `"1.10"` or a name `"5.0"` stays a string and compares as text.
enum NumberEquality {
    /// The definition keys that hold numbers in an object whose `type` is `int` or `float`.
    static let boundKeys: Set<String> = ["min", "max", "start", "step"]

    /// The keys of a thing-model definition (`define`, `dataType`, `arrayInfo`) that hold numbers
    /// written as strings: an int or float's bounds, a string's byte-length bounds; none otherwise.
    static func numericKeys(_ fields: [JSON.Field]) -> Set<String> {
        switch fields.first(where: { $0.name == "type" })?.value.stringValue {
        case "int", "float": return boundKeys
        case "string": return ["min", "max"]
        default: return []
        }
    }

    /// Whether two leaves are the same value; `numericText` says the field holds a number written as a string.
    static func same(_ a: JSON, _ b: JSON, numericText: Bool) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case let (.number(x), .number(y)): return sameNumber(x, y)
        case let (.string(x), .string(y)) where numericText: return sameNumber(x, y)
        default: return false
        }
    }

    /// Exact decimal comparison (no binary rounding): `0.1` and `0.10` are equal, `0.1` and `0.1000001` are not.
    static func sameNumber(_ x: String, _ y: String) -> Bool {
        guard let a = Decimal(string: x, locale: posix), let b = Decimal(string: y, locale: posix),
              !a.isNaN, !b.isNaN, isNumberText(x), isNumberText(y) else { return false }
        return a == b
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// `-?digits[.digits][e±digits]` (Decimal(string:) also takes a prefix such as "5abc"; this does not).
    static func isNumberText(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        var count = digits()
        if i < b.count, b[i] == UInt8(ascii: ".") { i += 1; count += digits() }
        guard count > 0 else { return false }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    /// `value` with its thing-model number bounds as JSON numbers (`"max": "100"` → `"max": 100`):
    /// the plan JSON's typed values. Idempotent: a typed value types to itself.
    static func typed(_ value: JSON) -> JSON {
        switch value {
        case let .array(items): return .array(items.map(typed))
        case let .object(fields):
            let numeric = numericKeys(fields)
            return .object(fields.map { f in
                if numeric.contains(f.name), case let .string(s) = f.value, isNumberText(s) {
                    return JSON.Field(f.name, .number(s))
                }
                return JSON.Field(f.name, typed(f.value))
            })
        default: return value
        }
    }
}
