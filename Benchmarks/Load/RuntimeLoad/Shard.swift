import CMosquittoClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The devices are split over child processes (shards) of this program: libmosquitto holds three
/// descriptors per client (its connection and a socket pair), and one process may not have the
/// 30,000 that 10,000 devices need when the hard limit cannot be raised. Each shard drives its
/// devices from one epoll loop; the parent starts the load in all of them at once.
///
/// The exchange on the shard's stdin/stdout, one line each: `connected N` (all N subscribed),
/// then the parent's `go`, then `result {JSON ShardResult}`.
struct ShardResult: Codable {
    var subscribed: Int
    var failures: [String]
    var sent: Int
    var replies: Int
    var badReplies: Int
    var lost: Int
    var firstBadReply: String?
    var latenciesMicros: [UInt32]
    /// The shard's own CPU seconds from `go` to its result.
    var cpuSeconds: Double
}

enum Shard {
    /// The child's side: `RuntimeLoad --shard FILE --port P --rate R --seconds S --qos Q`.
    static func serve(file: String, port: Int32, rate: Double, seconds: Double, qos: Int32) throws -> Int32 {
        let credentials = try JSONDecoder().decode([DeviceCredentials].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let needed = credentials.count * 3 + 256
        let files = ProcessFigures.raiseFileLimit(to: needed)
        guard files >= needed else { throw LoadError("shard: the open-file limit is \(files), \(needed) needed") }
        mosquitto_lib_init()
        defer { mosquitto_lib_cleanup() }
        let plan = LoadPlan(host: "127.0.0.1", port: port, reportsPerSecond: rate, seconds: seconds, qos: qos, connectWindow: 50)
        let worker = Worker(credentials: credentials, plan: plan, started: ContinuousClock().now)
        worker.connectAll(timeout: .seconds(180))
        print("connected \(worker.subscribedCount)")
        fflush(stdout)
        guard readLine() == "go" else { worker.close(); return 1 }
        let cpuBefore = ProcessFigures.cpuSeconds(getpid()) ?? .nan
        worker.report(drain: .seconds(60))
        let result = ShardResult(subscribed: worker.subscribedCount, failures: Array(worker.connectFailures.prefix(5)), sent: worker.sent,
                                 replies: worker.replies, badReplies: worker.badReplies, lost: worker.lostConnections,
                                 firstBadReply: worker.firstBadReply, latenciesMicros: worker.latenciesMicros,
                                 cpuSeconds: (ProcessFigures.cpuSeconds(getpid()) ?? .nan) - cpuBefore)
        worker.close()
        print("result " + String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        fflush(stdout)
        return 0
    }
}

/// The parent's handle on one shard process.
final class ShardProcess {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(credentials: [DeviceCredentials], file: URL, port: Int, rate: Double, seconds: Double, qos: Int32) throws {
        try JSONEncoder().encode(credentials).write(to: file)
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["--shard", file.path, "--port", String(port), "--rate", String(rate), "--seconds", String(seconds), "--qos", String(qos)]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    /// The next line the shard prints (nil when it ended).
    func line() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    func go() { input.fileHandleForWriting.write(Data("go\n".utf8)) }

    func result() throws -> ShardResult {
        guard let l = line(), l.hasPrefix("result ") else { throw LoadError("a shard ended without its result") }
        return try JSONDecoder().decode(ShardResult.self, from: Data(l.dropFirst(7).utf8))
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }
}
