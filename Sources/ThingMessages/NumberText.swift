import Foundation

/// Reading a JSON number's text exactly (spec/01 §6.6: "integral" means no fractional part, so
/// `2`, `2.0` and `2e0` are all the integer 2), without going through binary floating point.
enum NumberText {
    enum Integer: Equatable {
        case value(Int64)
        case nonIntegral
        /// Integral but beyond Int64; `negative` tells which side.
        case huge(negative: Bool)
    }

    /// The integer a number text denotes, decided digit by digit.
    static func integer(_ text: String) -> Integer {
        if let v = Int64(text) { return .value(v) }   // the common case: plain digits
        var negative = false
        var intDigits: [UInt8] = []
        var fracDigits: [UInt8] = []
        var exponent = 0
        var expNegative = false
        var part = 0   // 0 int, 1 fraction, 2 exponent
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "-"): if part == 2 { expNegative = true } else { negative = true }
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            case 0x30...0x39:
                if part == 0 { intDigits.append(c) } else if part == 1 { fracDigits.append(c) } else if exponent < 100_000 { exponent = exponent * 10 + Int(c - 0x30) }
            default: return .nonIntegral
            }
        }
        let digits = intDigits + fracDigits
        let point = intDigits.count + (expNegative ? -exponent : exponent)
        // Every digit right of the point must be zero.
        for (k, d) in digits.enumerated() where k >= max(point, 0) && d != 0x30 { return .nonIntegral }
        guard let first = digits.firstIndex(where: { $0 != 0x30 }), first < point else { return .value(0) }
        let significant = point - first
        if significant > 19 { return .huge(negative: negative) }
        var v: Int64 = 0
        for k in first..<point {
            let d = k < digits.count ? Int64(digits[k] - 0x30) : 0
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            if o1 || o2 { return .huge(negative: negative) }
            v = s
        }
        return .value(v)
    }

    /// Plain decimal text for a downlink (spec/07 §3.1.5: no exponent): `1e-5` → `0.00001`.
    static func plain(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }),
              let d = Decimal(string: text, locale: posix), !d.isNaN else { return text }
        return d.description
    }

    static let posix = Locale(identifier: "en_US_POSIX")

    /// A decimal number as `mantissa × 10^-scale`, when it fits in Int64.
    struct Scaled: Sendable {
        var mantissa: Int64
        var scale: Int

        init?(_ text: String) {
            var m: Int64 = 0
            var scale = 0
            var exponent = 0
            var negative = false
            var expNegative = false
            var part = 0   // 0 integer digits, 1 fraction digits, 2 exponent
            var digits = 0
            for c in text.utf8 {
                switch c {
                case UInt8(ascii: "-"): if part == 2 { expNegative = true } else { negative = true }
                case UInt8(ascii: "+"): break
                case UInt8(ascii: "."): part = 1
                case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
                case 0x30...0x39:
                    if part == 2 {
                        exponent = exponent * 10 + Int(c - 0x30)
                        if exponent > 40 { return nil }
                    } else {
                        if m == 0 && c == 0x30 && part == 0 { continue }
                        digits += 1
                        if digits > 18 { return nil }
                        m = m * 10 + Int64(c - 0x30)
                        if part == 1 { scale += 1 }
                    }
                default: return nil
                }
            }
            scale += expNegative ? exponent : -exponent
            if scale < 0 {
                for _ in 0..<(-scale) {
                    let (r, o) = m.multipliedReportingOverflow(by: 10)
                    if o { return nil }
                    m = r
                }
                scale = 0
            }
            if scale > 36 { return nil }
            mantissa = negative ? -m : m
            self.scale = scale
        }

        /// The mantissa at a larger scale, nil on overflow.
        func mantissa(at s: Int) -> Int64? {
            var m = mantissa
            for _ in 0..<(s - scale) {
                let (r, o) = m.multipliedReportingOverflow(by: 10)
                if o { return nil }
                m = r
            }
            return m
        }
    }

    /// Whether `(value − min) / step` is an integer, exactly (§6.6.10): in Int64 at a common
    /// decimal scale, falling back to `Decimal` for texts that do not fit.
    static func isOnStep(_ value: String, min: Scaled?, step: Scaled?, minDecimal: Decimal, stepDecimal: Decimal) -> Bool {
        if let min, let step, let v = Scaled(value) {
            let s = Swift.max(v.scale, min.scale, step.scale)
            if let vm = v.mantissa(at: s), let mm = min.mantissa(at: s), let sm = step.mantissa(at: s), sm > 0 {
                let (d, o) = vm.subtractingReportingOverflow(mm)
                if !o { return d % sm == 0 }
            }
        }
        guard let v = Decimal(string: value, locale: posix), !v.isNaN, stepDecimal > 0 else { return true }
        var q = (v - minDecimal) / stepDecimal
        if q.isNaN { return true }
        var r = Decimal()
        NSDecimalRound(&r, &q, 0, .plain)
        return r == q
    }

    static func decimal(_ text: String) -> Decimal? {
        guard let d = Decimal(string: text, locale: posix), !d.isNaN else { return nil }
        return d
    }
}
