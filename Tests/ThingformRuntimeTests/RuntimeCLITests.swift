import Foundation
import ThingformModel
import ThingformState
import XCTest

/// `thingform replay` and `thingform device …` through the built binary, on a state file with the
/// conformance fixture applied.
final class RuntimeCLITests: XCTestCase {
    var cli: CLIHarness!
    var folder: URL { cli.folder }
    var statePath: String { cli.statePath }

    override func setUpWithError() throws {
        cli = try CLIHarness()
        _ = try RuntimeFixture.store(path: statePath)
    }

    override func tearDown() { cli.remove() }

    typealias Output = CLIHarness.Output

    func start(_ args: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) { try cli.start(args, environment: environment) }
    func finish(_ started: (Process, Pipe, Pipe)) -> Output { cli.finish(started) }
    func run(_ args: [String], environment: [String: String] = [:]) throws -> Output { try cli.run(args, environment: environment) }
    func write(_ name: String, _ lines: [String]) throws -> String { try cli.write(name, lines) }

    static func line(_ topic: String, _ payload: String, at: Int64, client: String = "ABCDEFGHIJdev001") -> String {
        JSON.object([.init("topic", .string(topic)), .init("payload", .string(payload)), .init("clientId", .string(client)),
                     .init("timestamp", .number(String(at)))]).compact
    }

