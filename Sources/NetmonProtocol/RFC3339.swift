import Foundation

/// RFC 3339 timestamps, the one implementation netmon has: the wire (``WireCoding``), the server's API, alerting's
/// payloads and listings.
///
/// Written in UTC as Go (and so Alertmanager) writes them: fractional seconds only when non-zero, to the
/// microsecond (`2026-01-01T00:00:00Z`, `2026-01-01T00:00:00.25Z`). Read with or without fractional seconds, in UTC
/// or with an offset (`2026-01-01T07:00:00+07:00`).
public enum RFC3339 {
    /// Go's zero time, which Alertmanager writes as `endsAt` of a firing alert.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// Formats a date in UTC. Dates before year 1 or after 9999 are clamped to those years' bounds.
    public static func format(_ date: Date) -> String {
        let limit = 253_402_300_799.0  // 9999-12-31T23:59:59Z
        let seconds = min(max(date.timeIntervalSince1970, -62_135_596_800), limit)
        var whole = seconds.rounded(.down)
        var micros = Int(((seconds - whole) * 1e6).rounded())
        if micros >= 1_000_000 {
            whole += 1
            micros -= 1_000_000
        }
        let total = Int(whole)  // finite and within ±2.6e11: exact
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = Self.digits(year, 4) + "-" + Self.digits(month, 2) + "-" + Self.digits(day, 2) + "T"
        text += Self.digits(secondOfDay / 3600, 2) + ":" + Self.digits(secondOfDay % 3600 / 60, 2) + ":"
        text += Self.digits(secondOfDay % 60, 2)
        if micros > 0 {
            var fraction = Self.digits(micros, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; nil if the text is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
