import Benchmark
import CAM

/// CAM decisions with 1,000 policies attached to one user. Target: under 5 µs per decision.
/// Each policy is a per-customer grant shaped like seed example B (allow everything on one
/// product in its four resource forms, deny its deletions); a few more grant read APIs on `*`
/// and one restricts by source IP. Time units are per decision (scaling factor kilo: one
/// iteration = 1,000 decisions).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal, .throughput],
        timeUnits: .nanoseconds,
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(10),
        maxIterations: 200
    )

    let rootUin = "100000000001"
    func R(_ x: String) -> String { "qcs::iotexplorer:ap-guangzhou:uin/\(rootUin):" + x }
    func product(_ i: Int) -> String { "P\(String(100_000 + i))" }

    func customerPolicy(_ i: Int) -> String {
        let base = "qcs::iotexplorer:gz:uin/\(rootUin):project/prj-\(i % 10)"
        let resources = ["\(base)", "\(base)/", "\(base)/product/\(product(i))", "\(base)/product/\(product(i))/*"]
            .map { "\"\($0)\"" }.joined(separator: ",")
        return """
            {"version":"2.0","statement":[
              {"effect":"allow","action":["*"],"resource":[\(resources)]},
              {"effect":"deny","action":["iotexplorer:DeleteStudioProduct","iotexplorer:DeleteDevice"],"resource":[\(resources)]}]}
            """
    }

    func makePolicies() -> [CAMPolicy] {
        var texts = (0..<995).map { (name: "customer-\($0)", text: customerPolicy($0)) }
        for k in 0..<4 {
            texts.append((name: "read-\(k)", text: #"{"version":"2.0","statement":[{"effect":"allow","action":["iotexplorer:Describe*","iotexplorer:Get*"],"resource":"*"}]}"#))
        }
        texts.append((name: "office-only", text: #"{"version":"2.0","statement":[{"effect":"allow","action":"iotexplorer:*TopicRule","resource":"*","condition":{"ip_equal":{"qcs:ip":["10.0.0.0/8"]}}}]}"#))
        return texts.map { t in
            let (p, errors) = CAMPolicy.parse(t.text, name: t.name)
            precondition(errors.isEmpty, "fixture invalid: \(errors)")
            return p!
        }
    }

    let policies = makePolicies()
    let user = CAMPrincipal.user("leosp_sub01")
    func requests() -> [CAMRequest] {
        let ctx = ["qcs:ip": "10.1.2.3"]
        return [
            CAMRequest(principal: user, action: "iotexplorer:ModifyStudioProduct", resource: R("project/prj-7/product/\(product(517))"), context: ctx), // allow
            CAMRequest(principal: user, action: "iotexplorer:DeleteDevice", resource: R("project/prj-3/product/\(product(903))/device/dev1"), context: ctx), // explicit deny
            CAMRequest(principal: user, action: "iotexplorer:ModifyStudioProduct", resource: R("project/prj-7/product/ZZZZZ99999"), context: ctx), // implicit deny
            CAMRequest(principal: user, action: "iotexplorer:DescribeDevice", resource: R("project/prj-1/product/\(product(21))/device/d"), context: ctx), // allow via read-* and customer
            CAMRequest(principal: user, action: "iotexplorer:CreateTopicRule", resource: "*", context: ctx), // operation-level, conditional allow
            CAMRequest(principal: user, action: "iotexplorer:DeleteProject", resource: R("project/prj-4"), context: ctx), // allow (100 customers share prj-4)
        ]
    }

    Benchmark("CAM decision, 1,000 policies (mixed allow / explicit deny / implicit deny / operation-level)") { benchmark in
        let evaluator = CAMEvaluator(policies: policies, rootUin: rootUin)
        let reqs = requests()
        let effects = reqs.map { evaluator.evaluate($0).effect }
        precondition(effects == [.allow, .denyExplicit, .denyImplicit, .allow, .allow, .allow], "unexpected decisions \(effects)")
        var allowed = 0
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            if evaluator.evaluate(reqs[i % reqs.count]).allowed { allowed += 1 }
        }
        benchmark.stopMeasurement()
        blackHole(allowed)
    }

    Benchmark("CAM decision, 1,000 policies, allow on one product") { benchmark in
        let evaluator = CAMEvaluator(policies: policies, rootUin: rootUin)
        let req = requests()[0]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(evaluator.evaluate(req))
        }
        benchmark.stopMeasurement()
    }

    Benchmark("CAM parse + validate, seed example B shape",
              configuration: .init(scalingFactor: .one, maxIterations: 5_000)) { benchmark in
        let text = customerPolicy(1)
        for _ in benchmark.scaledIterations {
            blackHole(CAMPolicy.parse(text, name: "b"))
        }
    }

    Benchmark("CAM evaluator build, 1,000 policies",
              configuration: .init(scalingFactor: .one, maxIterations: 50)) { benchmark in
        benchmark.startMeasurement()
        blackHole(CAMEvaluator(policies: policies, rootUin: rootUin))
        benchmark.stopMeasurement()
    }
}
