import ThingformManifest
import ThingformPlan
import ThingformState

/// Before an apply that creates or replaces a Firmware: its file is copied into the state's
/// artefact store (`artefacts/` next to the state), checked against the plan's size and MD5, so
/// that `thingform run` serves exactly the bytes the plan showed. Content-addressed, so copying
/// before the state is written costs nothing when the apply then fails.
enum FirmwareUploads {
    static func stage(_ plan: Plan, statePath: String) throws {
        let wanted = Set(plan.changes.filter { $0.address.kind == .firmware && ($0.action == .create || $0.action == .replace) }.map(\.address))
        guard !wanted.isEmpty, let source = plan.source else { return }
        let loaded = ManifestLoader.load(paths: source.paths, root: source.root)
        let artefacts = FirmwareArtefacts(statePath: statePath)
        for r in loaded.desired.resources where wanted.contains(r.address) {
            guard let size = r.spec["file"]?["size"], case let .number(text) = size, let bytes = Int(text) else { continue }
            for (md5, path) in r.uploads {
                do { try artefacts.store(from: path, md5: md5, size: bytes) } catch {
                    throw CLIError("\(r.address): its file cannot be uploaded to the artefact store: \(error)")
                }
            }
        }
    }
}
