import Foundation

/// A manifest folder for the upgrade tests: the runtime fixture (Fixtures/manifests/light.yaml),
/// firmware 1.1.0 of smart-light with `bytes` as its file, and `extra` documents (the task, devices).
func otaManifests(firmware bytes: [UInt8], extra: String) throws -> URL {
    let folder = try temporaryFolder("ota-manifests")
    try FileManager.default.copyItem(at: RuntimeProcess.fixtures.appendingPathComponent("manifests/light.yaml"),
                                     to: folder.appendingPathComponent("light.yaml"))
    try Data(bytes).write(to: folder.appendingPathComponent("light-1.1.0.bin"))
    try """
    apiVersion: thingform/v1
    kind: Firmware
    metadata: {name: light-fw-1-1-0}
    spec: {product: smart-light, name: 灯固件, version: 1.1.0, file: ./light-1.1.0.bin}
    ---
    \(extra)
    """.write(to: folder.appendingPathComponent("ota.yaml"), atomically: true, encoding: .utf8)
    return folder
}
