/// A device's MQTT identity: client id (and TLS-PSK identity) `{ProductId}{DeviceName}`, a plain
/// concatenation: the first 10 characters are the ProductId, the rest the DeviceName.
public struct ClientIdentity: Sendable, Equatable, Hashable {
    public static let productIdLength = 10
    /// DeviceNames are at most 48 characters (the SDKs' buffer).
    public static let maxDeviceNameLength = 48

    public var productId: String
    public var deviceName: String
    public var clientId: String { productId + deviceName }

    public init(productId: String, deviceName: String) {
        self.productId = productId
        self.deviceName = deviceName
    }

    /// nil when too short or too long for `{ProductId(10)}{DeviceName(1-48)}`, or when a
    /// character would change a topic's levels (`/`, `+`, `#`).
    public init?(clientId: String) {
        let u = clientId.utf8
        guard u.count > Self.productIdLength, u.count <= Self.productIdLength + Self.maxDeviceNameLength,
              !u.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") || $0 < 0x20 || $0 > 0x7e })
        else { return nil }
        let split = clientId.index(clientId.startIndex, offsetBy: Self.productIdLength)
        productId = String(clientId[..<split])
        deviceName = String(clientId[split...])
    }
}

/// The four `;`-separated fields of a device username: `{ClientId};{sdkappid};{connid};{expiry}`.
/// Split from the right, so only the last three fields are cut off; the signature covers the
/// username exactly as received and is never re-derived from these fields.
public struct DeviceUsername: Sendable, Equatable {
    public var clientId: String
    public var sdkAppId: String
    public var connId: String
    /// Seconds. The C SDK sends LONG_MAX cut to 17 digits, the Python SDK the current time in
    /// milliseconds: both are read as seconds, so both lie far in the future.
    public var expiry: Int64

    public enum Problem: Error, Equatable, Sendable {
        case fieldCount(Int)
        case emptyField(Int)
        case expiry(String)
    }

    public static func parse(_ username: String) -> Result<DeviceUsername, Problem> {
        // From the right: the last three `;` cut the fields, whatever the first field holds
        // (it must then equal the client id, which is checked by the caller).
        var fields: [Substring] = []
        var end = username.endIndex
        while fields.count < 3, let cut = username[..<end].lastIndex(of: ";") {
            fields.insert(username[username.index(after: cut)..<end], at: 0)
            end = cut
        }
        fields.insert(username[..<end], at: 0)
        guard fields.count == 4 else { return .failure(.fieldCount(fields.count)) }
        for (i, f) in fields.enumerated() where f.isEmpty { return .failure(.emptyField(i + 1)) }
        guard let expiry = parseExpiry(fields[3]) else { return .failure(.expiry(String(fields[3]))) }
        return .success(DeviceUsername(clientId: String(fields[0]), sdkAppId: String(fields[1]), connId: String(fields[2]), expiry: expiry))
    }

    /// 1-19 ASCII digits; values beyond Int64 (a 19-digit number above LONG_MAX) read as "never expires".
    static func parseExpiry(_ s: Substring) -> Int64? {
        let u = s.utf8
        guard (1...19).contains(u.count), u.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let v = UInt64(s) else { return nil }
        return v > UInt64(Int64.max) ? Int64.max : Int64(v)
    }
}
