/// Custom-topic rules that need other resources (spec/03 §1, §4.5, §10): custom topics exist
/// only for products of an enterprise instance (E-TOP-01, also for `customTopics` on a product),
/// and a topic name is unique within its product (E-TOP-04). That the product is declared is
/// checked with the other references in `Validator`.
enum TopicChecks {
    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        var names: [String: Resource] = [:]
        for r in desired.resources {
            let a = r.address.description
            switch r.address.kind {
            case .product:
                guard r.spec["customTopics"] != nil, r.spec["customTopics"] != .null, let instance = instance(of: r, desired),
                      instance.spec["type"]?.stringValue == "public" else { continue }
                d.error(TopicCode.publicInstance, at: r.location(of: "spec.customTopics"), address: a,
                        "custom topics are only supported on enterprise instances; \(instance.address) is public",
                        hint: "Remove customTopics: a public instance supports only the $thing topics")
            case .topic:
                let product = r.spec["product"]?.stringValue ?? ""
                guard let p = desired[Address(.product, product)] else { continue }
                if let instance = instance(of: p, desired), instance.spec["type"]?.stringValue == "public" {
                    d.error(TopicCode.publicInstance, at: r.location(of: "spec.product"), address: a,
                            "custom topics are only supported on enterprise instances; Product/\(product) belongs to \(instance.address), which is public",
                            hint: "A public instance supports only the $thing topics: remove this Topic, or move the product to an enterprise instance")
                }
                let name = r.spec["name"]?.stringValue ?? ""
                let key = product + "\u{0}" + name
                if let first = names[key] {
                    d.error(TopicCode.duplicate, at: r.location(of: "spec.name"), address: a,
                            "topic name '\(name)' is already used by \(first.address) in Product/\(product)",
                            hint: "Topic names are unique within a product; change the permission of \(first.address) instead")
                } else { names[key] = r }
            default:
                continue
            }
        }
    }

    static func instance(of product: Resource, _ desired: DesiredState) -> Resource? {
        desired[Address(.instance, product.spec["instance"]?.stringValue ?? "")]
    }
}
