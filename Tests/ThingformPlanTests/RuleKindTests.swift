import XCTest
import ThingformModel
import ThingformState
import RuleSQL
@testable import ThingformPlan

/// `Forwarder` and `Rule` (spec/04 §4, §8, §11): decoding, validation, canonical form and plans.
final class RuleKindTests: XCTestCase {
    static let webhook = Fixture.doc("Forwarder", "ops-webhook", """
        instance: pub
        type: http
        http:
          url: https://ops.example.com/hook
          tokenSecretRef: {env: OPS_TOKEN}
        """)
    static let db = Fixture.doc("Forwarder", "warehouse-db", """
        instance: pub
        type: mysql
        sql:
          region: 广州
          instance: cdb-xxxx
          database: sokol
          username: root
          passwordSecretRef: {env: SOKOL_DB_PASSWORD}
        """)

    static func rule(_ spec: String, name: String = "room1_hot") -> String { Fixture.doc("Rule", name, spec) }

    static let roomHot = rule("""
        instance: pub
        description: room1 above 30 °C → MySQL
        enabled: true
        select: "room1.temperature as temp,room1.humidity as hum"
        from: "/+/data"
        where: "topic(2) = 'device00' AND room1.temperature > 30"
        actions:
          - type: mysql
            forwarder: warehouse-db
            table: hub_data
            fields:
              - {name: table_temperature, value: "${temp}"}
              - {name: table_humidity, value: "${hum}"}
              - {name: productId, value: "productId()"}
        errorActions:
          - {type: http, forwarder: ops-webhook}
        """)

    func text(_ docs: String...) -> String { Fixture.join([Fixture.text(), RuleKindTests.webhook, RuleKindTests.db] + docs) }
    func errors(_ text: String) -> [Diagnostic] { Fixture.load(text).diagnostics.errors }

    func testSpecExampleRuleAndForwardersAreValidAndCanonical() {
        let (desired, d) = Fixture.load(text(RuleKindTests.roomHot))
        XCTAssertEqual(d.items.map(\.description), [])
        let r = desired[Address(.rule, "room1_hot")]!
        XCTAssertEqual(r.spec["sql"]?.stringValue, "SELECT room1.temperature AS temp, room1.humidity AS hum FROM /+/data WHERE topic(2) = 'device00' AND room1.temperature > 30")
        XCTAssertEqual(r.references, [Address(.instance, "pub"), Address(.forwarder, "warehouse-db"), Address(.forwarder, "ops-webhook")])
        XCTAssertEqual(desired[Address(.forwarder, "ops-webhook")]!.spec["http"]?["timeoutSeconds"], .number("5"))
    }

    func testWhitespaceAndSQLFormEditsHaveTheSameCanonicalHash() {
        let a = Fixture.load(text(RuleKindTests.rule("instance: pub\nsql: \"SELECT temp FROM a/+ WHERE temp > 1\""))).desired
        let b = Fixture.load(text(RuleKindTests.rule("instance: pub\nselect: \"temp\"\nfrom: \"a/+\"\nwhere: \"temp   >   1\""))).desired
        XCTAssertEqual(a[Address(.rule, "room1_hot")]?.hash, b[Address(.rule, "room1_hot")]?.hash)
    }

    func testProductIdPlaceholderNeedsTheProductAndStaysInTheCanonicalSQL() {
        let with = Fixture.load(text(RuleKindTests.rule("instance: pub\nproduct: smart-light\nsql: \"SELECT * FROM $thing/up/property/${productId}/+\"")))
        XCTAssertEqual(with.diagnostics.errors.map(\.description), [])
        XCTAssertEqual(with.desired[Address(.rule, "room1_hot")]?.spec["sql"]?.stringValue, "SELECT * FROM $thing/up/property/${productId}/+")
        XCTAssertTrue(with.desired[Address(.rule, "room1_hot")]!.references.contains(Address(.product, "smart-light")))
        let t = text(RuleKindTests.rule("instance: pub\nsql: \"SELECT * FROM $thing/up/property/${productId}/+\""))
        XCTAssertEqual(errors(t).map(\.code), ["E-RULE-11"])
    }

