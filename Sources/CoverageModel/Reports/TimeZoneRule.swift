import Foundation

/// How to turn a local time without a UTC offset into UTC.
public enum TimeZoneRule: Sendable, Hashable, CustomStringConvertible {
    /// Times without an offset are rejected.
    case requireOffset
    /// A fixed offset east of UTC, in seconds.
    case fixed(secondsEast: Int)
    /// A European Union zone: standard offset in winter, one hour more from 01:00 UTC on the last Sunday
    /// of March to 01:00 UTC on the last Sunday of October (Europe/Dublin is `standardSecondsEast: 0`).
    case europeanUnion(standardSecondsEast: Int)
    /// A zone of the IANA time zone database (`America/Sao_Paulo`), with its whole history of offsets.
    case named(TimeZone)

    /// Europe/Dublin (Irish time: GMT in winter, IST = UTC+1 in summer).
    public static let dublin = TimeZoneRule.europeanUnion(standardSecondsEast: 0)
    /// Việt Nam (Asia/Ho_Chi_Minh): UTC+07:00 all year since 1975.
    public static let vietNam = TimeZoneRule.fixed(secondsEast: 7 * 3600)

    /// Reads a zone as a user writes it: `UTC` (or `Z`, `GMT`), an offset (`+07:00`, `+0700`, `+07`, `-03:30`,
    /// also after `UTC`/`GMT`), or an IANA name (`Asia/Ho_Chi_Minh`, `Europe/Dublin`). Throws `.badTimeZone`,
    /// saying what is accepted, for anything else.
    public init(parsing text: String) throws(ReportReadError) {
        let t = text.trimmingSpaces
        let upper = t.uppercased()
        if upper == "UTC" || upper == "Z" || upper == "GMT" {
            self = .fixed(secondsEast: 0)
            return
        }
        var offsetText = Substring(t)
        if upper.hasPrefix("UTC") || upper.hasPrefix("GMT") { offsetText = offsetText.dropFirst(3) }
        if let sign = offsetText.first, sign == "+" || sign == "-" {
            let body = offsetText.dropFirst()
            let parts = body.split(separator: ":", omittingEmptySubsequences: false)
            let hoursText: Substring
            let minutesText: Substring
            switch (parts.count, body.count) {
            case (2, _): (hoursText, minutesText) = (parts[0], parts[1])
            case (1, 4): (hoursText, minutesText) = (body.prefix(2), body.suffix(2))
            case (1, 1...2): (hoursText, minutesText) = (body, "00")
            default: throw Self.badZone(text)
            }
            guard (1...2).contains(hoursText.count), minutesText.count == 2,
                (hoursText + minutesText).allSatisfy(\.isASCIIDigitCharacter), let hours = Int(hoursText),
                let minutes = Int(minutesText), hours <= 18, minutes <= 59
            else { throw Self.badZone(text) }
            self = .fixed(secondsEast: (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1))
            return
        }
        // IANA names are Area/Location; a bare abbreviation (ICT, IST) is ambiguous and refused.
        guard t.contains("/"), let zone = TimeZone(identifier: t) else { throw Self.badZone(text) }
        self = .named(zone)
    }

    private static func badZone(_ text: String) -> ReportReadError {
        ReportReadError(
            code: .badTimeZone,
            message:
                "unknown time zone '\(text.prefix(60))'; give an IANA name (Asia/Ho_Chi_Minh, Europe/Dublin), UTC or an offset (+07:00)"
        )
    }

    /// `UTC+07:00`, `Europe/Dublin`, …, as the import summary states it.
    public var description: String {
        switch self {
        case .requireOffset: return "none (times must carry an offset)"
        case .fixed(let seconds): return "UTC" + Self.offsetText(seconds)
        case .europeanUnion(let standard):
            return standard == 0 ? "Europe/Dublin" : "UTC\(Self.offsetText(standard)) with EU summer time"
        case .named(let zone): return zone.identifier
        }
    }

    static func offsetText(_ seconds: Int) -> String {
        let magnitude = abs(seconds) / 60
        let hh = magnitude / 60
        let mm = magnitude % 60
        return (seconds < 0 ? "-" : "+") + (hh < 10 ? "0" : "") + "\(hh):" + (mm < 10 ? "0" : "") + "\(mm)"
    }

    /// Converts local seconds (as if UTC) to UTC seconds, or nil if offsets are required.
    func utc(fromLocal local: Int64) -> Int64? {
        switch self {
        case .requireOffset:
            return nil
        case .fixed(let offset):
            return local - Int64(offset)
        case .europeanUnion(let standard):
            let summerUTC = local - Int64(standard) - 3600
            return Self.isEUSummerTime(utc: summerUTC) ? summerUTC : local - Int64(standard)
        case .named(let zone):
            let before = Self.offset(zone, atUTC: local - 86_400)
            let after = Self.offset(zone, atUTC: local + 86_400)
            // Around a change: the offset before it where it still holds (the first of a repeated hour), else the
            // one after it; a skipped local time is read with the offset before the change (as Python's zoneinfo
            // reads it with fold=0, and as `.europeanUnion` does).
            let early = local - before
            if before == after || Self.offset(zone, atUTC: early) == before { return early }
            let late = local - after
            return Self.offset(zone, atUTC: late) == after ? late : early
        }
    }

    /// The offset that holds for every second of the local day `day` (days since 1970-01-01), when the zone's
    /// offset does not change within a day of it: times of that day then need no zone look-up.
    func wholeDayOffset(localDay day: Int64) -> Int64? {
        switch self {
        case .requireOffset: return nil
        case .fixed(let offset): return Int64(offset)
        case .europeanUnion, .named:
            let start = day * 86_400
            guard let a = self.utc(fromLocal: start - 86_400), let b = self.utc(fromLocal: start + 2 * 86_400)
            else { return nil }
            let offsetA = start - 86_400 - a
            guard offsetA == start + 2 * 86_400 - b else { return nil }
            // No change in the three days around: one offset for the whole day (zones change at most twice a year).
            if case .named(let zone) = self, Self.offset(zone, atUTC: start + 43_200 - offsetA) != offsetA {
                return nil
            }
            return offsetA
        }
    }

    private static func offset(_ zone: TimeZone, atUTC seconds: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
    }

    static func isEUSummerTime(utc: Int64) -> Bool {
        let (year, _, _) = CivilDate.civil(fromDays: floorDiv(utc, 86_400))
        let startDay = CivilDate.lastSunday(year: year, month: 3)
        let endDay = CivilDate.lastSunday(year: year, month: 10)
        let start = startDay * 86_400 + 3600
        let end = endDay * 86_400 + 3600
        return utc >= start && utc < end
    }
}

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's algorithms).
enum CivilDate {
    /// Days since 1970-01-01.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of the last Sunday of the month.
    static func lastSunday(year: Int64, month: Int64) -> Int64 {
        let last = days(year: year, month: month, day: daysInMonth(year: year, month: month))
        // 1970-01-01 was a Thursday (weekday 4 with Sunday = 0).
        let weekday = ((last + 4) % 7 + 7) % 7
        return last - weekday
    }
}
