import Foundation
import TestSupport
import ThingformState
@testable import ThingformStatePostgres
import XCTest

/// What only the PostgreSQL backend does: its URL and password sources, the schema's versions,
/// and an advisory lock that dies with its connection. The contract every store keeps is in
/// StateStoreContractTests.
final class PostgresStateStoreTests: XCTestCase {
    func server() throws -> PostgresServer { try PostgresServer.shared.get() }

    func url(_ database: String) throws -> PostgresStateURL {
        try PostgresStateURL(parsing: "postgres://\(PostgresServer.user)@127.0.0.1:\(try server().port)/\(database)?sslmode=disable")
    }

    func open(_ database: String, identity: String = "alice@box") throws -> PostgresStateStore {
        var env = StateEnvironment.system
        env.identity = { identity }
        return try PostgresStateStore(url: try url(database), password: PostgresServer.password, environment: env)
    }

    // MARK: - URL and password

    func testTheURLGivesUserHostPortDatabaseAndSSLMode() throws {
        let u = try PostgresStateURL(parsing: "postgresql://ci%40team@db.example:6543/iot-state?sslmode=verify-full", environment: [:])
        XCTAssertEqual([u.user, u.host, String(u.port), u.database, u.sslMode.rawValue], ["ci@team", "db.example", "6543", "iot-state", "verify-full"])
        let d = try PostgresStateURL(parsing: "postgres://alice@db", environment: [:])
        XCTAssertEqual([String(d.port), d.database, d.sslMode.rawValue], ["5432", "alice", "prefer"])
        XCTAssertEqual(d.redacted, "postgres://alice@db:5432/alice")
    }

