/// JUnit XML, the report format CI systems read: one `<testsuite>` per suite, one `<testcase>`
/// per case, a `<failure>` with the differences when it failed.
public enum JUnitReport {
    public static func xml(_ results: [TestRunner.CaseResult]) -> String {
        var bySuite: [(String, [TestRunner.CaseResult])] = []
        for r in results {
            if let i = bySuite.firstIndex(where: { $0.0 == r.suite }) { bySuite[i].1.append(r) } else { bySuite.append((r.suite, [r])) }
        }
        let failures = results.filter { !$0.passed }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"thingform\" tests=\"\(results.count)\" failures=\"\(failures)\">\n"
        for (suite, cases) in bySuite {
            let f = cases.filter { !$0.passed }.count
            let time = cases.reduce(0) { $0 + $1.seconds }
            out += "  <testsuite name=\"\(escape(suite))\" tests=\"\(cases.count)\" failures=\"\(f)\" time=\"\(format(time))\">\n"
            for c in cases {
                out += "    <testcase classname=\"\(escape(suite))\" name=\"\(escape(c.name))\" file=\"\(escape(c.location.file))\" line=\"\(c.location.line)\" time=\"\(format(c.seconds))\""
                if c.passed {
                    out += "/>\n"
                } else {
                    out += ">\n      <failure message=\"\(escape(c.failures.first?.split(separator: "\n").first.map(String.init) ?? "failed"))\">"
                    out += escape(c.failures.joined(separator: "\n"))
                    out += "</failure>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func format(_ seconds: Double) -> String {
        let ms = Int((seconds * 1000).rounded())
        let frac = String(ms % 1000)
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if u.value < 0x20 && u != "\n" && u != "\t" && u != "\r" { out += "?" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
