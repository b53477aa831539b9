/// An IPv4 or IPv6 network such as `10.33.1.0/24` or `2001:db8::/32`: an address with its host bits cleared and a
/// prefix length in the address's own family (0…32 for IPv4, 0…128 for IPv6).
public struct IPNetwork: Hashable, Sendable {
    /// The network address (all host bits zero).
    public let address: IPAddress
    /// The prefix length in the address's family.
    public let prefixLength: Int

    /// The network of `address` with `prefixLength` (clamped to 0…`address.bitWidth`), host bits cleared.
    public init(containing address: IPAddress, prefixLength: Int) {
        let length = min(max(prefixLength, 0), address.bitWidth)
        self.prefixLength = length
        let (high, low) = Self.mask(address.isIPv4 ? length + 96 : length)
        self.address = IPAddress(high: address.high & high, low: address.low & low)
    }

    /// The network of exactly one address (`/32` or `/128`).
    public init(host address: IPAddress) {
        self.address = address
        self.prefixLength = address.bitWidth
    }

    /// Whether the network is one address.
    public var isHost: Bool { self.prefixLength == self.address.bitWidth }

    /// Whether `candidate` lies inside this network (IPv4 only in IPv4 networks).
    @inlinable
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isIPv4 == self.address.isIPv4 else { return false }
        let (high, low) = Self.mask(self.address.isIPv4 ? self.prefixLength + 96 : self.prefixLength)
        return candidate.high & high == self.address.high && candidate.low & low == self.address.low
    }

    /// Whether `other` lies wholly inside this network.
    public func contains(_ other: IPNetwork) -> Bool {
        other.prefixLength >= self.prefixLength && self.contains(other.address)
    }

    /// Whether the two networks share at least one address.
    public func overlaps(_ other: IPNetwork) -> Bool {
        self.contains(other) || other.contains(self)
    }

    /// The last address of the network (the IPv4 broadcast address).
    public var lastAddress: IPAddress {
        let (high, low) = Self.mask(self.address.isIPv4 ? self.prefixLength + 96 : self.prefixLength)
        return IPAddress(high: self.address.high | ~high, low: self.address.low | ~low)
    }

    /// The 128-bit mask of the first `bits` bits (IPv4 networks use 96 + their length: the mapped prefix).
    @usableFromInline
    static func mask(_ bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? .max : (bits <= 0 ? 0 : ~(UInt64.max >> UInt64(bits)))
        let low: UInt64 = bits >= 128 ? .max : (bits <= 64 ? 0 : ~(UInt64.max >> UInt64(bits - 64)))
        return (high, low)
    }
}