    func testRuleNameAndDescriptionLimits() {
        let bad = text(RuleKindTests.rule("instance: pub\nsql: \"SELECT * FROM t\"", name: "room-1"))
        XCTAssertDiagnostic(errors(bad), RuleCode.name, at: Fixture.location(of: "name: room-1", in: bad))
        let long = text(RuleKindTests.rule("instance: pub\nsql: \"SELECT * FROM t\"", name: String(repeating: "a", count: 33)))
        XCTAssertDiagnostic(errors(long), RuleCode.name)
        let desc = text(RuleKindTests.rule("instance: pub\nsql: \"SELECT * FROM t\"\ndescription: \(String(repeating: "d", count: 257))"))
        XCTAssertDiagnostic(errors(desc), RuleCode.description, at: Fixture.location(of: "ddd", in: desc))
    }

    func testSQLAndSelectFromAreExclusive() {
        let both = text(RuleKindTests.rule("instance: pub\nsql: \"SELECT * FROM t\"\nselect: a\nfrom: t"))
        XCTAssertDiagnostic(errors(both), RuleCode.sqlForm, at: Fixture.location(of: "sql:", in: both, after: "kind: Rule"))
        let neither = text(RuleKindTests.rule("instance: pub"))
        XCTAssertDiagnostic(errors(neither), RuleCode.sqlForm)
    }

    func testSQLErrorIsPositionedInsideTheQuotedScalar() {
        // The scalar's column + 1 (the quote) + the error's column inside the SQL - 1.
        let sql = "SELECT a FROM t WHERE (SELECT 1)"
        let e = RuleSQL.check(sql)[0]
        let t = text(RuleKindTests.rule("instance: pub\nsql: \"\(sql)\""))
        let at = Fixture.location(of: "SELECT a", in: t, after: "kind: Rule")!
        XCTAssertDiagnostic(errors(t), e.code.rawValue, at: SourceLocation(file: at.file, line: at.line, column: at.column + e.column - 1))
        XCTAssertEqual(e.code.rawValue, "E-RULE-08")
    }

    func testSQLErrorInTheWhereFieldIsPositionedInThatField() {
        let e = RuleSQL.check(select: "a", from: "t", where: "a = crypto(a, 'SHA3')")[0]
        XCTAssertEqual(e.field, .where)
        let t = text(RuleKindTests.rule("instance: pub\nselect: a\nfrom: t\nwhere: a = crypto(a, 'SHA3')"))
        let at = Fixture.location(of: "a = crypto", in: t)!
        XCTAssertDiagnostic(errors(t), "E-RULE-06", at: SourceLocation(file: at.file, line: at.line, column: at.column + e.column - 1))
    }

    func testSQLErrorInABlockScalarCountsLinesFromTheNextLine() {
        let e = RuleSQL.check("SELECT a\nFROM house/#/get\n")[0]
        XCTAssertEqual(e.line, 2)
        let t = text(RuleKindTests.rule("instance: pub\nsql: |\n  SELECT a\n  FROM house/#/get"))
        let at = Fixture.location(of: "FROM house", in: t)!
        XCTAssertDiagnostic(errors(t), "E-RULE-05", at: SourceLocation(file: at.file, line: at.line, column: at.column + e.column - 1))
    }

    func testClearTextSecretsAreRefused() {
        let t = text(Fixture.doc("Forwarder", "hook2", "instance: pub\ntype: http\nhttp:\n  url: https://a.example.com\n  token: thread"))
        XCTAssertDiagnostic(errors(t), ForwarderCode.clearTextSecret, at: Fixture.location(of: "thread", in: t))
        let s = text(Fixture.doc("Forwarder", "hook2", "instance: pub\ntype: http\nhttp:\n  url: https://a.example.com\n  tokenSecretRef: thread"))
        XCTAssertDiagnostic(errors(s), ForwarderCode.clearTextSecret, at: Fixture.location(of: "thread", in: s))
    }

