import Foundation

/// Where the mosquitto auth plugin (`swift build --product thingform-mosquitto-auth`) is found:
/// `THINGFORM_MOSQUITTO_PLUGIN` when set, else next to the running executable
/// (`.build/<config>/libthingform-mosquitto-auth.so` beside `.build/<config>/thingform`).
public enum PluginLocation {
    public static let fileName = "libthingform-mosquitto-auth.so"
    public static let environmentVariable = "THINGFORM_MOSQUITTO_PLUGIN"

    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment,
                               executable: URL? = Bundle.main.executableURL) throws -> String {
        if let path = environment[environmentVariable], !path.isEmpty {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: absolute) else {
                throw BrokerError(message: "\(environmentVariable)=\(path): no such file", logTail: "")
            }
            return absolute
        }
        let folder = (executable ?? URL(fileURLWithPath: CommandLine.arguments[0]))
            .resolvingSymlinksInPath().deletingLastPathComponent()
        let candidate = folder.appendingPathComponent(fileName).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: candidate) else {
            throw BrokerError(message: "the broker's auth plugin \(candidate) is missing: build it with `swift build --product thingform-mosquitto-auth` (or set \(environmentVariable))",
                              logTail: "")
        }
        return candidate
    }
}
