/// An IPv4 or IPv6 address as a compact value: 128 bits, IPv4 stored IPv4-mapped (`::ffff:a.b.c.d`).
///
/// One value type for every module: packet decoders build it from header words without touching text
/// (``init(ipv4:)``, ``init(high:low:)``), configuration parses it strictly from text (IPAddress+Text.swift), and
/// sockets convert it in NetMonitor. An IPv4-mapped IPv6 address is the IPv4 address, as on a dual-stack socket.
public struct IPAddress: Hashable, Sendable, Comparable {
    /// The high 64 bits of the 128-bit (IPv6 or IPv4-mapped) address.
    public var high: UInt64
    /// The low 64 bits.
    public var low: UInt64

    /// An address from its 128 bits.
    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// An IPv4 address from its 32 bits in host order (`0x0A210001` is 10.33.0.1).
    @inlinable
    public init(ipv4 value: UInt32) {
        self.high = 0
        self.low = 0xFFFF_0000_0000 | UInt64(value)
    }

    /// Whether this is an IPv4 address.
    @inlinable
    public var isIPv4: Bool { self.high == 0 && self.low >> 32 == 0xFFFF }

    /// Whether this is an IPv6 address (not IPv4-mapped).
    @inlinable
    public var isIPv6: Bool { !self.isIPv4 }

    /// The IPv4 address's 32 bits, or nil for IPv6.
    @inlinable
    public var ipv4Value: UInt32? { self.isIPv4 ? UInt32(truncatingIfNeeded: self.low) : nil }

    /// 32 for IPv4, 128 for IPv6: the range of a prefix length in this address's family.
    @inlinable
    public var bitWidth: Int { self.isIPv4 ? 32 : 128 }

    /// Whether it is 127.0.0.0/8 or ::1.
    @inlinable
    public var isLoopback: Bool {
        if let v4 = self.ipv4Value { return v4 >> 24 == 127 }
        return self.high == 0 && self.low == 1
    }

    // Written out (not synthesized) so that they inline into other modules' per-packet dictionaries.
    @inlinable
    public static func == (lhs: IPAddress, rhs: IPAddress) -> Bool {
        lhs.high == rhs.high && lhs.low == rhs.low
    }

    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.high)
        hasher.combine(self.low)
    }

    /// IPv4 addresses sort before IPv6 ones except `::/80`; within a family, numerically.
    @inlinable
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}

// Inlinable so that the probe engine's per-reply calls (control messages, quoted headers) are specialized for
// their collection type, as they were when the type lived in NetMonitor.
extension IPAddress {
    /// Creates an address from its bytes in network order (4 or 16 of them); nil for any other count.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4:
            self.init(ipv4: bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            self.init(
                high: bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) },
                low: bytes.dropFirst(8).reduce(0) { $0 << 8 | UInt64($1) })
        default:
            return nil
        }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    @inlinable
    public var bytes: [UInt8] {
        if let v4 = self.ipv4Value {
            return (0..<4).map { UInt8(truncatingIfNeeded: v4 >> (24 - 8 * UInt32($0))) }
        }
        return (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * UInt64($0))) }
            + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * UInt64($0))) }
    }
}
