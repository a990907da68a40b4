import DeviceAuth
import Foundation
import ThingformFixtures

/// The bench deployment in a scratch folder: a public instance with enough device codes and
/// `products` products whose thing model has 5 properties (bool, int, float, string, enum: the
/// scale fixture's first five), each with one batch of devices; applied with the real CLI.
struct Deployment {
    let folder: URL
    let thingform: String
    var manifests: URL { folder.appendingPathComponent("manifests") }
    var statePath: String { folder.appendingPathComponent("state.db").path }
    var runDirectory: URL { folder.appendingPathComponent("run") }

    func write(products: Int, devicesPerProduct: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: manifests, withIntermediateDirectories: true)
        let instance = ScaleFixture.instance(codes: products * devicesPerProduct + 10)
        try instance.write(to: manifests.appendingPathComponent("instance.yaml"), atomically: true, encoding: .utf8)
        for p in 0..<products {
            // 7 features = 5 properties (prop_0 bool … prop_4 enum), 1 event, 1 action.
            let name = String(format: "product-%05d", p)
            let yaml = ScaleFixture.product(p, features: 7) + """
            ---
            apiVersion: thingform/v1
            kind: Device
            metadata:
              name: \(name)-load
            spec:
              product: \(name)
              batch: {quantity: \(devicesPerProduct), namePattern: "load_{index:05}"}

            """
            try yaml.write(to: manifests.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
    }

    func apply() throws {
        let out = try Command.run(thingform, ["apply", manifests.path, "--auto-approve", "--skip-connectivity-check", "--state", statePath])
        guard out.status == 0 else { throw LoadError("thingform apply failed (\(out.status)):\n\(out.output.suffix(2_000))") }
    }

    /// Every enabled device of the directory the running runtime wrote, with a password that
    /// expires in a day (the username's expiry is read as seconds).
    func credentials() throws -> [DeviceCredentials] {
        let file = runDirectory.appendingPathComponent("directory.json")
        let directory = try JSONDecoder().decode(DeviceDirectory.self, from: Data(contentsOf: file))
        let expiry = Int64(Date().timeIntervalSince1970) + 86_400
        var out: [DeviceCredentials] = []
        for (pid, product) in directory.products.sorted(by: { $0.key < $1.key }) {
            for (name, device) in product.devices.sorted(by: { $0.key < $1.key }) where device.enabled {
                let username = "\(pid)\(name);21010406;\(String(format: "%05d", out.count % 100_000));\(expiry)"
                guard let password = DevicePassword.sign(username: username, secret: device.secret) else {
                    throw LoadError("device \(pid)/\(name): its secret is not Base64")
                }
                out.append(DeviceCredentials(productId: pid, deviceName: name, username: username, password: password))
            }
        }
        return out
    }
}

struct LoadError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A child process run to completion, its output captured.
enum Command {
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
