import XCTest
@testable import RuleSQL

/// spec/04 §12 vectors that concern the SQL dialect and the functions (vector number and seed
/// lines in each test name or comment).
final class AcceptanceVectorTests: XCTestCase {
    // 6. ENV-KAFKA (seed L5488–5498): SELECT * on 17 raw bytes carries them unchanged.
    func testVector06EnvKafkaSelectStarCarriesRawBytes() throws {
        let rule = try RuleSQL.compile("SELECT * FROM AD4GVS5549/device/data")
        let out = try XCTUnwrap(rule.evaluate(RuleMessage(topic: "AD4GVS5549/device/data", payload: "this is a example",
                                                          productId: "AD4GVS5549", deviceName: "device")).output)
        XCTAssertTrue(out.isPayloadPassthrough)
        XCTAssertTrue(out.isBinary)
        XCTAssertEqual(out.carriedBytes.count, 17)
        XCTAssertEqual(out.carriedBytes, Array("this is a example".utf8))
        XCTAssertEqual(out.json, "\"dGhpcyBpcyBhIGV4YW1wbGU=\"")
    }

    // 7. ENV-HTTP-1 (seed L5512–5527): the SELECT * output of a JSON payload is that object.
    func testVector07EnvHttp1SelectStarJSONPayloadIsTheObject() throws {
        let payload = #"{"params":{"power_switch":1,"color":1,"brightness":32}}"#
        let out = try XCTUnwrap(evalRule("SELECT * FROM AD4GVS5549/device/data", topic: "AD4GVS5549/device/data", payload: payload).output)
        XCTAssertFalse(out.isBinary)
        XCTAssertEqual(out.value, .object([("params", .object([("power_switch", 1), ("color", 1), ("brightness", 32)]))]))
        XCTAssertEqual(out.json, payload)
    }

    // 8. ENV-HTTP-2 (seed L5983–5996): payload.params deep-equals {"body_temperature":20}.
    func testVector08EnvHttp2ThingPropertyReport() throws {
        let payload = #"{"clientToken":"7d9b4f5-22bd-4455-6a4c-6dce7d95b3","method":"report","params":{"body_temperature":20},"timestamp":1692787444}"#
        let out = try XCTUnwrap(evalRule("SELECT * FROM $thing/up/property/Y6ONBYP3U5/+", topic: "$thing/up/property/Y6ONBYP3U5/test", payload: payload).output)
        XCTAssertEqual(out.value["params"], .object([("body_temperature", 20)]))
    }

    // 9. ENV-HTTP-BIN (seed L5532): binary 01 02 FF → Base64 "AQL/".
    func testVector09EnvHttpBinaryIsBase64() throws {
        let out = try XCTUnwrap(evalRule("SELECT * FROM t", bytes: [0x01, 0x02, 0xFF]).output)
        XCTAssertTrue(out.isBinary)
        XCTAssertEqual(out.value, .binary([1, 2, 255]))
        XCTAssertEqual(out.json, "\"AQL/\"")
    }

    // 10. Topic wildcards (seed L5553–5561): '+' is one level.
    func testVector10PlusMatchesOneLevel() throws {
        let f = try TopicFilter("house_monitor/+/get")
        XCTAssertTrue(f.matches("house_monitor/thermometer/get"))
        XCTAssertTrue(f.matches("house_monitor/door/get"))
        XCTAssertFalse(f.matches("house_monitor/door/switch/get"))
    }

    // 11. '#' is zero or more trailing levels (seed L5553–5561).
    func testVector11HashMatchesZeroOrMoreLevels() throws {
        let f = try TopicFilter("house_monitor/#")
        XCTAssertTrue(f.matches("house_monitor/thermometer"))
        XCTAssertTrue(f.matches("house_monitor/door/switch/get"))
        XCTAssertTrue(f.matches("house_monitor"))
        XCTAssertFalse(f.matches("house_monitorx"))
    }

    // 12. FROM house/#/get is rejected at plan time (E-RULE-05, seed L5561).
    func testVector12HashInTheMiddleIsRejected() throws {
        let e = try XCTUnwrap(error("SELECT * FROM house/#/get"))
        XCTAssertEqual(e.code, .topicFilter)
        XCTAssertEqual(e.code.rawValue, "E-RULE-05")
        XCTAssertEqual(e.column, 15)
    }

