/// One pool of activation codes of a public instance (spec/02 §4.1, §4.5): the three device-code
/// pools, the audio/video codes (one list of lots, each of one bitrate) and one value-added pool
/// per feature. Its key (`device.nonBluetooth`, `av`, `valueAdded.qqMusic`) names it in messages,
/// in the state's `licence_use` table and in `thingform licences`.
public enum LicencePool: Hashable, Comparable, Sendable, CustomStringConvertible {
    case freeTest, nonBluetooth, bluetooth, av
    case valueAdded(String)

    public static let devicePools: [LicencePool] = [.freeTest, .nonBluetooth, .bluetooth]

    public var key: String {
        switch self {
        case .freeTest: return "device.freeTest"
        case .nonBluetooth: return "device.nonBluetooth"
        case .bluetooth: return "device.bluetooth"
        case .av: return "av"
        case let .valueAdded(f): return "valueAdded." + f
        }
    }

    public init?(key: String) {
        switch key {
        case "device.freeTest": self = .freeTest
        case "device.nonBluetooth": self = .nonBluetooth
        case "device.bluetooth": self = .bluetooth
        case "av": self = .av
        default:
            guard key.hasPrefix("valueAdded."), key.count > 11 else { return nil }
            self = .valueAdded(String(key.dropFirst(11)))
        }
    }

    /// Device and AV codes may come back on deletion (per policy); value-added codes never do
    /// (seed L8518, spec/06 §1.3).
    public var isValueAdded: Bool {
        if case .valueAdded = self { return true }
        return false
    }

    /// The manifest path of the pool's lot list under `spec.licences`.
    public var manifestPath: String { "spec.licences." + key }

    public var description: String { key }

    var rank: Int {
        switch self {
        case .freeTest: return 0
        case .nonBluetooth: return 1
        case .bluetooth: return 2
        case .av: return 3
        case .valueAdded: return 4
        }
    }

    public static func < (a: LicencePool, b: LicencePool) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.key < b.key
    }
}

/// An audio/video bitrate: 0.5, 1, 1.5 or 2 Mbps (seed L2474-2489), kept in half-Mbps steps so
/// that `1`, `1.0` and `1.00` are the same bitrate.
public struct AVBitrate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let halves: Int

    public static let all = (1...4).map(AVBitrate.init(halves:))
    public static let `default` = AVBitrate(halves: 2)
    public static let allowedText = "0.5, 1, 1.5 or 2"

    init(halves: Int) { self.halves = halves }

    /// nil unless `text` is a decimal number equal to one of the four bitrates.
    public init?(text: String) {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ CharacterRules.isDigit($0) || $0 == "." }),
              let v = Double(text), (v * 2).rounded() == v * 2, (1...4).contains(Int(v * 2)) else { return nil }
        halves = Int(v * 2)
    }

    /// `0.5`, `1`, `1.5`, `2`: the canonical number text.
    public var text: String { halves % 2 == 0 ? String(halves / 2) : "\(halves / 2).5" }
    public var description: String { text + " Mbps" }

    public static func < (a: AVBitrate, b: AVBitrate) -> Bool { a.halves < b.halves }
}

/// What happens to a deleted device's device and AV codes (spec/02 §4.3); value-added codes are
/// never released whatever the policy.
public enum ReleasePolicy: String, CaseIterable, Sendable {
    case never, ifInactive, always
    public static let `default` = ReleasePolicy.ifInactive
}