    /// issue 13: credentials typed into ordinary fields are refused at their field, and never echoed.
    func testCredentialsInOrdinaryFieldsAreRefusedWithoutEchoingThem() {
        func fwd(_ spec: String) -> String { text(Fixture.doc("Forwarder", "f2", "instance: pub\n" + spec)) }
        let cases = [
            fwd("type: http\nhttp: {url: \"https://ops:hunter2@a.example.com/hook\"}"),
            fwd("type: function\nfunction: {env: e1, name: f1, url: \"http://admin:hunter2@127.0.0.1:9000/f\"}"),
            fwd("type: kafka\nkafka: {instance: ck-1, bootstrapServers: [\"127.0.0.1:9092\"], topic: t, properties: {sasl.password: hunter2}}"),
            fwd("type: kafka\nkafka: {instance: ck-1, bootstrapServers: [\"127.0.0.1:9092\"], topic: t, properties: {sasl.jaas.config: \"x password=hunter2\"}}"),
            fwd("type: function\nfunction: {env: e1, name: f1, command: [/usr/bin/f, \"--api-key=hunter2\"]}"),
            fwd("type: function\nfunction: {env: e1, name: f1, command: [/usr/bin/f, --token, hunter2]}"),
        ]
        for t in cases {
            let found = errors(t).filter { $0.code == ForwarderCode.clearTextSecret }
            XCTAssertEqual(found.count, 1, t)
            XCTAssertFalse(found.first?.description.contains("hunter2") ?? true, found.first?.description ?? "")
            XCTAssertTrue(found.first?.hint?.contains("{env: NAME}") ?? false)
            XCTAssertNotNil(found.first?.location)
        }
        XCTAssertEqual(errors(fwd("type: function\nfunction: {env: e1, name: f1, command: [/usr/bin/f, --verbose, --token-file=/run/t]}"))
            .filter { $0.code == ForwarderCode.clearTextSecret }.count, 0)
    }

    func testForwarderSettingsCodes() {
        func fwd(_ spec: String) -> String { text(Fixture.doc("Forwarder", "f2", "instance: pub\n" + spec)) }
        let url = fwd("type: http\nhttp: {url: ftp://x.example.com}")
        XCTAssertDiagnostic(errors(url), ForwarderCode.url, at: Fixture.location(of: "ftp://", in: url))
        XCTAssertDiagnostic(errors(fwd("type: http\nhttp: {url: https://a.example.com, addressType: iotEnable}")), ForwarderCode.iotEnable)
        XCTAssertDiagnostic(errors(fwd("type: kafka\nkafka: {instance: ck-1, bootstrapServers: [\"127.0.0.1:9092\"], topic: \"bad topic\"}")), ForwarderCode.kafka)
        XCTAssertDiagnostic(errors(fwd("type: mysql\nsql: {instance: cdb, username: root, passwordSecretRef: {env: P}}")), ForwarderCode.sqlRequired)
        let user = fwd("type: mysql\nsql: {instance: cdb, database: d, username: root_1, passwordSecretRef: {env: P}}")
        XCTAssertDiagnostic(errors(user), ForwarderCode.username, at: Fixture.location(of: "root_1", in: user))
        XCTAssertDiagnostic(errors(fwd("type: function\nfunction: {env: e1, name: \"\", url: \"http://127.0.0.1:9000/f\"}")), ForwarderCode.function)
        XCTAssertDiagnostic(errors(fwd("type: mongodb")), RuleCode.actionType)
        XCTAssertDiagnostic(errors(fwd("type: http\nkafka: {topic: t}\nhttp: {url: https://a.example.com}")), ForwarderCode.settings)
    }

    func testPasswordRuleVectors() {
        XCTAssertTrue(ForwarderSpec.isValidPassword("Abc_1234"))
        for bad in ["Abc12345", "Ab_1234", "Abc 1234!", "Abc_1234" + String(repeating: "x", count: 23)] {
            XCTAssertFalse(ForwarderSpec.isValidPassword(bad), bad)
        }
    }

