import Foundation
import ThingformModel

/// A publisher that appends each message as a replay line (`{"topic","payload","qos"}`) to a file:
/// the CLI's test seam (`THINGFORM_TEST_PUBLISH_FILE`), and a way to record downlinks.
public final class JSONLPublisher: DevicePublisher {
    public let path: String
    public init(path: String) { self.path = path }

    public func publish(_ message: OutboundMessage) throws {
        let line = JSON.object([.init("topic", .string(message.topic)), .init("payload", .string(message.text)),
                                .init("qos", .int(message.qos))]).compact + "\n"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw RuntimeError(.notRunning, "cannot write \(path)")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line.utf8))
    }
}
