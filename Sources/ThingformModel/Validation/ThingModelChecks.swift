/// Thing-model rules that need the product: system features owned by the product's advanced
/// features (spec/06 §1.4, E-TM-09) and a console JSON copied from another product (W-TM-02 is
/// informational: the profile is ignored).
enum ThingModelChecks {
    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        for r in desired.resources where r.address.kind == .thingModel {
            guard let productName = r.spec["product"]?.stringValue,
                  let product = desired[Address(.product, productName)],
                  let model = r.spec["model"] else { continue }
            let features = product.spec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let ids = (model["properties"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            let injects = !SystemFeatures.features(for: features).isEmpty
            // Only re-read the model when a system feature can be involved (the common case is free).
            guard injects || ids.contains(where: { $0.lowercased().hasPrefix(SystemFeatures.reservedPrefix) }) else { continue }
            let imported = ConsoleThingModel.importJSON(model.compact, file: r.location.file, compat: .lenient)
            guard let definition = imported.definition else { continue }
            d.append(contentsOf: SystemFeatures.validate(definition, advancedFeatures: features,
                                                         locate: { r.location(of: "spec.properties[\($0)]") },
                                                         address: r.address.description))
        }
    }
}
