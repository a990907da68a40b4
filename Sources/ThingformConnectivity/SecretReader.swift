import Foundation
import ThingformModel

/// Reads a `SecretRef` where the runner keeps it: an environment variable, or a file (relative to
/// the working directory; one trailing newline is dropped, as editors add one).
public struct SecretReader: Sendable {
    public var environment: [String: String]
    public var directory: String

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                directory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        self.directory = directory
    }

    public func read(_ ref: SecretRef) -> String? {
        switch ref {
        case let .env(name):
            return environment[name].flatMap { $0.isEmpty ? nil : $0 }
        case let .file(path):
            let full = path.hasPrefix("/") ? path : directory + "/" + path
            guard let data = FileManager.default.contents(atPath: full), var text = String(data: data, encoding: .utf8) else { return nil }
            if text.hasSuffix("\r\n") { text.removeLast(2) } else if text.hasSuffix("\n") { text.removeLast() }
            return text.isEmpty ? nil : text
        }
    }
}
