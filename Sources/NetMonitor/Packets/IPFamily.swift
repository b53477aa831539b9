/// IP version of an address, socket or ICMP flavour.
public enum IPFamily: String, Sendable, Hashable, Codable, CaseIterable {
    /// IPv4 (ICMP, RFC 792).
    case v4
    /// IPv6 (ICMPv6, RFC 4443).
    case v6
}
