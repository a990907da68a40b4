import Foundation
import GRDB
import ThingformModel
import ThingformState
import XCTest

/// `thingform replay` with rules and forwarders, `deadletters`, `stats`, through the built binary.
final class RulesCLITests: XCTestCase {
    var cli: CLIHarness!

    override func setUpWithError() throws { cli = try CLIHarness() }
    override func tearDown() { cli.remove() }

    let up = "$thing/up/property/ABCDEFGHIJ/dev001"
    var recording: [String] {
        [RuntimeCLITests.line(up, #"{"method":"report","clientToken":"a","params":{"brightness":50}}"#, at: 1_700_000_000_000),
         RuntimeCLITests.line(up, #"{"method":"report","clientToken":"b","params":{"brightness":30}}"#, at: 1_700_000_001_000),
         RuntimeCLITests.line(up, #"{"method":"report","clientToken":"c","params":{"brightness":500}}"#, at: 1_700_000_002_000)]
    }

    func testDryRunJSONLShowsEachMatchWithWhatEachActionWouldSendAndIsDeterministic() throws {
        _ = try RuntimeFixture.store(path: cli.statePath, extra: PipelineRulesTests.rules())
        let copy = cli.folder.appendingPathComponent("copy.db").path
        try FileManager.default.copyItem(atPath: cli.statePath, toPath: copy)
        let file = try cli.write("r.jsonl", recording)
        let out = try cli.run(["replay", file, "--format", "jsonl", "--dry-run-forwarders"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let objects = out.stdout.split(separator: "\n").compactMap { JSON.parse(String($0)) }
        let matches = objects.filter { $0["rule"] != nil }
        XCTAssertEqual(matches.count, 1, out.stdout)
        let m = matches[0]
        XCTAssertEqual(m["line"], .int(1))
        XCTAssertEqual(m["output"], JSON.parse(#"{"b":50}"#))
        let actions = m["actions"]?.arrayValue ?? []
        XCTAssertEqual(actions.map { $0["type"]?.stringValue }, ["http", "republish"])
        XCTAssertEqual(actions.map { $0["status"]?.stringValue }, ["dry-run", "dry-run"])
        XCTAssertEqual(actions[0]["wouldSend"]?["body"]?["payload"], JSON.parse(#"{"b":50}"#))
        XCTAssertEqual(actions[0]["wouldSend"]?["body"]?["timestamp"], .number("1700000000"))
        XCTAssertEqual(actions[1]["wouldSend"]?["topic"], .string("ABCDEFGHIJ/dev001/bright"))
        XCTAssertEqual(actions[1]["wouldSend"]?["payload"], .string(#"{"b":50}"#))
        // The rejected message has its object with line and code.
        XCTAssertEqual(objects.first { $0["line"] == .int(3) }?["code"], .string("E-MSG-07"))
        XCTAssertTrue(out.stderr.contains("1 rule matches"), out.stderr)

        // The same file on the same state prints the same.
        let again = try cli.run(["replay", file, "--format", "jsonl", "--dry-run-forwarders", "--state", copy])
        XCTAssertEqual(again.stdout, out.stdout)

        let stats = try cli.run(["stats", "--format", "json"])
        XCTAssertEqual(stats.status, 0, stats.stderr)
        let counters = JSON.parse(stats.stdout)?["counters"]?.arrayValue ?? []
        func value(_ metric: String, _ target: String = "") -> JSON? {
            counters.first { $0["metric"]?.stringValue == metric && $0["target"]?.stringValue == target }?["value"]
        }
        XCTAssertEqual(value("upstream"), .number("3"))
        XCTAssertEqual(value("ruleHits"), .number("1"))
        XCTAssertEqual(value("forwards", "hook"), .number("1"))
        XCTAssertEqual(value("forwards", "republish"), .number("1"))
        XCTAssertEqual(JSON.parse(stats.stdout)?["outbox"], .int(0))

        // The same counters per bucket: the recording's three messages fall in one minute
        // (2023-11-14T22:13:20Z to :22), deliveries count in their message's minute, and days
        // start at midnight UTC+8.
        func series(_ by: String) throws -> [JSON] {
            let out = try cli.run(["stats", "--by", by, "--format", "json"])
            XCTAssertEqual(out.status, 0, out.stderr)
            return JSON.parse(out.stdout)?["series"]?.arrayValue ?? []
        }
        func bucket(_ rows: [JSON], _ metric: String, _ target: String = "") -> (String?, JSON?) {
            let row = rows.first { $0["metric"]?.stringValue == metric && $0["target"]?.stringValue == target }
            return (row?["start"]?.stringValue, row?["value"])
        }
        let minutes = try series("minute")
        XCTAssertEqual(bucket(minutes, "upstream").0, "2023-11-14T22:13:00Z")
        XCTAssertEqual(bucket(minutes, "upstream").1, .number("3"))
        XCTAssertEqual(bucket(minutes, "ruleHits").1, .number("1"))
        XCTAssertEqual(bucket(minutes, "forwards", "hook").0, "2023-11-14T22:13:00Z")
        XCTAssertEqual(bucket(try series("hour"), "upstream").0, "2023-11-14T22:00:00Z")
        XCTAssertEqual(bucket(try series("day"), "upstream").0, "2023-11-15T00:00:00+08:00")
        XCTAssertEqual(bucket(try series("day"), "upstream").1, .number("3"))
        let text = try cli.run(["stats", "--by", "minute"]).stdout
        XCTAssertTrue(text.contains("2023-11-14T22:13:00Z\tupstream\tproduct=ABCDEFGHIJ\t3\n"), text)
        let bad = try cli.run(["stats", "--by", "week"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--by must be minute, hour or day, found 'week'"), bad.stderr)
    }

    func testARepublishWithoutABrokerIsADeadLetterToListRetryAndPurge() throws {
        _ = try RuntimeFixture.store(path: cli.statePath, extra: PipelineRulesTests.rules(errorAction: false, http: false))
        let out = try cli.run(["replay", try cli.write("r.jsonl", [recording[0]])])
        XCTAssertEqual(out.status, 0, out.stderr)
        XCTAssertTrue(out.stdout.contains("  rule bright matched (seq 1): {\"b\":50}\n    -> republish: dead E-FWD-RT-03 FAIL, not attempted"), out.stdout)

        let list = try cli.run(["deadletters", "list", "--format", "json"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let letters = JSON.parse(list.stdout)?.arrayValue ?? []
        XCTAssertEqual(letters.count, 1)
        XCTAssertEqual(letters.first?["errcode"], .string("E-FWD-RT-03"))
        XCTAssertEqual(letters.first?["output"], JSON.parse(#"{"b":50}"#))
        let id = letters.first?["id"]?.compact ?? ""

        let unknown = try cli.run(["deadletters", "retry", "--id", "999"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("E-FWD-RT-04 no dead letter has id 999"), unknown.stderr)

        let retry = try cli.run(["deadletters", "retry", "--id", id])
        XCTAssertEqual(retry.stdout, "1 dead letter queued again.\n", retry.stderr)
        let store = try SQLiteStateStore(path: cli.statePath)
        XCTAssertEqual(try store.runtimeRead { try $0.outboxRow(Int64(id)!) }?.attempts, 0)
        // The next replay's worker tries it again: dead again (still no broker), same id.
        _ = try cli.run(["replay", try cli.write("empty.jsonl", [recording[1]])])
        let text = try cli.run(["deadletters", "list"])
        XCTAssertTrue(text.stdout.hasPrefix("\(id)\tbright actions[0] republish\tABCDEFGHIJ/dev001 seq 1\t0 attempts\tE-FWD-RT-03"), text.stdout)

        let purge = try cli.run(["deadletters", "purge"])
        XCTAssertEqual(purge.stdout, "1 dead letter purged.\n")
        XCTAssertEqual(try cli.run(["deadletters", "list"]).stdout, "No dead letters.\n")
    }

    /// The rule engine end to end through replay: a match reaches the sinks found by type (a
    /// SQLite table, a JSONL file and a function's command here), each written once, nothing left
    /// in the outbox.
    func testReplayDeliversToTheSQLiteFileAndFunctionSinks() throws {
        let db = cli.folder.appendingPathComponent("target.db").path
        let log = cli.folder.appendingPathComponent("out.jsonl").path
        let events = cli.folder.appendingPathComponent("events.jsonl").path
        _ = try DatabaseQueueHelper.create(db, "CREATE TABLE bright (device TEXT, b INTEGER, note TEXT)")
        let rules = """
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: db}
        spec: {instance: pub, type: sqlite, sqlite: {path: "\(db)"}}
        ---
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: log}
        spec: {instance: pub, type: file, file: {path: "\(log)"}}
        ---
        apiVersion: thingform/v1
        kind: Forwarder
        metadata: {name: fn}
        spec:
          instance: pub
          type: function
          function: {env: local, name: onBright, command: ["/bin/sh", "-c", "cat >> \\"$0\\"; echo >> \\"$0\\"", "\(events)"], timeoutSeconds: 5}
        ---
        apiVersion: thingform/v1
        kind: Rule
        metadata: {name: bright}
        spec:
          instance: pub
          product: smart-light
          enabled: true
          sql: "SELECT params.brightness AS b FROM $thing/up/property/${productId}/+ WHERE params.brightness > 40"
          actions:
            - {type: sqlite, forwarder: db, table: bright, fields: [{name: device, value: "${deviceName}"}, {name: b, value: "${b}"}, {name: note, value: "lamp ${b}%"}]}
            - {type: file, forwarder: log}
            - {type: function, forwarder: fn}

        """
        _ = try RuntimeFixture.store(path: cli.statePath, extra: rules)
        let out = try cli.run(["replay", try cli.write("r.jsonl", recording), "--format", "jsonl"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let statuses = out.stdout.split(separator: "\n").compactMap { JSON.parse(String($0)) }
            .flatMap { $0["actions"]?.arrayValue ?? [] }.map { $0["status"]?.stringValue ?? "" }
        XCTAssertEqual(statuses, ["delivered", "delivered", "delivered"], out.stdout)
        let event = try XCTUnwrap(JSON.parse(try String(contentsOfFile: events, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(event["devicename"], .string("dev001"))
        XCTAssertEqual(event["payload"], JSON.parse(#"{"b":50}"#))
        XCTAssertEqual(try DatabaseQueueHelper.rows(db, "SELECT device, b, note FROM bright"), [["dev001", "50", "lamp 50%"]])
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let envelope = try XCTUnwrap(JSON.parse(String(lines[0])))
        XCTAssertEqual(envelope["ProductId"], .string("ABCDEFGHIJ"))
        XCTAssertEqual(envelope["DeviceName"], .string("dev001"))
        XCTAssertEqual(envelope["Payload"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }, #"{"b":50}"#)
        let stats = JSON.parse(try cli.run(["stats", "--format", "json"]).stdout)
        XCTAssertEqual(stats?["outbox"], .int(0))
        XCTAssertEqual(try cli.run(["deadletters", "list"]).stdout, "No dead letters.\n")
    }
}

/// A user's own SQLite database (the forwarder's target), made and read by the test.
enum DatabaseQueueHelper {
    static func create(_ path: String, _ sql: String) throws -> DatabaseQueue {
        let q = try DatabaseQueue(path: path)
        try q.write { try $0.execute(sql: sql) }
        return q
    }

    static func rows(_ path: String, _ sql: String) throws -> [[String]] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { $0.isNull ? "NULL" : String(describing: $0.storage.value ?? "") } }
        }
    }
}
