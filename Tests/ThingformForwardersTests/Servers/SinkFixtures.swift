import TestSupport
import Foundation
import ThingformModel
import ThingformRuntime

/// Deliveries and targets for the sink tests: the seed's SQL-HOUSE message by default.
enum SinkFixtures {
    static func delivery(_ id: Int64, type: String = "sqlite", output: JSON? = .object([.init("t", .int(41)), .init("house", .string("tencent"))]),
                         payload: String = #"{"temperature":41,"house":"tencent"}"#, product: String = "AD4GVS5549", device: String = "device",
                         topic: String = "house_monitor/thermometer/get", seq: Int64 = 7, at: Int64 = 1_534_230_725_000) -> Delivery {
        Delivery(id: id, rule: "house", actionIndex: 0, actionType: type, productId: product, deviceName: device, topic: topic,
                 seq: seq, firstAttemptAtMillis: at, payload: Array(payload.utf8), output: output)
    }

    static func binaryDelivery(_ id: Int64, bytes: [UInt8], type: String) -> Delivery {
        Delivery(id: id, rule: "bin", actionIndex: 0, actionType: type, productId: "AD4GVS5549", deviceName: "device",
                 topic: "AD4GVS5549/device/data", seq: 13_107_192, firstAttemptAtMillis: 1_534_230_725_000, payload: bytes, output: nil)
    }

    /// A database action: `fields` as (column, value) pairs.
    static func action(type: String, table: String, _ fields: [(String, String)]) -> JSON {
        .object([.init("type", .string(type)), .init("forwarder", .string("db")), .init("table", .string(table)),
                 .init("fields", .array(fields.map { .object([.init("name", .string($0.0)), .init("value", .string($0.1))]) }))])
    }

    /// The seed's `hub_data` mapping (SQL-HOUSE b).
    static let houseFields = [("table_temperature", "${t}"), ("table_house", "${house}"), ("master", "BeautyHouse")]

    static func sqlSettings(host: String = "127.0.0.1", port: Int, database: String, username: String) -> JSON {
        .object([.init("region", .null), .init("instance", .string("local")), .init("host", .string(host)), .init("port", .int(port)),
                 .init("database", .string(database)), .init("username", .string(username)),
                 .init("passwordSecretRef", .object([.init("env", .string("DB_PASSWORD"))]))])
    }

    /// A scratch folder removed by the caller's teardown.
    static func scratch(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("thingform-\(name)-\(UUID().uuidString.prefix(8))")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension PostgresServer {
    /// The `sql` settings of a Forwarder pointing at this server.
    func settings(database: String = "iot") -> JSON {
        SinkFixtures.sqlSettings(port: port, database: database, username: Self.user)
    }
}
