/// Codes for activation-code licences (spec/02 §4, §8) and their runtime strings (spec/02 §3.8).
public enum LicenceCode {
    /// The device-code pools (`nonBluetooth` or `bluetooth`, then `freeTest`) cannot cover a creation.
    public static let deviceLimit = "E-LIC-01"
    /// The AV pool of the product's bitrate cannot cover a creation.
    public static let videoLimit = "E-LIC-02"
    /// A value-added pool cannot cover a creation (spec/06's `LicenceExhausted`).
    public static let valueAddedLimit = "E-LIC-03"
    /// A declared lot holds fewer codes than are used from it (or was removed while used).
    public static let belowUsed = "E-LIC-04"
    /// `licences` or `licencePolicy` on an enterprise instance (enterprise instances have no codes).
    public static let enterprise = "E-LIC-05"
    /// An AV bitrate that is not 0.5, 1, 1.5 or 2 Mbps.
    public static let bitrate = "E-LIC-06"
    /// Enterprise: the creation would exceed the instance's registered-device limit.
    public static let registeredLimit = "E-LIC-07"
    /// Deleting devices keeps codes used for good (value-added codes always; device and AV codes per policy).
    public static let consumed = "W-LIC-01"
    /// `avBitrateMbps` on a product without the `iotVideo` feature has no effect.
    public static let bitrateUnused = "W-LIC-02"

    /// The exact strings the platform reports (seed L2428-2429); E-LIC-03 and E-LIC-07 have none
    /// in the seed, so ours are proposed.
    public static func runtimeString(_ code: String) -> String {
        switch code {
        case deviceLimit: return "normal device license limit"
        case videoLimit: return "video device license limit"
        case valueAddedLimit: return "LicenceExhausted: value-added license limit"
        default: return "instance registered device limit"
        }
    }
}
