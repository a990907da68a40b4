import ThingformModel
import ThingformState

/// The firmware of the state as the OTA edge needs it: what `update_firmware` says (version, MD5,
/// size, custom info) and the file name under which `run`'s HTTP edge serves the bytes.
public struct OTAFirmware: Sendable, Equatable {
    /// The Firmware's metadata name and platform id.
    public var name: String
    public var id: String
    public var productId: String
    public var version: String
    public var md5: String
    public var size: Int
    public var customInfo: JSON?

    /// One path segment, no `https` inside (the C SDK switches to TLS on that substring), the
    /// extension kept: `fw-abc123-3.1.4.bin`.
    public var fileName: String {
        let safeVersion = String(version.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "_" })
        return "\(id)-\(safeVersion).bin".replacingOccurrences(of: "https", with: "http_s")
    }
}

/// Every firmware of a snapshot, by metadata name and by served file name.
public struct OTAFirmwareCatalog: Sendable {
    public private(set) var byName: [String: OTAFirmware] = [:]
    public private(set) var byFile: [String: OTAFirmware] = [:]

    public init() {}

    public init(snapshot: Snapshot) {
        var productIds: [String: String] = [:]
        for r in snapshot.resources.values where r.address.kind == .product { productIds[r.address.name] = r.id }
        for r in snapshot.resources.values where r.address.kind == .firmware {
            let spec = r.attributes["spec"] ?? .object([])
            guard let id = r.id, let product = spec["product"]?.stringValue, let pid = productIds[product],
                  let version = spec["version"]?.stringValue, let md5 = spec["file"]?["md5"]?.stringValue,
                  let size = spec["file"]?["size"]?.integerText.flatMap({ Int($0) }) else { continue }
            let f = OTAFirmware(name: r.address.name, id: id, productId: pid, version: version, md5: md5, size: size,
                                customInfo: spec["customInfo"])
            byName[f.name] = f
            byFile[f.fileName] = f
        }
    }
}
