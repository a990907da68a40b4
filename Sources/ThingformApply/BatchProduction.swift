import ThingformModel
import ThingformPlan
import ThingformState

/// Mass production at apply (spec/02 §3.2-§3.7): turns each planned `DeviceBatch` creation into a
/// batch record, its devices and its output file, written in the apply's one transaction.
/// - Batch ids count from 1 per instance.
/// - `auto` names come from the product's persistent counter (`%010d`), skipping names the
///   product already has (devices of the state, Device resources as this apply leaves them,
///   earlier batches of this apply); the counter never goes back.
/// - Every device gets a 16-byte secret (both burn methods: one model, one secret devices obtain
///   theirs later by dynamic registration).
struct BatchProduction {
    struct Inconsistent: Error, CustomStringConvertible {
        var description: String
    }

    var nextID: [String: Int] = [:]
    var counters: [String: Int]
    var taken: [String: Set<String>]

    /// `resources` is the state as this apply leaves it, before its batches.
    init(snapshot: Snapshot, resources: [Address: StoredResource]) {
        for b in snapshot.batches.values { nextID[b.instance] = max(nextID[b.instance] ?? 1, b.id + 1) }
        counters = snapshot.autoNameNext
        taken = snapshot.deviceNames
        for r in resources.values where r.address.kind == .device {
            let spec = r.attributes["spec"]
            if let product = spec?["product"]?.stringValue { taken[product, default: []].formUnion(DeviceSpec.deviceNames(spec)) }
        }
    }

    mutating func make<G>(_ address: Address, spec: JSON, resources: [Address: StoredResource], ids: inout PlatformIDs<G>,
                          now: String) throws -> NewBatch {
        let productName = spec["product"]?.stringValue ?? ""
        guard let product = resources[Address(.product, productName)], let productId = product.id else {
            throw Inconsistent(description: "\(address): Product/\(productName) is not in the state; run plan again")
        }
        let oneModel = spec["burnMethod"]?.stringValue == DeviceBatchSpec.oneModelOneSecret
        let productSecret = oneModel ? product.secrets["productSecret"] : nil
        if oneModel, productSecret == nil {
            throw Inconsistent(description: "\(address): Product/\(productName) has no product secret (dynamic registration is off); run plan again")
        }
        let instance = product.attributes["spec"]?["instance"]?.stringValue ?? ""
        let id = nextID[instance] ?? 1
        nextID[instance] = id + 1
        var names = DeviceBatchSpec.uploadedNames(spec)
        var counter: Int?
        if spec["generation"]?.stringValue == "auto" {
            var next = counters[productName] ?? 0
            while names.count < DeviceBatchSpec.deviceCount(spec) {
                let name = BatchProduction.autoNames.name(next)
                next += 1
                if taken[productName]?.contains(name) ?? false { continue }
                names.append(name)
            }
            counters[productName] = next
            counter = next
        }
        taken[productName, default: []].formUnion(names)
        let devices = names.map { name -> BatchOutputFile.Device in
            let psk = ids.newSecretBytes()
            return BatchOutputFile.Device(name: name, psk: psk, pskText: Base64.encode(psk))
        }
        let record = BatchRecord(name: address.name, id: id, instance: instance, product: productName, productId: productId,
                                 burnMethod: spec["burnMethod"]?.stringValue ?? DeviceBatchSpec.oneDeviceOneSecret,
                                 devices: devices.count, retained: devices.count, createdAt: now)
        let output = BatchOutputFile.render(productId: productId, productSecret: productSecret,
                                            qrCode: spec["qrCode"]?.stringValue == "auto", devices: devices)
        return NewBatch(record: record, devices: devices.map { BatchDevice(name: $0.name, secret: $0.pskText) }, output: output,
                        autoNameNext: counter)
    }

    /// `%010d`: ten digits, zero-padded (the seed's `0000000000`), the Device kind's default pattern.
    static let autoNames = DeviceNamePattern(DeviceNamePattern.default)!
}
