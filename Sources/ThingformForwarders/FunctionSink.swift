import Foundation
import NIOHTTP1
import ThingformModel
import ThingformRuntime

/// The `function` forwarder (CloudBase's local stand-in, README "Rules and forwarders at work"):
/// each delivery's event, the HTTP forward envelope (`HTTPEnvelope`), goes either to a local
/// command (`function.command`, argv) on its standard input, which succeeds by exiting 0 within
/// `timeoutSeconds` (killed after, with its children), or to `function.url` by POST, which
/// succeeds with a 2xx within `timeoutSeconds`. The delivery id travels as
/// `THINGFORM_DELIVERY` in the command's environment (with `THINGFORM_FUNCTION_ENV` and
/// `THINGFORM_FUNCTION_NAME`) or as the `X-Thingform-Delivery` header, so a function can drop a
/// duplicate. A failure is `Rule_Forward_TCB_Func_System_err`, retried on the forwarder schedule.
public final class FunctionSink: ForwarderSink, @unchecked Sendable {
    public static let errcode = "Rule_Forward_TCB_Func_System_err"

    private let commands = SinkQueue("function")
    private let poster = HTTPPoster()

    public init() {}

    public func send(_ batch: [Delivery], to target: ForwarderTarget) async -> [SendOutcome] {
        var outcomes: [SendOutcome] = []
        for d in batch { outcomes.append(await send(d, to: target)) }
        return outcomes
    }

    func send(_ d: Delivery, to target: ForwarderTarget) async -> SendOutcome {
        let s = target.settings
        let env = s["env"]?.stringValue ?? "", name = s["name"]?.stringValue ?? ""
        let content = "RuleEngine forward TCB Func,get role error topic: \(d.topic), TCB.envID:\(env), functionName:\(name)"
        func failed(_ why: String) -> SendOutcome { .failed(errcode: Self.errcode, diagnostic: content, result: "FAIL,system error:\(why)") }
        let timeout = s["timeoutSeconds"].flatMap { Int($0.compact) } ?? 10
        let event = HTTPEnvelope.body(d).compactBytes

        if let argv = s["command"]?.arrayValue?.compactMap(\.stringValue), !argv.isEmpty {
            let environment = ["THINGFORM_DELIVERY": String(d.id), "THINGFORM_FUNCTION_ENV": env, "THINGFORM_FUNCTION_NAME": name]
            let result = await commands.run { FunctionCommand.run(argv, stdin: event, environment: environment, timeoutSeconds: Double(timeout)) }
            func detail(_ stderr: String) -> String { stderr.isEmpty ? "" : ": " + stderr }
            switch result {
            case .exited(0, _): return .delivered
            case let .exited(code, stderr): return failed("the command exited with \(code)\(detail(stderr))")
            case let .signalled(signal, stderr): return failed("the command was ended by signal \(signal)\(detail(stderr))")
            case .timedOut: return failed("the command did not finish within \(timeout) s and was killed")
            case let .notStarted(why): return failed("the command could not be started: \(why)")
            }
        }
        guard let url = s["url"]?.stringValue else { return failed("the forwarder has neither command nor url") }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: "thingform")
        headers.add(name: HTTPSink.deliveryHeader, value: String(d.id))
        switch await poster.post(url: url, headers: headers, body: event, timeoutSeconds: Int64(timeout), insecure: false) {
        case let .status(code) where (200..<300).contains(code): return .delivered
        case let .status(code): return failed("HTTP \(code) from \(url)")
        case .timedOut: return failed("\(url) did not answer within \(timeout) s")
        case let .failed(why): return failed("\(url): \(why)")
        }
    }

    public func shutdown() async { await poster.shutdown() }
}
