/// The rules that need more than one document: references, uniqueness across resources and what
/// an instance's type allows (spec/01 §2.8, spec/03 §1). It also fills the defaults that depend
/// on another resource (a public product's binding policy).
public enum Validator {
    public static func validate(_ resources: [Resource]) -> (DesiredState, Diagnostics) {
        var d = Diagnostics()
        var byAddress: [Address: Resource] = [:]
        var unique: [Resource] = []
        // Duplicate names: the first in file order wins, every later one is an error.
        // The loader hands resources over in file order already; sort only when they are not.
        let inOrder = zip(resources, resources.dropFirst()).allSatisfy { !($1.location < $0.location) }
        for r in inOrder ? resources : resources.sorted(by: { $0.location < $1.location }) {
            if let first = byAddress[r.address] {
                d.error(ManifestCode.duplicateName, at: r.location, address: r.address.description,
                        "\(r.address) is declared twice (first at \(first.location))", hint: "Names are unique per kind; rename one")
                continue
            }
            byAddress[r.address] = r
            unique.append(r)
        }
        func spec(_ r: Resource, _ key: String) -> JSON? { r.spec[key] }
        func str(_ r: Resource, _ key: String) -> String? { r.spec[key]?.stringValue }

        var publicInstances: [Resource] = []
        var productNames: [String: Resource] = [:]
        var projectNames: [String: Resource] = [:]
        var thingModelFor: [String: Resource] = [:]
        var out: [Resource] = []
        for var r in unique {
            let a = r.address.description
            switch r.address.kind {
            case .instance:
                if str(r, "type") == "public" {
                    if let first = publicInstances.first {
                        d.error(InstanceCode.onePublic, at: r.location(of: "spec.type"), address: a,
                                "an account has only one public instance; \(first.address) is already public",
                                hint: "Use one public instance, or make this one enterprise")
                    }
                    publicInstances.append(r)
                }
            case .project:
                let inst = str(r, "instance") ?? ""
                if byAddress[Address(.instance, inst)] == nil {
                    d.error(ManifestCode.danglingReference, at: r.location(of: "spec.instance"), address: a,
                            "spec.instance refers to Instance/\(inst), which no manifest declares", hint: hintFor(.instance, inst, byAddress))
                }
                let key = inst + "\u{0}" + (str(r, "name") ?? "")
                if let first = projectNames[key] {
                    d.error(ProjectCode.duplicateName, at: r.location(of: "spec.name"), address: a,
                            "project name '\(str(r, "name") ?? "")' is already used by \(first.address) in Instance/\(inst)")
                } else { projectNames[key] = r }
            case .product:
                let instName = str(r, "instance") ?? ""
                let instance = byAddress[Address(.instance, instName)]
                if instance == nil {
                    d.error(ProductCode.enumValue, at: r.location(of: "spec.instance"), address: a,
                            "spec.instance refers to Instance/\(instName), which no manifest declares", hint: hintFor(.instance, instName, byAddress))
                }
                let project = str(r, "project") ?? ProjectSpec.implicitName
                if project != ProjectSpec.implicitName {
                    if let p = byAddress[Address(.project, project)] {
                        if str(p, "instance") != instName {
                            d.error(ProjectCode.unknown, at: r.location(of: "spec.project"), address: a,
                                    "Project/\(project) belongs to Instance/\(str(p, "instance") ?? ""), not Instance/\(instName)")
                        }
                    } else {
                        d.error(ProjectCode.unknown, at: r.location(of: "spec.project"), address: a,
                                "spec.project refers to Project/\(project), which no manifest declares",
                                hint: hintFor(.project, project, byAddress, fallback: "Declare it, or omit project to use the instance's default project"))
                    }
                }
                let displayName = str(r, "name") ?? ""
                if let first = productNames[displayName] {
                    d.error(ProductCode.duplicateName, at: r.location(of: "spec.name"), address: a,
                            "product name '\(displayName)' is already used by \(first.address); names are unique in the account")
                } else { productNames[displayName] = r }
                if let instance { r = checkProduct(r, instance: instance, &d) }
            case .thingModel:
                let product = str(r, "product") ?? ""
                if byAddress[Address(.product, product)] == nil {
                    d.error("E-TM-19", at: r.location(of: "spec.product"), address: a,
                            "spec.product refers to Product/\(product), which no manifest declares", hint: hintFor(.product, product, byAddress))
                } else if let first = thingModelFor[product] {
                    d.error("E-TM-19", at: r.location(of: "spec.product"), address: a,
                            "Product/\(product) already has a thing model (\(first.address)); a product has exactly one")
                } else {
                    thingModelFor[product] = r
                }
            case .rule:
                RuleChecks.checkRule(r, byAddress, &d)
            default:
                if !Validator.ownReferenceChecks.contains(r.address.kind) { checkReferences(r, byAddress, &d) }
            }
            out.append(r)
        }
        let desired = DesiredState(resources: out)
        ThingModelChecks.check(desired, &d)
        DeviceChecks.check(desired, &d)
        LocationChecks.check(desired, &d)
        CAMChecks.check(desired, &d)
        TopicChecks.check(desired, &d)
        FirmwareChecks.check(desired, &d)
        return (desired, d)
    }

