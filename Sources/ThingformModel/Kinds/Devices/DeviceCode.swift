/// Codes for devices (spec/01 §11.4, spec/02 §8, spec/03 §10). E-DEV-03, -05 and -06 are runtime
/// device operations, not manifest rules; E-DEV-07 and -08 are ours.
public enum DeviceCode {
    /// A device name not `^[A-Za-z0-9_]{1,48}$`, or a duplicate in the product.
    public static let name = "E-DEV-01"
    /// A batch quantity not in 1…10000.
    public static let quantity = "E-DEV-02"
    /// `product` or `deviceName` (or a batch's `namePattern`) changed without `--allow-replace`.
    public static let immutable = "E-DEV-04"
    /// The batch form is malformed: both or neither of `deviceName` and `batch`, or a
    /// `namePattern` without exactly one `{index}` placeholder.
    public static let batch = "E-DEV-07"
    /// A gateway binding that is not a subdevice product's device bound to one gateway product's
    /// device of the same instance.
    public static let gateway = "E-DEV-08"
    /// `localLog.level` is not one of the levels.
    public static let localLog = "E-DEV-09"
}
