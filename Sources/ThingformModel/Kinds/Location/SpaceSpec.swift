/// `Space` (spec/05 §4): a location space grouping products whose devices are shown on a map and
/// can be bound to fences. Products are checked against their thing models in `LocationChecks`.
public struct SpaceSpec: ResourceSpec {
    public static let kind = Kind.space
    public static let fields = ["instance", "name", "products", "authorization", "remark", "display"]
    public static let authorizations = ["readOnly"]
    /// A space stays in its instance; moving it is a new space.
    public static var immutableFields: [String] { ["instance"] }

    public var instance: String
    /// The platform's space name (unique per instance).
    public var name: String
    /// Product resource names, sorted (order does not matter).
    public var products: [String]
    public var authorization: String
    public var remark: String
    /// Per product: the property ids shown in a device's pop-up (spec/05 §5), sorted by product.
    public var display: [(product: String, properties: [String])]

    public init?(spec: Node, name: String, _ ctx: inout DecodeContext) {
        guard var r = MappingReader(spec, path: "spec", what: "spec", &ctx) else { return nil }
        let instance = r.string("instance", required: true, code: SpaceCode.instance, &ctx)
        let displayName = r.string("name", required: true, code: SpaceCode.name, &ctx)
        if let n = displayName, !CharacterRules.isHanWordText(n, max: 20) {
            ctx.error(SpaceCode.name, r.node["name"]!, "SpaceNameInvalid: space name '\(n)' is not valid",
                      hint: "Use 1-20 characters: Chinese, letters, digits and '_'")
        }
        var products: [String] = []
        if let list = r.required("products", code: SpaceCode.products, &ctx) {
            if let items = list.items {
                if items.isEmpty { ctx.error(SpaceCode.products, list, "spec.products needs at least one product") }
                for item in items {
                    guard let s = item.scalar, !item.isNull, !s.text.isEmpty else {
                        ctx.error(SpaceCode.products, item, "spec.products items must be product names, found \(item.typeName)")
                        continue
                    }
                    if products.contains(s.text) {
                        ctx.error(SpaceCode.products, item, "Product/\(s.text) is listed twice in spec.products")
                        continue
                    }
                    products.append(s.text)
                    // Canonical order is sorted, so whole-state checks find each item by name.
                    ctx.fieldLocations["spec.products[\(s.text)]"] = ctx.location(item)
                }
            } else {
                ctx.error(ManifestCode.wrongType, list, "spec.products must be a list of product names, found \(list.typeName)")
            }
        }
        authorization = r.oneOf("authorization", SpaceSpec.authorizations, code: SpaceCode.authorization, &ctx) ?? "readOnly"
        remark = r.string("remark", &ctx) ?? ""
        if CharacterRules.length(remark) > 25 {
            ctx.error(SpaceCode.remark, r.node["remark"]!, "spec.remark must be at most 25 characters (found \(CharacterRules.length(remark)))")
        }
        display = []
        if let d = r.node("display", &ctx) {
            display = SpaceSpec.readDisplay(d, products: products, &ctx)
        }
        r.finish(&ctx)
        guard let instance, let displayName else { return nil }
        self.instance = instance
        self.name = displayName
        self.products = products.sorted()
    }

    /// `display: {product: {properties: [id, ...]}}`; each product must be one of the space's.
    static func readDisplay(_ node: Node, products: [String], _ ctx: inout DecodeContext) -> [(product: String, properties: [String])] {
        guard let pairs = node.pairs else {
            ctx.error(ManifestCode.wrongType, node, "spec.display must be a mapping of product to {properties: [...]}, found \(node.typeName)")
            return []
        }
        var out: [(product: String, properties: [String])] = []
        for p in pairs {
            let product = p.key.scalar?.text ?? ""
            if !products.contains(product) {
                ctx.error(SpaceCode.display, p.key, "spec.display.\(product): Product/\(product) is not in spec.products",
                          hint: "Add it to spec.products, or remove its display settings")
            }
            guard var r = MappingReader(p.value, path: "spec.display.\(product)", what: "display", &ctx) else { continue }
            var ids: [String] = []
            if let list = r.node("properties", &ctx) {
                for item in list.items ?? [] {
                    if let s = item.scalar?.text, !ids.contains(s) {
                        ids.append(s)
                        ctx.fieldLocations["spec.display.\(product).properties[\(s)]"] = ctx.location(item)
                    } else if item.scalar == nil {
                        ctx.error(ManifestCode.wrongType, item, "spec.display.\(product).properties items must be property ids")
                    }
                }
                if list.items == nil {
                    ctx.error(ManifestCode.wrongType, list, "spec.display.\(product).properties must be a list of property ids, found \(list.typeName)")
                }
            }
            r.finish(&ctx)
            out.append((product, ids))
        }
        return out.sorted { $0.product < $1.product }
    }

    public var canonical: JSON {
        .object([
            .init("instance", .string(instance)),
            .init("name", .string(name)),
            .init("products", .array(products.map(JSON.string))),
            .init("authorization", .string(authorization)),
            .init("remark", .string(remark)),
            .init("display", .object(display.map { .init($0.product, .object([.init("properties", .array($0.properties.map(JSON.string)))])) })),
        ])
    }

    public var references: [Address] {
        [Address(.instance, instance)] + products.map { Address(.product, $0) }
    }
}
