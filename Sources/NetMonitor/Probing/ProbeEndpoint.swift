import NetworkAddress

/// One thing to probe: a label (what the user typed or the target name from sites.yaml), a resolved address,
/// and how to probe it.
public struct ProbeEndpoint: Sendable, Hashable {
    /// How to probe.
    public enum Method: Sendable, Hashable {
        /// ICMP echo (v4) or ICMPv6 echo (v6).
        case icmp
        /// TCP connect to `port`: the round trip is the time to connection completion (SYN → SYN-ACK).
        case tcp(port: UInt16)
    }

    /// What the user called it.
    public var label: String
    /// Where the probes go.
    public var address: IPAddress
    /// ICMP or TCP.
    public var method: Method

    /// Creates an endpoint.
    public init(label: String, address: IPAddress, method: Method = .icmp) {
        self.label = label
        self.address = address
        self.method = method
    }
}
