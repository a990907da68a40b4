/// 1,000 distinct 200-byte thing-model property reports (token, `temp`, humidity and battery
/// vary), cycled to make "a million payloads" for RuleSQL and for SQLite's `json_extract`.
public enum RulePayloads {
    public static let topic = "$thing/up/property/AD4GVS5549/device01"

    public static func make(count: Int = 1_000) -> [String] {
        var g = SplitMix(state: 2026)
        return (0..<count).map { k in
            let temp = 20 + Int(g.next() % 21)   // 20...40: about half pass `temp > 30`
            let humidity = Double(400 + Int(g.next() % 500)) / 10
            return #"{"clientToken":"7d9b4f5-22bd-4455-6a4c-6dce7d\#(String(100_000 + k))","method":"report","params":{"brightness":32,"color":1,"power_switch":1},"timestamp":1692787444,"humidity":\#(humidity),"status":"online","temp":\#(temp),"battery":\#(k % 100)}"#
        }
    }
}
