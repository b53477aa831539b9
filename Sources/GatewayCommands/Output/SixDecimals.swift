/// Text of a double rounded to six decimals, as printf's `%.6f` writes it, with the trailing zeros (and a bare
/// trailing point) dropped, and `-0` written `0`: the number format of `netmon ping --json`.
///
/// printf (through `String(format:)` or `CNumberFormat`) costs microseconds a number, and a run of 1,000 targets
/// writes 9,000 of them. This rounds with integer arithmetic instead and gives the same text: the decimal digits
/// are those of the exact value of the double rounded to the nearest millionth, ties to even (glibc's rounding),
/// decided with a fused multiply-add whose sign is exact. Magnitudes of 2^32 and above (not produced by ping
/// statistics) fall back to the C library's `%.6f` (`CNumberFormat`).
enum SixDecimals {
    /// The text of finite `value`, or "null" for NaN and infinities.
    static func text(_ value: Double) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(18)
        self.append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the UTF-8 of `text(value)` to `bytes`.
    static func append(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else {
            bytes.append(contentsOf: "null".utf8)
            return
        }
        let magnitude = value.magnitude
        guard magnitude < 4_294_967_296 else {
            bytes.append(contentsOf: self.formatted(value).utf8)
            return
        }
        let millionths = self.roundedMillionths(magnitude)
        if millionths == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var whole = millionths / 1_000_000
        var fraction = millionths % 1_000_000
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let integerStart = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: whole % 10))
            whole /= 10
        } while whole > 0
        bytes[integerStart...].reverse()
        if fraction > 0 {
            var digits = 6
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            bytes.append(UInt8(ascii: "."))
            let fractionStart = bytes.count
            for _ in 0..<digits {
                bytes.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: fraction % 10))
                fraction /= 10
            }
            bytes[fractionStart...].reverse()
        }
    }

    /// The nearest integer to `magnitude` × 10^6 in exact arithmetic, ties to even (`magnitude` < 2^32, ≥ 0).
    static func roundedMillionths(_ magnitude: Double) -> UInt64 {
        // The product rounded to a double lies within one unit in the last place of the exact one, so the exact
        // rounding is `nearest` or one of its neighbours; the signs of exact differences from the half-way
        // points decide. 10^6 and every half-integer below 2^52 are exact doubles, and a fused multiply-add
        // rounds only once, so its sign (and whether it is zero) is the exact difference's.
        let nearest = (magnitude * 1_000_000).rounded(.toNearestOrEven)
        let upper = (-(nearest + 0.5)).addingProduct(magnitude, 1_000_000)
        let lower = (-(nearest - 0.5)).addingProduct(magnitude, 1_000_000)
        var result = nearest
        if upper > 0 || (upper == 0 && self.isOdd(nearest)) {
            result = nearest + 1
        } else if lower < 0 || (lower == 0 && self.isOdd(nearest)) {
            result = nearest - 1
        }
        return UInt64(max(0, result))
    }

    private static func isOdd(_ integral: Double) -> Bool {
        UInt64(integral.magnitude) & 1 == 1
    }

    private static func formatted(_ value: Double) -> String {
        var text = CNumberFormat.fixed(value, decimals: 6)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