    func testActionConstraints() {
        func ruleWith(_ actions: String, select: String = "t AS temp") -> String {
            text(RuleKindTests.rule("instance: pub\nselect: \"\(select)\"\nfrom: a/+\nactions:\n" + actions))
        }
        let dangling = ruleWith("  - {type: http, forwarder: nope}")
        XCTAssertDiagnostic(errors(dangling), RuleCode.forwarder, at: Fixture.location(of: "forwarder: nope", in: dangling))
        XCTAssertDiagnostic(errors(ruleWith("  - {type: kafka, forwarder: ops-webhook}")), RuleCode.forwarder)
        XCTAssertDiagnostic(errors(ruleWith("  - {type: mongodb, forwarder: ops-webhook}")), RuleCode.actionType)
        XCTAssertDiagnostic(errors(ruleWith("  - {type: republish, product: smart-light, device: dev-1, topic: a/b}")), RuleCode.republish)
        XCTAssertDiagnostic(errors(ruleWith("  - {type: republish, product: smart-light, device: d1, topic: a/+/b}")), RuleCode.republish)
        let v = ruleWith("  - {type: republish, product: smart-light, device: d1, topic: \"a/${room}/b\"}")
        XCTAssertDiagnostic(errors(v), RuleCode.republishVariable, at: Fixture.location(of: "\"a/${room}", in: v))
        XCTAssertEqual(errors(ruleWith("  - {type: republish, product: smart-light, device: d1, topic: \"a/${room}/b\"}", select: "*")).map(\.code), [])
        XCTAssertDiagnostic(errors(ruleWith("  - {type: mysql, forwarder: warehouse-db, table: t, fields: [{name: c, value: \"${hum}\"}]}")), RuleCode.database)
        XCTAssertDiagnostic(errors(ruleWith("  - {type: mysql, forwarder: warehouse-db, table: t, fields: []}")), RuleCode.database)
        XCTAssertDiagnostic(errors(ruleWith("  - {type: mysql, forwarder: warehouse-db, table: t, fields: [{name: c, value: 1}, {name: c, value: 2}]}")), RuleCode.database)
        let loop = ruleWith("  - {type: republish, product: smart-light, device: d1, topic: a/b}")
        XCTAssertTrue(Fixture.load(loop).diagnostics.items.contains { $0.code == RuleCode.republishLoop }, "a/b matches FROM a/+")
        let eleven = String(repeating: "  - {type: http, forwarder: ops-webhook}\n", count: 11)
        XCTAssertDiagnostic(errors(ruleWith(eleven)), RuleCode.tooManyActions)
    }

    // MARK: plans

    func testCreatePlanOrdersForwardersBeforeRulesAndReplansWithNoChanges() {
        let t = text(RuleKindTests.roomHot)
        let plan = Fixture.plan(t, against: .empty)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(Array(plan.steps.suffix(3)), ["create Forwarder/ops-webhook", "create Forwarder/warehouse-db", "create Rule/room1_hot"])
        let again = Planner().plan(desired: Fixture.load(t).desired, snapshot: Fixture.snapshot(Fixture.load(t).desired))
        XCTAssertEqual(again.changes, [])
    }

    func testEditingTheRuleIsAnUpdateAndChangingAForwarderTypeNeedsAReplace() {
        let state = Fixture.snapshot(Fixture.load(text(RuleKindTests.roomHot)).desired)
        let edited = text(RuleKindTests.roomHot.replacingOccurrences(of: "> 30\"", with: "> 31\""))
        let plan = Fixture.plan(edited, against: state)
        XCTAssertEqual(plan.steps, ["update Rule/room1_hot"])
        XCTAssertEqual(plan.changes[0].fields.map(\.path), ["spec.sql"])
        let fnHook = Fixture.doc("Forwarder", "ops-webhook", "instance: pub\ntype: function\nfunction: {env: e1, name: f1, url: \"http://127.0.0.1:9000/f\"}")
        let p2 = Fixture.plan(Fixture.join([Fixture.text(), fnHook, RuleKindTests.db]), against: state)
        XCTAssertTrue(p2.codes.contains("E-PLN-03"), p2.diagnostics.map(\.description).joined(separator: "\n"))
    }

    func testDeletingAForwarderARuleStillUsesIsRefused() {
        let state = Fixture.snapshot(Fixture.load(text(RuleKindTests.roomHot)).desired)
        // The validator already reports the dangling reference; the planner refuses the delete itself.
        let (desired, _) = Fixture.load(Fixture.join([Fixture.text(), RuleKindTests.db, RuleKindTests.roomHot]))
        let plan = Planner().plan(desired: desired, snapshot: state)
        XCTAssertTrue(plan.codes.contains(ForwarderCode.referenced), plan.diagnostics.map(\.description).joined(separator: "\n"))
    }

    func testDeletingARuleAndItsForwarderTogetherDeletesTheRuleFirst() {
        let state = Fixture.snapshot(Fixture.load(text(RuleKindTests.roomHot)).desired)
        let plan = Fixture.plan(Fixture.text(), against: state)
        XCTAssertFalse(plan.hasErrors, plan.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(plan.steps, ["delete Rule/room1_hot", "delete Forwarder/ops-webhook", "delete Forwarder/warehouse-db"])
    }

    func testEnabledRuleWithoutActionsWarns() {
        let plan = Fixture.plan(text(RuleKindTests.rule("instance: pub\nenabled: true\nsql: \"SELECT * FROM t\"")), against: .empty)
        XCTAssertFalse(plan.hasErrors)
        XCTAssertTrue(plan.codes.contains(RuleCode.noActions))
    }
}
