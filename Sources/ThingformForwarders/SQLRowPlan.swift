import RuleSQL
import ThingformModel
import ThingformRuntime

/// A database action's INSERT, ready to bind: the table, its columns and one parsed value
/// expression per column, with every function call of the action compiled into one rule so a
/// delivery evaluates them in one pass. Pure: no I/O.
public struct SQLRowPlan: Sendable {
    public let table: String
    public let columns: [String]
    public let expressions: [SQLValueExpression]
    /// `SELECT <call0> AS v0, <call1> AS v1 … FROM #`, or nil when the action has no call.
    let calls: CompiledRule?
    /// Index of each `.call` column's alias in `calls`.
    let callSlots: [Int: Int]

    /// A data error found while building a row: no retries, no error actions.
    public struct DataError: Error, Equatable, Sendable {
        public let errcode: String
        public let diagnostic: String
        public let result: String
        public var outcome: SendOutcome { .dataError(errcode: errcode, diagnostic: diagnostic, result: result) }
    }

    /// Reads a database action's canonical JSON (`table`, `fields: [{name, value}]`); nil when
    /// it has no table or no fields (the manifest check rejects those before any run).
    public init?(action: JSON) {
        guard let table = action["table"]?.stringValue, !table.isEmpty,
              let fields = action["fields"]?.arrayValue, !fields.isEmpty else { return nil }
        var columns: [String] = [], expressions: [SQLValueExpression] = [], calls: [String] = [], slots: [Int: Int] = [:]
        for f in fields {
            guard let name = f["name"]?.stringValue, !name.isEmpty else { return nil }
            let e = SQLValueExpression.parse(f["value"]?.stringValue ?? "")
            if case .call(let text) = e { slots[columns.count] = calls.count; calls.append(text) }
            columns.append(name)
            expressions.append(e)
        }
        self.table = table
        self.columns = columns
        self.expressions = expressions
        self.callSlots = slots
        if calls.isEmpty { self.calls = nil } else {
            let items = calls.enumerated().map { "\($0.element) AS v\($0.offset)" }.joined(separator: ", ")
            guard let rule = try? RuleSQL.compile("SELECT \(items) FROM #") else { return nil }
            self.calls = rule
        }
    }

    /// The row of one delivery, one value per column, or the data error that stops it.
    public func values(for d: Delivery) -> Result<[SQLValue], DataError> {
        let needsOutput = expressions.contains { e in
            switch e {
            case .path, .interpolation: return true
            default: return false
            }
        }
        var document: RuleValue?
        if needsOutput {
            document = SQLRowPlan.document(of: d)
            if case .binary = document {
                return .failure(DataError(errcode: "Payload_Not_JSON", diagnostic: "Payload is not JSON fmt", result: "FAIL"))
            }
        }
        var callOutput: RuleValue = .object([])
        if let calls {
            let message = RuleMessage(topic: d.topic, payload: d.payload, productId: d.productId, deviceName: d.deviceName,
                                      timestamp: d.firstAttemptAtMillis, seq: d.seq)
            switch calls.evaluate(message) {
            case .matched(let out): callOutput = out.value
            case .noMatch(.payloadNotJSON):
                return .failure(DataError(errcode: "Payload_Not_JSON", diagnostic: "Payload is not JSON fmt", result: "FAIL"))
            case .noMatch(.evaluationError(let detail)):
                return .failure(DataError(errcode: "Rule_Process_SQL_Err", diagnostic: "Process sql: \(calls.sql)", result: "FAIL,unexpected error:\(detail)"))
            case .noMatch: break
            }
        }
        var row: [SQLValue] = []
        row.reserveCapacity(expressions.count)
        for (i, e) in expressions.enumerated() {
            switch e {
            case .constant(let v): row.append(v)
            case .path(let p): row.append(SQLRowPlan.bound(SQLRowPlan.lookup(p, in: document, d)))
            case .call: row.append(SQLRowPlan.bound(callOutput["v\(callSlots[i]!)"]))
            case .interpolation(let pieces):
                var s = ""
                for piece in pieces {
                    switch piece {
                    case .text(let t): s += t
                    case .path(let p):
                        if let v = SQLRowPlan.lookup(p, in: document, d), v != .null { s += v.stringForm }
                    }
                }
                row.append(.text(s))
            }
        }
        return .success(row)
    }

    /// The SELECT output as a value: the rule's output object, or for `SELECT *` the parsed
    /// payload (`.binary` when it is not JSON).
    static func document(of d: Delivery) -> RuleValue {
        if let output = d.output { return ruleValue(output) }
        return passthrough.evaluate(RuleMessage(topic: d.topic, payload: d.payload)).output?.value ?? .binary(d.payload)
    }

    static let passthrough = try! RuleSQL.compile("SELECT * FROM #")

    /// `path` in the output; the source's `productId` / `deviceName` when the output has no such key.
    static func lookup(_ path: [String], in document: RuleValue?, _ d: Delivery) -> RuleValue? {
        var v = document
        for key in path { v = v?[key] }
        if v == nil, path.count == 1 {
            switch path[0] {
            case "productId", "productid": return .string(d.productId)
            case "deviceName", "devicename": return .string(d.deviceName)
            default: break
            }
        }
        return v
    }

    /// The bound parameter of a value: integers and doubles as numbers, booleans as 1/0, objects
    /// and arrays as compact JSON text, Missing and JSON null as NULL.
    static func bound(_ v: RuleValue?) -> SQLValue {
        switch v {
        case nil, .null?: return .null
        case .bool(let b)?: return .int(b ? 1 : 0)
        case .int(let i)?: return .int(i)
        case .double(let x)?: return .double(x)
        case .string(let s)?: return .text(s)
        case .array?, .object?, .binary?: return .text(v!.stringForm)
        }
    }

    static func ruleValue(_ j: JSON) -> RuleValue {
        switch j {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .number(let t):
            if !t.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let i = Int64(t) { return .int(i) }
            return Double(t).map(RuleValue.double) ?? .string(t)
        case .array(let a): return .array(a.map(ruleValue))
        case .object(let fields): return .object(fields.map { ($0.name, ruleValue($0.value)) })
        }
    }
}
