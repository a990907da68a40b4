import Benchmark
import Foundation
import ThingMessages
import ThingformModel

/// Message-check throughput: a 20-property `report` (mixed types: bool, int, float, string, enum,
/// stringenum, timestamp, struct, array of int, array of struct) against a 20-property model.
/// The validator is built once (as the runtime does per product); each iteration checks
/// `THINGFORM_BENCH_MESSAGES` (default 100,000) messages, so checks/s = messages / wall time.
let benchmarks: @Sendable () -> Void = {
    let messages = Int(ProcessInfo.processInfo.environment["THINGFORM_BENCH_MESSAGES"] ?? "") ?? 100_000

    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        scalingFactor: .one,
        maxDuration: .seconds(30),
        maxIterations: 5
    )

    let bool = DataType.bool(mapping: [MappingEntry("0", "关"), MappingEntry("1", "开")])
    let int = DataType.int(NumberDefinition(unit: "%", min: "0", max: "100"))
    let float = DataType.float(NumberDefinition(unit: "V", step: "0.1", min: "0.0", max: "24.0"))
    let string = DataType.string(min: "0", max: "64")
    let enumType = DataType.enum(mapping: [MappingEntry("0", "Red"), MappingEntry("1", "Green"), MappingEntry("2", "Blue")])
    let stringEnum = DataType.stringenum(mapping: [MappingEntry("auto", "自动"), MappingEntry("manual", "手动")])
    let gps = DataType.struct(members: [
        StructMember(id: "longitude", name: "经度", required: true, dataType: .float(NumberDefinition(step: "0.000001", min: "-180", max: "180"))),
        StructMember(id: "latitude", name: "纬度", required: true, dataType: .float(NumberDefinition(step: "0.000001", min: "-90", max: "90"))),
    ])
    let wifi = DataType.array(element: .struct(members: [
        StructMember(id: "Mac", name: "MAC", dataType: .string(min: "0", max: "64")),
        StructMember(id: "Rssi", name: "信号", dataType: .int(NumberDefinition(min: "-200", max: "0"))),
    ]))
    let types: [(DataType, String)] = [
        (bool, "1"), (int, "42"), (float, "3.300000"), (string, "\"书房\""), (enumType, "2"),
        (stringEnum, "\"auto\""), (.timestamp, "1700000000"), (gps, #"{"longitude":112.59014,"latitude":22.28014}"#),
        (.array(element: .int(NumberDefinition(min: "0", max: "360"))), "[0,100,50]"), (wifi, #"[{"Mac":"78a106a5b166","Rssi":-81}]"#),
    ]
    var properties: [Property] = []
    var params: [String] = []
    for k in 0..<20 {
        let (type, value) = types[k % types.count]
        let id = "p\(k)_\(type.typeName)"
        properties.append(Property(id: id, name: "属性\(k)", mode: .rw, define: type))
        params.append("\"\(id)\":\(value)")
    }
    let model = ThingModelDefinition(properties: properties)
    let payload = Array(#"{"method":"report","clientToken":"ABCDEFGHIJ-1","params":{"#.utf8) + Array(params.joined(separator: ",").utf8) + Array("}}".utf8)
    let topic = "$thing/up/property/ABCDEFGHIJ/dev001"

    for strict in [false, true] {
        Benchmark("check: 20-property report, \(messages) messages\(strict ? ", strict step" : "")",
                  configuration: .init(scalingFactor: .one)) { benchmark in
            let validator = MessageValidator(model: model, productId: "ABCDEFGHIJ", options: .init(strictStep: strict))
            var accepted = 0
            benchmark.startMeasurement()
            for _ in 0..<messages {
                let c = validator.check(topic: topic, payload: payload, deviceName: "dev001", state: nil)
                accepted &+= c.accepted.properties.count
                blackHole(c.reply?.bytes)
            }
            benchmark.stopMeasurement()
            precondition(accepted == messages * 20, "every property accepted")
        }
    }
}
