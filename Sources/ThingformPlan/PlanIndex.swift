import ThingformModel
import ThingformState

/// What the planner asks of the stored resources by reference (a product's declared devices, a
/// firmware's open tasks, a space's fences), grouped once per plan on first use. Asking the
/// snapshot directly meant a scan of every stored resource per question: 2,000 updated products
/// took minutes.
final class PlanIndex {
    let snapshot: Snapshot
    let desired: DesiredState

    init(snapshot: Snapshot, desired: DesiredState) {
        self.snapshot = snapshot
        self.desired = desired
    }

    /// Stored resources of `kind` that this plan keeps (still declared), grouped by the name their
    /// `spec.<field>` references.
    private func kept(_ kind: Kind, by field: String) -> [String: [StoredResource]] {
        var out: [String: [StoredResource]] = [:]
        for stored in snapshot.resources.values where stored.address.kind == kind && desired[stored.address] != nil {
            if let key = stored.attributes["spec"]?[field]?.stringValue { out[key, default: []].append(stored) }
        }
        return out
    }

    /// Devices declared by Device resources in the state that this plan keeps, per product.
    lazy var declaredDevices: [String: Int] = kept(.device, by: "product").mapValues {
        $0.reduce(0) { $0 + DeviceSpec.deviceCount($1.attributes["spec"]) }
    }

    /// Tasks in the state and still declared, per firmware they target.
    lazy var openTasks: [String: [Address]] = kept(.firmwareTask, by: "firmware").mapValues { $0.map(\.address).sorted() }

    /// Fences in the state and still declared, per space.
    lazy var stayingFences: [String: [Address]] = kept(.fence, by: "space").mapValues { $0.map(\.address).sorted() }
}
