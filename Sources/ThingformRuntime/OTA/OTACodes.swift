/// The OTA runtime's codes. E-OTA-08 and E-OTA-09 are the console's cancel and retry refusals
/// (`OTAEngine.cancelRefused`, `retryRefused`); the `E-OTA-RT-nn` codes are the runtime's own.
public enum OTACodes {
    /// `firmware task` names no FirmwareTask of the state, or one the runtime has not created yet.
    public static let unknownTask = "E-OTA-RT-01"
    /// `firmware task cancel|retry TASK DEVICE`: the task has no record for the device.
    public static let noRecord = "E-OTA-RT-02"
    /// The firmware's bytes are missing from the state's artefact store, or their size or MD5
    /// differ from the plan's: nothing is served (HTTP 404) and no upgrade is pushed.
    public static let artefactMismatch = "E-OTA-RT-03"
    /// An `$ota/report/…` payload that the engine ignores (logged as `OTA_Report_Invalid`).
    public static let invalidReport = "E-OTA-RT-04"
}
