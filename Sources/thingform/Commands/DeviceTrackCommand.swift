import ArgumentParser
import Foundation
import ThingformModel
import ThingformRuntime
import ThingformState

extension DeviceCommand {
    struct Track: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A device's trajectory: its positions in a window, oldest first, as text, JSON or GeoJSON.",
            discussion: """
            Positions come from accepted property reports (GPS_ExtInfo, GPS_Info, or Wi-Fi / cell reports a location \
            table resolved). The window is --from to --to (each a duration back from now such as 7d, an RFC 3339 time, or \
            unix ms; default the 24 hours before now), at most 31 days. Positions whose estimated accuracy is worse than \
            --accuracy metres (default 60) are left out, and so are reports that could not be located and GPS fixes \
            marked invalid; GPS fixes have no estimate and are always drawn. --format geojson prints a FeatureCollection \
            (a LineString of the track, then one Point per position) that QGIS or geojson.io open as is.
            """
        )
        @Argument(help: "PRODUCT/DEVICENAME or Device/NAME.") var device: String
        @Option(name: .long, help: "Start of the window (7d, RFC 3339 or unix ms; default 24 h before --to).") var from: String?
        @Option(name: .long, help: "End of the window (default now).") var to: String?
        @Option(name: .long, help: "Leave out positions less accurate than this many metres (default 60).") var accuracy: String?
        @Option(name: .long, help: "text, json or geojson.") var format: String = "text"
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            guard ["text", "json", "geojson"].contains(format) else {
                throw CLIError("Error: \(LocationError(.badFormat, "--format must be text, json or geojson, found '\(format)'"))")
            }
            var threshold = Trajectory.defaultAccuracyMeters
            if let accuracy {
                guard let v = Double(accuracy), v.isFinite, v > 0 else {
                    throw CLIError("Error: \(LocationError(.badAccuracy, "--accuracy '\(accuracy)' is not a number of metres greater than 0"))")
                }
                threshold = v
            }
            let window: (from: Int64, to: Int64)
            do { window = try Trajectory.window(from: from, to: to, nowMillis: LogWindow.nowMillis()) } catch let e as LocationError {
                throw CLIError("Error: \(e)")
            }
            let ctx = try Context(stateOptions)
            let ref = try ctx.resolve(device)
            let rows = try ctx.store.runtimeRead { try $0.positions(ref, from: window.from, to: window.to) }
            let track = Trajectory(rows, from: window.from, to: window.to, accuracyMeters: threshold)
            let name = ctx.world.displayName(ref)
            switch format {
            case "geojson":
                print(track.geoJSON(device: name).pretty)
            case "json":
                print(JSON.object([
                    .init("device", .string(name)), .init("productId", .string(ref.productId)), .init("deviceName", .string(ref.deviceName)),
                    .init("from", .string(LogWindow.format(window.from))), .init("to", .string(LogWindow.format(window.to))),
                    .init("accuracyMeters", .number(String(threshold))),
                    .init("points", .array(track.points.map {
                        .object([.init("time", .string(LogWindow.format($0.at))), .init("timeMs", .number(String($0.at))),
                                 .init("locationType", .string($0.locationType)),
                                 .init("longitude", .number("\($0.longitude!)")), .init("latitude", .number("\($0.latitude!)")),
                                 .init("accuracyMeters", $0.accuracyMeters.map { .number("\($0)") } ?? .null)])
                    })),
                    .init("leftOut", .object([.init("notLocated", .int(track.unusable)), .init("inaccurate", .int(track.inaccurate))])),
                ]).pretty)
            default:
                print("\(name) (\(ref)): \(track.points.count) position\(track.points.count == 1 ? "" : "s") from \(LogWindow.format(window.from)) to \(LogWindow.format(window.to))")
                if !track.points.isEmpty {
                    DeviceCommand.printTable([["TIME", "TYPE", "LONGITUDE", "LATITUDE", "ACCURACY"]] + track.points.map {
                        [LogWindow.format($0.at), $0.locationType, "\($0.longitude!)", "\($0.latitude!)", $0.accuracyMeters.map { "\($0) m" } ?? "-"]
                    })
                }
                if track.unusable > 0 { print("\(track.unusable) report\(track.unusable == 1 ? "" : "s") not located (unresolved cell or Wi-Fi, or GPS marked invalid)") }
                if track.inaccurate > 0 { print("\(track.inaccurate) position\(track.inaccurate == 1 ? "" : "s") less accurate than \(threshold) m left out") }
            }
        }
    }
}
