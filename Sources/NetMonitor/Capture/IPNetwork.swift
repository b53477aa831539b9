/// An IPv4 or IPv6 prefix such as `10.33.1.0/24` or `2001:db8::/32`; a bare address is a host prefix.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    /// The network address (host bits cleared).
    public let address: IPAddress
    /// The prefix length in the address's own family (0…32 for IPv4, 0…128 for IPv6).
    public let prefixLength: Int
    private let maskHigh: UInt64
    private let maskLow: UInt64

    /// Parses `address/length` or a bare address.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let address = IPAddress(String(parts[0])) else { return nil }
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
        // IPv4 lives in the low 32 bits of `low`: its mask is the 128-bit mask of length 96 + prefix.
        let bits = address.isIPv4 ? prefixLength + 96 : prefixLength
        self.maskHigh = bits >= 64 ? .max : (bits <= 0 ? 0 : ~(UInt64.max >> UInt64(bits)))
        self.maskLow = bits >= 128 ? .max : (bits <= 64 ? 0 : ~(UInt64.max >> UInt64(bits - 64)))
        self.address = address.isIPv4
            ? IPAddress(ipv4: UInt32(truncatingIfNeeded: address.low & self.maskLow))
            : IPAddress(ipv6High: address.high & self.maskHigh, low: address.low & self.maskLow)
    }

    /// Whether `candidate` lies inside this prefix (IPv4 only in IPv4 prefixes).
    public func contains(_ candidate: IPAddress) -> Bool {
        candidate.family == self.address.family && candidate.high & self.maskHigh == self.address.high
            && candidate.low & self.maskLow == self.address.low
    }

    public var description: String { "\(self.address)/\(self.prefixLength)" }
}
