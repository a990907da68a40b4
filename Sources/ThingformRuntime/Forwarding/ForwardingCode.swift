/// Codes of the delivery worker and the `deadletters` command (README "Rules and forwarders at
/// work"). A dead letter whose delivery could not even be attempted carries one of these as its
/// errcode; one whose attempts failed carries the rule engine's diagnostic errcode.
public enum ForwardingCode: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The delivery's rule, or its action, was deleted or changed by an apply before it was sent.
    case ruleGone = "E-FWD-RT-01"
    /// The action names a Forwarder the state does not have.
    case forwarderGone = "E-FWD-RT-02"
    /// This build of thingform has no sink for the action's type.
    case noSink = "E-FWD-RT-03"
    /// `deadletters retry|purge` named an id that is not a dead letter.
    case unknownDeadLetter = "E-FWD-RT-04"
    /// A secret reference of the Forwarder cannot be read on the runner.
    case secretMissing = "E-FWD-RT-05"

    public var description: String { rawValue }
}
