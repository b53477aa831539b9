/// Parses report times: ISO 8601 / RFC 3339 date-times or Unix seconds.
enum TimestampParsing {
    enum Parsed: Equatable {
        case empty
        case value(Double)
        case invalid(String)
    }

    /// `2026-01-05T08:30:00+07:00`, `…Z`, `…+0700`, fractional seconds, a space instead of `T`, or a
    /// plain number of Unix seconds. A time without an offset goes through `zone`.
    /// The last valid date seen (its ten bytes `YYYY-MM-DD` and its day number): rows of a file share dates.
    struct DateCache {
        fileprivate var head: UInt64 = 0
        fileprivate var tail: UInt16 = 0
        fileprivate var days: Int64?
        /// The local day whose whole-day offset (named zones only) is `dayOffset`; nil offset: the day has a change.
        fileprivate var offsetDay = Int64.min
        fileprivate var dayOffset: Int64?
    }

    /// UTC seconds of `local` (on local day `day`) in `zone`; a named zone is looked up once per day of the file.
    @inline(__always)
    private static func utc(_ local: Int64, day: Int64, zone: TimeZoneRule, cache: inout DateCache) -> Int64? {
        guard case .named = zone else { return zone.utc(fromLocal: local) }
        if cache.offsetDay != day {
            cache.offsetDay = day
            cache.dayOffset = zone.wholeDayOffset(localDay: day)
        }
        if let offset = cache.dayOffset { return local - offset }
        return zone.utc(fromLocal: local)
    }

    /// The decimal number of `count` digits at `at`, if they are all digits and end by `end`.
    @inline(__always)
    private static func digits(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ count: Int, end: Int) -> Int64? {
        guard at + count <= end else { return nil }
        var v: Int64 = 0
        for k in at..<(at + count) {
            let b = bytes[k]
            guard b >= 48 && b <= 57 else { return nil }
            v = v * 10 + Int64(b - 48)
        }
        return v
    }

