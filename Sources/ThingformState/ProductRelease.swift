import ThingformModel

/// Where a product stands in the release state machine (spec/02 §2.2, the `status` of §2.7): a
/// row of the `product_release` table. The product's `spec.released` says what its manifest asked
/// for when last applied; this says what the platform made of it (an application under review is
/// asked for, not released).
public struct ProductRelease: Sendable, Equatable {
    public var state: ReleaseState
    /// Set exactly when `released`.
    public var via: ReleasedVia?
    /// The last review's outcome, kept through later transitions (a re-application, a release).
    public var lastReview: ReviewOutcome?

    public init(state: ReleaseState, via: ReleasedVia? = nil, lastReview: ReviewOutcome? = nil) {
        self.state = state
        self.via = state == .released ? (via ?? .direct) : nil
        self.lastReview = lastReview
    }

    public static let developing = ProductRelease(state: .developing)

    /// A product without a row (a state written before the table, or a test's snapshot): its
    /// `released` attribute says all, and a release then was a direct one.
    public static func implied(byAttributes attributes: JSON?) -> ProductRelease {
        attributes?["spec"]?["released"]?.boolValue == true ? ProductRelease(state: .released, via: .direct) : .developing
    }
}

extension Snapshot {
    /// The release state of a product of the state (`developing` for one the state does not hold).
    public func release(of product: String) -> ProductRelease {
        if let row = releases[product] { return row }
        return .implied(byAttributes: resources[Address(.product, product)]?.attributes)
    }
}
