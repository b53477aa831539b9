import Foundation

/// RFC 3339 UTC timestamps as Go (and so Alertmanager) writes them: fractional seconds only when non-zero.
public enum RFC3339 {
    /// Go's zero time, which Alertmanager writes as `endsAt` of a firing alert.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    /// Formats a date in UTC, e.g. `2026-01-01T00:00:00Z` or `2026-01-01T00:00:00.25Z`. Fractions are kept to
    /// the microsecond (a `Date` holds no more, reliably).
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = seconds.rounded(.down)
        var nanos = Int(((seconds - whole) * 1e6).rounded()) * 1000
        if nanos >= 1_000_000_000 {
            whole += 1
            nanos -= 1_000_000_000
        }
        let components = Self.calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: whole))
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", components.year!, components.month!, components.day!,
            components.hour!, components.minute!, components.second!)
        if nanos > 0 {
            var fraction = String(format: "%09d", nanos)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; nil if the text is not such a timestamp.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