    func testAPasswordInTheURLIsRefusedWithoutRepeatingIt() {
        XCTAssertThrowsError(try PostgresStateURL(parsing: "postgres://alice:hunter2@db/iot")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("E-STA-09 "), text)
            XCTAssertFalse(text.contains("hunter2"), text)
            XCTAssertTrue(text.contains("postgres://alice:***@db/iot") && text.contains("PGPASSWORD") && text.contains(".pgpass"), text)
        }
    }

    func testAnUnknownSSLModeOrParameterIsRefused() {
        XCTAssertThrowsError(try PostgresStateURL(parsing: "postgres://a@db/x?sslmode=maybe")) { XCTAssertTrue("\($0)".contains("verify-full"), "\($0)") }
        XCTAssertThrowsError(try PostgresStateURL(parsing: "postgres://a@db/x?password=p")) { XCTAssertTrue("\($0)".hasPrefix("E-STA-09"), "\($0)") }
        XCTAssertThrowsError(try PostgresStateURL(parsing: "postgres:///x")) { XCTAssertTrue("\($0)".contains("no host"), "\($0)") }
    }

    func testThePasswordComesFromPGPASSWORDElseAPrivatePgpassFile() throws {
        let u = try PostgresStateURL(parsing: "postgres://ci@db.example:5433/state", environment: [:])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pgpass").path
        try """
        # comment
        other:5433:state:ci:wrong
        db.example:5433:*:ci:pa\\:ss\\\\word
        *:*:*:*:fallback
        """.write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        XCTAssertEqual(u.password(environment: ["PGPASSFILE": file]), "pa:ss\\word")
        XCTAssertEqual(u.password(environment: ["PGPASSFILE": file, "PGPASSWORD": "env"]), "env")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        XCTAssertNil(u.password(environment: ["PGPASSFILE": file]), "a file others may read is ignored, as libpq does")
    }

    func testAWrongPasswordIsUnavailableAndNotRepeated() throws {
        let db = try server().createDatabase()
        XCTAssertThrowsError(try PostgresStateStore(url: try url(db), password: "not-the-password")) { error in
            guard case let .unavailable(message)? = error as? StateError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("cannot connect to the PostgreSQL state postgres://thingform@127.0.0.1"), message)
            XCTAssertFalse(message.contains("not-the-password"), message)
        }
    }

    // MARK: - Schema

    func testTheSchemaIsMadeOnceUnderALockWhenManyOpenANewDatabaseTogether() throws {
        let db = try server().createDatabase()
        let lock = NSLock()
        var lineages: [String] = [], errors: [Error] = []
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            do {
                let l = try self.open(db).lineage
                lock.lock(); lineages.append(l); lock.unlock()
            } catch {
                lock.lock(); errors.append(error); lock.unlock()
            }
        }
        XCTAssertTrue(errors.isEmpty, "\(errors)")
        XCTAssertEqual(Set(lineages).count, 1)
        XCTAssertEqual(try server().psql("SELECT name FROM thingform.schema_migrations", database: db), "pg1-state")
    }

    func testASchemaWrittenByANewerThingformIsRefused() throws {
        let db = try server().createDatabase()
        _ = try open(db)
        try server().psql("INSERT INTO thingform.schema_migrations (name) VALUES ('pg99-future')", database: db)
        XCTAssertThrowsError(try open(db)) { error in
            guard case let .unavailable(message)? = error as? StateError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("newer thingform") && message.contains("pg99-future"), message)
            XCTAssertEqual((error as? StateError)?.code, "E-STA-03")
        }
    }

    func testOnlyReadWriteCreatesTheSchemaReadingAnEmptyDatabaseCreatesNothing() throws {
        let db = try server().createDatabase()
        let schemata = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'thingform'"
        XCTAssertThrowsError(try PostgresStateStore.opening(url: try url(db), mode: .readExisting, origin: "--state", password: PostgresServer.password)) { error in
            guard let missing = error as? StateMissing else { return XCTFail("\(error)") }
            XCTAssertEqual(missing.path, try? url(db).redacted)
            let text = "\(missing)"
            XCTAssertTrue(text.hasPrefix("E-STA-06 ") && text.contains("(from --state)") && text.contains("no `thingform` schema"), text)
            XCTAssertFalse(text.contains(PostgresServer.password), text)
        }
        XCTAssertNil(try PostgresStateStore.opening(url: try url(db), mode: .readOrEmpty, password: PostgresServer.password))
        XCTAssertEqual(try server().psql(schemata, database: db), "0", "reading created nothing")

        let created = try XCTUnwrap(try PostgresStateStore.opening(url: try url(db), mode: .readWrite, password: PostgresServer.password))
        XCTAssertEqual(try server().psql(schemata, database: db), "1")
        for mode in [StateOpenMode.readExisting, .readOrEmpty] {
            let read = try XCTUnwrap(try PostgresStateStore.opening(url: try url(db), mode: mode, password: PostgresServer.password))
            XCTAssertEqual(read.lineage, created.lineage, "\(mode) opens the existing state")
        }
    }

    // MARK: - Lock

    func testAHolderWhoseConnectionDiesReleasesTheLockAndItsRowIsReplaced() throws {
        let db = try server().createDatabase()
        let holder = try open(db, identity: "alice@box")
        let held = try holder.lock(operation: "apply")
        XCTAssertEqual(try server().psql("SELECT holder || ' ' || operation FROM thingform.lock", database: db), "alice@box apply")
        let next = try open(db, identity: "bob@ci")
        XCTAssertThrowsError(try next.lock(operation: "apply"))
        // The holder's connection is gone (its runner was killed, its network dropped).
        try server().psql("SELECT pg_terminate_backend(backend_pid::integer, 5000) FROM thingform.lock", database: db)
        XCTAssertNil(try next.currentLock(), "a row whose advisory lock is gone is no lock")
        let mine = try next.lock(operation: "apply")
        XCTAssertNotEqual(mine.id, held.id)
        XCTAssertEqual(try next.currentLock(), mine)
        XCTAssertEqual(try server().psql("SELECT count(*) || ' ' || max(holder) FROM thingform.lock", database: db), "1 bob@ci")
    }
}
