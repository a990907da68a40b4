import SeededRandom
import ThingformModel
import XCTest
@testable import ThingMessages

/// The fast `report` path must answer exactly what the general path answers (outcomes, accepted
/// values, reply, diagnostics), and must actually be taken for ordinary reports. Hostile
/// payloads either take it and agree, or leave it to the general path.
final class ReportFastPathTests: XCTestCase {
    let v = SmartLight.validator()
    let strict = SmartLight.validator(strictStep: true, style: .digest)

    static let report = #"{"method":"report","clientToken":"t1","timestamp":1700000000,"params":{"brightness":50,"power_switch":true,"color":2,"name":"灯","voltage":3.3,"work_mode":"auto","last_on":1700000000,"GPS_Info":{"longitude":112.59014,"latitude":22.28014},"hsl":[0,100,50],"Wifi_Info":[{"Mac":"78a106a5b166","Rssi":-81}]}}"#

    /// Both paths on one payload; returns whether the fast path answered.
    @discardableResult
    func agree(_ payload: String, _ validator: MessageValidator? = nil, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        agree(Array(payload.utf8), validator, file: file, line: line)
    }

    @discardableResult
    func agree(_ payload: [UInt8], _ validator: MessageValidator? = nil, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let validator = validator ?? v
        let fast = validator.check(topic: SmartLight.up, payload: payload, deviceName: SmartLight.device, state: nil, fastPath: true)
        let general = validator.check(topic: SmartLight.up, payload: payload, deviceName: SmartLight.device, state: nil, fastPath: false)
        let text = String(decoding: payload, as: UTF8.self)
        XCTAssertEqual(fast.kind, general.kind, text, file: file, line: line)
        XCTAssertEqual(fast.method, general.method, text, file: file, line: line)
        XCTAssertEqual(fast.clientToken, general.clientToken, text, file: file, line: line)
        XCTAssertEqual(fast.outcomes, general.outcomes, text, file: file, line: line)
        XCTAssertEqual(fast.accepted, general.accepted, text, file: file, line: line)
        XCTAssertEqual(fast.reply, general.reply, text, file: file, line: line)
        XCTAssertEqual(fast.diagnostics, general.diagnostics, text, file: file, line: line)
        return ThingTopic(parsing: SmartLight.up).flatMap { validator.fastReport($0, payload) } != nil
    }