    /// Kinds whose whole-state checks (below) report their references with their own codes:
    /// devices (DeviceChecks), spaces and fences (LocationChecks), CAM attachments and
    /// memberships (CAMChecks), firmware and tasks (FirmwareChecks).
    static let ownReferenceChecks = Set([Kind.device] + LocationChecks.kinds + CAMChecks.kinds + FirmwareChecks.kinds)

    /// Kinds without their own rules: every reference must name a declared resource.
    static func checkReferences(_ r: Resource, _ all: [Address: Resource], _ d: inout Diagnostics) {
        for ref in r.references where all[ref] == nil {
            d.error(ManifestCode.danglingReference, at: r.location(of: "spec.\(ref.kind.rawValue.prefix(1).lowercased() + ref.kind.rawValue.dropFirst())"),
                    address: r.address.description, "\(r.address) refers to \(ref), which no manifest declares", hint: hintFor(ref.kind, ref.name, all))
        }
    }

    static func hintFor(_ kind: Kind, _ name: String, _ all: [Address: Resource], fallback: String? = nil) -> String {
        let names = all.keys.filter { $0.kind == kind }.map(\.name)
        if let s = Suggest.closest(to: name, in: names) { return "Did you mean '\(s)'?" }
        return fallback ?? "Declare \(kind.rawValue)/\(name), or fix the name"
    }

    /// Instance capabilities and instance-dependent defaults for one product.
    static func checkProduct(_ r: Resource, instance: Resource, _ d: inout Diagnostics) -> Resource {
        let a = r.address.description
        let isPublic = instance.spec["type"]?.stringValue == "public"
        let spec = r.spec
        var newSpec = spec
        if isPublic {
            if spec["authMethod"]?.stringValue == "certificate" {
                d.error(ProductCode.certificateOnPublic, at: r.location(of: "spec.authMethod"), address: a,
                        "authMethod: certificate needs an enterprise instance; \(instance.address) is public", hint: "Use authMethod: key")
            }
            if spec["autoCreateDevice"]?.boolValue == true {
                d.error(ProductCode.autoCreateOnPublic, at: r.location(of: "spec.autoCreateDevice"), address: a,
                        "autoCreateDevice is only offered on enterprise instances; \(instance.address) is public")
            }
            if spec["bindingPolicy"] == .null { newSpec = newSpec.setting("bindingPolicy", .string("preemptive")) }
        } else {
            if spec["bindingPolicy"] != .null {
                d.error(ProductCode.bindingPolicy, at: r.location(of: "spec.bindingPolicy"), address: a,
                        "bindingPolicy exists only on public instances; \(instance.address) is enterprise", hint: "Remove bindingPolicy")
            }
            if spec["lianlian"] != .null {
                d.error(InstanceCode.capability, at: r.location(of: "spec.lianlian"), address: a,
                        "the Tencent Lianlian mini program is only supported on public instances; \(instance.address) is enterprise",
                        hint: "Remove lianlian")
            }
        }
        // The application is read only on the review path (spec/02 §2.3); elsewhere say so rather than ignore it.
        if let release = spec["release"], !release.isNull, ReleaseReview.triggers(product: spec, instance: instance.spec).isEmpty {
            d.warning(ReleaseCode.applicationUnused, at: r.location(of: "spec.release"), address: a,
                      "spec.release has no effect: \(r.address) publishes directly, its release needs no review (neither lianlian.enabled nor the voiceAssistant feature on a public instance)",
                      hint: "Remove spec.release, or set lianlian: {enabled: true} if the product connects to the Tencent Lianlian mini program")
        }
        let entitled = Set(instance.spec["entitlements"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        for f in spec["advancedFeatures"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if !entitled.contains(f) {
                d.error(AdvancedFeatureCode.notEntitled, at: r.location(of: "spec.advancedFeatures"), address: a,
                        "AdvancedFeatureNotEntitled: \(f) is not in \(instance.address)'s entitlements",
                        hint: "Add \(f) to spec.entitlements of \(instance.address) (a paid feature) or remove it")
            }
            if f == AdvancedFeature.controlAuthorization.rawValue,
               !AdvancedFeature.controlAuthorizationCategories.contains(spec["category"]?.stringValue ?? "") {
                d.error(AdvancedFeatureCode.categoryMismatch, at: r.location(of: "spec.advancedFeatures"), address: a,
                        "AdvancedFeatureCategoryMismatch: controlAuthorization is only offered for the categories \(AdvancedFeature.controlAuthorizationCategories.joined(separator: " and "))")
            }
        }
        guard newSpec != spec else { return r }
        var copy = r
        copy.attributes = r.attributes.setting("spec", newSpec)
        copy.hash = Resource.hash(of: copy.attributes)
        return copy
    }
}
