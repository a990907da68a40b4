import ArgumentParser
import ThingformStatePostgres

/// What a PostgreSQL state does not hold yet: the runtime's tables (device states, shadows, logs,
/// the outbox, firmware progress). Commands that need them refuse a postgres:// state (E-STA-07).
enum PostgresStateSupport {
    static let code = "E-STA-07"

    static func refuse(_ state: String, needing what: String = "the runtime's tables (device states, shadows, logs, outbox, firmware progress)") throws {
        guard PostgresStateURL.isPostgres(state) else { return }
        let shown = (try? PostgresStateURL(parsing: state).redacted) ?? "the PostgreSQL state"
        throw CLIError("\(code) this command needs \(what), "
                       + "which a PostgreSQL state (\(shown)) does not hold yet; plan, apply, state, force-unlock, review and batch download work on it. "
                       + "Use a SQLite state for the runtime (`thingform state migrate --from URL --to FILE` copies it); see the README, \"PostgreSQL state store\"")
    }
}

/// `--lock-timeout`: `60s`, `2m`, `500ms` or plain seconds.
struct LockTimeout: ExpressibleByArgument {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where argument.hasSuffix(suffix) {
            guard let n = Double(argument.dropLast(suffix.count)), n >= 0, n.isFinite else { return nil }
            seconds = n * factor
            return
        }
        guard let n = Double(argument), n >= 0, n.isFinite else { return nil }
        seconds = n
    }
}
