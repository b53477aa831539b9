/// An IPv4 or IPv6 prefix such as `10.33.1.0/24` or `2001:db8::/32`; a bare address is a host prefix.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let address: IPAddress
    /// The prefix length in the address's own family (0…32 for IPv4, 0…128 for IPv6).
    public let prefixLength: Int

    /// Parses `address/length` or a bare address.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...maximum).contains(parsed) else { return nil }
            length = parsed
        }
        self.init(address: address, prefixLength: length)
    }

    /// A prefix from an address and a length in the address's family.
    public init(address: IPAddress, prefixLength: Int) {
        self.prefixLength = prefixLength
        let (high, low) = Self.mask(address.isIPv4 ? prefixLength + 96 : prefixLength)
        self.address = IPAddress(high: address.high & high, low: address.low & low)
    }

    /// Whether `candidate` lies inside this prefix (IPv4 only in IPv4 prefixes).
    @inlinable
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isIPv4 == self.address.isIPv4 else { return false }
        let (high, low) = Self.mask(self.address.isIPv4 ? self.prefixLength + 96 : self.prefixLength)
        return candidate.high & high == self.address.high && candidate.low & low == self.address.low
    }

    @usableFromInline
    static func mask(_ bits: Int) -> (UInt64, UInt64) {
        let high: UInt64 = bits >= 64 ? .max : (bits <= 0 ? 0 : ~(UInt64.max >> UInt64(bits)))
        let low: UInt64 = bits >= 128 ? .max : (bits <= 64 ? 0 : ~(UInt64.max >> UInt64(bits - 64)))
        return (high, low)
    }

    public var description: String { "\(self.address)/\(self.prefixLength)" }
}
