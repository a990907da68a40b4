/// `DeviceBatch` (spec/02 §3.3-§3.10): the console's mass-production record. Applying one creates
/// its devices in the product at once: names generated from the product's counter (`auto`) or
/// read from an uploaded CSV (`upload`), a secret per device, and an output file for the
/// manufacturer. It is create-only (E-BAT-06) and is never deleted: removing the manifest keeps
/// the record and its devices (W-BAT-01). Unlike `Device` with `spec.batch` (a set of devices the
/// manifest owns), the devices of a batch are the platform's, managed one by one afterwards.
///
/// Rules that need the product, the instance or the state (E-BAT-01, -02, -07 on enterprise,
/// W-BAT-02, names already in the product) are the planner's: they hold when the batch is
/// created, and an existing batch must not block later changes to its product.
public struct DeviceBatchSpec: ResourceSpec {
    public static let kind = Kind.deviceBatch
    public static let fields = ["product", "burnMethod", "generation", "quantity", "namesFile", "qrCode"]
    public static let oneDeviceOneSecret = "oneDeviceOneSecret"
    public static let oneModelOneSecret = "oneModelOneSecret"
    public static let burnMethods = [oneDeviceOneSecret, oneModelOneSecret]
    public static let generations = ["auto", "upload"]
    public static let qrCodes = ["auto", "none"]
    /// "At most 10000 devices in one run" (seed L2157, L2318).
    public static let maxDevices = DeviceSpec.maxBatch
    /// Create-only: every field (a change is E-BAT-06, never a replace).
    public static var immutableFields: [String] { fields }

