/// Why a CONNECT was refused. Every refusal is answered alike (CONNACK 5, not authorised: the
/// SDKs do not tell them apart); the reason and its code go to the runtime's diagnostic log.
public enum AuthRefusal: String, Error, Sendable, CaseIterable {
    case malformedClientId, malformedUsername, clientIdMismatch, expired,
         unknownProduct, unknownDevice, disabled, badSignature, unsupportedSignatureMethod, missingPassword

    /// The stable code the README's "Device authentication and topic permissions" section lists.
    public var code: String {
        switch self {
        case .malformedClientId: return "E-AUTH-01"
        case .malformedUsername: return "E-AUTH-02"
        case .clientIdMismatch: return "E-AUTH-03"
        case .expired: return "E-AUTH-04"
        case .unknownProduct: return "E-AUTH-05"
        case .unknownDevice: return "E-AUTH-06"
        case .disabled: return "E-AUTH-07"
        case .badSignature: return "E-AUTH-08"
        case .unsupportedSignatureMethod: return "E-AUTH-09"
        case .missingPassword: return "E-AUTH-10"
        }
    }
}

/// The outcome of one CONNECT.
public enum AuthResult: Sendable, Equatable {
    case device(productId: String, deviceName: String)
    /// The runtime or the CLI: every topic is allowed.
    case admin
    case refused(AuthRefusal, detail: String)
}
