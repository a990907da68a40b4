import ThingformModel
import ThingformPlan
import ThingformState

extension Applier {
    /// The release rows the plan leaves (spec/02 §2.2): a new product (or the new product of a
    /// replace) starts in development; a publish takes the step the plan decided (a plan file
    /// without one is a direct publish: the only kind there was); an unpublish returns to
    /// development. The last review's outcome is kept through later steps.
    static func releaseRows(for plan: Plan, snapshot: Snapshot, now: String) -> [String: ProductRelease] {
        var rows: [String: ProductRelease] = [:]
        for change in plan.changes where change.address.kind == .product {
            let name = change.address.name
            let current = rows[name] ?? snapshot.release(of: name)
            switch change.action {
            case .create, .replace:
                rows[name] = .developing
            case .publish:
                let step = change.release ?? .directPublish
                var review = current.lastReview
                if step.autoApproved { review = ReviewOutcome(result: .approved, reason: "review.policy autoApprove", at: now) }
                rows[name] = ProductRelease(state: step.to, via: step.via ?? .direct, lastReview: review)
            case .unpublish:
                rows[name] = ProductRelease(state: .developing, lastReview: current.lastReview)
            case .delete:
                rows[name] = nil
            case .update:
                break
            }
        }
        return rows
    }
}
