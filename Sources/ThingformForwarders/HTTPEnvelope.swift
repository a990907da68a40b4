import Foundation
import ThingformModel
import ThingformRuntime

/// The body of an HTTP forward (README "Rules and forwarders at work"; the console guide's
/// "Forwarding to a third-party service"): keys sorted — `devicename`, `payload`, `productid`,
/// `seq`, `timemills`, `timestamp`, `topic`. `payload` is the SELECT output as JSON; for `SELECT *`
/// the device's JSON as it was sent, or its bytes in Base64 when they are not JSON. The times are
/// the first attempt's, the same on every retry (`timestamp == timemills / 1000`).
public enum HTTPEnvelope {
    public static func body(_ d: Delivery) -> JSON {
        .object([
            .init("devicename", .string(d.deviceName)),
            .init("payload", payload(d)),
            .init("productid", .string(d.productId)),
            .init("seq", .number(String(d.seq))),
            .init("timemills", .number(String(d.firstAttemptAtMillis))),
            .init("timestamp", .number(String(d.firstAttemptAtMillis / 1000))),
            .init("topic", .string(d.topic)),
        ])
    }

    static func payload(_ d: Delivery) -> JSON {
        if let output = d.output { return output }
        if let text = String(validating: d.payload, as: UTF8.self), let json = JSON.parse(text) {
            switch json {
            case .object, .array: return json
            default: break
            }
        }
        return .string(Data(d.payload).base64EncodedString())
    }
}
