import ArgumentParser
import ThingformApply
import ThingformModel
import ThingformState

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Decide a product's application for release (the simulated Tencent Lianlian review).",
        discussion: """
        A public product whose release needs review (lianlian.enabled, or the voiceAssistant feature) applies
        for release when released: true is applied, and stays underReview until an operator decides. Under
        review.policy: autoApprove the apply approves at once. Both commands take the state lock like apply and
        are recorded in state history; a product that is not under review is refused (E-REL-09).
        """,
        subcommands: [Approve.self, Reject.self]
    )

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve the application: underReview → released (releasedVia review).")
        @Argument(help: "The product, e.g. Product/smart-light.") var product: String
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            try ReviewCommand.decide(.approve, product, stateOptions)
        }
    }

    struct Reject: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reject the application: underReview → developing, with the reason kept as lastReview.")
        @Argument(help: "The product, e.g. Product/smart-light.") var product: String
        @Option(name: .long, help: "Why the review failed (required), e.g. \"缺少样品\".") var reason: String
        @OptionGroup var stateOptions: StateOptions

        func validate() throws {
            if reason.allSatisfy(\.isWhitespace) { throw ValidationError("--reason must say why the application was rejected") }
        }

        func run() throws {
            try ReviewCommand.decide(.reject(reason: reason), product, stateOptions)
        }
    }

    static func decide(_ decision: ReleaseReviewer.Decision, _ product: String, _ options: StateOptions) throws {
        guard let address = Address(parsing: product), address.kind == .product else {
            throw CLIError("Error: '\(product)' is not a product address; use Product/NAME")
        }
        let store = try options.openAny()
        do {
            let r = try ReleaseReviewer().decide(decision, product: address.name, in: store)
            switch decision {
            case .approve:
                print("\(address): review approved: release underReview → released (releasedVia review).")
            case let .reject(reason):
                print("\(address): review rejected (\(reason)): release underReview → developing. "
                      + "Apply released: true again to re-apply for release.")
            }
            print("State serial \(r.serial).")
        } catch let e as ReleaseReviewer.Failure {
            throw CLIError("Error: \(e)")
        }
    }
}
