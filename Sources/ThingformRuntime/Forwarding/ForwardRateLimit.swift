/// The instance quota `limits.forwardTps` (README "Instance"; "Rules and forwarders at work"): at
/// most that many delivery attempts a second for all the rules of one instance, as a token bucket
/// per instance that holds one second's worth and refills continuously. A delivery without a
/// token is not dropped: it waits in the outbox until the worker has one. `forwardTps: 0` pauses
/// the instance's forwarding (its deliveries wait until the quota is raised).
struct ForwardRateLimit {
    private struct Bucket {
        var tokens: Double
        var atMillis: Int64
    }

    private var buckets: [String: Bucket] = [:]

    /// Takes up to `want` tokens of `instance` (limit `perSecond`) at `now`; returns how many it got.
    mutating func take(_ want: Int, instance: String, perSecond: Int, now: Int64) -> Int {
        var b = refilled(instance, perSecond: perSecond, now: now)
        let got = min(want, Int(b.tokens))
        b.tokens -= Double(got)
        buckets[instance] = b
        return got
    }

    /// Returns tokens taken but not used (fewer rows were due than were asked for).
    mutating func giveBack(_ n: Int, instance: String) {
        buckets[instance]?.tokens += Double(n)
    }

    /// Milliseconds until `instance` has a whole token again; nil when it never will (paused).
    func wait(instance: String, perSecond: Int, now: Int64) -> Int64? {
        guard perSecond > 0 else { return nil }
        let tokens = refilled(instance, perSecond: perSecond, now: now).tokens
        if tokens >= 1 { return 0 }
        return max(1, Int64(((1 - tokens) * 1000 / Double(perSecond)).rounded(.up)))
    }

    private func refilled(_ instance: String, perSecond: Int, now: Int64) -> Bucket {
        let capacity = Double(perSecond)
        guard var b = buckets[instance] else { return Bucket(tokens: capacity, atMillis: now) }
        if now > b.atMillis {
            b.tokens = min(capacity, b.tokens + Double(now - b.atMillis) * Double(perSecond) / 1000)
            b.atMillis = now
        }
        // A quota lowered by an apply takes effect at once.
        b.tokens = min(b.tokens, capacity)
        return b
    }
}
