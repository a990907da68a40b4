import ThingformModel
import ThingformRuntime

/// Where a republish goes (README "Rules and forwarders at work"; the console guide's "Forwarding
/// to another topic"): the action's `device` and `topic` templates with `${x}` (or `$(x)`) filled
/// from the SELECT output — `${productId}` is the action's target product, `${deviceName}` the
/// resolved device. A missing field is `Payload_No_Field`; a value that would change the topic's
/// levels (`/`, `+`, `#`, NUL, empty) or a device name that is not one is `Rule_Repub_System_Err`.
/// Both are data errors: the same message would fail the same way again.
public enum RepublishTarget {
    /// Why a republish cannot be sent: the outcome (a data error) to report.
    public struct Refusal: Error {
        public var outcome: SendOutcome
        init(_ outcome: SendOutcome) { self.outcome = outcome }
    }

    public static func resolve(_ d: Delivery, action: JSON, productId: String) -> Result<String, Refusal> {
        let template = action["topic"]?.stringValue ?? ""
        let content = "RuleEngine republish message, source topic: \(d.topic), destination topic: \(template)"
        let fields = d.output ?? JSON.parse(String(decoding: d.payload, as: UTF8.self))
        func systemError(_ why: String) -> Result<String, Refusal> {
            .failure(Refusal(.dataError(errcode: "Rule_Repub_System_Err", diagnostic: content, result: "FAIL, system error: \(why)")))
        }
        func fill(_ text: String, builtins: [String: String]) -> Result<String, Refusal> {
            var out = ""
            let u = Array(text.unicodeScalars)
            var i = 0
            while i < u.count {
                if u[i] == "$", i + 1 < u.count, u[i + 1] == "{" || u[i + 1] == "(",
                   let end = u[(i + 2)...].firstIndex(of: u[i + 1] == "{" ? "}" : ")") {
                    let name = String(String.UnicodeScalarView(u[(i + 2)..<end]))
                    let value: String
                    if let b = builtins[name] {
                        value = b
                    } else if let v = lookup(fields, name) {
                        value = v
                    } else {
                        return .failure(Refusal(.dataError(errcode: "Payload_No_Field", diagnostic: content, result: "FAIL, no such field(\(name)) in payload")))
                    }
                    if value.isEmpty || value.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0 == "\0" }) {
                        return systemError("${\(name)} is '\(value)', which cannot be one topic level")
                    }
                    out += value
                    i = end + 1
                    continue
                }
                out.unicodeScalars.append(u[i])
                i += 1
            }
            return .success(out)
        }
        let device: String
        switch fill(action["device"]?.stringValue ?? "", builtins: [:]) {
        case let .failure(f): return .failure(f)
        case let .success(v): device = v
        }
        guard (1...48).contains(device.utf8.count), device.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }) else {
            return systemError("the device '\(device)' is not a device name")
        }
        let builtins = ["productId": productId, "productid": productId, "deviceName": device, "devicename": device]
        switch fill(template, builtins: builtins) {
        case let .failure(f): return .failure(f)
        case let .success(topic):
            if topic.isEmpty || topic.contains("+") || topic.contains("#") { return systemError("'\(topic)' is not a topic one can publish to") }
            return .success(topic)
        }
    }

    /// The string form of the output field at a dotted path (strings as they are, the rest as compact JSON).
    static func lookup(_ json: JSON?, _ path: String) -> String? {
        var node = json
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let fields = node?.fields, let next = fields.first(where: { $0.name == part }) else { return nil }
            node = next.value
        }
        switch node {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case let v?: return v.compact
        }
    }
}
