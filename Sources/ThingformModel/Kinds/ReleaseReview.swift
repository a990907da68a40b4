/// The public release state machine (spec/02 §2.2): its states, how a product reached
/// `released`, and which products must pass a review first. The rules read canonical specs, so
/// the validator, the planner and the applier decide alike.
public enum ReleaseState: String, Sendable, CaseIterable, Codable {
    /// 开发中 (seed L1898).
    case developing
    /// 审核中 (proposed; the seed's "under review", L1940): the application awaits the review.
    case underReview
    /// 已发布 (seed L1944, L4241).
    case released
}

/// How a product reached `released`: published at once (R1) or approved after a review (R3).
public enum ReleasedVia: String, Sendable, CaseIterable, Codable {
    case direct
    case review
}

/// A review's outcome (R3, R4): `lastReview` of a product.
public struct ReviewOutcome: Sendable, Equatable, Codable {
    public enum Result: String, Sendable, Codable { case approved, rejected }
    public var result: Result
    /// Why it was rejected (required then); for an approval by the instance's policy, that policy.
    public var reason: String?
    /// RFC 3339 UTC.
    public var at: String

    public init(result: Result, reason: String?, at: String) {
        self.result = result
        self.reason = reason
        self.at = at
    }
}

public enum ReleaseReview {
    /// Review policies of `Instance.spec.review.policy` (spec/02 §2.2): an operator decides
    /// (`thingform review approve|reject`), or the apply approves at once.
    public static let policies = ["manual", "autoApprove"]

    /// Why a product's release goes through review (`reviewRequired`, spec/02 §2.2): `lianlian`
    /// (connected to the Tencent Lianlian mini program, seed L1890) and `voiceAssistant` (seed
    /// L9140). Empty: it publishes directly. Only public instances review (enterprise products
    /// always publish directly, spec/03 §7).
    public static func triggers(product: JSON, instance: JSON?) -> [String] {
        guard instance?["type"]?.stringValue == "public" else { return [] }
        var out: [String] = []
        if product["lianlian"]?["enabled"]?.boolValue == true { out.append("lianlian") }
        if product["advancedFeatures"]?.arrayValue?.contains(.string(AdvancedFeature.voiceAssistant.rawValue)) == true {
            out.append(AdvancedFeature.voiceAssistant.rawValue)
        }
        return out
    }

    /// `review.policy: autoApprove`: an application is approved in the apply that makes it (R2 then R3).
    public static func autoApproves(instance: JSON?) -> Bool {
        instance?["review"]?["policy"]?.stringValue == "autoApprove"
    }

    /// Whether a device batch of the instance's products needs a released product (spec/02 §2.5):
    /// public instances unless `massProduction.requireRelease: false`; enterprise never (03 §5.3).
    public static func massProductionNeedsRelease(instance: JSON?) -> Bool {
        guard instance?["type"]?.stringValue == "public" else { return false }
        return instance?["massProduction"]?["requireRelease"]?.boolValue ?? true
    }
}

/// Codes for the release lock and the release review (spec/03 §7, spec/02 §2.2-§2.4, §8).
public enum ReleaseCode {
    /// The thing model of a released product cannot change.
    public static let thingModel = "E-REL-01"
    /// Dynamic registration (and auto-create) cannot be toggled while released.
    public static let dynamicRegistration = "E-REL-02"
    /// Product information (name, description, binding policy) cannot change while released.
    public static let productInfo = "E-REL-03"
    /// Custom topics (a `Topic`, or `customTopics.includeDefaults`) cannot change while released.
    public static let customTopics = "E-REL-04"
    /// Review path: the application's test report is missing, not .rar/.zip/.gz, empty or over
    /// 10 MB, or an acknowledgement is missing.
    public static let application = "E-REL-05"
    /// A product released through review cannot be unpublished, so nothing that needs an unpublish.
    public static let reviewReleased = "E-REL-06"
    /// Any change to a product under review (its thing model included), `released: false` too.
    public static let underReview = "E-REL-07"
    /// Lianlian settings cannot change while released.
    public static let lianlian = "E-REL-08"
    /// `thingform review approve|reject` on a product that is not under review (or not in the state).
    public static let notUnderReview = "E-REL-09"
    /// Release requested while no device of the product has ever been activated (spec/02 §2.3).
    public static let noActivatedDevice = "W-REL-01"
    /// `spec.release` on a product whose release does not go through review: it has no effect.
    public static let applicationUnused = "W-REL-02"
}