    // 13. SQL-ROOM (seed L5620–5686, L5637 with its stray quote).
    func testVector13SqlRoom() throws {
        let sql = "SELECT room1.temperature as temp,room1.humidity as hum FROM /+/data' WHERE topic(2) = 'device00' AND room1.temperature > 30"
        let payload = #"{"room1":{"temperature":31,"humidity":"63%"},"room2":{"temperature":26,"humidity":"63%"}}"#
        let rule = try RuleSQL.compile(sql)
        XCTAssertEqual(rule.topicFilter.text, "/+/data")
        let out = try XCTUnwrap(rule.evaluate(RuleMessage(topic: "/device00/data", payload: payload)).output)
        XCTAssertEqual(out.json, #"{"temp":31,"hum":"63%"}"#)
        XCTAssertEqual(rule.evaluate(RuleMessage(topic: "/dev00/data", payload: payload)).reason, .conditionFalse)
        let cold = payload.replacingOccurrences("\"temperature\":31", "\"temperature\":30")
        XCTAssertEqual(rule.evaluate(RuleMessage(topic: "/device00/data", payload: cold)).reason, .conditionFalse)
    }

    // 14. SQL-HOUSE (seed L5718–5725, L6194–6220).
    func testVector14SqlHouse() throws {
        let rule = try RuleSQL.compile(#"SELECT temperature as t, house FROM house_monitor/thermometer/get WHERE house="tencent" AND temperature > 40"#)
        let topic = "house_monitor/thermometer/get"
        let out = try XCTUnwrap(rule.evaluate(RuleMessage(topic: topic, payload: #"{"temperature":41,"house":"tencent"}"#)).output)
        XCTAssertEqual(out.json, #"{"t":41,"house":"tencent"}"#)
        XCTAssertEqual(String(decoding: out.carriedBytes, as: UTF8.self), #"{"t":41,"house":"tencent"}"#)
        XCTAssertEqual(out.value["house"]?.stringForm, "tencent") // ${house} → house_monitor/tencent/app
        XCTAssertEqual(rule.outputKeys, ["t", "house"])
        XCTAssertFalse(rule.evaluate(RuleMessage(topic: topic, payload: #"{"temperature":40,"house":"tencent"}"#)).isMatch)
        XCTAssertFalse(rule.evaluate(RuleMessage(topic: topic, payload: #"{"temperature":41,"house":"tencent2"}"#)).isMatch)
    }

    // 15. SQL-COUNT (seed L5473): count is an ordinary key.
    func testVector15SqlCount() throws {
        let rule = try RuleSQL.compile("SELECT action, targetDevice, count FROM $thing/up/property/GW/+ WHERE count <= 3")
        let topic = "$thing/up/property/GW/dev1"
        let out = try XCTUnwrap(rule.evaluate(RuleMessage(topic: topic, payload: #"{"action":"open","targetDevice":"d1","count":3,"x":9}"#)).output)
        XCTAssertEqual(out.json, #"{"action":"open","targetDevice":"d1","count":3}"#)
        XCTAssertEqual(rule.evaluate(RuleMessage(topic: topic, payload: #"{"action":"open","targetDevice":"d1","count":4}"#)).reason, .conditionFalse)
        XCTAssertEqual(rule.evaluate(RuleMessage(topic: topic, payload: #"{"action":"open","targetDevice":"d1"}"#)).reason, .conditionMissing)
    }

    // 16. SQL-NEST (seed L5543): nested paths, nesting preserved in the output.
    func testVector16SqlNest() throws {
        let payload = #"{"device_status":{"switch":"on"}}"#
        XCTAssertTrue(holds("device_status.switch = 'on'", payload))
        XCTAssertEqual(evalRule("SELECT device_status.switch FROM t", payload: payload).output?.json, payload)
    }

    // 17. SQL-OPS (seed L5567–5585): every operator of the seed table.
    func testVector17SqlOperators() {
        XCTAssertTrue(holds("age = 4 + 5", #"{"age":9}"#))
        XCTAssertTrue(holds("age = 5 - 4", #"{"age":1}"#))
        XCTAssertTrue(holds("age = 20 / 4", #"{"age":5}"#))
        XCTAssertTrue(holds("age = 5 * 4", #"{"age":20}"#))
        XCTAssertTrue(holds("age = 0 % 6", #"{"age":0}"#))
        for c in ["5 < 6", "5 <= 6", "6 > 5", "6 >= 5"] { XCTAssertTrue(holds(c), c) }
        XCTAssertTrue(holds("color <> 'red'", #"{"color":"blue"}"#))
        let grouped = "color = 'red' AND (siren = 'on' OR siren ='isTest')"
        XCTAssertTrue(holds(grouped, #"{"color":"red","siren":"isTest"}"#))
        XCTAssertFalse(holds(grouped, #"{"color":"red","siren":"off"}"#))
    }

    // 18. SQL-MISSING (derived): Missing is never true.
    func testVector18SqlMissing() {
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE b = 1", payload: #"{"a":1}"#).reason, .conditionMissing)
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE b <> 1", payload: #"{"a":1}"#).reason, .conditionMissing)
    }

    // 19. SQL-DIV0 (derived): an evaluation error → no match + Rule_Process_SQL_Err.
    func testVector19SqlDivisionByZero() {
        let r = evalRule("SELECT * FROM t WHERE a / 0 = 1", payload: #"{"a":1}"#).reason
        XCTAssertEqual(r, .evaluationError("division by zero"))
        XCTAssertEqual(r?.diagnosticCode, "Rule_Process_SQL_Err")
    }

    // 20. SQL-BINARY (seed L5542): field items on a binary payload → Payload_Not_JSON; * forwards.
    func testVector20SqlBinary() {
        let bytes: [UInt8] = [0x01, 0x02, 0xFF, 0x00]
        let r = evalRule("SELECT temperature FROM t", bytes: bytes).reason
        XCTAssertEqual(r, .payloadNotJSON)
        XCTAssertEqual(r?.diagnosticCode, "Payload_Not_JSON")
        XCTAssertEqual(evalRule("SELECT * FROM t WHERE temperature > 1", bytes: bytes).reason, .payloadNotJSON)
        XCTAssertEqual(evalRule("SELECT * FROM t", bytes: bytes).output?.carriedBytes, bytes)
    }

    // 21. FN-UPPER (seed L5606).
    func testVector21Upper() {
        XCTAssertEqual(value("upper(tencent)", #"{"tencent":"iot"}"#), "IOT")
        XCTAssertEqual(value("lower(upper(tencent))", #"{"tencent":"iot"}"#), "iot")
    }

    // 22. FN-PAYLOADLEN (follows from ENV-KAFKA).
    func testVector22PayloadLen() {
        XCTAssertEqual(value("payloadLen()", bytes: Array("this is a example".utf8)), 17)
    }

    // 23. FN-HEX (derived; lower case proposed).
    func testVector23ToHex() {
        XCTAssertEqual(value("to_hex ()", bytes: Array("this is a example".utf8)), "746869732069732061206578616d706c65")
    }

    // 24. FN-CRYPTO (derived; lower-case hex proposed).
    func testVector24Crypto() throws {
        let p = #"{"tencent":"iot"}"#
        XCTAssertEqual(value("crypto(tencent,'MD5')", p), "97c209ca505f2958db30a42135afab5c")
        XCTAssertEqual(value("crypto(tencent,'SHA1')", p), "c12316ed0f646ebfc9a38459a297b2b372ba30d4")
        XCTAssertEqual(value("crypto(tencent,'SHA256')", p), "ff3d7d9e4c824480a1217be845401263b8196eb9ff1297bb545deb3742f2bea0")
        XCTAssertEqual(value("crypto(tencent,'SHA384')", p), "34dd5d418aca2640ceed0733c34e7a6e8e080e94632dbeb101ca87b3f2f852a8776a216402a630fee79feb344549cfc9")
        XCTAssertEqual(value("crypto(tencent,'SHA512')", p), "47f5b38274a6084e1632e4fe9fdd933f506aa2e3d327683745a6fd9e749c08de4a3def5b0b11de7b5a0962c5a0b3d3e0e47a491cf18552ac23ea49b4f5e8d84c")
        let e = try XCTUnwrap(error("SELECT crypto(tencent,'SHA3') AS h FROM t"))
        XCTAssertEqual(e.code, .function)
        XCTAssertEqual(e.column, 23)
    }

    // 25. FN-CONCAT (seed L5609).
    func testVector25Concat() {
        XCTAssertEqual(value("concat(deviceid, 'a')", #"{"deviceid":"dev"}"#), "deva")
    }

    // 26. FN-SUBSTRING (0-based proposed).
    func testVector26Substring() {
        XCTAssertEqual(value("substring('abcdef', 1, 3)"), "bc")
        XCTAssertEqual(value("substring('abcdef', 2, 2)"), "")
    }

    // 27. FN-REPLACE (derived).
    func testVector27Replace() {
        XCTAssertEqual(value("replace('a-b-c', '-', '_')"), "a_b_c")
    }

    // 28. FN-TOPIC (derived, §6 reading).
    func testVector28Topic() {
        let t = "$thing/up/property/Y6ONBYP3U5/test"
        let f = "$thing/up/property/Y6ONBYP3U5/+"
        XCTAssertEqual(evalRule("SELECT topic() AS v FROM \(f)", topic: t, payload: "{}").output?.value["v"], .string(t))
        XCTAssertEqual(evalRule("SELECT topic(1) AS v FROM \(f)", topic: t, payload: "{}").output?.value["v"], "$thing")
        XCTAssertEqual(evalRule("SELECT topic(4) AS v FROM \(f)", topic: t, payload: "{}").output?.value["v"], "Y6ONBYP3U5")
        XCTAssertEqual(evalRule("SELECT topic(5) AS v FROM \(f)", topic: t, payload: "{}").output?.value["v"], "test")
        XCTAssertEqual(evalRule("SELECT topic(6) AS v FROM \(f)", topic: t, payload: "{}").output?.json, "{}")
        XCTAssertEqual(evalRule("SELECT * FROM \(f) WHERE topic(6) = 'x'", topic: t, payload: "{}").reason, .conditionMissing)
    }

    // 29. FN-BIN (derived; zero-argument proposal).
    func testVector29BinToDec() {
        XCTAssertEqual(value("bin_to_dec()", bytes: [0x01, 0x02]), 258)
        XCTAssertEqual(value("bin_to_dec('1010')"), 10)
    }

    // 30. FN-UUID: v4 format, two calls differ; requestId() is the message's.
    func testVector30Uuid() throws {
        let rule = try RuleSQL.compile("SELECT newuuid() AS a, newuuid() AS b, requestId() AS r FROM t")
        let m = RuleMessage(topic: "t", payload: "{}", requestId: "7d9b4f5e-22bd-4455-8a4c-6dce7d95b3aa")
        let v = try XCTUnwrap(rule.evaluate(m).output?.value)
        guard case .string(let a)? = v["a"], case .string(let b)? = v["b"] else { return XCTFail("no uuids") }
        XCTAssertNotEqual(a, b)
        for u in [a, b] {
            let parts = u.split(separator: "-").map(String.init)
            XCTAssertEqual(parts.map(\.count), [8, 4, 4, 4, 12], u)
            XCTAssertTrue(u.allSatisfy { "0123456789abcdef-".contains($0) }, u)
            XCTAssertEqual(parts[2].first, "4", u)
            XCTAssertTrue("89ab".contains(parts[3].first!), u)
        }
        XCTAssertEqual(v["r"], "7d9b4f5e-22bd-4455-8a4c-6dce7d95b3aa")
        XCTAssertEqual(rule.evaluate(m).output?.value["r"], v["r"])
    }

    // 31. FN-RANDINT: inclusive bounds.
    func testVector31Randint() throws {
        XCTAssertEqual(value("randint(1,1)"), 1)
        let rule = try RuleSQL.compile("SELECT randint(1,3) AS v FROM t")
        var seen = Set<Int64>()
        for _ in 0..<1000 {
            guard case .int(let v)? = rule.evaluate(RuleMessage(topic: "t", payload: "{}")).output?.value["v"] else { return XCTFail() }
            XCTAssertTrue((1...3).contains(v))
            seen.insert(v)
        }
        XCTAssertEqual(seen, [1, 2, 3])
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String { replacingAll(a, with: b) }
}
