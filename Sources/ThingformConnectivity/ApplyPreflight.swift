import Foundation
import ThingformModel
import ThingformPlan
import ThingformState

/// What `apply` checks with the outside world after it holds the lock and before it writes
/// anything: the Echostr handshakes the plan makes necessary (E-ACT-06, E-ADV-06) and the strength
/// of SQL passwords it can read (E-FWD-06). Any error refuses the whole apply: nothing is saved.
public struct ApplyPreflight: Sendable {
    public var runner: HandshakeRunner
    /// `--skip-connectivity-check`: for offline runs; no request is sent.
    public var skipConnectivity: Bool

    public init(runner: HandshakeRunner = HandshakeRunner(), skipConnectivity: Bool = false) {
        self.runner = runner
        self.skipConnectivity = skipConnectivity
    }

    public func check(_ plan: Plan, snapshot: Snapshot) async -> [Diagnostic] {
        var out = SQLPasswordCheck.diagnostics(for: plan.changes, read: runner.secrets.read)
        let handshakes = HandshakeRequirements.required(by: plan, snapshot: snapshot)
        if skipConnectivity {
            for h in handshakes {
                out.append(.warning(h.code, at: nil, address: h.address.description,
                                    "connectivity check of \(h.subject) (\(h.url)) skipped (--skip-connectivity-check)"))
            }
            return out
        }
        let outcomes = await runner.run(handshakes)
        for (h, o) in zip(handshakes, outcomes) where !o.passed {
            let platform = h.code == AdvancedFeatureCode.callbackUnreachable ? " (InvalidParameterValue.InvalidCallbackUrl)" : ""
            let code: String
            if case .unreadableToken = o { code = ForwarderCode.unreadableSecret } else { code = h.code }
            out.append(.error(code, at: nil, address: h.address.description,
                              "\(h.url), \(h.subject), \(o.explanation)\(platform); nothing was applied",
                              hint: ApplyPreflight.hint(for: o)))
        }
        return out
    }

    /// Blocks the calling thread until `check` finishes: the applier and the CLI are synchronous.
    public func checkBlocking(_ plan: Plan, snapshot: Snapshot) -> [Diagnostic] {
        let box = ResultBox()
        let semaphore = DispatchSemaphore(value: 0)
        Task {
            box.value = await self.check(plan, snapshot: snapshot)
            semaphore.signal()
        }
        semaphore.wait()
        return box.value
    }

    static func hint(for o: HandshakeRunner.Outcome) -> String {
        switch o {
        case .unreadableToken(let ref): return "Set the \(ref.whereabouts) for the runner of apply"
        default: return "The endpoint must answer GET with status 200 and the Echostr header's value as the body (signed with the token when one is set); fix it, or apply with --skip-connectivity-check offline"
        }
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: [Diagnostic] = []
}
