import ThingformModel
import ThingformState

/// Plan rules for firmware and upgrade tasks (spec/02 §5.1–5.4, §10).
///
/// - A firmware's name and description change in place; any other change (product, version,
///   type, the file's bytes, custom info) is a new firmware: a replace, only with --allow-replace.
/// - A firmware that an open task targets cannot be deleted or replaced (E-OTA-10). A task is open
///   until its manifest is removed, so removing the tasks in the same change is the way: deletes
///   run tasks first (kind rank, bottom-up). Records in `pending`, `pushed` or `upgrading` are
///   runtime state the plan does not see; the OTA engine refuses those deletes itself.
/// - A task is create-only: any spec change is E-OTA-07 (the hint says how to start a new one).
extension PlanContext {
    mutating func planFirmwareUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        planGenericUpdate(r, stored, before, fields)
        guard let last = changes.indices.last, changes[last].action == .replace else { return }
        planFirmwareDelete(r.address, replacing: true)
        if fields.contains(where: { $0.path.hasPrefix("spec.file.") }) {
            changes[last].reason = (changes[last].reason ?? "") + "; the file's bytes changed (size "
                + show(before["spec"]?["file"]?["size"]) + " -> " + show(r.spec["file"]?["size"]) + ", md5 "
                + show(before["spec"]?["file"]?["md5"]) + " -> " + show(r.spec["file"]?["md5"]) + "): a new firmware is uploaded"
        }
    }

    /// Open tasks (in the state and still declared) that target the firmware refuse its delete.
    mutating func planFirmwareDelete(_ address: Address, replacing: Bool) {
        let open = index.openTasks[address.name] ?? []
        guard !open.isEmpty else { return }
        diagnostics.error(FirmwareTaskCode.firmwareInUse, at: replacing ? desired[address]?.location : nil, address: address.description,
                          "\(address) cannot be \(replacing ? "replaced" : "deleted"): the open task\(open.count == 1 ? "" : "s") \(open.map(\.description).joined(separator: ", ")) target\(open.count == 1 ? "s" : "") it",
                          hint: "Remove the task manifests in the same change (that closes them), or keep \(address) as it is")
    }

    mutating func planFirmwareTaskUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        for f in fields {
            diagnostics.error(FirmwareTaskCode.createOnly, at: r.location(of: f.path), address: r.address.description,
                              "\(r.address) is create-only; \(f.path) cannot change (\(show(f.before)) -> \(show(f.after)))",
                              hint: "Remove this task's manifest (that closes the task) and declare a new FirmwareTask with another name")
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }
}
