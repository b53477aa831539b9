/// The 16-bit Error Estimate of STAMP test packets (RFC 8762 §4.2.1, laid out in RFC 4656 §4.1.2, Z bit from
/// RFC 8186 §2.3): `S | Z | Scale (6 bits) | Multiplier (8 bits)`.
///
/// - S: the clock that made the timestamp is synchronised to UTC by an external source.
/// - Z: 0 = NTP timestamp format, 1 = PTPv2 truncated format.
/// - The error is Multiplier × 2^(Scale − 32) seconds; a Multiplier of zero is forbidden.
public struct ErrorEstimate: Sendable, Hashable, CustomStringConvertible {
    /// The 16 bits as sent.
    public var rawValue: UInt16

    /// An estimate from its wire bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// An estimate from its fields; `scale` is taken modulo 64.
    public init(isSynchronized: Bool, format: PacketTimestamp.Format = .ntp, scale: UInt8, multiplier: UInt8) {
        self.rawValue =
            (isSynchronized ? 0x8000 : 0) | (format == .ptp ? 0x4000 : 0) | UInt16(scale & 0x3F) << 8
            | UInt16(multiplier)
    }

    /// The smallest estimate of at least `seconds` (never understating the error), with S and Z as given.
    /// Non-finite or negative errors, and errors beyond the largest encodable one (about 1.7 × 10¹¹ s), give the
    /// largest estimate.
    public init(isSynchronized: Bool, errorSeconds seconds: Double, format: PacketTimestamp.Format = .ntp) {
        var scale: UInt8 = 0
        var multiplier: UInt8 = 255
        if seconds.isFinite && seconds >= 0 {
            var found = false
            for candidate in UInt8(0)...63 {
                let units = (seconds * 0x1p32 / Double(sign: .plus, exponent: Int(candidate), significand: 1))
                    .rounded(.up)
                if units <= 255 {
                    scale = candidate
                    multiplier = UInt8(Swift.max(1, units))
                    found = true
                    break
                }
            }
            if !found { scale = 63 }
        } else {
            scale = 63
        }
        self.init(isSynchronized: isSynchronized, format: format, scale: scale, multiplier: multiplier)
    }

    /// S: synchronised to UTC by an external source.
    public var isSynchronized: Bool { self.rawValue & 0x8000 != 0 }
    /// Z: the format of the timestamp this estimate goes with.
    public var timestampFormat: PacketTimestamp.Format { self.rawValue & 0x4000 != 0 ? .ptp : .ntp }
    /// Scale, 0…63.
    public var scale: UInt8 { UInt8(truncatingIfNeeded: self.rawValue >> 8) & 0x3F }
    /// Multiplier, 1…255 in a valid estimate.
    public var multiplier: UInt8 { UInt8(truncatingIfNeeded: self.rawValue) }
    /// Multiplier is not zero (RFC 4656: a zero multiplier marks the packet corrupt).
    public var isValid: Bool { self.multiplier != 0 }

    /// The error in seconds: Multiplier × 2^(Scale − 32).
    public var seconds: Double {
        Double(self.multiplier) * Double(sign: .plus, exponent: Int(self.scale) - 32, significand: 1)
    }

    public var description: String {
        "\(self.isSynchronized ? "synchronised" : "unsynchronised"), ±\(self.seconds) s, \(self.timestampFormat.rawValue)"
    }
}
