import Foundation
import ThingformModel
import ThingformState

/// Compares the desired state with a snapshot of the state store and produces a `Plan`:
/// create / update / replace / delete / publish / unpublish, in reference order, with the
/// platform's protections (release lock, immutable fields, products with devices) as errors.
public struct Planner {
    public struct Options: Sendable {
        /// Allow replacing a resource whose immutable field changed (it gets a new id).
        public var allowReplace: Bool
        /// Reads a secret where the runner keeps it; given, SQL passwords it can read are checked at
        /// plan time (E-FWD-06). The planner itself does no I/O: the caller decides.
        public var readSecret: (@Sendable (SecretRef) -> String?)?
        /// The plan's clock (Unix seconds): licence lots that expired before it do not count.
        public var now: Int64
        /// Allow a plan that deletes every resource of a non-empty state (E-PLN-04 otherwise).
        public var allowDestroyAll: Bool
        /// `--target`: limit the plan to these resources and what they reference (empty: everything).
        public var targets: [Address]
        public init(allowReplace: Bool = false, allowDestroyAll: Bool = false, now: Int64 = Planner.currentTime(),
                    targets: [Address] = [], readSecret: (@Sendable (SecretRef) -> String?)? = nil) {
            self.targets = targets
            self.allowReplace = allowReplace
            self.allowDestroyAll = allowDestroyAll
            self.now = now
            self.readSecret = readSecret
        }
    }

    public static func currentTime() -> Int64 { Int64(Date().timeIntervalSince1970) }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    public func plan(desired: DesiredState, snapshot: Snapshot, diagnostics initial: [Diagnostic] = []) -> Plan {
        var ctx = PlanContext(desired: desired, snapshot: snapshot, options: options)
        ctx.diagnostics.append(contentsOf: initial)
        var unchanged = 0
        var notices: [PlanNotice] = []
        let targets = PlanTargets(options.targets, desired: desired, snapshot: snapshot)
        ctx.diagnostics.append(contentsOf: targets?.diagnostics ?? [])
        for r in desired.resources where targets?.contains(r.address) ?? true {
            if let stored = snapshot.resources[r.address] {
                // Equal hashes, or a text that differs only where values are equal (`5.0` for `5`).
                if stored.hash == r.hash || !ctx.planUpdate(r, stored) {
                    unchanged += 1
                    if r.address.kind == .product, snapshot.releases[r.address.name]?.state == .underReview {
                        notices.append(.awaitingReview(r.address))
                    }
                    continue
                }
            } else {
                ctx.planCreate(r)
            }
        }
        for (address, stored) in snapshot.resources where desired[address] == nil && targets?.contains(address) ?? true {
            ctx.planDelete(address, stored)
        }
        if !options.allowDestroyAll, targets == nil, let guardError = PlanGuards.destroysEverything(desired: desired, snapshot: snapshot) {
            ctx.diagnostics.append(guardError)
        }
        let changes = ctx.ordered()
        // Activation codes and registered-device limits (spec/02 §4): checked over the whole plan,
        // deletions first, as the applier runs it.
        let licences = LicenceAccounting.evaluate(
            changes: changes, snapshot: snapshot, now: options.now,
            spec: { desired[$0]?.spec ?? snapshot.resources[$0]?.attributes["spec"] },
            locate: { desired[$0]?.location(of: $1) })
        ctx.diagnostics.append(contentsOf: licences.diagnostics)
        if let read = options.readSecret {
            // Only a weak password is a plan error; one the runner cannot read is apply's concern.
            let found = SQLPasswordCheck.diagnostics(for: changes, read: read) { a, path in desired[a]?.location(of: path) }
            ctx.diagnostics.append(contentsOf: found.filter { $0.severity == .error })
        }
        var plan = Plan(lineage: snapshot.lineage, serial: snapshot.serial, changes: changes,
                        diagnostics: ctx.diagnostics.sorted, unchanged: unchanged)
        plan.checks = HandshakeRequirements.required(by: plan, snapshot: snapshot)
        plan.notices = notices.sorted { $0.address < $1.address }
        return plan
    }
}

