/// `FirmwareTask` (spec/02 §5.2–5.4, spec/03 §8.2): a batch upgrade of a product's devices to a
/// firmware, by the versions they report or by a CSV of device names. A task is create-only
/// (E-OTA-07); removing its manifest closes it. The firmware and the target version are checked in
/// `FirmwareChecks`. Whether listed devices exist (E-OTA-04 unknown names) is left for the Device
/// kind: names are only checked for their form now.
public struct FirmwareTaskSpec: ResourceSpec {
    public static let kind = Kind.firmwareTask
    public static let fields = ["firmware", "method", "mode", "sourceVersions", "scope", "devicesFile", "confirmation",
                                "timeoutMinutes", "maxRedispatch"]
    public static let methods = ["byVersion", "byDeviceName"]
    public static let modes = ["static", "dynamic"]
    public static let confirmations = ["silent", "userConfirm"]
    /// "At most 10000 devices at a time" (seed L2709).
    public static let maxDevices = 10000
    /// Create-only: every field (a change is E-OTA-07, never a replace).
    public static var immutableFields: [String] { fields }

    public var firmware: String
    public var method: String
    /// nil on a by-name task (that dialog has no mode).
    public var mode: String?
    public var sourceVersions: [String]
    /// nil for `all`.
    public var scopeDevices: [String]?
    /// The names of a by-name task's CSV, in file order (the path itself is not canonical).
    public var devicesFile: [String]?
    public var confirmation: String
    public var timeoutMinutes: Int
    public var maxRedispatch: Int

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let firmware = r.string("firmware", required: true, code: FirmwareTaskCode.firmware, &ctx)
        let method = r.oneOf("method", FirmwareTaskSpec.methods, required: true, code: ManifestCode.wrongType, &ctx)
        let byVersion = method == "byVersion"
        mode = r.oneOf("mode", FirmwareTaskSpec.modes, code: ManifestCode.wrongType, &ctx)
        if method == "byDeviceName", mode != nil {
            ctx.error(FirmwareTaskCode.mode, r.node["mode"]!, "spec.mode is only for byVersion tasks; a by-name task enrols its devices once",
                      hint: "Remove mode, or use method: byVersion")
        } else if byVersion, mode == nil { mode = "static" }
        sourceVersions = []
        if let n = r.node("sourceVersions", &ctx) {
            if method == "byDeviceName" {
                ctx.error(FirmwareTaskCode.sourceVersions, n, "spec.sourceVersions is only for byVersion tasks; a by-name task ignores versions",
                          hint: "Remove sourceVersions, or use method: byVersion")
            } else if let items = n.items {
                if items.isEmpty { ctx.error(FirmwareTaskCode.sourceVersions, n, "spec.sourceVersions needs at least one version") }
                for (i, item) in items.enumerated() {
                    guard let v = item.scalar?.text, !item.isNull, FirmwareSpec.isVersion(v) else {
                        ctx.error(FirmwareTaskCode.sourceVersions, item, "spec.sourceVersions[\(i)] is not a firmware version, found \(item.typeName)",
                                  hint: "Use 1-32 letters, digits, '.', '-' or '_'")
                        continue
                    }
                    if sourceVersions.contains(v) {
                        ctx.error(FirmwareTaskCode.sourceVersions, item, "version '\(v)' is listed twice in spec.sourceVersions")
                        continue
                    }
                    sourceVersions.append(v)
                    ctx.fieldLocations["spec.sourceVersions[\(v)]"] = ctx.location(item)
                }
            } else {
                ctx.error(ManifestCode.wrongType, n, "spec.sourceVersions must be a list of versions, found \(n.typeName)")
            }
        } else if byVersion {
            ctx.error(FirmwareTaskCode.sourceVersions, r.keyNode("method") ?? spec, "a byVersion task needs spec.sourceVersions",
                      hint: "List the versions the devices to upgrade report, e.g. sourceVersions: [\"3.1.3\"]")
        }
        if let n = r.node("scope", &ctx) {
            if let s = n.scalar {
                if s.text != "all" {
                    ctx.error(FirmwareTaskCode.devices, n, "spec.scope must be all or {devices: [..]}, found '\(s.text)'")
                }
            } else if var sr = MappingReader(n, path: "spec.scope", what: "scope", &ctx) {
                if let list = sr.required("devices", code: FirmwareTaskCode.devices, &ctx) {
                    scopeDevices = FirmwareTaskSpec.deviceList(list, path: "spec.scope.devices", &ctx)
                }
                sr.finish(&ctx)
                if method == "byDeviceName" {
                    ctx.error(FirmwareTaskCode.devices, n, "spec.scope is for byVersion tasks; a by-name task upgrades the devices of its devicesFile",
                              hint: "Remove scope, or list the devices in devicesFile")
                }
            }
        }
        let fileNode = r.node("devicesFile", &ctx)
        if let fileNode {
            if byVersion {
                ctx.error(FirmwareCode.devicesFile, fileNode, "spec.devicesFile is only for byDeviceName tasks",
                          hint: "Use scope: {devices: [..]} to pick devices of a byVersion task, or method: byDeviceName")
            } else if let path = fileNode.scalar?.text {
                devicesFile = FirmwareTaskSpec.readCSV(path, fileNode, &ctx)
            } else {
                ctx.error(ManifestCode.wrongType, fileNode, "spec.devicesFile must be a path, found \(fileNode.typeName)")
            }
        } else if method == "byDeviceName" {
            ctx.error(FirmwareCode.devicesFile, r.keyNode("method") ?? spec, "a byDeviceName task needs spec.devicesFile (a .csv of DeviceNames)")
        }
        confirmation = r.oneOf("confirmation", FirmwareTaskSpec.confirmations, code: ManifestCode.wrongType, &ctx) ?? "silent"
        timeoutMinutes = confirmation == "silent" ? 15 : 2
        if let n = r.node("timeoutMinutes", &ctx) {
            if let s = n.scalar, s.plain, let v = Int(s.text), (1...1440).contains(v) { timeoutMinutes = v } else {
                ctx.error(FirmwareTaskCode.timeout, n, "spec.timeoutMinutes must be an integer in 1-1440, found \(n.typeName)",
                          hint: "Defaults: 15 minutes for silent upgrades, 2 for userConfirm")
            }
        }
        maxRedispatch = 3
        if let n = r.node("maxRedispatch", &ctx) {
            if let s = n.scalar, s.plain, let v = Int(s.text), (0...10).contains(v) { maxRedispatch = v } else {
                ctx.error(FirmwareTaskCode.maxRedispatch, n, "spec.maxRedispatch must be an integer in 0-10, found \(n.typeName)")
            }
        }
        r.finish(&ctx)
        guard let firmware, let method else { return nil }
        self.firmware = firmware
        self.method = method
    }

    /// A list of device names: 1-10000, `[A-Za-z0-9_]{1,48}`, no duplicates.
    static func deviceList(_ node: Node, path: String, _ ctx: inout DecodeContext) -> [String]? {
        guard let items = node.items else {
            ctx.error(ManifestCode.wrongType, node, "\(path) must be a list of device names, found \(node.typeName)")
            return nil
        }
        if items.isEmpty { ctx.error(FirmwareTaskCode.devices, node, "\(path) needs at least one device") }
        if items.count > maxDevices {
            ctx.error(FirmwareTaskCode.devices, node, "\(path) lists \(items.count) devices; a task upgrades at most \(maxDevices)")
        }
        var out: [String] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            guard let n = item.scalar?.text, !item.isNull, FenceSpec.isDeviceName(n) else {
                ctx.error(FirmwareTaskCode.devices, item, "\(path)[\(i)] is not a device name, found \(item.typeName)",
                          hint: "Device names are 1-48 letters, digits or '_'")
                continue
            }
            guard seen.insert(n).inserted else {
                ctx.error(FirmwareTaskCode.devices, item, "device '\(n)' is listed twice in \(path)")
                continue
            }
            out.append(n)
        }
        return out
    }

    /// The template CSV (spec/02 §5.2, proposed): an optional `DeviceName` header, one name per row
    /// in the first column, UTF-8, exact match. Problems are reported at the `devicesFile` value,
    /// naming the CSV line.
    static func readCSV(_ path: String, _ node: Node, _ ctx: inout DecodeContext) -> [String]? {
        guard path.lowercased().hasSuffix(".csv") else {
            ctx.error(FirmwareCode.devicesFile, node, "spec.devicesFile '\(path)' must be a .csv file", hint: "Only csv format is supported; use the DeviceName template")
            return nil
        }
        if ctx.refusesPath(path, node, field: "spec.devicesFile", limit: ManifestPath.maxCSVBytes) { return nil }
        guard let text = ctx.readFile(path) else {
            ctx.error(ManifestCode.unreadable, node, "cannot read the device file '\(path)' (paths are relative to the manifest)")
            return nil
        }
        var names: [String] = []
        var seen = Set<String>()
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        if lines.first?.hasPrefix("\u{FEFF}") == true { lines[0] = lines[0].dropFirst() }
        for (i, line) in lines.enumerated() {
            var first = String(line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if first.hasPrefix("\""), first.hasSuffix("\""), first.count >= 2 { first = String(first.dropFirst().dropLast()) }
            first = String(Substring(first).trimmingSpaces)
            if first.isEmpty { continue }
            if i == 0, first == "DeviceName" { continue }
            guard FenceSpec.isDeviceName(first) else {
                ctx.error(FirmwareTaskCode.devices, node, "\(path):\(i + 1): '\(first)' is not a device name", hint: "Device names are 1-48 letters, digits or '_'")
                continue
            }
            guard seen.insert(first).inserted else {
                ctx.error(FirmwareTaskCode.devices, node, "\(path):\(i + 1): device '\(first)' is listed twice")
                continue
            }
            names.append(first)
        }
        if names.isEmpty {
            ctx.error(FirmwareTaskCode.devices, node, "spec.devicesFile '\(path)' lists no device names")
        } else if names.count > maxDevices {
            ctx.error(FirmwareCode.devicesFile, node, "spec.devicesFile '\(path)' lists \(names.count) devices; a task upgrades at most \(maxDevices)")
        }
        return names
    }

    public var canonical: JSON {
        .object([
            .init("firmware", .string(firmware)),
            .init("method", .string(method)),
            .init("mode", mode.map(JSON.string) ?? .null),
            .init("sourceVersions", .array(sourceVersions.map(JSON.string))),
            .init("scope", scopeDevices.map { .object([.init("devices", .array($0.map(JSON.string)))]) } ?? .string("all")),
            .init("devicesFile", devicesFile.map { .object([.init("devices", .array($0.map(JSON.string)))]) } ?? .null),
            .init("confirmation", .string(confirmation)),
            .init("timeoutMinutes", .int(timeoutMinutes)),
            .init("maxRedispatch", .int(maxRedispatch)),
        ])
    }

    public var references: [Address] { [Address(.firmware, firmware)] }
}
