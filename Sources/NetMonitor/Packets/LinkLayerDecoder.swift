/// Where the IP packet starts behind a link-layer header.
public struct NetworkLayerStart: Hashable, Sendable {
    /// Which IP version the link layer announced (4 or 6).
    public var ipVersion: UInt8
    /// The offset of the IP header in the captured bytes.
    public var offset: Int
}

/// The outcome of looking behind the link-layer header.
public enum LinkLayerResult: Hashable, Sendable {
    /// An IPv4 or IPv6 packet follows.
    case ip(NetworkLayerStart)
    /// Something other than IP (ARP, LLDP, …): not malformed, just not measured.
    case notIP
    /// The header is cut short or impossible.
    case malformed(MalformedPacket)
}

/// Decodes link-layer headers: Ethernet with 802.1Q/QinQ tags, Linux SLL and SLL2, raw IP, null and loop.
public enum LinkLayerDecoder {
    /// The largest number of stacked VLAN tags followed.
    public static let maximumVLANTags = 4

    /// Finds the IP packet behind the link-layer header of `bytes`.
    public static func decode(_ bytes: PacketBytes, linkType: LinkType) -> LinkLayerResult {
        switch linkType {
        case .ethernet:
            guard let etherType = bytes.u16(12) else { return .malformed(.init(.link, "Ethernet header truncated")) }
            return self.etherType(etherType, at: 14, in: bytes)
        case .linuxSLL:
            guard let proto = bytes.u16(14) else { return .malformed(.init(.link, "SLL header truncated")) }
            return self.etherType(proto, at: 16, in: bytes)
        case .linuxSLL2:
            guard bytes.contains(0, length: 20), let proto = bytes.u16(0) else {
                return .malformed(.init(.link, "SLL2 header truncated"))
            }
            return self.etherType(proto, at: 20, in: bytes)
        case .raw, .rawOpenBSD, .rawLinktype:
            guard let first = bytes.u8(0) else { return .malformed(.init(.link, "empty raw IP packet")) }
            switch first >> 4 {
            case 4: return .ip(.init(ipVersion: 4, offset: 0))
            case 6: return .ip(.init(ipVersion: 6, offset: 0))
            default: return .malformed(.init(.link, "raw IP packet with an unknown version"))
            }
        case .ipv4:
            return .ip(.init(ipVersion: 4, offset: 0))
        case .ipv6:
            return .ip(.init(ipVersion: 6, offset: 0))
        case .null, .loop:
            guard let big = bytes.u32(0), let little = bytes.u32LittleEndian(0) else {
                return .malformed(.init(.link, "loopback header truncated"))
            }
            // DLT_NULL uses the capturing host's byte order, DLT_LOOP network order: accept either.
            let family = linkType == .loop ? big : (big < 256 ? big : little)
            switch family {
            case 2: return .ip(.init(ipVersion: 4, offset: 4))
            case 10, 24, 28, 30: return .ip(.init(ipVersion: 6, offset: 4))  // AF_INET6 on Linux, BSDs, macOS
            default: return .notIP
            }
        default:
            return .malformed(.init(.link, "unsupported link type"))
        }
    }

    /// Follows VLAN tags from an EtherType at `offset`.
    private static func etherType(_ first: UInt16, at offset: Int, in bytes: PacketBytes) -> LinkLayerResult {
        var type = first
        var offset = offset
        var tags = 0
        while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
            tags += 1
            guard tags <= self.maximumVLANTags else { return .malformed(.init(.link, "too many VLAN tags")) }
            guard let inner = bytes.u16(offset + 2) else { return .malformed(.init(.link, "VLAN tag truncated")) }
            type = inner
            offset += 4
        }
        switch type {
        case 0x0800: return .ip(.init(ipVersion: 4, offset: offset))
        case 0x86DD: return .ip(.init(ipVersion: 6, offset: offset))
        default: return .notIP
        }
    }
}