/// The mutable state of one planning run.
struct PlanContext {
    let desired: DesiredState
    let snapshot: Snapshot
    let options: Planner.Options
    var diagnostics = Diagnostics()
    var changes: [Change] = []
    /// The stored resources grouped by what they reference, built on first use.
    let index: PlanIndex

    init(desired: DesiredState, snapshot: Snapshot, options: Planner.Options) {
        self.desired = desired
        self.snapshot = snapshot
        self.options = options
        index = PlanIndex(snapshot: snapshot, desired: desired)
    }

    func devices(_ product: String) -> Int { snapshot.deviceCounts[product] ?? 0 }

    /// Whether a product is released in the state store now (an application under review is not).
    func releasedInState(_ product: String) -> Bool {
        snapshot.release(of: product).state == .released
    }

    /// Whether a product stays released through this plan (released now and still declared released).
    func staysReleased(_ product: String) -> Bool {
        guard releasedInState(product) else { return false }
        guard let r = desired[Address(.product, product)] else { return true }
        return r.spec["released"]?.boolValue ?? false
    }

    mutating func planCreate(_ r: Resource) {
        if r.address.kind == .camPolicy { warnPrivilegeWidening(r, before: nil) }
        if r.address.kind == .thingModel, let product = r.spec["product"]?.stringValue {
            checkThingModelLock(product, at: r.location(of: "spec"), address: r.address.description, "cannot change")
        }
        if r.address.kind == .rule { checkRule(r) }
        if r.address.kind == .topic { checkTopicReleaseLock(r) }
        if r.address.kind == .device { checkDeviceNamesFree(r, DeviceSpec.deviceNames(r.spec)) }
        if r.address.kind == .deviceBatch { return planBatchCreate(r) }
        let released = r.address.kind == .product && (r.spec["released"]?.boolValue ?? false)
        let created = released ? r.attributes.setting("spec", r.spec.setting("released", .bool(false))) : r.attributes
        changes.append(Change(address: r.address, action: .create, after: created))
        // The publish starts from what the create made: full before and after, as for any change.
        if released { changes.append(Change(address: r.address, action: .publish, before: created, after: r.attributes, release: releaseStep(for: r))) }
    }

    /// Plans the update of a stored resource; false when its attributes are the same values (nothing to do).
    mutating func planUpdate(_ r: Resource, _ stored: StoredResource) -> Bool {
        let before = stored.attributes
        let fields = JSONDiff.diff(before, r.attributes)
        if fields.isEmpty { return false } // same values, different text: nothing to do
        if r.address.kind == .camPolicy { warnPrivilegeWidening(r, before: before) }
        switch r.address.kind {
        case .instance: planInstanceUpdate(r, stored, before, fields)
        case .project: planProjectUpdate(r, stored, before, fields)
        case .product: planProductUpdate(r, stored, before, fields)
        case .thingModel: planThingModelUpdate(r, stored, before, fields)
        case .topic: planTopicUpdate(r, stored, before, fields)
        case .rule:
            checkRule(r)
            planGenericUpdate(r, stored, before, fields)
        case .space, .fence: planLocationUpdate(r, stored, before, fields)
        case .firmware: planFirmwareUpdate(r, stored, before, fields)
        case .firmwareTask: planFirmwareTaskUpdate(r, stored, before, fields)
        case .device: planDeviceUpdate(r, stored, before, fields)
        case .deviceBatch: planBatchUpdate(r, stored, before, fields)
        default: planGenericUpdate(r, stored, before, fields)
        }
        return true
    }

