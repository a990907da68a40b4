/// What a message may repeat of its input (issue 13): control characters and terminal escapes are
/// shown, not obeyed (a `metadata.name` of `"\e[2K\rSuccess!"` must not redraw the terminal), and
/// a quoted value is cut to a sensible length (a 1 MB scalar is not echoed whole).
public enum Echo {
    /// The longest quoted value (`'…'`) a message repeats, in characters.
    public static let maxQuoted = 200

    /// `s` with every control character (C0 including newline and tab, DEL, C1) and the Unicode
    /// bidirectional overrides written as a visible escape (`\n`, `\u{1B}`).
    public static func escaped(_ s: String, keepNewlines: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: { needsEscape($0, keepNewlines) }) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard needsEscape(u, keepNewlines) else { out.append(u); continue }
            let text: String
            switch u {
            case "\n": text = "\\n"
            case "\r": text = "\\r"
            case "\t": text = "\\t"
            default: text = "\\u{" + String(u.value, radix: 16, uppercase: true) + "}"
            }
            out.append(contentsOf: text.unicodeScalars)
        }
        return String(out)
    }

    static func needsEscape(_ u: Unicode.Scalar, _ keepNewlines: Bool) -> Bool {
        if keepNewlines && u == "\n" { return false }
        return u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
    }

    /// `s` with each single-quoted segment longer than `maxQuoted` characters cut, saying how long it was.
    public static func cutQuoted(_ s: String) -> String {
        guard s.count > maxQuoted + 2 else { return s }
        var out = ""
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "'") {
            out += rest[...open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "'") else { rest = rest[after...]; break }
            let inner = rest[after..<close]
            // A value `cut` already shortened keeps its "…(N characters)".
            if inner.count > maxQuoted, !(inner.count <= maxQuoted + 30 && inner.hasSuffix(" characters)")) {
                out += inner.prefix(maxQuoted) + "…(\(inner.count) characters)"
            } else {
                out += inner
            }
            out += "'"
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }

    /// `s` cut to `maxQuoted` characters, saying how long it was.
    public static func cut(_ s: String) -> String {
        s.count > maxQuoted ? s.prefix(maxQuoted) + "…(\(s.count) characters)" : s
    }

    /// Both: what every diagnostic's message, hint, address and file go through.
    public static func safe(_ s: String) -> String { cutQuoted(escaped(s)) }
}
