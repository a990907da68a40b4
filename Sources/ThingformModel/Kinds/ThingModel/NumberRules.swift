import Foundation

/// int, float and string definitions (spec/01 §6.6.2-§6.6.4). Values are kept as source text and
/// checked as text first (no exponent, no leading zeros) because the text is what gets exported;
/// comparisons use Int64 (int: real exports exceed 32 bits) or Decimal (float: exact, so
/// `step 0.1 ≤ 0.3 − 0.2` is not decided by binary rounding).
enum NumberRules {
    static func isCanonicalInt(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isCanonicalInt($0[...]) }
    }

    /// `-?(0|[1-9][0-9]*)` on bytes (the decoder runs this for every bound of every feature).
    static func isCanonicalInt(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var b = b
        if b.first == UInt8(ascii: "-") { b = b.dropFirst() }
        guard let f = b.first, b.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return f != UInt8(ascii: "0") || b.count == 1
    }

    static func isPlainDecimal(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { bytes in
            guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return isCanonicalInt(bytes[...]) }
            let fraction = bytes[(dot + 1)...]
            return isCanonicalInt(bytes[..<dot]) && !fraction.isEmpty && fraction.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
    }

    /// One numeric field's text and node; any scalar is read by its text (YAML `0.0` stays "0.0").
    private static func text(_ r: inout MappingReader, _ key: String, code: String, required: Bool,
                             _ ctx: inout DecodeContext) -> (String, Node)? {
        guard let n = required ? r.required(key, code: code, &ctx) : r.node(key, &ctx) else { return nil }
        guard let s = n.scalar else {
            ctx.error(code, n, "\(r.path).\(key) must be a number, found \(n.typeName)")
            return nil
        }
        return (s.text, n)
    }

    /// The step text of real console exports that means "no step".
    public static let undefinedStep = "undefined"

    /// Created once: making a Locale per value cost more than the rest of the decoding.
    static let posix = Locale(identifier: "en_US_POSIX")

    static func decode(_ r: inout MappingReader, isInt: Bool, _ ctx: inout DecodeContext) -> DataType? {
        let code = ThingModelCode.numberDefinition
        var unit = ""
        var unitDesc: String?
        for key in ["unit", "unitDesc"] {
            guard let n = r.node(key, &ctx) else { continue }
            if let s = n.scalar, !CharacterRules.hasControlCharacters(s.text) {
                if key == "unit" { unit = s.text } else { unitDesc = s.text }
            } else {
                ctx.error(code, n, "\(r.path).\(key) must be text without control characters, found \(n.typeName)")
            }
        }
        let min = text(&r, "min", code: code, required: true, &ctx)
        let max = text(&r, "max", code: code, required: true, &ctx)
        let start = text(&r, "start", code: code, required: false, &ctx)
        let step = text(&r, "step", code: code, required: false, &ctx)
        var ok = min != nil && max != nil
        // Decoded values, [min, max, start, step]: Int64 for int, exact Decimal for float.
        var ints: [Int64?] = [nil, nil, nil, nil]
        var decimals: [Decimal?] = [nil, nil, nil, nil]
        for (i, (key, field)) in [("min", min), ("max", max), ("start", start), ("step", step)].enumerated() {
            guard let (t, node) = field else { continue }
            // Real console exports carry the literal text `undefined` as a step: no step (1) for
            // every check, kept as written so the model exports back unchanged.
            if key == "step", t == NumberRules.undefinedStep { continue }
            if isInt {
                guard isCanonicalInt(t) else {
                    ctx.error(code, node, "\(r.path).\(key) must be an integer, found '\(t)'", hint: "Write it like 0, 100 or -5")
                    ok = false
                    continue
                }
                guard let v = Int64(t) else {
                    ctx.error(ThingModelCode.numberRange, node, "\(r.path).\(key) \(t) is outside the signed 64-bit range")
                    ok = false
                    continue
                }
                ints[i] = v
            } else {
                guard isPlainDecimal(t) else {
                    ctx.error(code, node, "\(r.path).\(key) must be a decimal number without exponent, found '\(t)'",
                              hint: "Write it like 0, 0.5 or -24.0")
                    ok = false
                    continue
                }
                guard let d = Double(t), d.isFinite, let v = Decimal(string: t, locale: posix) else {
                    ctx.error(ThingModelCode.numberRange, node, "\(r.path).\(key) \(t) is not a finite number")
                    ok = false
                    continue
                }
                decimals[i] = v
            }
        }
        if ok {
            // Compare as Int64 (int) or Decimal (float); `range` is max - min (nil when it overflows).
            let order: (Int, Int) -> Int? = { a, b in
                if isInt {
                    guard let x = ints[a], let y = ints[b] else { return nil }
                    return x < y ? -1 : (x == y ? 0 : 1)
                }
                guard let x = decimals[a], let y = decimals[b] else { return nil }
                return x < y ? -1 : (x == y ? 0 : 1)
            }
            if order(0, 1) == 1 {
                ctx.error(code, max!.1, "\(r.path): min \(min!.0) is greater than max \(max!.0)")
                ok = false
            }
            if let a = order(2, 0), let b = order(2, 1), a < 0 || b > 0 {
                ctx.error(code, start!.1, "\(r.path).start \(start!.0) is outside [\(min!.0), \(max!.0)]")
                ok = false
            }
            if let stepText = step, stepText.0 != NumberRules.undefinedStep {
                let tooSmall = isInt ? (ints[3].map { $0 < 1 } ?? false) : (decimals[3].map { $0 <= 0 } ?? false)
                let tooLarge: Bool
                if isInt, let lo = ints[0], let hi = ints[1], let st = ints[3], hi > lo {
                    let (range, overflow) = hi.subtractingReportingOverflow(lo)
                    tooLarge = !overflow && st > range
                } else if !isInt, let lo = decimals[0], let hi = decimals[1], let st = decimals[3], hi > lo {
                    tooLarge = st > hi - lo
                } else {
                    tooLarge = false
                }
                if tooSmall {
                    ctx.error(code, stepText.1, "\(r.path).step must be \(isInt ? "at least 1" : "greater than 0"), found \(stepText.0)")
                    ok = false
                } else if tooLarge {
                    ctx.error(code, stepText.1, "\(r.path).step \(stepText.0) is larger than max - min")
                    ok = false
                }
            }
        }
        guard ok, let min, let max else { return nil }
        let def = NumberDefinition(unit: unit, unitDesc: unitDesc, step: step?.0 ?? "1", min: min.0, max: max.0, start: start?.0 ?? min.0)
        return isInt ? .int(def) : .float(def)
    }

    /// String bounds in UTF-8 bytes: max 1...2048 (E-TM-04 above), min 0...max (E-TM-14).
    static func decodeString(_ r: inout MappingReader, _ ctx: inout DecodeContext) -> DataType? {
        let code = ThingModelCode.stringMin
        let max = text(&r, "max", code: code, required: true, &ctx)
        let min = text(&r, "min", code: code, required: false, &ctx)
        var hi: Int?
        if let (t, n) = max {
            if !isCanonicalInt(t) {
                ctx.error(code, n, "\(r.path).max must be an integer, found '\(t)'")
            } else if let v = Int(t), v <= 2048 {
                if v < 1 { ctx.error(code, n, "\(r.path).max must be at least 1, found \(t)") } else { hi = v }
            } else {
                ctx.error(ThingModelCode.stringMax, n, "\(r.path).max \(t) is greater than 2048 bytes",
                          hint: "The console allows at most 2048 bytes")
            }
        }
        var lo: Int? = 0
        if let (t, n) = min {
            if isCanonicalInt(t), let v = Int(t), v >= 0 {
                lo = v
                if let hi, v > hi {
                    ctx.error(code, n, "\(r.path).min \(t) is greater than max \(max!.0)")
                    lo = nil
                }
            } else {
                ctx.error(code, n, "\(r.path).min must be a non-negative integer, found '\(t)'")
                lo = nil
            }
        }
        guard hi != nil, lo != nil, let max else { return nil }
        return .string(min: min?.0 ?? "0", max: max.0)
    }
}
