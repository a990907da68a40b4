import ThingformModel
import ThingformState

/// Plan rules of the public release state machine (spec/02 §2.2-§2.5):
/// - `released: true` publishes directly (R1), or, when the release needs a review (`lianlian` or
///   `voiceAssistant` on a public instance), applies for release (R2): the application must be
///   complete (E-REL-05) and ends `underReview`, or `released` at once under `review.policy:
///   autoApprove` (R3). A public release warns while no device of the product was ever activated
///   (W-REL-01; activations are the runtime's, read with the snapshot).
/// - While under review nothing of the product or its thing model changes (E-REL-07, R7
///   included); the plan only says it awaits the review.
/// - A product released through review cannot be unpublished (E-REL-06, R6), so neither can
///   anything change that needs the unpublish.
extension PlanContext {
    /// How the release lock applies to a product's thing model in this plan.
    enum ReleaseLock {
        case none
        /// Released and staying released (E-REL-01…04, 08).
        case released
        case underReview
        /// Released through review and asked to unpublish, which is refused: a change that needs it is E-REL-06.
        case cannotUnpublish
    }

    func releaseLock(_ product: String) -> ReleaseLock {
        let release = snapshot.release(of: product)
        switch release.state {
        case .developing: return .none
        case .underReview: return .underReview
        case .released:
            if staysReleased(product) { return .released }
            return release.via == .review ? .cannotUnpublish : .none
        }
    }

    /// E-REL-01, 06 or 07 for a change to `product`'s thing model (`what`: "cannot change (spec.x)").
    mutating func checkThingModelLock(_ product: String, at: @autoclosure () -> SourceLocation?, address: String, _ what: String) {
        switch releaseLock(product) {
        case .none: break
        case .released:
            diagnostics.error(ReleaseCode.thingModel, at: at(), address: address,
                              "Product/\(product) is released; its thing model \(what)", hint: unpublishHint(product))
        case .underReview:
            diagnostics.error(ReleaseCode.underReview, at: at(), address: address,
                              "Product/\(product) is under review; its thing model \(what)", hint: Self.underReviewHint(product))
        case .cannotUnpublish:
            diagnostics.error(ReleaseCode.reviewReleased, at: at(), address: address,
                              "Product/\(product) was released through review; its thing model \(what): that needs an unpublish, which a reviewed release does not allow",
                              hint: Self.newProductHint)
        }
    }

    /// The way out of a release-lock error: unpublish first, unless the release came through review.
    func unpublishHint(_ product: String) -> String {
        if snapshot.release(of: product).via == .review {
            return "Product/\(product) was released through review and cannot be unpublished (E-REL-06). " + Self.newProductHint
        }
        return "Set released: false on Product/\(product) to unpublish first (and released: true again in a later change)"
    }

    static let newProductHint = "After a reviewed release the data template cannot be modified: create a new product for new features"

    static func underReviewHint(_ product: String) -> String {
        "Wait for the review: an operator runs thingform review approve Product/\(product) (released) or thingform review reject Product/\(product) --reason … (back to developing, then change it and apply again)"
    }

    /// R7 and E-REL-07: a product under review takes no change at all, `released: false` included.
    mutating func planUnderReviewUpdate(_ r: Resource, _ stored: StoredResource, _ before: JSON, _ fields: [FieldChange]) {
        for f in fields {
            let what = f.path == "spec.released" ? "the application cannot be withdrawn (released: true -> false)"
                : "\(f.path) cannot change (\(show(f.before)) -> \(show(f.after)))"
            diagnostics.error(ReleaseCode.underReview, at: r.location(of: f.path), address: r.address.description,
                              "\(r.address) is under review; \(what)", hint: Self.underReviewHint(r.address.name))
        }
        changes.append(Change(address: r.address, action: .update, id: stored.id, before: before, after: r.attributes, fields: fields))
    }

    /// R6: `released: false` on a product released through review, and every locked field that
    /// would need that unpublish (named one by one).
    mutating func refuseReviewedUnpublish(_ r: Resource, _ fields: [FieldChange]) {
        let a = r.address.description
        diagnostics.error(ReleaseCode.reviewReleased, at: r.location(of: "spec.released"), address: a,
                          "\(r.address) was released through review and cannot be unpublished (released: true -> false)",
                          hint: "Keep released: true. " + Self.newProductHint)
        for f in fields where Self.lockCode(f.path) != nil {
            diagnostics.error(ReleaseCode.reviewReleased, at: r.location(of: f.path), address: a,
                              "\(r.address) was released through review; \(f.path) cannot change (\(show(f.before)) -> \(show(f.after))): that needs an unpublish, which a reviewed release does not allow",
                              hint: Self.newProductHint)
        }
    }

