import Benchmark
import RuleSQL

/// RuleSQL evaluation throughput over a 203-byte thing-model property report.
/// Targets: 1,000,000 evaluations/s on one core for the simple filter. Each benchmark iteration
/// runs 1,000,000 evaluations (scalingFactor .mega; .kilo for the slower ones), so `throughput`
/// reads in evaluations/s and the per-iteration wall clock, divided by the scaling, per evaluation.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 1,
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 5
    )

    let payload = #"{"clientToken":"7d9b4f5-22bd-4455-6a4c-6dce7d95b3","method":"report","params":{"brightness":32,"color":1,"power_switch":1},"timestamp":1692787444,"humidity":63.5,"status":"online","temp":31,"battery":87}"#
    let message = RuleMessage(topic: "$thing/up/property/AD4GVS5549/device01", payload: payload, productId: "AD4GVS5549",
                              deviceName: "device01", clientId: "AD4GVS5549device01", timestamp: 1_692_787_444_271,
                              requestId: "7d9b4f5e-22bd-4455-8a4c-6dce7d95b3aa", seq: 1)

    let simple = try! RuleSQL.compile("SELECT * FROM $thing/up/property/AD4GVS5549/+ WHERE temp > 30")
    precondition(simple.evaluate(message).isMatch)
    Benchmark("simple filter: SELECT * ... WHERE temp > 30 (203-byte JSON)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(simple.evaluate(message))
        }
    }

    let functions = try! RuleSQL.compile("""
        SELECT upper(method) AS m, concat(deviceName(), '-x') AS d, substring(clientToken, 0, 8) AS c, \
        topic(5) AS dev, crypto(status, 'MD5') AS h, params.brightness \
        FROM $thing/up/property/AD4GVS5549/+ WHERE temp > 30 AND humidity < 80
        """)
    precondition(functions.evaluate(message).output?.value["dev"] == "device01")
    Benchmark("5 functions: upper, concat+deviceName, substring, topic(5), crypto MD5 (203-byte JSON)",
              configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(functions.evaluate(message))
        }
    }

    let other = RuleMessage(topic: "$thing/up/event/AD4GVS5549/device01", payload: payload)
    Benchmark("topic mismatch (no payload read)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(simple.evaluate(other))
        }
    }

    // The replay's rule shape (ReplayBenchmarks): 100 rules on one 5-property report, each
    // scanning the payload itself, against the payload scanned once for all of them
    // (PreparedRuleMessage, what the pipeline does). Per iteration 1,000 messages x 100 rules.
    let report = #"{"method":"report","clientToken":"c-1","timestamp":1692787444,"params":{"power_switch":1,"brightness":97,"temperature":25.5,"humidity":95,"label":"kitchen"}}"#
    let reportMessage = RuleMessage(topic: "$thing/up/property/AD4GVS5549/device01", payload: report,
                                    productId: "AD4GVS5549", deviceName: "device01", seq: 1)
    let fields = ["power_switch", "brightness", "temperature", "humidity", "label"]
    let hundred = try! (0..<100).map { i in
        try RuleSQL.compile("SELECT params.\(fields[i % 5]) AS v, deviceName() AS d FROM $thing/up/property/AD4GVS5549/+ WHERE params.\(fields[i % 5]) > \(90 + i % 10)")
    }
    precondition(hundred.contains { $0.evaluate(PreparedRuleMessage(reportMessage), randomSeed: 1).isMatch })
    Benchmark("100 rules on one report, each scanning the payload", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            for rule in hundred { blackHole(rule.evaluate(reportMessage, randomSeed: 1)) }
        }
    }
    Benchmark("100 rules on one report, payload scanned once (PreparedRuleMessage)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            let prepared = PreparedRuleMessage(reportMessage)
            for rule in hundred { blackHole(rule.evaluate(prepared, randomSeed: 1)) }
        }
    }
    // What the pipeline does: its route table matched each distinct FROM filter once per message,
    // so no rule matches its topic again.
    Benchmark("100 rules on one report, payload scanned once, topic matched once (the pipeline)",
              configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            let prepared = PreparedRuleMessage(reportMessage)
            for rule in hundred { blackHole(rule.evaluate(prepared, randomSeed: 1, topicMatched: true)) }
        }
    }

    let seedSQL = "SELECT room1.temperature as temp,room1.humidity as hum FROM /+/data' WHERE topic(2) = 'device00' AND room1.temperature > 30"
    Benchmark("compile the seed's SQL-ROOM rule", configuration: .init(scalingFactor: .kilo)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try! RuleSQL.compile(seedSQL))
        }
    }
}
