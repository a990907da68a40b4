import XCTest
@testable import ThingformForwarders

final class SQLDialectTests: XCTestCase {
    func testIdentifiersAreQuotedPerDialectWithTheQuoteDoubled() {
        XCTAssertEqual(SQLDialect.mysql.quote("hub_data"), "`hub_data`")
        XCTAssertEqual(SQLDialect.postgres.quote("hub_data"), "\"hub_data\"")
        XCTAssertEqual(SQLDialect.sqlite.quote("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(SQLDialect.mysql.quote("a`b"), "`a``b`")
    }

    func testInsertIsParameterized() {
        XCTAssertEqual(SQLDialect.mysql.insert(table: "hub_data", columns: ["a", "b"]), "INSERT INTO `hub_data` (`a`,`b`) VALUES (?,?)")
        XCTAssertEqual(SQLDialect.sqlite.insert(table: "t", columns: ["$x"]), "INSERT INTO \"t\" (\"$x\") VALUES (?)")
        XCTAssertEqual(SQLDialect.postgres.insert(table: "t", columns: ["a", "b"], rows: 2), "INSERT INTO \"t\" (\"a\",\"b\") VALUES ($1,$2),($3,$4)")
    }

    func testMarkerStatementsNameOnlyIntegers() {
        XCTAssertEqual(SQLDialect.postgres.markedIDs([3, 4]), "SELECT \"id\" FROM \"thingform_deliveries\" WHERE \"id\" IN (3,4)")
        XCTAssertEqual(SQLDialect.mysql.markIDs([3], at: 9), "INSERT INTO `thingform_deliveries` (`id`,`at`) VALUES (3,9)")
        XCTAssertTrue(SQLDialect.mysql.markerTableDDL.hasSuffix("ENGINE=InnoDB"))
    }
}
