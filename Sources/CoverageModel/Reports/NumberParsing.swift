/// Fast, exact parsing of decimal numbers from ASCII bytes.
enum NumberParsing {
    private static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Result of parsing a field.
    enum Parsed: Equatable {
        case empty
        case value(Double)
        case invalid
    }

    /// Parses an optional number: surrounding spaces allowed, empty means missing. NaN and infinities
    /// are invalid. Up to 15 significant digits take the exact fast path (one correctly rounded
    /// division); anything else goes through the standard library's parser.
    @inline(__always)
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        // Fast path: `-?digits[.digits]` with at most 15 digits in all, nothing around. The value is the same
        // as the general path's (both are correctly rounded), so which path answers does not matter.
        let n = bytes.count
        if n == 0 { return .empty }
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = 0
        let negative = p[0] == 45
        if negative { i = 1 }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < n {
            let d = p[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - integerStart
        var fractionDigits = 0
        if i < n && p[i] == 46 {
            i += 1
            let fractionStart = i
            while i < n {
                let d = p[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fractionDigits = i - fractionStart
            digits += fractionDigits
        }
        if i == n && digits > 0 && digits <= 15 {
            var value = Double(mantissa)
            if fractionDigits > 0 { value /= Self.powersOfTen[fractionDigits] }
            return .value(negative ? -value : value)
        }
        return Self.parseGeneral(bytes)
    }

    /// Spaces around, a plus sign, long mantissas, exponents, junk.
    private static func parseGeneral(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        var i = 0
        var n = bytes.count
        while i < n && (bytes[i] == 32 || bytes[i] == 9) { i += 1 }
        while n > i && (bytes[n - 1] == 32 || bytes[n - 1] == 9) { n -= 1 }
        if i == n { return .empty }
        var negative = false
        if bytes[i] == 45 || bytes[i] == 43 {
            negative = bytes[i] == 45
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDigit = false
        var sawDot = false
        var j = i
        while j < n {
            let b = bytes[j]
            if b >= 48 && b <= 57 {
                sawDigit = true
                if mantissa == 0 && b == 48 {
                    if sawDot { fractionDigits += 1 }
                } else {
                    mantissa = mantissa &* 10 &+ UInt64(b - 48)
                    digits += 1
                    if sawDot { fractionDigits += 1 }
                }
            } else if b == 46 && !sawDot {
                sawDot = true
            } else {
                break
            }
            j += 1
        }
        if j == n && sawDigit && digits <= 15 && fractionDigits <= 22 {
            var value = Double(mantissa)
            if fractionDigits > 0 { value /= Self.powersOfTen[fractionDigits] }
            return .value(negative ? -value : value)
        }
        // Exponents, long mantissas, junk: let the standard library decide.
        let text = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[(i - (negative ? 1 : 0))..<n]), as: UTF8.self)
        guard sawDigit, let value = Double(text), value.isFinite else { return .invalid }
        return .value(value)
    }

    static func parse(_ text: String) -> Parsed {
        var text = text
        return text.withUTF8 { Self.parse(UnsafeRawBufferPointer($0)) }
    }
}
