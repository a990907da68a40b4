/// A six-segment CAM resource name, `qcs:<project>:<service>:<region>:<account>:<resource>`
/// (spec 06 §12.7), split on the first five colons — the sixth segment may itself contain `:`
/// and `/`. Used both for policy resource patterns (where segments may hold `*` globs) and for
/// the resource a request names.
///
/// ```swift
/// let r = try CAMResourceName.parse("qcs::iotexplorer:gz:uin/100000000001:project/prj-abc")
/// r.normalizedRegion   // "ap-guangzhou"
/// ```
public struct CAMResourceName: Sendable, Equatable, CustomStringConvertible {
    /// Segment 1; always `qcs`.
    public var prefix: String
    /// Segment 2, the legacy project id; must be empty in a policy.
    public var project: String
    /// Segment 3, the service (`iotexplorer`, `iotcloud`, ...); empty = any service.
    public var service: String
    /// Segment 4 as written (`gz`, `ap-guangzhou`, ...); empty = any region.
    public var region: String
    /// Segment 5 (`uin/<rootUin>`); empty = the policy owner's root account.
    public var account: String
    /// Segment 6, the resource path (`project/<id>/product/<id>`).
    public var path: String

    public var description: String { "\(prefix):\(project):\(service):\(region):\(account):\(path)" }

    /// Segment 4 with legacy abbreviations replaced by current codes (`gz` → `ap-guangzhou`).
    public var normalizedRegion: String { CAMResourceName.normalizeRegion(region) }

    /// Legacy region abbreviations (spec 06 §12.7, proposed aliasing; external table).
    public static let regionAliases: [String: String] = [
        "gz": "ap-guangzhou", "sh": "ap-shanghai", "bj": "ap-beijing", "cd": "ap-chengdu",
        "hk": "ap-hongkong", "sg": "ap-singapore", "ca": "na-toronto", "de": "eu-frankfurt",
    ]

    public static func normalizeRegion(_ region: String) -> String { regionAliases[region] ?? region }

    /// Why a string is not a resource name.
    public struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        public var message: String
        /// Column (1-based, in Unicode scalars) inside the resource string where the problem is.
        public var offset: Int
        public var description: String { message }
    }

    /// Splits a resource name into its six segments. Does not accept the bare `*` (use
    /// `CAMResourcePattern`-level handling for that); checks the shape of each segment:
    /// segment 1 is `qcs`; segment 3 is empty, `*`-globbed or `[a-z][a-z0-9]*`; segment 5 is empty,
    /// or `uin/` + digits or glob, or `uid/` + digits; segment 6 has no control characters.
    /// `isPattern` allows `*` in service, region, account and path; a request resource allows none
    /// of those checks to be loosened but `*` is then simply a character.
    public static func parse(_ text: String, isPattern: Bool = true) throws(ParseError) -> CAMResourceName {
        var parts: [Substring] = []
        var rest = text[...]
        for _ in 0..<5 {
            guard let colon = rest.firstIndex(of: ":") else {
                throw ParseError(message: "\"\(text)\" has \(parts.count + 1) segment\(parts.isEmpty ? "" : "s"); a resource name has six: qcs:<project>:<service>:<region>:<account>:<resource>", offset: 1)
            }
            parts.append(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        parts.append(rest)
        func column(of i: Int) -> Int {
            var c = 1
            for p in parts[..<i] { c += p.unicodeScalars.count + 1 }
            return c
        }
        guard parts[0] == "qcs" else {
            throw ParseError(message: "segment 1 must be \"qcs\", not \"\(parts[0])\"", offset: 1)
        }
        if isPattern && !parts[1].isEmpty {
            throw ParseError(message: "segment 2 (project id) is legacy and must be empty, not \"\(parts[1])\"", offset: column(of: 1))
        }
        let service = parts[2]
        if !service.isEmpty && !(isPattern && service.contains("*")) {
            let ok = service.utf8.enumerated().allSatisfy { i, b in
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (i > 0 && b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
            }
            if !ok { throw ParseError(message: "segment 3 (service) \"\(service)\" must be lowercase letters and digits, e.g. iotexplorer", offset: column(of: 2)) }
        }
        let region = parts[3]
        if !region.utf8.allSatisfy({ b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || (isPattern && b == UInt8(ascii: "*"))
        }) {
            throw ParseError(message: "segment 4 (region) \"\(region)\" must be a region code such as ap-guangzhou or gz", offset: column(of: 3))
        }
        let account = parts[4]
        if !account.isEmpty {
            func digits(_ s: Substring, glob: Bool) -> Bool {
                !s.isEmpty && s.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || (glob && $0 == UInt8(ascii: "*")) }
            }
            let ok: Bool
            if account.hasPrefix("uin/") {
                ok = digits(account.dropFirst(4), glob: isPattern)
            } else if account.hasPrefix("uid/") {
                ok = digits(account.dropFirst(4), glob: false)
            } else {
                ok = isPattern && account == "*"
            }
            if !ok {
                var hint = ""
                if account.contains("your_uid") { hint = " (substitute the root account UIN for the placeholder, e.g. ${cam.rootUin})" }
                throw ParseError(message: "segment 5 (account) \"\(account)\" must be uin/<digits> or uid/<digits>\(hint)", offset: column(of: 4))
            }
        }
        if parts[5].unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ParseError(message: "segment 6 (resource) contains a control character", offset: column(of: 5))
        }
        return CAMResourceName(prefix: String(parts[0]), project: String(parts[1]), service: String(service),
                               region: String(region), account: String(account), path: String(parts[5]))
    }

    /// True when `text` is a valid resource pattern: `*` or a six-segment name.
    public static func isValidPattern(_ text: String) -> Bool {
        if text == "*" { return true }
        do { _ = try parse(text, isPattern: true); return true } catch { return false }
    }
}
