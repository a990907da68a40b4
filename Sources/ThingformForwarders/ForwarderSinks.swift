import ThingformRuntime

/// The forwarders' clients, one module for every network and database edge of the rule engine:
/// each type's sink implements `ForwarderSink` from ThingformRuntime, found here by type.
public enum ForwarderSinks {
    /// A new sink for a forwarder type (`republish` needs the runtime's `publisher`), nil when this
    /// build has none.
    public static func make(type: String, publisher: DevicePublisher? = nil) -> ForwarderSink? {
        switch type {
        case "republish": return publisher.map { RepublishSink(publisher: $0) }
        case "http": return HTTPSink()
        default: return nil
        }
    }
}
