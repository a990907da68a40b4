import Foundation
import Crypto
import ThingformModel

/// The output file of a device batch, "Download Device Information" (spec/02 §3.7, the canonical
/// form proposed there for the seed's garbled sample): UTF-8 without BOM, `\n` line endings,
/// RFC 4180 quoting, the header `ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode`, one
/// row per device in creation order. It holds secrets: it is kept in the state store and only
/// `thingform batch download` writes it out.
enum BatchOutputFile {
    static let header = "ProductId,DeviceName,ProductSecret,DevicePsk,Status,QRCode"

    struct Device {
        var name: String
        /// The DeviceSecret's bytes and their base64 text.
        var psk: [UInt8]
        var pskText: String
    }

    /// One device, one secret: the device's PSK, and with `qrCode` its one-device-one-code QR
    /// content. One model, one secret: the product secret instead; the device obtains its own PSK
    /// later by dynamic registration, so the file has neither it nor a QR code (E-BAT-07).
    static func render(productId: String, productSecret: String?, qrCode: Bool, devices: [Device]) -> [UInt8] {
        var out = header + "\n"
        for d in devices {
            let cells: [String]
            if let productSecret {
                cells = [productId, d.name, productSecret, "", "success", ""]
            } else {
                cells = [productId, d.name, "", d.pskText, "success", qrCode ? self.qrCode(productId: productId, device: d) : ""]
            }
            out += cells.map(field).joined(separator: ",") + "\n"
        }
        return Array(out.utf8)
    }

    /// `{"ProductId":"…","DeviceName":"…","Signature":"…"}` in that key order, compact.
    static func qrCode(productId: String, device: Device) -> String {
        JSON.object([
            .init("ProductId", .string(productId)),
            .init("DeviceName", .string(device.name)),
            .init("Signature", .string(signature(productId: productId, deviceName: device.name, psk: device.psk))),
        ]).compact
    }

    /// Lowercase hex HMAC-SHA256 keyed with the decoded PSK over `ProductId + DeviceName`.
    static func signature(productId: String, deviceName: String, psk: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array((productId + deviceName).utf8), using: SymmetricKey(data: psk))
        return Hex.lowercase(mac)
    }

    /// RFC 4180: a cell holding a comma, a quote or a line break is quoted, its quotes doubled.
    static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
