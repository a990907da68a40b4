import ThingformModel
import ThingMessages

/// A device message checked against a thing model, as `thingform thingmodel check` and message
/// test cases do: per property, event or action, accepted or rejected with its E-MSG code, and
/// the reply the device would receive.
public enum MessageCheckRun {
    /// The product id a test uses when the topic says `${productId}`.
    public static let testProductId = "TESTPRD001"

    public struct Result: Sendable {
        public var method: String?
        /// `(path, value)` of what would be stored.
        public var accepted: [(path: String, value: String)]
        /// `(path, code, message)` of what was refused.
        public var rejected: [(path: String, code: String, message: String)]
        public var replyTopic: String?
        public var reply: String?
        public var replyCode: Int?
        /// Diagnostics for messages that get no reply (not JSON, no method, wrong topic, ...).
        public var diagnostics: [String]
    }

    /// The thing model of `product` in the desired state, with the system features its advanced
    /// features inject; nil when the product has no ThingModel.
    public static func definition(product: String, in desired: DesiredState) -> ThingModelDefinition? {
        guard let tm = desired.resources.first(where: { $0.address.kind == .thingModel && $0.spec["product"]?.stringValue == product }),
              let model = tm.spec["model"],
              var definition = ConsoleThingModel.importJSON(model.compact, file: tm.location.file, compat: .lenient).definition
        else { return nil }
        let features = desired[Address(.product, product)]?.spec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for f in SystemFeatures.features(for: features) where !definition.properties.contains(where: { $0.id == f.id }) {
            definition.properties.append(f)
        }
        return definition
    }

    public static func run(definition: ThingModelDefinition, topic: String, payload: String, deviceName: String? = nil,
                           strictStep: Bool = false) -> Result {
        let resolvedTopic = topic.replacingOccurrences(of: "${productId}", with: testProductId)
        let productId = ThingTopic(parsing: resolvedTopic)?.productId ?? testProductId
        let validator = MessageValidator(model: definition, productId: productId, options: .init(strictStep: strictStep))
        let check = validator.check(topic: resolvedTopic, payload: Array(payload.utf8), deviceName: deviceName)
        var accepted: [(String, String)] = []
        var rejected: [(String, String, String)] = []
        for o in check.outcomes {
            if let e = o.error {
                for leaf in e.leaves { rejected.append((leaf.path, leaf.code.description, leaf.message)) }
            } else {
                accepted.append((o.path, o.value?.compact ?? ""))
            }
        }
        return Result(method: check.method, accepted: accepted, rejected: rejected, replyTopic: check.reply?.topic,
                      reply: check.reply?.text, replyCode: check.reply?.code, diagnostics: check.diagnostics.map(\.description))
    }
}
