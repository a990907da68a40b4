import ThingformModel
import ThingformState

/// Plan rules for spaces and fences (spec/05 §4.3, §6.4, §12).
///
/// - A space cannot be deleted while it has fences ("Unable to delete this space project"): when
///   the space and all its fences go, the deletes run fences first (kind rank, bottom-up); when a
///   fence in the state stays declared, the plan fails (validation also reports that fence's
///   reference to the missing space).
/// - A new fence shape is a "geometry replace": an in-place update that keeps the fence's id and
///   alarm history and resets the fence state of every bound device to unknown.
/// - Moving a space to another instance, or a fence to another space, is a replace (immutable
///   fields, only with --allow-replace).
extension PlanContext {
    mutating func planLocationUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        planGenericUpdate(r, stored, before, fields)
        guard r.address.kind == .fence, let last = changes.indices.last, changes[last].action == .update else { return }
        var notes: [String] = []
        if fields.contains(where: { $0.path.hasPrefix("spec.shape") }) {
            notes.append("geometry replace: " + Self.describeShape(before["spec"]?["shape"]) + " -> " + Self.describeShape(r.spec["shape"])
                         + "; the fence keeps its id and alarms, every bound device's fence state resets to unknown")
        }
        let old = Set(Self.deviceKeys(before["spec"]?["devices"])), new = Self.deviceKeys(r.spec["devices"])
        let added = new.filter { !old.contains($0) }
        if !added.isEmpty, notes.isEmpty {
            notes.append((added.count == 1 ? "a newly bound device starts" : "newly bound devices start") + " in state unknown: " + added.joined(separator: ", "))
        }
        if !notes.isEmpty { changes[last].reason = notes.joined(separator: "; ") }
    }

    /// A space whose fences are not all deleted by this plan cannot be deleted.
    mutating func planSpaceDelete(_ address: Address) {
        let staying = index.stayingFences[address.name] ?? []
        guard !staying.isEmpty else { return }
        diagnostics.error(SpaceCode.deleteWithFences, at: nil, address: address.description,
                          "Unable to delete this space project: \(address) still has \(staying.count == 1 ? "a fence" : "fences") (\(staying.map(\.description).joined(separator: ", ")))",
                          hint: "All fences of the space must be deleted first: remove their manifests in the same change, or keep declaring \(address)")
    }

    static func deviceKeys(_ j: JSON?) -> [String] {
        (j?.arrayValue ?? []).map { "\($0["product"]?.stringValue ?? "")/\($0["deviceName"]?.stringValue ?? "")" }
    }

    /// For review (spec/05 §12.10): centre and radius, or the number of vertices.
    static func describeShape(_ j: JSON?) -> String {
        guard let j else { return "(none)" }
        func num(_ v: JSON?) -> String { if case let .number(n)? = v { return n }; return "?" }
        switch j["type"]?.stringValue {
        case "circle": return "circle (\(num(j["center"]?["longitude"])), \(num(j["center"]?["latitude"]))) r=\(num(j["radiusMeters"])) m"
        case "polygon": return "polygon of \(j["points"]?.arrayValue?.count ?? 0) vertices"
        default: return j.compact
        }
    }
}
