import ThingformModel
import ThingformState

/// What one new `DeviceBatch` of a plan creates: `quantity` devices in `product`. The single place
/// where a plan's batch device creations are counted (licence accounting, spec/02 §3.6 and §4,
/// charges exactly these).
public struct BatchCreation: Sendable, Equatable {
    public var batch: Address
    /// The product's metadata name.
    public var product: String
    public var quantity: Int

    /// nil for anything but the creation of a batch.
    public init?(_ change: Change) {
        guard change.action == .create, change.address.kind == .deviceBatch, let spec = change.after?["spec"] else { return nil }
        batch = change.address
        product = spec["product"]?.stringValue ?? ""
        quantity = DeviceBatchSpec.deviceCount(spec)
    }
}

extension Plan {
    /// The device creations of the plan's new batches, in plan order.
    public var batchCreations: [BatchCreation] { changes.compactMap(BatchCreation.init) }
}

/// Plan rules for device batches (spec/02 §2.5, §2.6, §3.3-§3.10):
/// - Gates at creation: a public product must be released (E-BAT-01; releasing it in the same
///   apply is enough: batches are created after the publish; an application for release is not,
///   unless the instance approves at once; `massProduction.requireRelease: false` lifts the
///   gate, spec/02 §2.5), one model, one secret needs the
///   product's dynamic registration (E-BAT-02), QR codes need a public instance (E-BAT-07) and
///   warn for products that share the universal code (W-BAT-02). They are not checked again for
///   an existing batch, which must not block later changes to its product.
/// - Uploaded names must be free in the product: not a device of the state (a batch's or one
///   registered at runtime), not declared by a Device manifest, not uploaded by another new batch
///   (E-DEV-01 at the name's line in the CSV).
/// - Create-only: any spec change is E-BAT-06.
/// - A removed manifest deletes nothing: the record stays in the state (no action is planned, so
///   prune never reaches it) and every plan says so (W-BAT-01). Its devices are not resources:
///   the planner never proposes deleting them, and they keep their product from being deleted
///   (E-PRD-07) or replaced.
extension PlanContext {
    mutating func planBatchCreate(_ r: Resource) {
        let a = r.address.description
        let productName = r.spec["product"]?.stringValue ?? ""
        if let product = desired[Address(.product, productName)] {
            let instance = product.spec["instance"]?.stringValue ?? ""
            let instanceSpec = desired[Address(.instance, instance)]?.spec
            let isPublic = instanceSpec?["type"]?.stringValue == "public"
            if ReleaseReview.massProductionNeedsRelease(instance: instanceSpec), let why = notReleasedAfterPlan(product) {
                let hint = product.spec["released"]?.boolValue == true
                    ? "Create the batch once the review approved the release (thingform review approve \(product.address)), or set review.policy: autoApprove on Instance/\(instance) to approve applications at once"
                    : "Set released: true on \(product.address) (the batch is created after it is published), or remove this batch"
                diagnostics.error(DeviceBatchCode.notReleased, at: r.location(of: "spec.product"), address: a,
                                  "\(product.address) \(why); mass production on the public Instance/\(instance) needs a released product",
                                  hint: hint + "; massProduction.requireRelease: false on the instance lifts the requirement")
            }
            if r.spec["burnMethod"]?.stringValue == DeviceBatchSpec.oneModelOneSecret, product.spec["dynamicRegistration"]?.boolValue != true {
                diagnostics.error(DeviceBatchCode.needsDynamicRegistration, at: r.location(of: "spec.burnMethod"), address: a,
                                  "burnMethod: oneModelOneSecret needs dynamic registration, which \(product.address) does not enable",
                                  hint: "Set dynamicRegistration: true on \(product.address) (devices obtain their secret with the product secret), or use oneDeviceOneSecret")
            }
            if r.spec["qrCode"]?.stringValue == "auto" {
                if !isPublic {
                    diagnostics.error(DeviceBatchCode.qrCode, at: r.location(of: "spec.qrCode"), address: a,
                                      "qrCode: auto needs a public instance; \(product.address) is in the enterprise Instance/\(instance), which has no Tencent Lianlian QR codes",
                                      hint: "Set qrCode: none")
                } else if DeviceBatchSpec.usesUniversalQRCode(product: product.spec) {
                    diagnostics.warning(DeviceBatchCode.universalQRCode, at: r.location(of: "spec.qrCode"), address: a,
                                        "\(product.address) (\(product.spec["communication"]?.stringValue ?? "")\(product.spec["deviceType"]?.stringValue == "subdevice" ? " subdevice" : "")) normally uses the product's universal (Type I) QR code; one code per device is for cellular, LoRaWAN and other devices",
                                        hint: "Set qrCode: none unless these devices really need their own code")
                }
            }
            checkUploadedNamesFree(r, productName)
        }
        let change = Change(address: r.address, action: .create, after: r.attributes)
        if let creation = BatchCreation(change) {
            var created = change
            let generated = r.spec["generation"]?.stringValue == "auto" ? "named from the product's counter" : "named by the names file"
            created.reason = "creates \(creation.quantity) device\(creation.quantity == 1 ? "" : "s") in Product/\(creation.product), \(generated); "
                + "the batch id, the secrets and the output file are known after apply: thingform batch download \(r.address)"
            changes.append(created)
        } else {
            changes.append(change)
        }
    }