    func testOrdinaryReportTakesTheFastPathAndAgrees() {
        XCTAssertTrue(agree(Self.report))
        XCTAssertTrue(agree(Self.report, strict))
        let c = v.check(topic: SmartLight.up, payload: Array(Self.report.utf8))
        XCTAssertEqual(c.accepted.properties.map(\.name), ["GPS_Info", "Wifi_Info", "brightness", "color", "hsl", "last_on", "name", "power_switch", "voltage", "work_mode"])
        XCTAssertEqual(c.accepted.properties.first { $0.name == "power_switch" }?.value, .number("1"))   // true stored as 1
        XCTAssertEqual(c.accepted.deviceTime, 1_700_000_000)
        XCTAssertEqual(c.reply?.text, #"{"method":"report_reply","clientToken":"t1","code":0,"status":"success"}"#)
    }

    func testRejectedValuesTakeTheFastPathWithTheSameReply() {
        // Partial acceptance: brightness and hsl[1] bad, the rest stored.
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"brightness":101,"color":1,"hsl":[0,"x"],"name":"ok"}}"#))
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"brightness":101,"GPS_Info":{"latitude":95}}}"#, strict))
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"voltage":3.35}}"#, strict))   // step
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{}}"#))
    }

    func testNumberTextIsKeptAsWritten() {
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"voltage":3.300000,"brightness":5e1,"last_on":1.7e9,"GPS_Info":{"longitude":1E-5,"latitude":-0.0}}}"#))
        let c = v.check(topic: SmartLight.up, payload: Array(#"{"method":"report","clientToken":"t","params":{"voltage":3.300000,"brightness":5e1}}"#.utf8))
        XCTAssertEqual(c.accepted.properties.map(\.value), [.number("50"), .number("3.300000")])
    }

    func testDuplicateKeysKeepTheLastAsTheGeneralPathDoes() {
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"brightness":1,"brightness":2}}"#))
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"brightness":1},"params":{"color":2}}"#))
        XCTAssertTrue(agree(#"{"method":"get_status","method":"report","clientToken":"x","clientToken":"t","params":{"color":2}}"#))
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"GPS_Info":{"longitude":1,"longitude":2,"latitude":3}}}"#))
        // The last params is not an object: the general path answers E-MSG-04.
        XCTAssertFalse(agree(#"{"method":"report","clientToken":"t","params":{"color":2},"params":[]}"#))
    }

    func testUnusualPayloadsLeaveItToTheGeneralPath() {
        for payload in [
            #"{"method":"report","clientToken":"t","params":{"nope":1,"color":2}}"#,          // unknown id: E-MSG-05
            #"{"method":"report","clientToken":"t","params":{"\u0063olor":2}}"#,              // escaped key
            #"{"method":"report","clientToken":"","params":{"color":2}}"#,                    // bad token
            #"{"method":"report","clientToken":"t","params":"x"}"#,                           // params not an object
            #"{"method":"get_status","clientToken":"t"}"#,
            #"{"code":0,"clientToken":"c1"}"#,                                                // Python SDK control reply
            #"{"method":"report","clientToken":"t","params":{"color":2}} x"#,                 // trailing garbage
            #"{"method":"report","clientToken":"t","params":{"color":2}"#,                    // truncated
            #"[1,2]"#, "", "   ", "nul",
        ] {
            XCTAssertFalse(agree(payload), payload)
        }
    }

    func testHostilePayloads() {
        // Nesting beyond the parser's 64 levels inside a value: not JSON for both paths.
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertFalse(agree(#"{"method":"report","clientToken":"t","params":{"hsl":"# + deep + "}}"))
        let deep62 = String(repeating: "[", count: 61) + String(repeating: "]", count: 61)
        agree(#"{"method":"report","clientToken":"t","params":{"hsl":"# + deep62 + "}}")
        // Huge and tiny numbers.
        XCTAssertTrue(agree(#"{"method":"report","clientToken":"t","params":{"brightness":1e999,"last_on":99999999999999999999999,"voltage":-1e-400,"color":-9223372036854775809}}"#))
        // Invalid UTF-8 in a string value, and in a key: both refused as not JSON.
        var bad = Array(#"{"method":"report","clientToken":"t","params":{"name":"X"}}"#.utf8)
        bad[bad.firstIndex(of: UInt8(ascii: "X"))!] = 0xFF
        XCTAssertFalse(agree(bad))
        var badKey = Array(#"{"method":"report","clientToken":"t","params":{"Xname":"a"}}"#.utf8)
        badKey[badKey.firstIndex(of: UInt8(ascii: "X"))!] = 0xC3
        XCTAssertFalse(agree(badKey))
        // Lone surrogate escapes, control characters.
        XCTAssertFalse(agree(#"{"method":"report","clientToken":"t","params":{"name":"\ud800"}}"#))
        XCTAssertFalse(agree("{\"method\":\"report\",\"clientToken\":\"t\",\"params\":{\"name\":\"a\u{1}\"}}"))
        // Whitespace everywhere.
        XCTAssertTrue(agree(" \n{ \"method\" : \"report\" ,\t\"clientToken\":\"t\" , \"params\" : { \"color\" : 2 , \"hsl\" : [ 1 , 2 ] } } \r\n"))
    }

    func testMutatedReportsAgree() {
        var rng = SplitMix64(seed: 0x6661_7374)
        let tokens = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u00", "1e999", "-", ".", "0", "true", "null", "\"brightness\"",
                      "\"params\"", "\"method\"", "\"report\"", "\"clientToken\"", "\u{FF}", "灯"].map { Array($0.utf8) }
        var fast = 0
        for n in 0..<FuzzTests.count {
            var b = Array(Self.report.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<b.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: b.remove(at: at)
                case 1: b[at] = UInt8.random(in: 0x20...0x7E, using: &rng)
                case 2: b.insert(contentsOf: tokens.randomElement(using: &rng)!, at: at)
                default: b.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                }
            }
            if agree(b, n & 1 == 0 ? v : strict) { fast += 1 }
        }
        XCTAssertGreaterThan(fast, FuzzTests.count / 20, "the mutations should often leave a report the fast path reads")
    }

    func testKeyTableFindsEveryIdByItsBytes() {
        let ids = (0..<300).map { "p\($0)_x" } + ["", "a", "A", "power_switch"]
        let table = KeyTable(ids)
        XCTAssertEqual(table.ids, ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        for id in ids { XCTAssertEqual(table.rank(of: id).map { table.ids[$0] }, id) }
        for miss in ["p300_x", "p1_", "power_switcH", "b"] { XCTAssertNil(table.rank(of: miss), miss) }
    }

    func testTopicParsingIsUnchanged() {
        XCTAssertEqual(ThingTopic(parsing: "$thing/up/property/P1/d1")?.description, "$thing/up/property/P1/d1")
        for bad in ["$thing/up/property/P1", "$thing/up/property/P1/d1/x", "$thing/up/property//d1", "$thing/up/property/P1/",
                    "$thing/sideways/property/P/d", "$thing/up/nope/P/d", "$thing/up/property/P+/d", "$thing/up/property/P/#",
                    "thing/up/property/P/d", ""] {
            XCTAssertNil(ThingTopic(parsing: bad), bad)
        }
        XCTAssertEqual(ThingTopic(parsing: "$thing/down/action/P/设备")?.deviceName, "设备")
    }
}

/// Struct values whose keys are all members are checked by rank (no sort); they must come out
/// exactly as the sorting path checks them: order, repeated keys, normalised members, errors.
final class StructMemberOrderTests: XCTestCase {
    func testKnownMembersAgreeWithTheSortingPath() {
        let type = DataType.struct(members: [
            StructMember(id: "longitude", name: "lon", required: true, dataType: .float(NumberDefinition(min: "-180", max: "180"))),
            StructMember(id: "latitude", name: "lat", required: true, dataType: .float(NumberDefinition(min: "-90", max: "90"))),
            StructMember(id: "on", name: "on", dataType: .bool(mapping: [MappingEntry("0", "off"), MappingEntry("1", "on")])),
            StructMember(id: "n", name: "n", dataType: .int(NumberDefinition(min: "0", max: "10"))),
        ])
        guard case let .structure(members) = ValueRule(type, strictStep: false) else { return XCTFail("not a struct rule") }
        let values: [String: [JSON]] = [
            "longitude": [.number("1.5"), .number("1e1"), .number("200"), .string("x")],
            "latitude": [.number("-0.0"), .number("95")],
            "on": [.bool(true), .number("1"), .number("2"), .null],
            "n": [.number("5e0"), .number("7"), .number("11")],
        ]
        var rng = SplitMix64(seed: 7)
        var known = 0
        for _ in 0..<3_000 {
            var fields: [JSON.Field] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let id = ["longitude", "latitude", "on", "n"].randomElement(using: &rng)!
                fields.append(JSON.Field(id, values[id]!.randomElement(using: &rng)!))
            }
            let value = JSON.object(fields)
            let sorted = ValueRule.checkSortedMembers(fields, value, members)
            guard let ranked = ValueRule.checkKnownMembers(fields, value, members) else { return XCTFail("\(fields) has only members") }
            known += 1
            switch (ranked, sorted) {
            case let (.success(a), .success(b)): XCTAssertEqual(a, b, "\(fields)")
            case let (.failure(a), .failure(b)): XCTAssertEqual(a, b, "\(fields)")
            default: XCTFail("\(fields): \(ranked) vs \(sorted)")
            }
        }
        XCTAssertEqual(known, 3_000)
        XCTAssertNil(ValueRule.checkKnownMembers([JSON.Field("x", .null)], .object([JSON.Field("x", .null)]), members))
    }
}
