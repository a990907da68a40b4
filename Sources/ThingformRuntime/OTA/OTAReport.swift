import ThingformModel

/// A `report_progress` as the engine needs it.
public struct OTAProgress: Sendable, Equatable {
    public enum State: String, Sendable { case downloading, burning, done, fail }
    public var state: State
    public var percent: Int?
    /// `fail` only; "-5" when the device sent none.
    public var resultCode: String?
    /// At most 256 characters kept.
    public var resultMessage: String
    /// The version being installed (downloading, burning, fail) or now running (done).
    public var version: String

    public init(state: State, percent: Int? = nil, resultCode: String? = nil, resultMessage: String = "", version: String) {
        self.state = state
        self.percent = percent
        self.resultCode = resultCode
        self.resultMessage = resultMessage
        self.version = version
    }
}

/// What a device published on `$ota/report/{ProductId}/{DeviceName}`, read the way the device
/// SDKs write it: numbers as JSON strings or numbers, `percent` only with `downloading`.
public enum OTAReport: Sendable, Equatable {
    case version(String)
    case progress(OTAProgress)
    /// Ignored, with the diagnostic `Device OTA report invalid: {reason}` / `OTA_Report_Invalid`.
    /// A `report_version` refused so is answered with `result_code` 1.
    case invalid(type: String?, reason: String)
    /// Not JSON: `Payload is not JSON fmt` / `Payload_Not_JSON`.
    case notJSON
    /// Another `type`: ignored silently (forward compatibility).
    case otherType(String)

    public static let maxMessageCharacters = 256

    public static func parse(_ payload: [UInt8]) -> OTAReport {
        guard let json = JSON.parse(String(decoding: payload, as: UTF8.self)), json.fields != nil else { return .notJSON }
        guard let type = json["type"]?.stringValue else { return .invalid(type: nil, reason: "type missing") }
        guard type == "report_version" || type == "report_progress" else { return .otherType(type) }
        let report = json["report"]
        guard let version = report?["version"]?.stringValue else { return .invalid(type: type, reason: "report.version missing") }
        // The SDKs send any 1-32 characters; the console's character set is not enforced on devices.
        guard (1...32).contains(version.count) else { return .invalid(type: type, reason: "report.version must be 1-32 characters") }
        if type == "report_version" { return .version(version) }

        let progress = report?["progress"]
        guard let stateText = progress?["state"]?.stringValue else { return .invalid(type: type, reason: "report.progress.state missing") }
        guard let state = OTAProgress.State(rawValue: stateText) else {
            return .invalid(type: type, reason: "report.progress.state '\(stateText)' is not downloading, burning, done or fail")
        }
        var percent: Int?
        if state == .downloading || state == .burning {
            if let p = progress?["percent"] {
                guard let v = integer(p) else { return .invalid(type: type, reason: "percent is not an integer") }
                guard (0...100).contains(v) else { return .invalid(type: type, reason: "percent out of range") }
                percent = v
            } else if state == .downloading {
                return .invalid(type: type, reason: "percent missing")
            }
        }
        var code: String?
        if let c = progress?["result_code"], let v = integer(c) { code = String(v) }
        let message = String((progress?["result_msg"]?.stringValue ?? "").prefix(maxMessageCharacters))
        if state == .fail, code == nil { code = "-5" }
        return .progress(OTAProgress(state: state, percent: percent, resultCode: state == .fail ? code : nil, resultMessage: message, version: version))
    }

    /// An integer written as a JSON number or a string.
    static func integer(_ v: JSON) -> Int? {
        switch v {
        case let .number(t), let .string(t): return Int(t)
        default: return nil
        }
    }
}

/// The downlinks of the OTA topic, byte for byte as the SDKs parse them.
public enum OTAMessages {
    /// `$ota/update/{ProductId}/{DeviceName}`.
    public static func updateTopic(_ productId: String, _ deviceName: String) -> String { "$ota/update/\(productId)/\(deviceName)" }

    /// `report_version_rsp`, keys in the order the platform's log shows: `result_code` 0 (an
    /// integer: the Python sample compares it with 0) for every 1-32-character version, 1 otherwise.
    public static func versionReply(version: String, accepted: Bool) -> JSON {
        .object([
            .init("result_code", .int(accepted ? 0 : 1)),
            .init("result_msg", .string(accepted ? "success" : "invalid version")),
            .init("type", .string("report_version_rsp")),
            .init("version", .string(version)),
        ])
    }

    /// `update_firmware`: `file_size` a JSON integer, `md5sum` lowercase hex; `custom_info` and
    /// `confirm_required` only when they say something (every byte counts toward the C SDK's
    /// 2,048-byte packet limit).
    public static func updateFirmware(version: String, url: String, md5: String, size: Int,
                                      customInfo: JSON?, confirmRequired: Bool) -> JSON {
        var fields: [JSON.Field] = [
            .init("type", .string("update_firmware")),
            .init("version", .string(version)),
            .init("url", .string(url)),
            .init("md5sum", .string(md5)),
            .init("file_size", .int(size)),
        ]
        if let customInfo, let f = customInfo.fields, !f.isEmpty { fields.append(.init("custom_info", customInfo)) }
        if confirmRequired { fields.append(.init("confirm_required", .bool(true))) }
        return .object(fields)
    }
}
