import GRDB
import ThingformModel

/// Migration `v8-report-history`: the property history keeps one row per accepted report (its
/// accepted properties as one JSON object, in report order, at the report's receive time) instead
/// of one row per property. A report then costs one history row and one index entry instead of one
/// per property: under 10,000 devices each index entry dirties its own page, and those pages were
/// most of what `run` wrote to disk.
enum RuntimeReportHistorySchema {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE report_history (
                product_id  TEXT NOT NULL,
                device_name TEXT NOT NULL,
                at          INTEGER NOT NULL,
                properties  TEXT NOT NULL CHECK (json_valid(properties))
            );
            CREATE INDEX report_history_device ON report_history (product_id, device_name, at);
            """)
        try convert(db)
        try db.execute(sql: "DROP TABLE property_history")
    }

    /// Every `property_history` row becomes a property of a `report_history` row, nothing lost:
    /// the rows of one device at one time, in the order they were written, make one report; a
    /// property seen twice at the same time (two reports in the same millisecond) starts the next
    /// one. `history(...)` returns the same points, in the same order, before and after.
    /// A value that is not JSON text (the pipeline never wrote one) is kept as a JSON string.
    static func convert(_ db: Database) throws {
        let insert = try db.makeStatement(sql: "INSERT INTO report_history (product_id, device_name, at, properties) VALUES (?, ?, ?, ?)")
        var report: (product: String, device: String, at: Int64, object: ReportObject)?
        func flush() throws {
            guard let r = report else { return }
            try insert.execute(arguments: [r.product, r.device, r.at, r.object.text])
            report = nil
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT product_id, device_name, at, property, value, json_valid(value) FROM property_history
            ORDER BY product_id, device_name, at, rowid
            """)
        while let row = try rows.next() {
            let product: String = row[0], device: String = row[1], at: Int64 = row[2], property: String = row[3], value: String = row[4]
            let valid: Bool = row[5]
            if let r = report, r.product != product || r.device != device || r.at != at || r.object.has(property) { try flush() }
            if report == nil { report = (product, device, at, ReportObject()) }
            report?.object.append(property, json: valid ? value : ReportObject.quoted(value))
        }
        try flush()
    }
}

/// A report's accepted properties as the text of one JSON object, built from each value's compact
/// JSON text (no parse, no re-encoding: the stored text is the shadow's).
struct ReportObject {
    private(set) var names: [String] = []
    private var bytes: [UInt8] = [0x7B]

    func has(_ name: String) -> Bool { names.contains(name) }

    mutating func append(_ name: String, json value: String) {
        if !names.isEmpty { bytes.append(0x2C) }
        names.append(name)
        bytes += Self.quoted(name).utf8
        bytes.append(0x3A)
        bytes += value.utf8
    }

    var text: String { String(decoding: bytes + [0x7D], as: UTF8.self) }

    /// `text` as a JSON string.
    static func quoted(_ text: String) -> String { JSON.string(text).compact }
}
