extension IPAddress {
    /// An IPv4 address from its 32 bits in host order (`0x0A210001` is 10.33.0.1), without allocating.
    public init(ipv4 value: UInt32) {
        self.family = .v4
        self.high = 0
        self.low = UInt64(value)
    }

    /// An IPv6 address from its two 64-bit halves in host order, without allocating.
    public init(ipv6High high: UInt64, low: UInt64) {
        self.family = .v6
        self.high = high
        self.low = low
    }

    /// Whether this is an IPv4 address.
    public var isIPv4: Bool { self.family == .v4 }
}
