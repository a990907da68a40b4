import Geofence
import ThingformModel
import ThingformState

/// The fences of the reconciled state compiled for the runtime: each fence's shape prepared once,
/// the enabled fences each device is bound to, and a spatial index for devices bound to many.
/// Immutable; `RuntimeWorld` builds a new one when the state serial moves and keeps the previous
/// one when no Fence, Space or Product changed, so an apply of anything else costs nothing here.
public final class FenceBook: @unchecked Sendable {
    public struct Fence: Sendable {
        public var id: FenceID
        /// The Fence's metadata name and `spec.name`.
        public var name: String
        public var displayName: String
        /// The Space's metadata name and `spec.name`.
        public var space: String
        public var spaceName: String
        public var shape: Shape
        /// A new shape resets every bound device to `unknown` (spec/05 §6.4): states carry this hash.
        public var shapeHash: String
        public var trigger: FenceTrigger
        public var enabled: Bool
        public var devices: Set<DeviceRef>
        let prepared: PreparedShape
    }

    public let fences: [FenceID: Fence]
    /// Fence metadata name → id.
    public let byName: [String: FenceID]
    /// Space metadata names.
    public let spaces: Set<String>
    /// ProductId → the product's `spec.name` (the alarm's `productName`).
    public let productNames: [String: String]
    /// Device → the enabled fences bound to it, ascending id.
    let bound: [DeviceRef: [FenceID]]
    /// Over the enabled, bound fences: used for devices bound to more than `directLimit` fences.
    let index: FenceIndex
    static let directLimit = 8
    /// The resource hashes this book was built from.
    let key: [String]

    public static let empty = FenceBook(fences: [:], spaces: [], productNames: [:], key: [])

    init(fences: [FenceID: Fence], spaces: Set<String>, productNames: [String: String], key: [String]) {
        self.fences = fences
        self.spaces = spaces
        self.productNames = productNames
        self.key = key
        var byName: [String: FenceID] = [:]
        var bound: [DeviceRef: [FenceID]] = [:]
        var indexed: [(id: FenceID, shape: Shape)] = []
        for f in fences.values.sorted(by: { $0.id < $1.id }) {
            byName[f.name] = f.id
            guard f.enabled, !f.devices.isEmpty else { continue }
            indexed.append((f.id, f.shape))
            for d in f.devices { bound[d, default: []].append(f.id) }
        }
        self.byName = byName
        self.bound = bound
        index = FenceIndex(fences: indexed)
    }

    /// The book of `snapshot`; `previous` itself when no Fence, Space or Product changed.
    /// `productIds`: product metadata name → ProductId.
    public static func make(snapshot: Snapshot, productIds: [String: String], previous: FenceBook?) -> FenceBook {
        let relevant = snapshot.resources.values.filter { [.fence, .space, .product].contains($0.address.kind) }
        let key = relevant.map { "\($0.address)|\($0.hash)|\($0.id ?? "")" }.sorted()
        if let previous, previous.key == key { return previous }
        var spaceNames: [String: String] = [:]
        var productNames: [String: String] = [:]
        for r in relevant {
            let spec = r.attributes["spec"]
            switch r.address.kind {
            case .space: spaceNames[r.address.name] = spec?["name"]?.stringValue ?? r.address.name
            case .product: if let id = r.id { productNames[id] = spec?["name"]?.stringValue ?? r.address.name }
            default: break
            }
        }
        var fences: [FenceID: Fence] = [:]
        for r in relevant where r.address.kind == .fence {
            guard let spec = r.attributes["spec"], let idText = r.id, let id = FenceID(idText),
                  let shapeJSON = spec["shape"], let shape = FenceGeometry.shape(fromCanonical: shapeJSON) else { continue }
            let space = spec["space"]?.stringValue ?? ""
            var devices = Set<DeviceRef>()
            for d in spec["devices"]?.arrayValue ?? [] {
                guard let product = d["product"]?.stringValue, let pid = productIds[product], let name = d["deviceName"]?.stringValue else { continue }
                devices.insert(DeviceRef(pid, name))
            }
            fences[id] = Fence(id: id, name: r.address.name, displayName: spec["name"]?.stringValue ?? r.address.name, space: space,
                               spaceName: spaceNames[space] ?? space, shape: shape, shapeHash: ContentDigest.sha256(shapeJSON.compactBytes),
                               trigger: FenceTrigger(rawValue: spec["trigger"]?.stringValue ?? "") ?? .default,
                               enabled: spec["enabled"]?.boolValue ?? true, devices: devices, prepared: PreparedShape(shape))
        }
        return FenceBook(fences: fences, spaces: Set(spaceNames.keys), productNames: productNames, key: key)
    }

    /// Whether the device is bound to the fence (enabled or not): its state is kept.
    public func isBound(_ fenceId: FenceID, _ device: DeviceRef) -> Bool {
        fences[fenceId]?.devices.contains(device) ?? false
    }

    /// Every enabled fence bound to the device, ascending id, with whether `point` is inside it
    /// (boundary inside, spec/05 §6.5).
    public func evaluate(_ device: DeviceRef, _ point: Coordinate) -> [(fence: Fence, inside: Bool)] {
        guard let ids = bound[device] else { return [] }
        if ids.count <= Self.directLimit {
            return ids.map { id in let f = fences[id]!; return (f, f.prepared.contains(point)) }
        }
        var containing = Set<FenceID>()
        index.forEachFence(containing: point) { containing.insert($0) }
        return ids.map { (fences[$0]!, containing.contains($0)) }
    }
}
