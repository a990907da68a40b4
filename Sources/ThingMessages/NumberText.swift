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
              let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !d.isNaN else { return text }
        return d.description
    }

    /// Whether `(value − min) / step` is an integer, in exact decimal arithmetic (§6.6.10).
    /// Values Decimal cannot hold are not judged (no false rejection).
    static func isOnStep(_ value: String, min: Decimal, step: Decimal) -> Bool {
        guard let v = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")), !v.isNaN, step > 0 else { return true }
        var q = (v - min) / step
        if q.isNaN { return true }
        var r = Decimal()
        NSDecimalRound(&r, &q, 0, .plain)
        return r == q
    }

    static func decimal(_ text: String) -> Decimal? {
        guard let d = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), !d.isNaN else { return nil }
        return d
    }
}