    static let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    static let recording = [
        line(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-0","params":{"power_switch":1,"brightness":42}}"#, at: 1_700_000_000_000),
        line(up, #"{"method":"report","clientToken":"ABCDEFGHIJ-1","params":{"brightness":150}}"#, at: 1_700_000_001_000),
        #"{"topic": "$thing/up/property/ABCDEFGHIJ/dev001", "payload": "#,
        "",
        line("$sys/operation/ABCDEFGHIJ/dev001", #"{"type":"get","resource":["time"]}"#, at: 1_700_000_002_500),
        #"{"topic":"$thing/up/property/ABCDEFGHIJ/dev001","payload_base64":"eyJtZXRob2QiOiJnZXRfc3RhdHVzIiwiY2xpZW50VG9rZW4iOiJBQkNERUZHSElKLTIifQ==","timestamp":1700000003000}"#,
        line("$thing/up/property/ABCDEFGHIJ/dev999", #"{"method":"report","clientToken":"x","params":{}}"#, at: 1_700_000_004_000, client: "ABCDEFGHIJdev999"),
    ]

    /// Replay prints what happened per message, reports the malformed line by number, runs the
    /// rest, and exits 1; the stored result is what `device shadow` and `device logs` show.
    func testReplayTextWithAMalformedLine() throws {
        let file = try write("recording.jsonl", Self.recording)
        let out = try run(["replay", file])
        XCTAssertEqual(out.status, 1, out.stderr)
        XCTAssertTrue(out.stdout.contains("""
            line 1: report ABCDEFGHIJ/dev001 accepted
              -> $thing/down/property/ABCDEFGHIJ/dev001 {"method":"report_reply","clientToken":"ABCDEFGHIJ-0","code":0,"status":"success"}
            line 2: report ABCDEFGHIJ/dev001 rejected E-MSG-07 check report data err: brightness value 150 out of range:[0,100]
            """), out.stdout)
        XCTAssertTrue(out.stdout.contains("line 3: malformed, skipped: E-RUN-08 line 3: not a JSON object"), out.stdout)
        XCTAssertTrue(out.stdout.contains(#"-> $sys/operation/result/ABCDEFGHIJ/dev001 {"type":"get","time":1700000002,"ntptime1":1700000002500,"ntptime2":1700000002500}"#), out.stdout)
        XCTAssertTrue(out.stdout.contains(#"{"method":"get_status_reply","clientToken":"ABCDEFGHIJ-2","code":0,"status":"success","data":{"reported":{"power_switch":1,"brightness":42}}}"#), out.stdout)
        XCTAssertTrue(out.stdout.contains("line 7: thing $thing/up/property/ABCDEFGHIJ/dev999 rejected E-RUN-02"), out.stdout)
        XCTAssertTrue(out.stderr.contains("replay: 5 messages: 3 accepted, 2 rejected, 0 logged; 0 rule matches; 1 malformed line skipped"), out.stderr)

        let shadow = try run(["device", "shadow", "smart-light/dev001", "--format", "json"])
        XCTAssertEqual(shadow.status, 0, shadow.stderr)
        XCTAssertEqual(JSON.parse(shadow.stdout)?["reported"], JSON.parse(#"{"brightness":42,"power_switch":1}"#))
        let logs = try run(["device", "logs", "Device/dev001", "--kind", "content"])
        XCTAssertEqual(logs.stdout.split(separator: "\n").count, 8, logs.stdout)
        XCTAssertTrue(logs.stdout.hasPrefix("2023-11-14T22:13:23.000Z  down  $thing/down/property/ABCDEFGHIJ/dev001"), logs.stdout)
        let diagnostic = try run(["device", "logs", "smart-light/dev001", "--kind", "diagnostic", "--format", "json"])
        XCTAssertEqual(JSON.parse(diagnostic.stdout)?.arrayValue?.first?["errcode"], .string("ThingModel_Validate_Err"))
        let bad = try run(["device", "shadow", "smart-light/dev999"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("E-DEV-05 product smart-light has no device 'dev999'"), bad.stderr)
    }

    /// jsonl: one object per message (and per malformed line), in input order.
    func testReplayJSONL() throws {
        let file = try write("recording.jsonl", Self.recording)
        let out = try run(["replay", file, "--format", "jsonl"])
        let objects = out.stdout.split(separator: "\n").map { JSON.parse(String($0)) }
        XCTAssertEqual(objects.map { $0?["line"] }, [1, 2, 3, 5, 6, 7].map { JSON.int($0) })
        XCTAssertEqual(objects.map { $0?["result"]?.stringValue }, ["accepted", "rejected", "malformed", "accepted", "accepted", "rejected"])
        XCTAssertEqual(objects[1]?["code"], .string("E-MSG-07"))
        XCTAssertEqual(objects[1]?["replyCode"], .int(406))
        XCTAssertEqual(objects[0]?["replies"]?.arrayValue?.first?["topic"], .string("$thing/down/property/ABCDEFGHIJ/dev001"))
    }

    func testDeviceList() throws {
        _ = try run(["replay", try write("r.jsonl", [Self.recording[0]])])
        let out = try run(["device", "list", "--format", "json"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let devices = JSON.parse(out.stdout)?.arrayValue ?? []
        XCTAssertEqual(devices.compactMap { $0["device"]?.stringValue }, ["gateway/gw01", "smart-light/dev001", "smart-light/dev003", "sub-light/light01"])
        XCTAssertEqual(devices[1]["status"], .string("inactive"))
        XCTAssertEqual(devices[2]["enabled"], .bool(false))
        let online = try run(["device", "list", "--online"])
        XCTAssertEqual(online.stdout, "No device is online.\n")
    }

    /// control: validated, recorded, published; the device's reply (replayed here) ends the wait
    /// with exit 0; without a reply it exits 4 and the control stays pending.
    func testControlWaitsForTheReply() throws {
        let published = folder.appendingPathComponent("published.jsonl").path
        let env = ["THINGFORM_TEST_PUBLISH_FILE": published]
        let started = try start(["device", "control", "smart-light/dev001", "brightness=80", "name=a/b", "--timeout", "30"], environment: env)
        var sent: JSON?
        for _ in 0..<300 where sent == nil {
            if let text = try? String(contentsOfFile: published, encoding: .utf8), let first = text.split(separator: "\n").first {
                sent = JSON.parse(String(first))
            } else { Thread.sleep(forTimeInterval: 0.05) }
        }
        let payload = try XCTUnwrap(sent?["payload"]?.stringValue.flatMap(JSON.parse))
        XCTAssertEqual(sent?["topic"], .string("$thing/down/property/ABCDEFGHIJ/dev001"))
        XCTAssertEqual(payload["params"]?.compact, #"{"brightness":80,"name":"a/b"}"#)
        let token = try XCTUnwrap(payload["clientToken"]?.stringValue)
        XCTAssertTrue(token.hasPrefix("clientToken-"), token)
        let reply = try write("reply.jsonl", [Self.line(Self.up, #"{"method":"control_reply","code":0,"clientToken":"\#(token)"}"#, at: 1_700_000_010_000)])
        XCTAssertEqual(try run(["replay", reply]).status, 0)
        let out = finish(started)
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("the device answered code 0"), out.stdout)

        let timeout = try run(["device", "control", "smart-light/dev001", "brightness=10", "--timeout", "0.2"], environment: env)
        XCTAssertEqual(timeout.status, 4, timeout.stderr)
        XCTAssertTrue(timeout.stderr.contains("E-RUN-10"), timeout.stderr)
        let shadow = JSON.parse(try run(["device", "shadow", "smart-light/dev001", "--format", "json"]).stdout)
        XCTAssertEqual(shadow?["pendingControls"]?.arrayValue?.first?["params"]?.compact, #"{"brightness":10}"#)

        let invalid = try run(["device", "control", "smart-light/dev001", "brightness=150"], environment: env)
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.stderr.contains("E-MSG-07"), invalid.stderr)
    }

    func testControlWithoutARuntimeSaysSo() throws {
        let out = try run(["device", "control", "smart-light/dev001", "brightness=80"])
        XCTAssertEqual(out.status, 1)
        XCTAssertTrue(out.stderr.contains("E-RUN-09 no runtime runs on this state"), out.stderr)
    }
}
