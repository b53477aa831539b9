/// A libpcap data-link type (`pcap_datalink`), naming the header in front of the IP packet.
public struct LinkType: Hashable, Sendable, CustomStringConvertible {
    /// The `DLT_*` value as libpcap reports it.
    public var rawValue: Int32

    /// A link type from its `DLT_*` value.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// BSD loopback (`DLT_NULL`): a 4-byte address family in the capturing host's byte order.
    public static let null = LinkType(rawValue: 0)
    /// Ethernet (`DLT_EN10MB`), possibly with 802.1Q / 802.1ad (QinQ) tags.
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP (`DLT_RAW` on Linux).
    public static let raw = LinkType(rawValue: 12)
    /// Raw IP (`DLT_RAW` on OpenBSD).
    public static let rawOpenBSD = LinkType(rawValue: 14)
    /// Raw IP as `LINKTYPE_RAW`, when a reader passes the file's value through.
    public static let rawLinktype = LinkType(rawValue: 101)
    /// OpenBSD loopback (`DLT_LOOP`): a 4-byte address family in network byte order.
    public static let loop = LinkType(rawValue: 108)
    /// Linux cooked capture v1 (`DLT_LINUX_SLL`), 16-byte header.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Raw IPv4 (`DLT_IPV4`).
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6 (`DLT_IPV6`).
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux cooked capture v2 (`DLT_LINUX_SLL2`, the "any" device), 20-byte header.
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// Whether the decoders understand this link type.
    public var isSupported: Bool {
        [Self.null, .ethernet, .raw, .rawOpenBSD, .rawLinktype, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2].contains(
            self)
    }

    public var description: String {
        switch self {
        case .null: "null/loopback"
        case .ethernet: "Ethernet"
        case .raw, .rawOpenBSD, .rawLinktype: "raw IP"
        case .loop: "loop"
        case .linuxSLL: "Linux cooked (SLL)"
        case .ipv4: "raw IPv4"
        case .ipv6: "raw IPv6"
        case .linuxSLL2: "Linux cooked v2 (SLL2)"
        default: "DLT \(self.rawValue)"
        }
    }
}