    /// The release-lock code of a product field, nil for a field the lock leaves free.
    static func lockCode(_ path: String) -> String? {
        switch path {
        case "spec.name", "spec.description", "spec.bindingPolicy": return ReleaseCode.productInfo
        case "spec.dynamicRegistration", "spec.autoCreateDevice": return ReleaseCode.dynamicRegistration
        case _ where path.hasPrefix("spec.lianlian"): return ReleaseCode.lianlian
        case _ where path.hasPrefix("spec.customTopics"): return ReleaseCode.customTopics
        default: return nil
        }
    }

    /// What `released: true` does to a product in development: a direct publish, or an
    /// application for release with its checks. Warns W-REL-01 for a public product.
    mutating func releaseStep(for r: Resource) -> ReleaseStep {
        let instance = desired[Address(.instance, r.spec["instance"]?.stringValue ?? "")]?.spec
        if instance?["type"]?.stringValue == "public", snapshot.activatedDevices[r.address.name, default: 0] == 0 {
            let n = allDevices(r.address.name)
            diagnostics.warning(ReleaseCode.noActivatedDevice, at: r.location(of: "spec.released"), address: r.address.description,
                                "release requested, but no device of \(r.address) has ever been activated (\(n) device\(n == 1 ? "" : "s") registered; "
                                    + "none has connected to `thingform run` yet)",
                                hint: "Release after development and debugging with real devices: the release locks the thing model")
        }
        let triggers = ReleaseReview.triggers(product: r.spec, instance: instance)
        if triggers.isEmpty { return .directPublish }
        checkApplication(r, triggers)
        return .application(reviewRequired: triggers, autoApprove: ReleaseReview.autoApproves(instance: instance))
    }

    /// E-REL-05: an application needs the test report and both acknowledgements (spec/02 §2.3);
    /// what is written is checked when the manifest is read (`ReleaseApplication`).
    mutating func checkApplication(_ r: Resource, _ triggers: [String]) {
        let a = r.address.description
        let why = "\(r.address) applies for release (review required: \(triggers.joined(separator: ", ")))"
        guard let release = r.spec["release"], !release.isNull else {
            diagnostics.error(ReleaseCode.application, at: r.location(of: "spec.released"), address: a,
                              "\(why) without an application (spec.release)",
                              hint: "Add release: {testReport: ./reports/test-report.zip, acknowledgements: [lianlianAccess, agreements]}; the report is a .rar, .zip or .gz of at most 10 MB")
            return
        }
        if release["testReport"]?.isNull ?? true {
            diagnostics.error(ReleaseCode.application, at: r.location(of: "spec.release"), address: a,
                              "\(why) without a test report (spec.release.testReport)",
                              hint: "Write the report from the Tencent Lianlian test report template, compress it (.rar, .zip or .gz, at most 10 MB) and name it in testReport")
        }
        let missing = ReleaseApplication.missingAcknowledgements(release)
        if !missing.isEmpty {
            let path = release["acknowledgements"]?.arrayValue?.isEmpty == false ? "spec.release.acknowledgements" : "spec.release"
            diagnostics.error(ReleaseCode.application, at: r.location(of: path), address: a,
                              "\(why) without the acknowledgement\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))",
                              hint: "Both checkboxes are required: lianlianAccess (the product will connect to the Tencent Lianlian mini program) and agreements (the Authorization Agreement and the Developer Notice)")
        }
    }

    /// Why a product is not released once this plan is applied (for E-BAT-01), nil when it is.
    func notReleasedAfterPlan(_ product: Resource) -> String? {
        guard product.spec["released"]?.boolValue == true else { return "is not released" }
        switch snapshot.release(of: product.address.name).state {
        case .released: return nil
        case .underReview: return "is under review, not released"
        case .developing:
            let instance = desired[Address(.instance, product.spec["instance"]?.stringValue ?? "")]?.spec
            let reviewed = !ReleaseReview.triggers(product: product.spec, instance: instance).isEmpty
            return reviewed && !ReleaseReview.autoApproves(instance: instance)
                ? "applies for release in this plan and will be under review, not released" : nil
        }
    }
}
