import ThingformModel

/// What a `publish` or `unpublish` does to a product's release state (spec/02 §2.2): a direct
/// publish (R1), an application for release (R2, and R3 at once under `review.policy:
/// autoApprove`), or a cancelled release (R5). The plan decides it, so a reviewer reads it and the
/// applier writes exactly it.
public struct ReleaseStep: Sendable, Equatable {
    public var from: ReleaseState
    public var to: ReleaseState
    /// How it ends released; nil unless `to` is `released`.
    public var via: ReleasedVia?
    /// Why the release goes through review (`lianlian`, `voiceAssistant`); empty on the direct path.
    public var reviewRequired: [String]
    /// Approved in the same apply by the instance's `review.policy: autoApprove`.
    public var autoApproved: Bool

    public init(from: ReleaseState, to: ReleaseState, via: ReleasedVia? = nil, reviewRequired: [String] = [], autoApproved: Bool = false) {
        self.from = from
        self.to = to
        self.via = to == .released ? via : nil
        self.reviewRequired = reviewRequired
        self.autoApproved = autoApproved
    }

    public static let directPublish = ReleaseStep(from: .developing, to: .released, via: .direct)
    public static let cancel = ReleaseStep(from: .released, to: .developing)

    /// An application for release: under review, or approved at once.
    public static func application(reviewRequired: [String], autoApprove: Bool) -> ReleaseStep {
        ReleaseStep(from: .developing, to: autoApprove ? .released : .underReview, via: .review,
                    reviewRequired: reviewRequired, autoApproved: autoApprove)
    }

    /// The plan line's wording (spec/02 §2.7):
    /// `release developing → underReview (apply for release; review required: lianlian)`.
    public var sentence: String {
        if to == .developing { return "release \(from.rawValue) → \(to.rawValue) (cancel publishing)" }
        if reviewRequired.isEmpty { return "release \(from.rawValue) → \(to.rawValue) (direct publish)" }
        var path = "release \(from.rawValue) → \(ReleaseState.underReview.rawValue)"
        var why = "apply for release; review required: \(reviewRequired.joined(separator: ", "))"
        if autoApproved {
            path += " → \(ReleaseState.released.rawValue)"
            why += "; approved at once: review.policy autoApprove"
        }
        return "\(path) (\(why))"
    }

    /// In the plan file: `{"from", "to", "via", "review_required", "auto_approved"}`.
    public var json: JSON {
        .object([
            .init("from", .string(from.rawValue)),
            .init("to", .string(to.rawValue)),
            .init("via", via.map { .string($0.rawValue) } ?? .null),
            .init("review_required", .array(reviewRequired.map(JSON.string))),
            .init("auto_approved", .bool(autoApproved)),
        ])
    }

    public init?(json: JSON?) {
        guard let json, let from = json["from"]?.stringValue.flatMap(ReleaseState.init(rawValue:)),
              let to = json["to"]?.stringValue.flatMap(ReleaseState.init(rawValue:)) else { return nil }
        self.init(from: from, to: to, via: json["via"]?.stringValue.flatMap(ReleasedVia.init(rawValue:)),
                  reviewRequired: json["review_required"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  autoApproved: json["auto_approved"]?.boolValue ?? false)
    }
}

/// Something a plan reports about a resource without changing it: a product awaiting its review
/// (`release: awaiting review (no change)`, spec/02 §2.7).
public struct PlanNotice: Sendable, Equatable {
    public var address: Address
    public var message: String

    public init(address: Address, message: String) {
        self.address = address
        self.message = message
    }

    public static func awaitingReview(_ product: Address) -> PlanNotice {
        PlanNotice(address: product, message: "release: awaiting review (no change)")
    }
}
