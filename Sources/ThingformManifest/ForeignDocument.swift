import ThingformModel

/// YAML that shares a tree with the manifests but is not thingform's: a `kustomization.yaml`
/// (its own `apiVersion`), a Helm `values.yaml` (a mapping with neither `apiVersion` nor `kind`).
/// Such a document is skipped with a warning (W-MAN-02) rather than refused. A document that looks
/// like ours and is wrong (`apiVersion: thingform/v2`, a `kind` without `apiVersion`) is still an
/// error (E-MAN-02): a typo must not pass as someone else's file.
enum ForeignDocument {
    static let code = "W-MAN-02"

    /// Why `root` is not a thingform document, or nil when it is (or may be) one.
    static func reason(_ root: Node) -> String? {
        guard root.pairs != nil else { return nil }
        if let version = root["apiVersion"]?.scalar?.text {
            guard !version.hasPrefix("thingform/") else { return nil }
            return "skipped: apiVersion '\(version)' is not thingform's (a kustomization or a Kubernetes manifest?)"
        }
        guard root["kind"] == nil else { return nil }
        return "skipped: a mapping without apiVersion or kind is not a thingform document (a Helm values file?)"
    }
}
