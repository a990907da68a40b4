import Foundation

/// The `resources.secrets` column: a JSON object of strings. Decoding runs once per resource on
/// every snapshot (10,000 products = 10,000 objects), so the common shape — no escapes — is
/// scanned by hand and anything else falls back to `JSONSerialization`.
public enum SecretsCoding {
    public static func encode(_ secrets: [String: String]) throws -> String {
        if secrets.isEmpty { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(secrets), as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [String: String] {
        if text == "{}" { return [:] }
        var text = text
        if let fast = text.withUTF8(scanPlain) { return fast }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "secrets are not a JSON object"))
        }
        var result: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "secret \(key) is not a string"))
            }
            result[key] = string
        }
        return result
    }

    /// `{"k":"v",...}` without backslashes or whitespace; nil for anything else.
    private static func scanPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> [String: String]? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let n = bytes.count
        guard n >= 2, bytes[0] == UInt8(ascii: "{"), bytes[n - 1] == UInt8(ascii: "}") else { return nil }
        var i = 1
        var result: [String: String] = [:]
        func string() -> String? {
            guard i < n, bytes[i] == quote else { return nil }
            let start = i + 1
            var j = start
            while j < n, bytes[j] != quote {
                if bytes[j] == backslash { return nil }
                j += 1
            }
            guard j < n else { return nil }
            i = j + 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<j]), as: UTF8.self)
        }
        while true {
            guard let key = string(), i < n, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            guard let value = string(), i < n else { return nil }
            result[key] = value
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            return bytes[i] == UInt8(ascii: "}") && i == n - 1 ? result : nil
        }
    }
}
