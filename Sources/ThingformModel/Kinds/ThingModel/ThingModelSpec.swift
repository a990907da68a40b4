/// Placeholder until the thing-model kind lands: the product reference only.
public struct ThingModelSpec: ResourceSpec {
    public static let kind = Kind.thingModel
    public static let fields = ["product"]
    public var product: String

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx),
              let p = r.string("product", required: true, code: "E-TM-19", &ctx) else { return nil }
        product = p
        r.finish(&ctx)
    }

    public var canonical: JSON { .object([.init("product", .string(product))]) }
    public var references: [Address] { [Address(.product, product)] }
}
