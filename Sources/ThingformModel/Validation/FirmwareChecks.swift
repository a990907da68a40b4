/// Firmware and upgrade-task rules that need other resources (spec/02 §5.1–5.2, §10): a
/// firmware's product exists, its version is unique in the product (E-FW-02), the account holds at
/// most 100 firmware (E-FW-06, the 101st in file order is reported); a task's firmware exists
/// (E-OTA-01) and its sourceVersions do not contain the target version (E-OTA-02).
enum FirmwareChecks {
    static let kinds: [Kind] = [.firmware, .firmwareTask]

    static func check(_ desired: DesiredState, _ d: inout Diagnostics) {
        var versions: [String: Resource] = [:]
        var count = 0
        // In file order, so "the 101st" is the one a reader would count to.
        for r in desired.resources.sorted(by: { $0.location < $1.location }) {
            let a = r.address.description
            switch r.address.kind {
            case .firmware:
                count += 1
                if count == FirmwareSpec.maxPerAccount + 1 {
                    d.error(FirmwareCode.limit, at: r.location, address: a,
                            "\(r.address) is firmware number \(count) in the account; at most \(FirmwareSpec.maxPerAccount) can be uploaded",
                            hint: "Delete old versions of firmware (remove their manifests) to upload more")
                }
                let product = r.spec["product"]?.stringValue ?? ""
                if desired[Address(.product, product)] == nil {
                    d.error(ManifestCode.danglingReference, at: r.location(of: "spec.product"), address: a,
                            "spec.product refers to Product/\(product), which no manifest declares",
                            hint: LocationChecks.suggestion(.product, product, desired) + "Declare Product/\(product), or fix the name")
                }
                let version = r.spec["version"]?.stringValue ?? ""
                let key = product + "\u{0}" + version
                if let first = versions[key] {
                    d.error(FirmwareCode.version, at: r.location(of: "spec.version"), address: a,
                            "version '\(version)' of Product/\(product) is already uploaded as \(first.address)",
                            hint: "Firmware versions are unique per product; use a new version number")
                } else { versions[key] = r }
            case .firmwareTask:
                let name = r.spec["firmware"]?.stringValue ?? ""
                guard let fw = desired[Address(.firmware, name)] else {
                    d.error(FirmwareTaskCode.firmware, at: r.location(of: "spec.firmware"), address: a,
                            "spec.firmware refers to Firmware/\(name), which no manifest declares",
                            hint: LocationChecks.suggestion(.firmware, name, desired) + "Declare Firmware/\(name), or remove this task too (removing a task closes it)")
                    continue
                }
                let target = fw.spec["version"]?.stringValue ?? ""
                if LocationChecks.strings(r.spec["sourceVersions"]).contains(target) {
                    d.error(FirmwareTaskCode.sourceVersions, at: r.location(of: "spec.sourceVersions[\(target)]"), address: a,
                            "spec.sourceVersions contains \(target), the target version of \(fw.address)",
                            hint: "List the versions to upgrade from; devices already on \(target) need no upgrade")
                }
            default: continue
            }
        }
    }
}