    /// G-NetTrack Pro's `YYYY.MM.DD_hh.mm.ss` (spaces around allowed), always local time: read through `zone`.
    static func parseGNetTrack(_ bytes: UnsafeRawBufferPointer, zone: TimeZoneRule, cache: inout DateCache) -> Parsed {
        var i = 0
        var n = bytes.count
        while i < n && bytes[i] == 32 { i += 1 }
        while n > i && bytes[n - 1] == 32 { n -= 1 }
        if i == n { return .empty }
        func digits(_ at: Int, _ count: Int) -> Int64? { Self.digits(bytes, i + at, count, end: n) }
        guard n - i == 19, bytes[i + 4] == 46, bytes[i + 7] == 46, bytes[i + 10] == 95, bytes[i + 13] == 46,
            bytes[i + 16] == 46, let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
            let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2)
        else {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[i..<n]).prefix(40), as: UTF8.self)
            return .invalid("time is not G-NetTrack's YYYY.MM.DD_hh.mm.ss: '\(text)'")
        }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            return .invalid("time has an impossible date")
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return .invalid("time of day out of range") }
        let dayNumber = CivilDate.days(year: year, month: month, day: day)
        let local = dayNumber * 86_400 + hour * 3600 + minute * 60 + second
        guard let utc = Self.utc(local, day: dayNumber, zone: zone, cache: &cache) else {
            return .invalid("time has no UTC offset and no time zone is given")
        }
        return .value(Double(utc))
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, zone: TimeZoneRule) -> Parsed {
        var cache = DateCache()
        return Self.parse(bytes, zone: zone, cache: &cache)
    }

    /// The same, reusing the day number of the previous call's date when the date is the same.
    static func parse(_ bytes: UnsafeRawBufferPointer, zone: TimeZoneRule, cache: inout DateCache) -> Parsed {
        if bytes.count == 25 {
            if let days = cache.days, let value = Self.parseCommon(bytes, days: days, cache: cache) {
                return .value(value)
            }
            // Another date in the common form (rows out of order, several days): read it here, remember it.
            if let days = Self.commonDate(bytes) {
                let dated = DateCache(
                    head: bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    tail: bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self), days: days)
                if let value = Self.parseCommon(bytes, days: days, cache: dated) {
                    cache = dated
                    return .value(value)
                }
            }
        }
        var i = 0
        var n = bytes.count
        while i < n && bytes[i] == 32 { i += 1 }
        while n > i && bytes[n - 1] == 32 { n -= 1 }
        if i == n { return .empty }
        // Unix seconds: a number without dashes after the first character.
        if n - i < 10 || bytes[i + 4] != 45 {
            switch NumberParsing.parse(UnsafeRawBufferPointer(rebasing: bytes[i..<n])) {
            case .value(let v): return .value(v)
            case .empty: return .empty
            case .invalid: return .invalid("time is neither ISO 8601 nor Unix seconds")
            }
        }
        func digits(_ at: Int, _ count: Int) -> Int64? { Self.digits(bytes, at, count, end: n) }
        // n - i >= 10 here: the date's ten bytes can be compared with the cached date's.
        let head = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let tail = bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt16.self)
        let dayNumber: Int64
        if let days = cache.days, head == cache.head, tail == cache.tail {
            dayNumber = days
        } else {
            guard let year = digits(i, 4), bytes[i + 4] == 45, let month = digits(i + 5, 2),
                i + 7 < n, bytes[i + 7] == 45, let day = digits(i + 8, 2)
            else { return .invalid("time is not ISO 8601 (expected YYYY-MM-DD)") }
            guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
                return .invalid("time has an impossible date")
            }
            dayNumber = CivilDate.days(year: year, month: month, day: day)
            cache = DateCache(head: head, tail: tail, days: dayNumber)
        }
        var p = i + 10
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var fraction = 0.0
        if p < n && (bytes[p] == 84 || bytes[p] == 116 || bytes[p] == 32) {
            guard let h = digits(p + 1, 2), p + 3 < n, bytes[p + 3] == 58, let m = digits(p + 4, 2) else {
                return .invalid("time is not ISO 8601 (expected hh:mm)")
            }
            hour = h
            minute = m
            p += 6
            if p < n && bytes[p] == 58 {
                guard let s = digits(p + 1, 2) else { return .invalid("time has bad seconds") }
                second = s
                p += 3
                if p < n && (bytes[p] == 46 || bytes[p] == 44) {
                    p += 1
                    var scale = 0.1
                    let fractionStart = p
                    while p < n && bytes[p] >= 48 && bytes[p] <= 57 {
                        fraction += Double(bytes[p] - 48) * scale
                        scale /= 10
                        p += 1
                    }
                    if p == fractionStart { return .invalid("time has an empty fraction") }
                }
            }
            guard hour <= 24, minute <= 59, second <= 60 else { return .invalid("time of day out of range") }
        }
        let local = dayNumber * 86_400 + hour * 3600 + minute * 60 + second
        if p == n {
            guard let utc = Self.utc(local, day: dayNumber, zone: zone, cache: &cache) else {
                return .invalid("time has no UTC offset (use Z or ±hh:mm)")
            }
            return .value(Double(utc) + fraction)
        }
        let b = bytes[p]
        if (b == 90 || b == 122) && p + 1 == n { return .value(Double(local) + fraction) }
        guard b == 43 || b == 45, let oh = digits(p + 1, 2) else { return .invalid("time has a bad UTC offset") }
        var om: Int64 = 0
        if p + 3 < n {
            if bytes[p + 3] == 58, let m = digits(p + 4, 2), p + 6 == n {
                om = m
            } else if let m = digits(p + 3, 2), p + 5 == n {
                om = m
            } else {
                return .invalid("time has a bad UTC offset")
            }
        }
        guard oh <= 18, om <= 59 else { return .invalid("time has a bad UTC offset") }
        let offset = (oh * 3600 + om * 60) * (b == 45 ? -1 : 1)
        return .value(Double(local - offset) + fraction)
    }

    /// The day number of a valid `YYYY-MM-DD` at the start of `bytes` (at least ten bytes), as the general path
    /// computes it; nil for anything else.
    @inline(__always)
    private static func commonDate(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let b = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard b[4] == 45, b[7] == 45 else { return nil }
        let y1 = b[0] &- 48, y2 = b[1] &- 48, y3 = b[2] &- 48, y4 = b[3] &- 48
        let mo1 = b[5] &- 48, mo2 = b[6] &- 48, d1 = b[8] &- 48, d2 = b[9] &- 48
        guard max(max(max(y1, y2), max(y3, y4)), max(max(mo1, mo2), max(d1, d2))) <= 9 else { return nil }
        let year = Int64(y1) * 1000 + Int64(y2) * 100 + Int64(y3) * 10 + Int64(y4)
        let month = Int64(mo1) * 10 + Int64(mo2)
        let day = Int64(d1) * 10 + Int64(d2)
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else {
            return nil
        }
        return CivilDate.days(year: year, month: month, day: day)
    }

    /// The most common form, `YYYY-MM-DDThh:mm:ss±hh:mm` (25 bytes) on the cached date, read in one go: the
    /// value the general path gives it, or nil for anything else (including values the general path rejects),
    /// which then goes through the general path.
    @inline(__always)
    private static func parseCommon(_ bytes: UnsafeRawBufferPointer, days: Int64, cache: DateCache) -> Double? {
        let b = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self) == cache.head,
            bytes.loadUnaligned(fromByteOffset: 8, as: UInt16.self) == cache.tail,
            b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 43 || b[19] == 45, b[22] == 58
        else { return nil }
        let h1 = b[11] &- 48, h2 = b[12] &- 48, m1 = b[14] &- 48, m2 = b[15] &- 48, s1 = b[17] &- 48
        let s2 = b[18] &- 48, oh1 = b[20] &- 48, oh2 = b[21] &- 48, om1 = b[23] &- 48, om2 = b[24] &- 48
        guard max(max(max(h1, h2), max(m1, m2)), max(max(s1, s2), max(max(oh1, oh2), max(om1, om2)))) <= 9 else {
            return nil
        }
        let hour = Int64(h1) * 10 + Int64(h2)
        let minute = Int64(m1) * 10 + Int64(m2)
        let second = Int64(s1) * 10 + Int64(s2)
        let offsetHours = Int64(oh1) * 10 + Int64(oh2)
        let offsetMinutes = Int64(om1) * 10 + Int64(om2)
        guard hour <= 24, minute <= 59, second <= 60, offsetHours <= 18, offsetMinutes <= 59 else { return nil }
        let local = days * 86_400 + hour * 3600 + minute * 60 + second
        let offset = (offsetHours * 3600 + offsetMinutes * 60) * (b[19] == 45 ? -1 : 1)
        return Double(local - offset)
    }
}
