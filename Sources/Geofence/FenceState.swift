/// A device's position relative to one fence (spec/05 §6.6), kept per
/// `(fenceId, productId, deviceName)` in the state store.
///
/// `unknown` is the state of a newly bound device and of every device after the fence's geometry
/// is replaced (§6.4); it counts as outside, so the first fix inside raises `enter`.
public enum FenceState: String, Hashable, Sendable, CaseIterable {
    case unknown
    case inside
    case outside

    /// `unknown` counts as outside.
    public var isInside: Bool { self == .inside }
}
