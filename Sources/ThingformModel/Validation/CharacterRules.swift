/// The console's character classes ("中文、英文、数字、下划线") and length rules, shared by every
/// kind. Lengths count Unicode scalars (a Han character is 1), as the console does.
public enum CharacterRules {
    /// `\p{Han}`: the CJK ideograph blocks (unified, extensions, compatibility) and 〇.
    public static func isHan(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x3007, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F, 0x30000...0x3134F: return true
        default: return false
        }
    }

    public static func isASCIILetter(_ u: Unicode.Scalar) -> Bool {
        (0x41...0x5A).contains(u.value) || (0x61...0x7A).contains(u.value)
    }

    public static func isDigit(_ u: Unicode.Scalar) -> Bool { (0x30...0x39).contains(u.value) }

    /// Chinese, English letters, digits and underscore, `min...max` characters: feature names
    /// (1-20), labels (1-12).
    public static func isHanWordText(_ s: String, max: Int, min: Int = 1) -> Bool {
        let count = s.unicodeScalars.count
        guard count >= min, count <= max else { return false }
        return s.unicodeScalars.allSatisfy { isHan($0) || isASCIILetter($0) || isDigit($0) || $0 == "_" }
    }

    /// `^[A-Za-z_][A-Za-z0-9_]{0,31}$`: thing-model identifiers.
    public static func isIdentifier(_ s: String, maxLength: Int = 32) -> Bool {
        let u = Array(s.unicodeScalars)
        guard !u.isEmpty, u.count <= maxLength, isASCIILetter(u[0]) || u[0] == "_" else { return false }
        return u.allSatisfy { isASCIILetter($0) || isDigit($0) || $0 == "_" }
    }

    /// Product names: Chinese, letters, digits, `_`, inner spaces, Chinese or English parentheses,
    /// `-`, `@`, `\`, `/`; 1-40 characters; no leading or trailing space (seed L768).
    public static func isProductName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard (1...40).contains(u.count), u.first != " ", u.last != " " else { return false }
        let extra: Set<Unicode.Scalar> = ["_", " ", "(", ")", "（", "）", "@", "\\", "/", "-"]
        return u.allSatisfy { isHan($0) || isASCIILetter($0) || isDigit($0) || extra.contains($0) }
    }

    /// Project names: Chinese, letters, digits, `_`, `-` and inner spaces; 1-32 characters.
    public static func isProjectName(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        guard (1...32).contains(u.count), u.first != " ", u.last != " " else { return false }
        return u.allSatisfy { isHan($0) || isASCIILetter($0) || isDigit($0) || $0 == "_" || $0 == "-" || $0 == " " }
    }

    public static func hasControlCharacters(_ s: String) -> Bool {
        s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    public static func length(_ s: String) -> Int { s.unicodeScalars.count }
}
