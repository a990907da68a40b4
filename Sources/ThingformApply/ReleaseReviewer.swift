import ThingformModel
import ThingformState

/// The simulated release review (spec/02 §2.2, `review.policy: manual`): an operator approves an
/// application (R3: released, `releasedVia review`) or rejects it with a reason (R4: back to
/// development, `lastReview` rejected). Like an apply, it holds the state lock, writes in one
/// transaction, bumps the serial and records history; a product that is not under review is
/// refused (E-REL-09) and nothing is written.
public struct ReleaseReviewer {
    public enum Decision: Sendable, Equatable {
        case approve
        /// The reason is required by the CLI (a rejection without one helps nobody).
        case reject(reason: String)

        var verb: String {
            if case .approve = self { return "approve" }
            return "reject"
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        /// E-REL-09: the product is not in the state (nil) or not under review.
        case notUnderReview(Address, ProductRelease?)
        case state(StateError)

        public var description: String {
            switch self {
            case let .notUnderReview(a, nil):
                return "\(ReleaseCode.notUnderReview) \(a) is not in the state, so it has no application to review. "
                    + "Apply its manifest with released: true first (on a product whose release needs review: lianlian.enabled or voiceAssistant)"
            case let .notUnderReview(a, release?):
                let now = release.state == .released ? "released (releasedVia \(release.via?.rawValue ?? "direct"))" : release.state.rawValue
                return "\(ReleaseCode.notUnderReview) \(a) is \(now), not underReview: there is no application to review. "
                    + "Only an application for release (released: true on a product whose release needs review) awaits a decision"
            case let .state(e):
                return e.description
            }
        }
    }

    public struct Result: Sendable {
        public var product: Address
        public var before: ProductRelease
        public var after: ProductRelease
        /// The state serial the decision was written as.
        public var serial: Int
    }

    /// The decision's time (RFC 3339 UTC); injectable for tests.
    public var now: () -> String = Applier.now

    public init() {}

    public func decide(_ decision: Decision, product name: String, in store: StateStore) throws -> Result {
        let address = Address(.product, name)
        let operation = "review \(decision.verb) \(address)"
        let lock: LockInfo
        do { lock = try store.lock(operation: operation) } catch let e as StateError { throw Failure.state(e) }
        defer { try? store.unlock(lock) }
        do {
            let snapshot = try store.snapshot()
            guard let stored = snapshot.resources[address] else { throw Failure.notUnderReview(address, nil) }
            let before = snapshot.release(of: name)
            guard before.state == .underReview else { throw Failure.notUnderReview(address, before) }
            let time = now()
            var write = StateWrite(summary: ApplySummary(changed: 1))
            let after: ProductRelease
            switch decision {
            case .approve:
                after = ProductRelease(state: .released, via: .review, lastReview: ReviewOutcome(result: .approved, reason: nil, at: time))
            case let .reject(reason):
                after = ProductRelease(state: .developing, lastReview: ReviewOutcome(result: .rejected, reason: reason, at: time))
                // Back in development, the stored product says released: false, so the next plan
                // applies for release again (seed L1940: "you can reapply for release").
                var product = stored
                let attributes = stored.attributes.setting("spec", (stored.attributes["spec"] ?? .object([])).setting("released", .bool(false)))
                product.attributesJSON = attributes.compact
                product.hash = Resource.hash(of: attributes)
                product.updatedAt = time
                write.upserts = [product]
            }
            write.releases = [name: after]
            let serial = try store.write(write, expectedSerial: snapshot.serial, operation: operation)
            return Result(product: address, before: before, after: after, serial: serial)
        } catch let e as StateError {
            throw Failure.state(e)
        }
    }
}
