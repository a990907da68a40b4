import ArgumentParser
import Foundation
import Geofence
import ThingformManifest
import ThingformModel
import ThingformRuntime
import ThingformState
import ThingformTest

extension CheckFormat: ExpressibleByArgument {}

struct FenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fence",
        abstract: "Try fence shapes before applying them; list the alarms fences raised at run time.",
        subcommands: [Test.self, Alarms.self]
    )

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Whether a point is inside a fence shape, or which alarms a sequence of fixes raises.",
            discussion: """
            The shape is a Fence of the manifests (Fence/NAME; --manifests PATH, default the current directory; no state
            store needed), or JSON given with --shape: {"type":"circle","center":{"longitude":..,"latitude":..},"radiusMeters":..}
            or {"type":"polygon","points":[{"longitude":..,"latitude":..}, ...]}. It is validated as a manifest's would be
            (closed, simple, coordinates in range), errors with line:column and an E-GEO code. With --lon/--lat: inside or
            outside and the distance to the boundary in metres. With --fixes FILE.jsonl (one {"lon":..,"lat":..} a line) and
            --trigger (default: the fence's own trigger, or enter with --shape): the alarms the sequence raises, each with its
            line number. Exit 0 when evaluated, 1 on an error.
            """
        )
        @Argument(help: ArgumentHelp("A fence of the manifests, e.g. Fence/main-gate.", valueName: "Fence/NAME")) var fence: String?
        @Option(help: ArgumentHelp("The shape as JSON, or @FILE (instead of Fence/NAME).", valueName: "json")) var shape: String?
        @Option(name: .customLong("manifests"), help: ArgumentHelp("Where the manifests are (default: the current directory).", valueName: "path"))
        var manifests: [String] = []
        // Unconditional: `--lon -73.98` takes the negative number, not a flag named -7.
        @Option(parsing: .unconditional, help: ArgumentHelp("Longitude of the point, -180 to 180 (negative values need no '=').", valueName: "degrees"))
        var lon: String?
        @Option(parsing: .unconditional, help: ArgumentHelp("Latitude of the point, -90 to 90.", valueName: "degrees"))
        var lat: String?
        @Option(help: ArgumentHelp("A JSONL file of fixes, one {\"lon\":..,\"lat\":..} a line.", valueName: "file")) var fixes: String?
        @Option(help: "enter, leave or enterOrLeave (with --fixes; default: the fence's own, or enter).") var trigger: String?
        @Option(help: "text or json.") var format: CheckFormat = .text

        /// The shape and default trigger: a Fence of the manifests, or --shape.
        func resolve() throws -> (Shape, FenceTrigger) {
            if let fence {
                guard shape == nil else { throw CLIError("Error: give Fence/NAME or --shape, not both") }
                guard let address = Address(parsing: fence), address.kind == .fence else {
                    throw CLIError("Error: '\(fence)' is not a fence; use Fence/NAME")
                }
                let loaded = ManifestLoader.load(paths: manifestPaths(manifests))
                for d in loaded.diagnostics.errors { printError("Error: \(d)") }
                if loaded.diagnostics.hasErrors { throw ExitCode(1) }
                guard let found = FenceCheck.fence(named: address.name, in: loaded.desired) else {
                    let names = loaded.desired.resources.filter { $0.address.kind == .fence }.map(\.address.description)
                    throw CLIError("Error: E-TST-03 \(address) is not declared in the manifests" + (names.isEmpty ? "" : " (fences: \(names.joined(separator: ", ")))"))
                }
                return found
            }
            guard let shape else { throw CLIError("Error: give Fence/NAME or --shape JSON") }
            let (parsed, problems) = FenceCheck.shape(try InputText.read(shape, what: "shape"))
            guard let s = parsed else {
                for p in problems { printError("Error: shape:\(p)") }
                throw ExitCode(1)
            }
            return (s, .default)
        }

        func run() throws {
            let (s, ownTrigger) = try resolve()
            if let fixes {
                let chosen: FenceTrigger? = trigger == nil ? ownTrigger : FenceTrigger(rawValue: trigger!)
                guard let t = chosen else { throw CLIError("Error: --trigger must be enter, leave or enterOrLeave") }
                let (points, lines) = try Test.readFixes(fixes)
                // Alarms name the file's line, not the fix's index (blank lines are skipped).
                let alarms = FenceCheck.alarms(s, fixes: points, trigger: t).map { FenceCheck.Alarm(fix: lines[$0.fix - 1], event: $0.event) }
                if format == .json {
                    print(JSON.object([.init("fixes", .int(points.count)), .init("alarms", .array(alarms.map {
                        .object([.init("line", .int($0.fix)), .init("event", .string($0.event))])
                    }))]).compact)
                } else {
                    for a in alarms { print("\(fixes):\(a.fix): \(a.event)") }
                    print("\(alarms.count) alarm\(alarms.count == 1 ? "" : "s") from \(points.count) fixes (trigger: \(t.rawValue))")
                }
                return
            }
            guard let lonText = lon, let latText = lat else { throw CLIError("Error: give --lon and --lat, or --fixes FILE.jsonl") }
            let lon = try Test.coordinate(lonText, "--lon", limit: 180), lat = try Test.coordinate(latText, "--lat", limit: 90)
            let r = FenceCheck.point(s, longitude: lon, latitude: lat)
            if format == .json {
                print(JSON.object([.init("inside", .bool(r.inside)), .init("distance_m", .number(String(format: "%.3f", r.distanceMeters)))]).compact)
            } else {
                print("\(r.inside ? "inside" : "outside"); \(String(format: "%.1f", r.distanceMeters)) m from the boundary")
            }
        }

        /// A finite number of degrees within ±`limit` (E-GEO-01 otherwise: `1e400` is not a longitude).
        static func coordinate(_ text: String, _ flag: String, limit: Double) throws -> Double {
            guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite, abs(v) <= limit,
                  text.allSatisfy({ $0.isNumber || "+-.eE ".contains($0) }) else {
                throw CLIError("Error: E-GEO-01 \(flag) \(Echo.cut(text)) is not a coordinate; give a number of degrees from -\(Int(limit)) to \(Int(limit)) (e.g. \(flag) -73.98)")
            }
            return v
        }

        /// One `{"lon":..,"lat":..}` per line; blank lines are skipped; errors name the line.
        static func readFixes(_ path: String) throws -> ([(longitude: Double, latitude: Double)], [Int]) {
            guard let data = InputFile.read(path) else { throw CLIError("Error: E-MAN-09 cannot read \(path)") }
            var out: [(longitude: Double, latitude: Double)] = []
            var lines: [Int] = []
            for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.isEmpty { continue }
                guard let j = JSON.parse(text), case let .number(lonText)? = j["lon"], case let .number(latText)? = j["lat"],
                      let lon = Double(lonText), let lat = Double(latText) else {
                    throw CLIError("Error: \(path):\(i + 1): E-GEO-11 expected {\"lon\": number, \"lat\": number}")
                }
                guard lon.isFinite, lat.isFinite, abs(lon) <= 180, abs(lat) <= 90 else {
                    throw CLIError("Error: \(path):\(i + 1): E-GEO-01 {\"lon\": \(Echo.cut(lonText)), \"lat\": \(Echo.cut(latText))} is out of range; longitude must be in [-180, 180] and latitude in [-90, 90]")
                }
                out.append((lon, lat))
                lines.append(i + 1)
            }
            return (out, lines)
        }
    }

    struct Alarms: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The fence alarms `run` and `replay` stored, newest first.",
            discussion: """
            One row per alarm, as the console's fence alarm list: time, product, device, alarm type (enter or leave) and \
            fence, with the space. --space and --fence take the metadata name (Space/NAME or NAME); a deleted fence's \
            alarms stay and can still be listed by its name. --since is a duration back from now (30m, 7d), an RFC 3339 \
            time or unix ms. At most --limit rows (default 100, up to 10000).
            """
        )
        @Option(name: .long, help: "Only alarms of fences in this space (Space/NAME or NAME).") var space: String?
        @Option(name: .long, help: "Only alarms of this fence (Fence/NAME or NAME).") var fence: String?
        @Option(name: .long, help: "Only alarms at or after this time (7d, RFC 3339 or unix ms).") var since: String?
        @Option(name: .long, help: "At most this many rows (1-10000).") var limit = 100
        @Option(name: .long, help: "text or json.") var format: String = "text"
        @OptionGroup var stateOptions: StateOptions

        func run() throws {
            func fail(_ code: LocationCode, _ message: String) -> CLIError { CLIError("Error: \(LocationError(code, message))") }
            guard ["text", "json"].contains(format) else { throw fail(.badFormat, "--format must be text or json, found '\(format)'") }
            guard (1...10_000).contains(limit) else { throw fail(.badLimit, "--limit must be 1 to 10000, found \(limit)") }
            var query = FenceAlarmQuery(limit: limit)
            if let since {
                do { query.since = try Trajectory.time(since, "--since", nowMillis: LogWindow.nowMillis()) } catch let e as LocationError {
                    throw CLIError("Error: \(e)")
                }
            }
            query.space = space.map { Alarms.name($0, kind: "Space/") }
            query.fence = fence.map { Alarms.name($0, kind: "Fence/") }
            let ctx = try DeviceCommand.Context(stateOptions)
            let book = ctx.world.fences
            let rows = try ctx.store.runtimeRead { try $0.fenceAlarms(query) }
            // A name that is neither in the state nor in any alarm is a typo, not an empty list.
            if rows.isEmpty {
                if let s = query.space, !book.spaces.contains(s) {
                    throw fail(.unknownName, "Space/\(s) is not in the state and no alarm names it (spaces: \(Alarms.list(book.spaces)))")
                }
                if let f = query.fence, book.byName[f] == nil {
                    throw fail(.unknownName, "Fence/\(f) is not in the state and no alarm names it (fences: \(Alarms.list(Set(book.byName.keys))))")
                }
            }
            if format == "json" {
                print(JSON.array(rows.map { a in
                    .object([
                        .init("alarmId", .number(String(a.alarmId))), .init("time", .string(LogWindow.format(a.alarmTime))),
                        .init("alarmTime", .number(String(a.alarmTime))), .init("space", .string(a.space)), .init("spaceName", .string(a.spaceName)),
                        .init("fence", .string(a.fence)), .init("fenceId", .int(a.fenceId)), .init("fenceName", .string(a.fenceName)),
                        .init("productId", .string(a.device.productId)), .init("productName", .string(a.productName)),
                        .init("deviceName", .string(a.device.deviceName)), .init("alertType", .string(a.alertType)),
                        .init("longitude", .number("\(a.longitude)")), .init("latitude", .number("\(a.latitude)")),
                    ])
                }).pretty)
                return
            }
            if rows.isEmpty { print("No fence alarms\(since.map { " since \($0)" } ?? "").") ; return }
            DeviceCommand.printTable([["TIME", "PRODUCT", "DEVICE", "ALARM", "FENCE", "SPACE", "POSITION"]] + rows.map {
                [LogWindow.format($0.alarmTime), $0.productName, $0.device.deviceName, $0.alertType, "\($0.fenceName) (Fence/\($0.fence))",
                 "\($0.spaceName) (Space/\($0.space))", "\($0.longitude), \($0.latitude)"]
            })
        }

        static func name(_ text: String, kind: String) -> String { text.hasPrefix(kind) ? String(text.dropFirst(kind.count)) : text }
        static func list(_ names: Set<String>) -> String { names.isEmpty ? "none" : names.sorted().prefix(10).joined(separator: ", ") }
    }
}
