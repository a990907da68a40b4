import ThingformModel
import ThingformState

/// Plan rules for custom topics (spec/03 §4.5, §7.2).
///
/// - Release lock (E-REL-04, proposed by the spec: "related configuration details"): a custom
///   topic of a product that is released and stays released cannot be created, changed or
///   deleted, nor can the product's `customTopics.includeDefaults` change (see the product's
///   lock in `planProductUpdate`). Unpublishing in the same change unlocks it (unpublish runs
///   first); publishing in the same change runs last, after the topics.
/// - Only the permission changes in place; a new name or product is a replace (delete +
///   create), only with --allow-replace.
extension PlanContext {
    mutating func checkTopicReleaseLock(_ r: Resource) {
        guard let product = r.spec["product"]?.stringValue, staysReleased(product) else { return }
        diagnostics.error(ReleaseCode.customTopics, at: r.location(of: "spec"), address: r.address.description,
                          "Product/\(product) is released; its custom topics cannot change (\(r.address) would be created)",
                          hint: "Set released: false on Product/\(product) to unpublish first (and released: true again in a later change)")
    }

    mutating func planTopicUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        let products = Set([r.spec["product"]?.stringValue, before["spec"]?["product"]?.stringValue].compactMap { $0 })
        if let product = products.sorted().first(where: staysReleased) {
            for f in fields {
                diagnostics.error(ReleaseCode.customTopics, at: r.location(of: f.path), address: r.address.description,
                                  "Product/\(product) is released; its custom topics cannot change (\(f.path): \(show(f.before)) -> \(show(f.after)))",
                                  hint: "Set released: false on Product/\(product) to unpublish first (and released: true again in a later change)")
            }
        }
        planGenericUpdate(r, stored, before, fields)
    }

    mutating func checkTopicDelete(_ address: Address, _ stored: StoredResource) {
        guard let product = stored.attributes["spec"]?["product"]?.stringValue, staysReleased(product) else { return }
        diagnostics.error(ReleaseCode.customTopics, at: nil, address: address.description,
                          "Product/\(product) is released; its custom topic \(address) cannot be removed",
                          hint: "Set released: false on Product/\(product) to unpublish first, or keep declaring \(address)")
    }
}
