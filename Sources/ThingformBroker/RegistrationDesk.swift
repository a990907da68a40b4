import DeviceAuth
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

/// Dynamic registration (spec/07 §7, codes of spec/02 §3.9): a device holding only its product's
/// secret gets its device secret, AES-encrypted with that product secret. Checks in order:
/// product with dynamic registration (1001), timestamp within 300 s (1002), signature (1003),
/// device known or created when the product auto-creates (1004), enabled (1005), not yet
/// activated (1006). A created device is written through the store as registered at runtime.
final class RegistrationDesk: @unchecked Sendable {
    struct Refusal: Error {
        var code: Int
        var name: String
        var message: String
    }

    private let store: SQLiteStateStore
    private let registered: @Sendable () -> Void
    private let lock = NSLock()

    init(store: SQLiteStateStore, registered: @escaping @Sendable () -> Void) {
        self.store = store
        self.registered = registered
    }

    /// Variant A (C SDK), `POST /register/dev`: `{"code":0,"message":"","len":N,"payload":"…"}`.
    func registerA(body: [UInt8], now: Int64) -> [UInt8] {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let productId = fields["productId"] as? String ?? ""
        let deviceName = fields["deviceName"] as? String ?? ""
        let nonce = (fields["nonce"] as? NSNumber)?.int64Value ?? 0
        let timestamp = (fields["timestamp"] as? NSNumber)?.int64Value ?? 0
        let signature = fields["signature"] as? String ?? ""
        let answer: [String: Any]
        switch decide(productId: productId, deviceName: deviceName, timestamp: timestamp, now: now, verify: {
            DynamicRegistration.verifyA(signature: signature, productSecret: $0, productId: productId, deviceName: deviceName,
                                        nonce: nonce, timestamp: timestamp)
        }) {
        case .success(let (payload, length)):
            answer = ["code": 0, "message": "", "len": length, "payload": payload]
        case .failure(let refusal):
            answer = ["code": refusal.code, "message": "\(refusal.name): \(refusal.message)"]
        }
        return Self.json(answer)
    }

    /// Variant B (Python SDK), `POST /device/register` with the X-TC-* headers:
    /// `{"Response":{"Len":N,"Payload":"…","RequestId":"…"}}` or `{"Response":{"Error":{…},"RequestId":"…"}}`.
    func registerB(body: [UInt8], timestamp: String, nonce: String, signature: String, now: Int64) -> [UInt8] {
        let fields = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        let requestId = UUID().uuidString.lowercased()
        let result = decide(productId: fields["ProductId"] as? String ?? "", deviceName: fields["DeviceName"] as? String ?? "",
                            timestamp: Int64(timestamp) ?? 0, now: now, verify: {
            DynamicRegistration.verifyB(signature: signature, productSecret: $0, body: body, timestamp: timestamp, nonce: nonce)
        })
        switch result {
        case .success(let (payload, length)):
            return Self.json(["Response": ["Len": length, "Payload": payload, "RequestId": requestId]])
        case .failure(let refusal):
            let code = refusal.code == 1003 || refusal.code == 1002 ? "UnauthorizedOperation"
                : refusal.code == 1004 || refusal.code == 1001 ? "ResourceNotFound" : "InvalidParameterValue"
            return Self.json(["Response": ["Error": ["Code": code, "Message": "\(refusal.code) \(refusal.name): \(refusal.message)"],
                                           "RequestId": requestId]])
        }
    }

    /// The encrypted payload and the plaintext's length, or why not.
    private func decide(productId: String, deviceName: String, timestamp: Int64, now: Int64,
                        verify: (String) -> Bool) -> Result<(String, Int), Refusal> {
        lock.lock(); defer { lock.unlock() }
        do {
            let snapshot = try store.snapshot()
            guard let product = snapshot.resources.values.first(where: { $0.address.kind == .product && $0.id == productId }),
                  product.attributes["spec"]?["dynamicRegistration"]?.boolValue == true,
                  let productSecret = product.secrets["productSecret"] else {
                return .failure(Refusal(code: 1001, name: "DynReg_Not_Enabled", message: "product \(productId) has no dynamic registration"))
            }
            guard abs(now - timestamp) <= 300 else {
                return .failure(Refusal(code: 1002, name: "DynReg_Timestamp_Expired", message: "timestamp \(timestamp) is more than 300 s from now"))
            }
            guard verify(productSecret) else {
                return .failure(Refusal(code: 1003, name: "DynReg_Signature_Invalid", message: "the signature does not match the product secret"))
            }
            let world = RuntimeWorld(snapshot: snapshot, registered: try store.registeredDevices())
            let ref = DeviceRef(productId, deviceName)
            let secret: String
            if let device = world.devices[ref] {
                guard device.enabled else {
                    return .failure(Refusal(code: 1005, name: "DynReg_Device_Disabled", message: "\(deviceName) is disabled"))
                }
                if let status = try store.runtimeRead({ try $0.status(ref) }), status.activatedAt != nil {
                    return .failure(Refusal(code: 1006, name: "DynReg_Device_Activated",
                                            message: "\(deviceName) has connected already; delete it to register it again"))
                }
                guard let known = device.secret else {
                    return .failure(Refusal(code: 1004, name: "DynReg_Device_Not_Exist", message: "\(deviceName) has no secret"))
                }
                secret = known
            } else {
                guard product.attributes["spec"]?["autoCreateDevice"]?.boolValue == true,
                      !deviceName.isEmpty, deviceName.count <= ClientIdentity.maxDeviceNameLength,
                      deviceName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                    return .failure(Refusal(code: 1004, name: "DynReg_Device_Not_Exist", message: "product \(productId) has no device \(deviceName)"))
                }
                var random = SystemRandomNumberGenerator()
                secret = Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }).base64EncodedString()
                try store.registerRuntimeDevice(product: product.address.name, name: deviceName, secret: secret, atMillis: now * 1000)
                registered()
            }
            let plaintext = DynamicRegistration.keyModePlaintext(deviceSecret: secret)
            return .success((try DynamicRegistration.encryptPayload(plaintext, productSecret: productSecret), plaintext.count))
        } catch {
            return .failure(Refusal(code: 1000, name: "InternalError", message: "\(error)"))
        }
    }

    private static func json(_ object: [String: Any]) -> [UInt8] {
        // No escaped slashes: the C SDK's parser reads Base64 with '/' verbatim (spec/07 §3.1.5).
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}
