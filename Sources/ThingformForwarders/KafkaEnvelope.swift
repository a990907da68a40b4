import Foundation
import ThingformModel
import ThingformRuntime

/// The message-queue envelope (spec: message envelopes, CKafka) that the `kafka` and `file`
/// forwarders carry: keys in the order `MsgType, Topic, Seq, PayloadLen, Payload, ProductId,
/// DeviceName, Time`; `Payload` the Base64 of the carried bytes; `Time` the first attempt's time
/// in the rule engine's time zone, so a retry carries the same bytes. Pure but for the time
/// zone database.
public enum KafkaEnvelope {
    public static func json(_ d: Delivery, msgType: String, timeZone: String) -> JSON {
        let carried = d.carriedBytes
        return .object([
            .init("MsgType", .string(msgType)),
            .init("Topic", .string(d.topic)),
            .init("Seq", .number(String(d.seq))),
            .init("PayloadLen", .number(String(carried.count))),
            .init("Payload", .string(Data(carried).base64EncodedString())),
            .init("ProductId", .string(d.productId)),
            .init("DeviceName", .string(d.deviceName)),
            .init("Time", .string(time(d.firstAttemptAtMillis, timeZone: timeZone))),
        ])
    }

    /// The record key: one device's messages stay in one partition, in order.
    public static func key(_ d: Delivery) -> String { "\(d.productId)/\(d.deviceName)" }

    /// `YYYY-MM-DD HH:MM:SS` of `millis` in `timeZone` (an IANA name, `UTC`, or `+08:00`);
    /// an unknown zone reads as UTC.
    public static func time(_ millis: Int64, timeZone: String) -> String {
        let seconds = Int64((Double(millis) / 1000).rounded(.down))
        let local = seconds + Int64(offsetSeconds(timeZone, at: seconds))
        let days = Int64((Double(local) / 86_400).rounded(.down))
        let secondOfDay = local - days * 86_400
        let (y, m, d) = civil(days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))"
    }

    static func offsetSeconds(_ zone: String, at seconds: Int64) -> Int {
        let u = Array(zone.utf8)
        if u.count == 6, u[0] == 0x2B || u[0] == 0x2D, u[3] == 0x3A, let h = Int(zone.dropFirst().prefix(2)), let m = Int(zone.suffix(2)), h <= 14, m < 60 {
            return (u[0] == 0x2D ? -1 : 1) * (h * 3600 + m * 60)
        }
        return TimeZone(identifier: zone)?.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))) ?? 0
    }

    /// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (Howard Hinnant's algorithm).
    static func civil(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The rule engine's diagnostic for a failed produce (spec: diagnostics emitted by the rule engine).
    static func failure(_ d: Delivery, settings: JSON, topic: String, _ error: String) -> SendOutcome {
        let instance = settings["instance"]?.stringValue ?? "", region = settings["region"]?.stringValue ?? ""
        return .failed(errcode: "Rule_Forward_Kafka_Unexpected_Err",
                       diagnostic: "RuleEngine forward CKafka, topic:\(d.topic), Ckafka.instance:\(instance), topic: \(topic), region: \(region),retry times:\(min(d.attempts, 3))",
                       result: "FAIL,unexpected error: \(error)")
    }
}
