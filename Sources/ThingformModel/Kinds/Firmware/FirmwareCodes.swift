/// Codes for firmware (spec/02 §5.1, §10; spec/03 §8.1, §10). 02 pins the numbering.
public enum FirmwareCode {
    /// spec.name not 1-32 characters of Chinese, letters, digits, `_`, `-`, parentheses, starting
    /// with Chinese, a letter or a digit.
    public static let name = "E-FW-01"
    /// spec.version not `^[A-Za-z0-9._-]{1,32}$`, or already used by another firmware of the product.
    public static let version = "E-FW-02"
    /// spec.file's extension is not one of `.bin .dav .tar .gz .zip .gzip .apk .xz .pack`.
    public static let fileExtension = "E-FW-03"
    /// spec.file is larger than 1024 MB.
    public static let fileSize = "E-FW-04"
    /// spec.customInfo not a flat object of strings, or over 1536 bytes serialized.
    public static let customInfo = "E-FW-05"
    /// The 101st firmware in the account.
    public static let limit = "E-FW-06"
    /// A by-name task's device file is not `.csv`, or lists more than 10000 names.
    public static let devicesFile = "E-FW-07"
    /// spec.description over 100 characters.
    public static let description = "E-FW-08"
}

/// Codes for upgrade tasks (spec/02 §5.2, §10).
public enum FirmwareTaskCode {
    /// spec.firmware is missing or names no declared firmware.
    public static let firmware = "E-OTA-01"
    /// byVersion: sourceVersions empty, malformed or containing the target; or given on a by-name task.
    public static let sourceVersions = "E-OTA-02"
    /// spec.mode on a by-name task.
    public static let mode = "E-OTA-03"
    /// Specified devices (scope list or CSV) empty, over 10000, or (once devices are a kind) unknown.
    public static let devices = "E-OTA-04"
    /// timeoutMinutes not an integer in 1-1440.
    public static let timeout = "E-OTA-05"
    /// maxRedispatch not an integer in 0-10.
    public static let maxRedispatch = "E-OTA-06"
    /// The spec of an existing task changed (tasks are create-only).
    public static let createOnly = "E-OTA-07"
    /// Deleting (or replacing) a firmware that an open task targets.
    public static let firmwareInUse = "E-OTA-10"
}