    mutating func planDelete(_ address: Address, _ stored: StoredResource) {
        let a = address.description
        let at = SourceLocation(file: "(state)", line: 0, column: 0)
        switch address.kind {
        case .product:
            // Runtime devices block the delete; declared ones cannot stay (validation: their
            // product reference dangles), and those deleted by this plan go first (kind order).
            let n = devices(address.name)
            if n > 0 {
                diagnostics.error(ProductCode.deleteWithDevices, at: nil, address: a,
                                  "\(address) has \(n) device\(n == 1 ? "" : "s") and cannot be deleted (no manifest declares it any more)",
                                  hint: "Delete its devices first, or keep declaring the product")
            }
            switch snapshot.release(of: address.name) {
            case let r where r.state == .underReview:
                diagnostics.error(ProductCode.deleteReleased, at: nil, address: a, "\(address) is under review and cannot be deleted",
                                  hint: Self.underReviewHint(address.name))
            case let r where r.via == .review:
                diagnostics.error(ProductCode.deleteReleased, at: nil, address: a, "\(address) is released and cannot be deleted",
                                  hint: "It was released through review and cannot be unpublished (E-REL-06): keep declaring it")
            case let r where r.state == .released:
                diagnostics.error(ProductCode.deleteReleased, at: nil, address: a, "\(address) is released and cannot be deleted",
                                  hint: "Keep the manifest with released: false (apply), then remove it")
            default: break
            }
        case .thingModel:
            if let product = stored.attributes["spec"]?["product"]?.stringValue {
                checkThingModelLock(product, at: nil, address: a, "cannot be removed")
            }
        case .topic:
            checkTopicDelete(address, stored)
        case .forwarder:
            checkForwarderDelete(address)
        case .space:
            planSpaceDelete(address)
        case .firmware:
            planFirmwareDelete(address, replacing: false)
        case .deviceBatch:
            return retainBatch(address, stored)
        default:
            break
        }
        _ = at
        changes.append(Change(address: address, action: .delete, id: stored.id, before: stored.attributes))
    }

    // MARK: per kind

    mutating func planInstanceUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        let a = r.address.description
        for f in fields {
            switch f.path {
            case "spec.type", "spec.region":
                diagnostics.error(InstanceCode.typeImmutable, at: r.location(of: f.path), address: a,
                                  "\(f.path) cannot change (\(show(f.before)) -> \(show(f.after)))",
                                  hint: "Declare a new instance instead")
            case "spec.units":
                if let b = Int(f.before.flatMap(numberText) ?? ""), let n = Int(f.after.flatMap(numberText) ?? ""), n < b {
                    diagnostics.error(InstanceCode.downgrade, at: r.location(of: f.path), address: a,
                                      "spec.units can only grow (\(b) -> \(n)); the console offers upgrades and renewals only")
                }
            case "spec.edition":
                let order = InstanceSpec.editions
                if let b = f.before?.stringValue, let n = f.after?.stringValue,
                   let bi = order.firstIndex(of: b), let ni = order.firstIndex(of: n), ni < bi {
                    diagnostics.error(InstanceCode.downgrade, at: r.location(of: f.path), address: a,
                                      "spec.edition can only be upgraded (\(b) -> \(n))")
                }
            default: break
            }
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }

    mutating func planProjectUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        if let f = fields.first(where: { $0.path == "spec.instance" }) {
            diagnostics.error("E-PRJ-05", at: r.location(of: f.path), address: r.address.description,
                              "a project cannot move to another instance (\(show(f.before)) -> \(show(f.after)))",
                              hint: "Declare a new project in the target instance and move the products to it")
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }

    mutating func planProductUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        let a = r.address.description
        let name = r.address.name
        let release = snapshot.release(of: name)
        if release.state == .underReview { return planUnderReviewUpdate(r, stored, before, fields) }
        let wasReleased = release.state == .released
        let willBeReleased = r.spec["released"]?.boolValue ?? false
        let n = allDevices(name)
        var fields = fields
        // Immutable fields force a replace (new ProductId), which the platform only allows
        // without devices, and we only with --allow-replace.
        let forcing = markReplacements(&fields, of: .product)
        let replace = !forcing.isEmpty
        for f in forcing {
            if n > 0 {
                diagnostics.error(ProductCode.immutable, at: r.location(of: f.path), address: a,
                                  "\(f.path) cannot change in place (\(show(f.before)) -> \(show(f.after))) and \(r.address) has \(n) device\(n == 1 ? "" : "s"), so it cannot be replaced either",
                                  hint: "Delete its devices first, or keep \(f.path) as \(show(f.before))")
            } else if !options.allowReplace {
                diagnostics.error(ProductCode.immutable, at: r.location(of: f.path), address: a,
                                  "\(f.path) cannot change in place (\(show(f.before)) -> \(show(f.after))); it forces a new product with a new ProductId",
                                  hint: "Re-run with --allow-replace to replace the product, or keep \(f.path) as \(show(f.before))")
            }
        }
        if replace && wasReleased && willBeReleased {
            diagnostics.error(ProductCode.deleteReleased, at: r.location(of: "spec.released"), address: a,
                              "\(r.address) is released and cannot be replaced", hint: "Set released: false to unpublish first")
        }
        // Advanced features are switched only while the product has no devices (spec/06 §1.3).
        if n > 0, let f = fields.first(where: { $0.path == "spec.advancedFeatures" }) {
            diagnostics.error(AdvancedFeatureCode.locked, at: r.location(of: f.path), address: a,
                              "AdvancedFeatureLocked: \(r.address) has \(n) device\(n == 1 ? "" : "s"); its advanced features cannot be switched (\(show(f.before)) -> \(show(f.after)))",
                              hint: "Delete the product's devices first, then apply the change, then create the devices again")
        }
        // Release lock (spec/03 §7.2): while released and staying released, these fields are frozen.
        if wasReleased && willBeReleased && !replace {
            for f in fields {
                if let code = Self.lockCode(f.path) {
                    diagnostics.error(code, at: r.location(of: f.path), address: a,
                                      "\(r.address) is released; \(f.path) cannot change (\(show(f.before)) -> \(show(f.after)))",
                                      hint: release.via == .review ? unpublishHint(name)
                                          : "Set released: false to unpublish first (and released: true again in a later change)")
                }
            }
        }
        if wasReleased && !willBeReleased && release.via == .review { refuseReviewedUnpublish(r, fields) }
        if replace {
            // The new product is created unreleased and published last, like a create.
            let after = willBeReleased ? r.attributes.setting("spec", r.spec.setting("released", .bool(false))) : r.attributes
            changes.append(Change(address: r.address, action: .replace, id: stored.id, before: before, after: after,
                                  fields: fields.filter { $0.path != "spec.released" },
                                  reason: fields.filter(\.forcesReplacement).map(\.path).joined(separator: ", ") + " forces replacement"))
            if willBeReleased {
                changes.append(Change(address: r.address, action: .publish, before: after, after: r.attributes,
                                      fields: [FieldChange(path: "spec.released", before: .bool(false), after: .bool(true))],
                                      release: releaseStep(for: r)))
            }
            return
        }
        let others = fields.filter { $0.path != "spec.released" }
        if wasReleased && !willBeReleased {
            changes.append(Change(address: r.address, action: .unpublish, id: stored.id, before: before,
                                  after: before.setting("spec", (before["spec"] ?? .object([])).setting("released", .bool(false))),
                                  fields: [FieldChange(path: "spec.released", before: .bool(true), after: .bool(false))], release: .cancel))
            if !others.isEmpty {
                changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: others))
            }
        } else if !wasReleased && willBeReleased {
            if !others.isEmpty {
                let unreleased = r.attributes.setting("spec", r.spec.setting("released", .bool(false)))
                changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: unreleased, fields: others))
            }
            changes.append(Change(address: r.address, action: .publish, id: stored.id, before: before, after: r.attributes,
                                  fields: [FieldChange(path: "spec.released", before: .bool(false), after: .bool(true))],
                                  release: releaseStep(for: r)))
        } else {
            changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
        }
    }

    /// Marks the changed fields that are (or are inside) the kind's immutable fields
    /// (`spec.file.md5` counts as `spec.file`) and returns them: they force a replace.
    func markReplacements(_ fields: inout [FieldChange], of kind: Kind) -> [FieldChange] {
        let immutable = Set(ResourceDecoder.immutableFields(of: kind).map { "spec." + $0 })
        func isImmutable(_ path: String) -> Bool {
            immutable.contains(path) || immutable.contains { path.hasPrefix($0 + ".") || path.hasPrefix($0 + "[") || path.hasPrefix($0 + " ") }
        }
        var forcing: [FieldChange] = []
        for i in fields.indices where isImmutable(fields[i].path) {
            fields[i].forcesReplacement = true
            forcing.append(fields[i])
        }
        return forcing
    }

    /// Kinds without their own rules: an update in place, or a replace when an immutable field
    /// changed (only with --allow-replace).
    mutating func planGenericUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        var fields = fields
        let forcing = markReplacements(&fields, of: r.address.kind)
        let replace = !forcing.isEmpty
        for f in forcing {
            if !options.allowReplace {
                diagnostics.error("E-PLN-03", at: r.location(of: f.path), address: r.address.description,
                                  "\(f.path) cannot change in place (\(show(f.before)) -> \(show(f.after))); it forces a new \(r.address.kind.rawValue)",
                                  hint: "Re-run with --allow-replace to replace it, or keep \(f.path) as \(show(f.before))")
            }
        }
        changes.append(Change(address: r.address, action: replace ? .replace : .update, id: stored.id, before: before, after: r.attributes,
                              fields: fields, reason: replace ? fields.filter(\.forcesReplacement).map(\.path).joined(separator: ", ") + " forces replacement" : nil))
    }

    mutating func planThingModelUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        let a = r.address.description
        let product = r.spec["product"]?.stringValue ?? ""
        if let f = fields.first(where: { $0.path == "spec.product" }) {
            diagnostics.error("E-TM-19", at: r.location(of: f.path), address: a,
                              "a thing model cannot move to another product (\(show(f.before)) -> \(show(f.after)))",
                              hint: "Declare a new ThingModel for the other product and remove this one")
        }
        for f in fields {
            checkThingModelLock(product, at: r.location(of: f.path), address: a, "cannot change (\(f.path))")
        }
        let n = allDevices(product)
        if n > 0 {
            diagnostics.warning("W-TM-03", at: r.location(of: "spec"), address: a,
                                "Product/\(product) has \(n) device\(n == 1 ? "" : "s"); this thing-model change affects them: "
                                    + fields.map(\.path).joined(separator: ", "))
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }

    // MARK: ordering

    /// Unpublish first (it unlocks what follows), then deletes bottom-up, then creates, updates
    /// and replaces top-down, then publish (it locks what came before), then new device batches:
    /// mass production follows the release (spec/02 §2.5).
    func ordered() -> [Change] {
        func phase(_ c: Change) -> Int {
            switch c.action {
            case .unpublish: return 0
            case .delete: return 1
            case .create where c.address.kind == .deviceBatch: return 4
            case .create, .update, .replace: return 2
            case .publish: return 3
            }
        }
        return changes.enumerated().sorted { x, y in
            let (a, b) = (x.element, y.element)
            let pa = phase(a), pb = phase(b)
            if pa != pb { return pa < pb }
            if a.address.kind != b.address.kind {
                return pa == 1 ? a.address.kind > b.address.kind : a.address.kind < b.address.kind
            }
            if a.address.name != b.address.name { return a.address.name < b.address.name }
            return x.offset < y.offset
        }.map(\.element)
    }
}

func show(_ j: JSON?) -> String {
    guard let j else { return "(none)" }
    return j.compact
}

func numberText(_ j: JSON) -> String? {
    if case let .number(n) = j { return n }
    return nil
}
