/// Dates of licence lots as Unix seconds, without Foundation (the model is pure): an RFC 3339
/// timestamp, or a date `YYYY-MM-DD` read as 00:00 of that day in the console's time zone
/// (UTC+08:00).
public enum CivilTime {
    public static let consoleOffsetSeconds: Int64 = 8 * 3600

    public struct Moment: Equatable, Sendable {
        public var year: Int, month: Int, day: Int
        public var secondOfDay: Int64
        public var offsetSeconds: Int64

        public var unixSeconds: Int64 {
            CivilTime.daysFromCivil(year, month, day) * 86_400 + secondOfDay - offsetSeconds
        }

        /// The same wall-clock time `years` later (29 February becomes 28 February).
        public func adding(years: Int) -> Moment {
            var m = self
            // A term of more than 100,000 years is forever; bounded so day arithmetic cannot overflow.
            m.year += max(-100_000, min(years, 100_000))
            m.day = min(day, CivilTime.daysInMonth(m.year, m.month))
            return m
        }
    }

    /// nil when `text` is neither a date nor an RFC 3339 timestamp, or names no real day.
    public static func parse(_ text: String) -> Moment? {
        let u = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard (0x30...0x39).contains(u[i]) else { return nil }
                v = v * 10 + Int(u[i] - 0x30)
            }
            return v
        }
        guard u.count >= 10, let y = num(0, 4), u[4] == 0x2D, let mo = num(5, 2), u[7] == 0x2D, let d = num(8, 2),
              (1...12).contains(mo), (1...daysInMonth(y, mo)).contains(d) else { return nil }
        if u.count == 10 { return Moment(year: y, month: mo, day: d, secondOfDay: 0, offsetSeconds: consoleOffsetSeconds) }
        guard Timestamp.isRFC3339(text), let h = num(11, 2), let mi = num(14, 2), let s = num(17, 2), h < 24, mi < 60, s < 61 else { return nil }
        var offset: Int64 = 0
        if u.last != 0x5A && u.last != 0x7A, let oh = num(u.count - 5, 2), let om = num(u.count - 2, 2) {
            offset = Int64(oh * 3600 + om * 60) * (u[u.count - 6] == 0x2D ? -1 : 1)
        }
        return Moment(year: y, month: mo, day: d, secondOfDay: Int64(h * 3600 + mi * 60 + min(s, 59)), offsetSeconds: offset)
    }

    static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468)
    }
}
