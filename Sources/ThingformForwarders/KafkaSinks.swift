import ThingformRuntime

/// The message-queue forwarders by type: `kafka` (librdkafka) and `file` (JSONL, its stand-in).
/// One sink per Forwarder; `ForwarderSinks` asks here for these types.
public enum KafkaSinks {
    public static let types = ["kafka", "file"]

    public static func make(type: String) -> ForwarderSink? {
        switch type {
        case "kafka": return KafkaSink()
        case "file": return FileSink()
        default: return nil
        }
    }
}
