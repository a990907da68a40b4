import Foundation

/// `--payload '{"a":1}'` or `--payload @file.json`, as curl does.
enum InputText {
    static func read(_ value: String, what: String) throws -> String {
        guard value.hasPrefix("@") else { return value }
        let path = String(value.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CLIError("Error: E-MAN-09 cannot read \(what) file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Output formats of the engine commands.
enum CheckFormat: String, CaseIterable {
    case text, json
}
