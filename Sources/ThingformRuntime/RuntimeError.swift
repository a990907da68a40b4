/// The runtime's codes. Messages refused by the pipeline carry one (nothing of them is stored);
/// thing-model rejections carry ThingMessages' E-MSG-nn instead.
public enum RuntimeCode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The topic's ProductId is no product of the state.
    case unknownProduct = "E-RUN-01"
    /// The product has no device of the topic's DeviceName.
    case unknownDevice = "E-RUN-02"
    /// The device is disabled (`spec.enabled: false`).
    case disabled = "E-RUN-03"
    /// A topic the runtime does not serve (not `$thing/up/…`, `$sys/operation/…`, `$gateway/operation/…`, `$ota/report/…`).
    case topicNotServed = "E-RUN-04"
    /// The publishing client may not speak for the topic's device (another device, or a sub-device
    /// not bound to and online through this gateway).
    case notAllowed = "E-RUN-05"
    /// A `$sys` or `$gateway` request that is not JSON or lacks its fields.
    case badRequest = "E-RUN-06"
    /// Another runtime holds the state (see RuntimeAlreadyRunning).
    case alreadyRunning = "E-RUN-07"
    /// A replay line that is not a message object.
    case malformedLine = "E-RUN-08"
    /// `device control|invoke` needs a running runtime (its broker).
    case notRunning = "E-RUN-09"
    /// The device did not answer in time; the control stays pending.
    case timeout = "E-RUN-10"
    /// The device answered with a non-zero code, or outputs that fail the thing model.
    case deviceFailed = "E-RUN-11"
    /// An uplink whose payload is larger than the pipeline's limit (16 KiB by default).
    case payloadTooLarge = "E-RUN-12"
    /// A control or action the thing model refuses; the message starts with its E-MSG-nn code.
    case thingModel = "E-MSG"
    /// DEVICE names no device of the state.
    case unknownDeviceName = "E-DEV-05"
    /// The device is disabled: nothing is sent.
    case deviceDisabled = "E-DEV-06"

    public var description: String { rawValue }
}

public struct RuntimeError: Error, CustomStringConvertible, Equatable {
    public var code: RuntimeCode
    public var message: String
    public init(_ code: RuntimeCode, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { code == .thingModel ? message : "\(code) \(message)" }
}
