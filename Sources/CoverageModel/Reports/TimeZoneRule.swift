/// How to turn a local time without a UTC offset into UTC.
public enum TimeZoneRule: Sendable, Hashable {
    /// Times without an offset are rejected.
    case requireOffset
    /// A fixed offset east of UTC, in seconds.
    case fixed(secondsEast: Int)
    /// A European Union zone: standard offset in winter, one hour more from 01:00 UTC on the last Sunday
    /// of March to 01:00 UTC on the last Sunday of October (Europe/Dublin is `standardSecondsEast: 0`).
    case europeanUnion(standardSecondsEast: Int)

    /// Europe/Dublin (Irish time: GMT in winter, IST = UTC+1 in summer).
    public static let dublin = TimeZoneRule.europeanUnion(standardSecondsEast: 0)

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
        }
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