    public var product: String
    public var burnMethod: String
    public var generation: String
    /// The number of devices: `quantity` (auto), or the number of uploaded names.
    public var quantity: Int
    /// The uploaded names in file order (the path itself is not canonical); nil for `auto`.
    public var names: [String]?
    public var qrCode: String

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let product = r.string("product", required: true, &ctx)
        burnMethod = r.oneOf("burnMethod", DeviceBatchSpec.burnMethods, code: ManifestCode.wrongType, &ctx) ?? DeviceBatchSpec.oneDeviceOneSecret
        generation = r.oneOf("generation", DeviceBatchSpec.generations, code: ManifestCode.wrongType, &ctx) ?? "auto"
        qrCode = r.oneOf("qrCode", DeviceBatchSpec.qrCodes, code: ManifestCode.wrongType, &ctx) ?? "none"
        let quantityNode = r.node("quantity", &ctx)
        let given = quantityNode.flatMap { n -> Int? in
            if let s = n.scalar, s.plain, let v = Int(s.text) { return v }
            ctx.error(ManifestCode.wrongType, n, "spec.quantity must be an integer, found \(n.typeName)")
            return nil
        }
        let fileNode = r.node("namesFile", &ctx)
        let oneModel = burnMethod == DeviceBatchSpec.oneModelOneSecret
        if oneModel, generation == "auto" {
            ctx.error(DeviceBatchCode.oneModelAuto, r.node["generation"] ?? r.node["burnMethod"]!,
                      "burnMethod: oneModelOneSecret needs generation: upload; one model, one secret devices burn their own names (MAC, SN)",
                      hint: "Set generation: upload with a namesFile, or use burnMethod: oneDeviceOneSecret")
        }
        if oneModel, qrCode == "auto" {
            ctx.error(DeviceBatchCode.qrCode, r.node["qrCode"]!, "qrCode: auto is only for burnMethod: oneDeviceOneSecret",
                      hint: "The QR code is signed with the device secret, which one model, one secret devices obtain later; set qrCode: none")
        }
        var count: Int?
        if generation == "auto" {
            if let fileNode {
                ctx.error(DeviceBatchCode.quantity, fileNode, "spec.namesFile is only for generation: upload",
                          hint: "Remove namesFile to generate names, or set generation: upload")
            }
            if let quantityNode, let q = given {
                if (1...DeviceBatchSpec.maxDevices).contains(q) { count = q } else {
                    ctx.error(DeviceCode.quantity, quantityNode, "spec.quantity must be 1…\(DeviceBatchSpec.maxDevices), found \(q)",
                              hint: "At most 10000 devices can be mass-produced in one run; split the batch")
                }
            } else if quantityNode == nil {
                ctx.error(DeviceBatchCode.quantity, r.node["generation"] ?? spec, "generation: auto needs spec.quantity (1…\(DeviceBatchSpec.maxDevices))")
            }
        } else if let fileNode {
            if let path = fileNode.scalar?.text {
                names = DeviceBatchSpec.readNames(path, fileNode, &ctx)
            } else {
                ctx.error(ManifestCode.wrongType, fileNode, "spec.namesFile must be a path, found \(fileNode.typeName)")
            }
            if let names, let q = given, q != names.count {
                ctx.error(DeviceBatchCode.quantity, quantityNode!, "spec.quantity is \(q) but the names file lists \(names.count) device\(names.count == 1 ? "" : "s")",
                          hint: "With generation: upload the quantity is the number of names; remove quantity or make it match")
            }
            count = names?.count
        } else {
            ctx.error(DeviceBatchCode.quantity, r.node["generation"]!, "generation: upload needs spec.namesFile (a .csv of DeviceNames)")
        }
        r.finish(&ctx)
        guard let product, let count else { return nil }
        self.product = product
        self.quantity = count
    }

    /// The names of an uploaded CSV (§3.4). Problems inside the file are reported at their line
    /// and column in it; every name's position is kept so plan-time errors can point at it too.
    static func readNames(_ path: String, _ node: Node, _ ctx: inout DecodeContext) -> [String]? {
        guard path.lowercased().hasSuffix(".csv") else {
            ctx.error(DeviceBatchCode.namesFile, node, "spec.namesFile '\(path)' must be a .csv file",
                      hint: "Upload a CSV with one DeviceName per row in the first column (an optional DeviceName header)")
            return nil
        }
        if ctx.refusesPath(path, node, field: "spec.namesFile", limit: ManifestPath.maxCSVBytes) { return nil }
        guard let text = ctx.readFile(path) else {
            ctx.error(ManifestCode.unreadable, node, "cannot read the names file '\(path)' (paths are relative to the manifest)")
            return nil
        }
        let csv = ManifestPath.resolve(path, from: ctx.file)
        func at(_ line: Int, _ column: Int) -> SourceLocation { SourceLocation(file: csv, line: line, column: column) }
        let file = NamesFile(parsing: text)
        for problem in file.problems {
            switch problem {
            case let .notUTF8(line):
                ctx.diagnostics.error(DeviceBatchCode.namesFile, at: at(line, 1), address: ctx.address, "the names file '\(path)' is not UTF-8 text",
                                      hint: "Save it as CSV UTF-8")
            case let .malformed(line, column, what):
                ctx.diagnostics.error(DeviceBatchCode.namesFile, at: at(line, column), address: ctx.address, "the names file is not valid CSV: \(what)",
                                      hint: "Quote a cell as \"…\" and write a quote inside it as \"\"")
            case let .invalidName(n):
                ctx.diagnostics.error(DeviceCode.name, at: at(n.line, n.column), address: ctx.address, "device name '\(n.name)' (line \(n.line)) is not valid",
                                      hint: "Use 1-48 letters, digits or '_' (no Chinese characters)")
            case let .duplicate(n, first):
                ctx.diagnostics.error(DeviceBatchCode.namesFile, at: at(n.line, n.column), address: ctx.address,
                                      "device name '\(n.name)' is repeated at line \(n.line) (first at line \(first))",
                                      hint: "Each name may appear once in the file")
            }
        }
        if file.problems.isEmpty, file.names.isEmpty {
            ctx.error(DeviceBatchCode.namesFile, node, "the names file '\(path)' lists no device names")
        }
        if file.names.count > maxDevices {
            ctx.error(DeviceCode.quantity, node, "the names file '\(path)' lists \(file.names.count) devices; at most \(maxDevices) can be mass-produced in one run",
                      hint: "Split the file into several batches")
        }
        for n in file.names { ctx.fieldLocations[namePath(n.name)] = at(n.line, n.column) }
        return file.problems.isEmpty ? file.names.map(\.name) : nil
    }

    /// The field path under which an uploaded name's position in the CSV is kept.
    public static func namePath(_ name: String) -> String { "spec.namesFile[\(name)]" }

    /// How many devices a canonical batch spec creates. The one place a batch's device count is
    /// computed: the planner (and licence accounting) and the applier all read it here.
    public static func deviceCount(_ spec: JSON?) -> Int {
        guard case let .number(q)? = spec?["quantity"] else { return 0 }
        return Int(q) ?? 0
    }

    /// The uploaded names of a canonical batch spec (empty for `auto`).
    public static func uploadedNames(_ spec: JSON?) -> [String] {
        spec?["namesFile"]?["names"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Whether a product's devices normally share the "Type I universal QR code" instead of one
    /// code per device: Wi-Fi and BLE devices, and Zigbee, 433 and custom-protocol subdevices
    /// (spec/02 §2.6, seed L1973).
    public static func usesUniversalQRCode(product spec: JSON) -> Bool {
        if ["wifi", "ble"].contains(spec["communication"]?.stringValue ?? "") { return true }
        return spec["deviceType"]?.stringValue == "subdevice"
    }

    public var canonical: JSON {
        .object([
            .init("product", .string(product)),
            .init("burnMethod", .string(burnMethod)),
            .init("generation", .string(generation)),
            .init("quantity", .int(quantity)),
            .init("namesFile", names.map { .object([.init("names", .array($0.map(JSON.string)))]) } ?? .null),
            .init("qrCode", .string(qrCode)),
        ])
    }

    public var references: [Address] { [Address(.product, product)] }
}
