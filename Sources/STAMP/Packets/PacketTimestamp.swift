/// The 64-bit timestamp of STAMP test packets (RFC 8762 §4.2.1) in either of its two formats, chosen by the Z bit of
/// the Error Estimate that goes with it (RFC 8186 §2.3): NTP (RFC 5905: 32-bit seconds since 1900, 32-bit binary
/// fraction) or PTPv2 truncated (32-bit seconds since 1970, 32-bit nanoseconds).
///
/// NTP seconds wrap in February 2036. A value whose most significant seconds bit is clear is read in era 1
/// (2036–2104), as RFC 4330 §3 advises, so this reads every time from 1968 to 2104.
public struct PacketTimestamp: Sendable, Hashable {
    /// The two formats.
    public enum Format: String, Sendable, Hashable {
        /// NTP 64-bit format (Z = 0), STAMP's default.
        case ntp
        /// PTPv2 truncated format (Z = 1).
        case ptp
    }

    /// Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01).
    public static let ntpUnixOffset: Int64 = 2_208_988_800

    /// The 64 bits as sent, big-endian on the wire.
    public var rawValue: UInt64

    /// A timestamp from its wire bits.
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// The timestamp of `unixNanoseconds` (nanoseconds since 1970, CLOCK_REALTIME) in `format`; the NTP fraction is
    /// rounded to the nearest 2⁻³² s.
    public init(unixNanoseconds: Int64, format: Format = .ntp) {
        let (wholeSeconds, nanoseconds) = unixNanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        var seconds = wholeSeconds
        var subsecond = nanoseconds
        if subsecond < 0 {
            seconds -= 1
            subsecond += 1_000_000_000
        }
        switch format {
        case .ntp:
            var fraction = (UInt64(subsecond) << 32 + 500_000_000) / 1_000_000_000
            if fraction >> 32 != 0 {
                fraction = 0
                seconds += 1
            }
            let ntpSeconds = UInt64(truncatingIfNeeded: seconds + Self.ntpUnixOffset) & 0xFFFF_FFFF
            self.rawValue = ntpSeconds << 32 | fraction
        case .ptp:
            self.rawValue = (UInt64(truncatingIfNeeded: seconds) & 0xFFFF_FFFF) << 32 | UInt64(subsecond)
        }
    }

    /// The high 32 bits (seconds).
    public var seconds: UInt32 { UInt32(truncatingIfNeeded: self.rawValue >> 32) }
    /// The low 32 bits (binary fraction for NTP, nanoseconds for PTP).
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: self.rawValue) }

    /// Nanoseconds since the Unix epoch of this timestamp read in `format`.
    public func unixNanoseconds(format: Format = .ntp) -> Int64 {
        switch format {
        case .ntp:
            // Era 1 when the top bit is clear (RFC 4330 §3).
            let era: Int64 = self.seconds & 0x8000_0000 == 0 ? 1 << 32 : 0
            let seconds = Int64(self.seconds) + era - Self.ntpUnixOffset
            let nanoseconds = Int64((UInt64(self.fraction) * 1_000_000_000 + (1 << 31)) >> 32)
            return seconds * 1_000_000_000 + nanoseconds
        case .ptp:
            // PTP nanoseconds above 999,999,999 are malformed; they are read as they are rather than trapping.
            return Int64(self.seconds) * 1_000_000_000 + Int64(self.fraction)
        }
    }
}
