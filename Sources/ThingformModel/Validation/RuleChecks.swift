/// Cross-resource rules of `Rule` (spec/04 §4, §11): its name, what it refers to, and whether
/// each action's forwarder exists, fits the action and lives in the rule's instance.
enum RuleChecks {
    static func checkRule(_ r: Resource, _ all: [Address: Resource], _ d: inout Diagnostics) {
        let a = r.address.description
        if !RuleSpec.isValidName(r.address.name) {
            d.error(RuleCode.name, at: r.location(of: "metadata.name"), address: a,
                    "rule name '\(r.address.name)' must be 1-32 letters, digits or '_'",
                    hint: "支持英文、数字、下划线的组合，最多不超过32个字符; the name cannot change after creation")
        }
        let instance = r.spec["instance"]?.stringValue ?? ""
        for (key, kind) in [("instance", Kind.instance), ("project", .project), ("product", .product)] {
            guard let name = r.spec[key]?.stringValue, all[Address(kind, name)] == nil else { continue }
            d.error(ManifestCode.danglingReference, at: r.location(of: "spec.\(key)"), address: a,
                    "spec.\(key) refers to \(kind.rawValue)/\(name), which no manifest declares", hint: Validator.hintFor(kind, name, all))
        }
        for list in ["actions", "errorActions"] {
            for (i, action) in (r.spec[list]?.arrayValue ?? []).enumerated() {
                guard let type = action["type"]?.stringValue, type != "republish", let name = action["forwarder"]?.stringValue else { continue }
                // A position costs a re-read of the file: only an error asks for it.
                let at = { r.location(of: "spec.\(list)[\(i)].forwarder") }
                guard let f = all[Address(.forwarder, name)] else {
                    d.error(RuleCode.forwarder, at: at(), address: a, "spec.\(list)[\(i)].forwarder refers to Forwarder/\(name), which no manifest declares",
                            hint: Validator.hintFor(.forwarder, name, all))
                    continue
                }
                let fType = f.spec["type"]?.stringValue ?? ""
                let fits = RuleAction.forwarderTypes(for: type)
                if !fits.contains(fType) {
                    d.error(RuleCode.forwarder, at: at(), address: a, "a \(type) action cannot send through Forwarder/\(name), which is of type \(fType)",
                            hint: "Use a forwarder of type \(fits.joined(separator: " or "))")
                }
                if let fi = f.spec["instance"]?.stringValue, fi != instance {
                    d.error(RuleCode.forwarder, at: at(), address: a, "Forwarder/\(name) belongs to Instance/\(fi), not Instance/\(instance)")
                }
            }
        }
    }
}