    /// E-DEV-01 for every uploaded name that the product already has or gets elsewhere in this plan.
    mutating func checkUploadedNamesFree(_ r: Resource, _ product: String) {
        let names = DeviceBatchSpec.uploadedNames(r.spec)
        guard !names.isEmpty else { return }
        var owners: [String: String] = [:]
        for n in snapshot.deviceNames[product] ?? [] { owners[n] = "a device of the state" }
        for d in desired.resources where d.address.kind == .device && d.spec["product"]?.stringValue == product {
            for n in DeviceSpec.deviceNames(d.spec) where owners[n] == nil { owners[n] = "declared by \(d.address)" }
        }
        for c in changes where c.action == .create && c.address.kind == .deviceBatch && c.after?["spec"]?["product"]?.stringValue == product {
            for n in DeviceBatchSpec.uploadedNames(c.after?["spec"]) where owners[n] == nil { owners[n] = "uploaded by \(c.address)" }
        }
        for n in names {
            guard let owner = owners[n] else { continue }
            diagnostics.error(DeviceCode.name, at: r.location(of: DeviceBatchSpec.namePath(n)), address: r.address.description,
                              "device name '\(n)' is a duplicate in Product/\(product) (\(owner))",
                              hint: "Device names are unique within a product; remove it from the names file")
        }
    }

    mutating func planBatchUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        let batch = snapshot.batches[r.address.name].map { " (batch \($0.id))" } ?? ""
        for f in fields {
            diagnostics.error(DeviceBatchCode.createOnly, at: r.location(of: f.path), address: r.address.description,
                              "\(r.address)\(batch) is create-only; \(f.path) cannot change (\(Self.brief(f.before)) -> \(Self.brief(f.after)))",
                              hint: "Keep this manifest as it was applied; for more devices declare a new DeviceBatch with another name")
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }

    /// A removed batch manifest: nothing is planned, the record and its devices stay (W-BAT-01).
    mutating func retainBatch(_ address: Address, _ stored: StoredResource) {
        let record = snapshot.batches[address.name]
        let id = record.map { String($0.id) } ?? stored.id ?? "?"
        let n = record?.retained ?? 0
        diagnostics.warning(DeviceBatchCode.retained, at: nil, address: address.description,
                            "no manifest declares \(address) any more: batch \(id) record kept; \(n) device\(n == 1 ? "" : "s") retained",
                            hint: "Batches and their devices are never deleted by a plan; delete devices one by one through device management, or declare the batch again")
    }

    /// A value for a message: a names list by its size (it may hold 10000 names).
    static func brief(_ j: JSON?) -> String {
        if let items = j?.arrayValue { return "\(items.count) name\(items.count == 1 ? "" : "s")" }
        if let names = j?["names"]?.arrayValue { return "\(names.count) name\(names.count == 1 ? "" : "s")" }
        return show(j)
    }
}
