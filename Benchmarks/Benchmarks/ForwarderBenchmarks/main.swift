// The PostgreSQL forwarder (batched, exactly once per delivery) beside a plain COPY of the same
// rows into the same server, measured in the same run and reported as a ratio. `make bench`
// starts the server (initdb/pg_ctl in a scratch folder) and passes it in the environment:
// BENCH_PG_HOST, BENCH_PG_PORT, BENCH_PG_USER, BENCH_PG_PASSWORD, BENCH_PG_DATABASE;
// BENCH_ROWS (default 200000) and BENCH_BATCH (default 1000).
import Foundation
import Logging
import NIOCore
import PostgresNIO
import ThingformForwarders
import ThingformModel
import ThingformRuntime

let env = ProcessInfo.processInfo.environment
let host = env["BENCH_PG_HOST"] ?? "127.0.0.1", port = Int(env["BENCH_PG_PORT"] ?? "") ?? 5432
let user = env["BENCH_PG_USER"] ?? "thingform", password = env["BENCH_PG_PASSWORD"] ?? "", database = env["BENCH_PG_DATABASE"] ?? "bench"
let rows = Int(env["BENCH_ROWS"] ?? "") ?? 200_000, batchSize = Int(env["BENCH_BATCH"] ?? "") ?? 1000

var logger = Logger(label: "bench")
logger.logLevel = .error
let config = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
let admin = try await PostgresConnection.connect(configuration: config, id: 1, logger: logger)
for table in ["sink_rows", "copy_rows"] {
    try await admin.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger)
    try await admin.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(table) (n BIGINT, temperature DOUBLE PRECISION, house TEXT, product TEXT, device TEXT)"), logger: logger)
}
try await admin.query("DROP TABLE IF EXISTS thingform_deliveries", logger: logger)

// One 5-property report per message, as the rule's SELECT output.
func output(_ i: Int) -> JSON {
    .object([.init("n", .int(i)), .init("temperature", .number(String(20 + Double(i % 200) / 10))), .init("house", .string("house-\(i % 97)")),
             .init("humidity", .int(i % 100)), .init("ok", .bool(i % 2 == 0))])
}
let deliveries = (1...rows).map { i in
    Delivery(id: Int64(i), rule: "bench", actionIndex: 0, actionType: "postgres", productId: "AD4GVS5549", deviceName: "dev\(i % 1000)",
             topic: "$thing/up/property/AD4GVS5549/dev\(i % 1000)", seq: Int64(i), firstAttemptAtMillis: 1_700_000_000_000,
             payload: [], output: output(i))
}
let action: JSON = .object([.init("type", .string("postgres")), .init("forwarder", .string("pg")), .init("table", .string("sink_rows")),
                            .init("fields", .array([("n", "${n}"), ("temperature", "${temperature}"), ("house", "${house}"),
                                                    ("product", "productId()"), ("device", "deviceName()")].map {
                                .object([.init("name", .string($0.0)), .init("value", .string($0.1))]) }))])
let settings: JSON = .object([.init("host", .string(host)), .init("port", .int(port)), .init("database", .string(database)), .init("username", .string(user))])
let target = ForwarderTarget(forwarder: "pg", type: "postgres", settings: settings, action: action, secrets: ["passwordSecretRef": password])

let sink = SQLSinks.make(type: "postgres")!
let sinkStart = Date()
var start = 0
while start < deliveries.count {
    let batch = Array(deliveries[start..<min(deliveries.count, start + batchSize)])
    let outcomes = await sink.send(batch, to: target)
    if let bad = outcomes.first(where: { $0 != .delivered }) { fatalError("the sink failed: \(bad)") }
    start += batch.count
}
let sinkSeconds = Date().timeIntervalSince(sinkStart)
await sink.shutdown()

// The same rows (as the sink binds them) through COPY, one stream.
let copyStart = Date()
try await admin.copyFrom(table: "copy_rows", columns: ["n", "temperature", "house", "product", "device"], logger: logger) { writer in
    var buffer = ByteBuffer()
    for (i, d) in deliveries.enumerated() {
        let n = i + 1
        buffer.writeString("\(n)\t\(20 + Double(n % 200) / 10)\thouse-\(n % 97)\t\(d.productId)\t\(d.deviceName)\n")
        if buffer.readableBytes > 1 << 20 { try await writer.write(buffer); buffer.clear() }
    }
    if buffer.readableBytes > 0 { try await writer.write(buffer) }
}
let copySeconds = Date().timeIntervalSince(copyStart)

var counts: [Int64] = []
for table in ["sink_rows", "copy_rows"] {
    for try await c in try await admin.query(PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(table)"), logger: logger).decode(Int64.self) { counts.append(c) }
}
try await admin.closeGracefully()
guard counts == [Int64(rows), Int64(rows)] else { fatalError("row counts \(counts), expected \(rows) each") }

func rate(_ seconds: Double) -> String { String(format: "%.0f rows/s (%.2f s)", Double(rows) / seconds, seconds) }
print("PostgreSQL forwarder, \(rows) rows in batches of \(batchSize), markers included: \(rate(sinkSeconds))")
print("plain COPY of the same rows:                                   \(rate(copySeconds))")
print(String(format: "forwarder / COPY throughput ratio: %.3f", copySeconds / sinkSeconds))
