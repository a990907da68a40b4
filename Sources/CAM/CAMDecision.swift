/// The answer to a `CAMRequest`, with the statement that decided it.
///
/// `reason` reads "allowed by partner-a#0", "explicitly denied by partner-b#1",
/// "no statement matched: default deny" or "root account: owns all resources".
public struct CAMDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Effect: String, Sendable {
        case allow = "ALLOW"
        case denyExplicit = "DENY_EXPLICIT"
        case denyImplicit = "DENY_IMPLICIT"
    }

    public let effect: Effect
    /// Name of the policy whose statement decided (nil for root and for default deny).
    public let decidingPolicy: String?
    /// Index of that statement in the policy's `statement` array (0-based).
    public let decidingStatement: Int?
    /// The request resource the decision is about: for a deny, the first resource that was
    /// refused; for an allow, the first resource.
    public let resource: String?
    let isRoot: Bool

    public var allowed: Bool { effect == .allow }

    /// Built on demand, so a decision itself allocates no text.
    public var reason: String {
        switch effect {
        case .allow:
            if isRoot { return "root account: owns all resources" }
            return "allowed by \(decidingPolicy ?? "?")#\(decidingStatement ?? -1)"
        case .denyExplicit:
            return "explicitly denied by \(decidingPolicy ?? "?")#\(decidingStatement ?? -1)"
        case .denyImplicit:
            return "no statement matched: default deny"
        }
    }

    /// The API error code for a refusal (proposed, §12.8): `AuthFailure.UnauthorizedOperation`.
    public static let unauthorizedOperationCode = "AuthFailure.UnauthorizedOperation"

    /// "<principal> is not authorized to perform <action> on <resource>" (§12.8, proposed).
    public func denialMessage(for request: CAMRequest) -> String? {
        guard !allowed else { return nil }
        return "\(request.principal) is not authorized to perform \(request.action) on \(resource ?? "*") (\(reason))"
    }

    public var description: String { "\(effect.rawValue): \(reason)" }
}
