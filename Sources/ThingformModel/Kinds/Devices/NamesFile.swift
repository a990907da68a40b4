/// The names file of an uploaded device batch (spec/02 §3.4, proposed grammar): RFC 4180 CSV in
/// UTF-8 with an optional BOM and `\n` or `\r\n` line endings. Only the first column is read and
/// trimmed of spaces; a first row whose first cell is `DeviceName` (any case) is a header; empty
/// rows are skipped. Every name is kept with the line and column it was read at, so that errors
/// about it (here and at plan time) point into the file.
public struct NamesFile: Sendable, Equatable {
    public struct Name: Sendable, Equatable {
        public var name: String
        /// 1-based, in the CSV file.
        public var line: Int
        public var column: Int

        public init(name: String, line: Int, column: Int) {
            self.name = name
            self.line = line
            self.column = column
        }
    }

    public enum Problem: Sendable, Equatable {
        /// Bytes that are not UTF-8 (the reader decodes them to U+FFFD), at their line.
        case notUTF8(line: Int)
        /// A quoted cell that is never closed, or text after a closing quote.
        case malformed(line: Int, column: Int, String)
        /// A first cell that is not a device name (`^[A-Za-z0-9_]{1,48}$`).
        case invalidName(Name)
        /// The first name that repeats an earlier one (only the first is reported, spec/02 §3.4).
        case duplicate(Name, firstLine: Int)
    }

    /// The valid, distinct names in file order.
    public var names: [Name] = []
    public var problems: [Problem] = []

    public init(parsing text: String) {
        var s = Array(text.unicodeScalars)
        if s.first == "\u{FEFF}" { s.removeFirst() }
        if let bad = s.firstIndex(of: "\u{FFFD}") {
            problems.append(.notUTF8(line: 1 + s[..<bad].count(where: { $0 == "\n" })))
            return
        }
        var reader = Reader(s: s)
        var sawRow = false
        var firstLine: [String: Int] = [:]
        var reportedDuplicate = false
        while let row = reader.next() {
            if let problem = row.problem {
                problems.append(problem)
                continue
            }
            guard let first = row.first, !(first.text.isEmpty && !row.othersNonEmpty) else { continue } // an empty row
            defer { sawRow = true }
            if !sawRow, first.text.lowercased() == "devicename" { continue }
            let name = Name(name: first.text, line: row.line, column: first.column)
            guard DeviceSpec.isDeviceName(name.name) else {
                problems.append(.invalidName(name))
                continue
            }
            if let earlier = firstLine[name.name] {
                if !reportedDuplicate { problems.append(.duplicate(name, firstLine: earlier)) }
                reportedDuplicate = true
                continue
            }
            firstLine[name.name] = name.line
            names.append(name)
        }
    }

    /// Reads RFC 4180 records one at a time, keeping only the first cell.
    struct Reader {
        struct Row {
            var line: Int
            var first: (text: String, column: Int)?
            var othersNonEmpty = false
            var problem: Problem?
        }

        let s: [Unicode.Scalar]
        var i = 0
        var line = 1
        var column = 1

        init(s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { i >= s.count }
        func isLineEnd(_ c: Unicode.Scalar) -> Bool { c == "\n" || c == "\r" }

        /// Consumes `\n`, `\r\n` or a lone `\r`.
        mutating func newline() {
            if s[i] == "\r", i + 1 < s.count, s[i + 1] == "\n" { i += 1 }
            i += 1
            line += 1
            column = 1
        }

        mutating func skipLine() {
            while !atEnd, !isLineEnd(s[i]) { i += 1 }
            if !atEnd { newline() }
        }

        mutating func next() -> Row? {
            guard !atEnd else { return nil }
            var row = Row(line: line)
            var index = 0
            while true {
                let start = column
                var text = ""
                var offset = 0 // where the cell's text starts, past its leading spaces or opening quote
                if !atEnd, s[i] == "\"" {
                    i += 1; column += 1; offset = 1
                    var closed = false
                    while !atEnd {
                        if s[i] == "\"" {
                            if i + 1 < s.count, s[i + 1] == "\"" {
                                text.unicodeScalars.append("\""); i += 2; column += 2
                                continue
                            }
                            i += 1; column += 1
                            closed = true
                            break
                        }
                        if isLineEnd(s[i]) {
                            text.unicodeScalars.append("\n")
                            newline()
                        } else {
                            text.unicodeScalars.append(s[i]); i += 1; column += 1
                        }
                    }
                    guard closed else {
                        row.problem = .malformed(line: row.line, column: start, "a quoted cell is never closed")
                        return row
                    }
                    if !atEnd, s[i] != ",", !isLineEnd(s[i]) {
                        row.problem = .malformed(line: line, column: column, "text after the closing quote of a cell")
                        skipLine()
                        return row
                    }
                } else {
                    while !atEnd, s[i] != ",", !isLineEnd(s[i]) {
                        text.unicodeScalars.append(s[i]); i += 1; column += 1
                    }
                    offset = text.unicodeScalars.prefix(while: { $0 == " " }).count
                }
                let trimmed = String(Substring(text).trimmingSpaces)
                if index == 0 { row.first = (trimmed, start + offset) } else if !trimmed.isEmpty { row.othersNonEmpty = true }
                index += 1
                if !atEnd, s[i] == "," {
                    i += 1; column += 1
                    continue
                }
                if !atEnd { newline() }
                return row
            }
        }
    }
}
