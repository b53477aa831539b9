import NetworkAddress

/// The fields of an IPv6 header and its extension-header chain that measurement needs.
public struct IPv6PacketHeader: Hashable, Sendable {
    /// Payload length from the header (extension headers + upper layer); the wire length stands in for jumbograms.
    public var payloadLength: Int
    /// Hop limit.
    public var hopLimit: UInt8
    /// The upper-layer protocol after the extension headers (59 = no next header, 50 = ESP: opaque).
    public var protocolNumber: UInt8
    /// Bytes of fixed header plus extension headers, from the start of the IPv6 header.
    public var headerLength: Int
    /// Whether a fragment header with a non-zero offset was found (no upper-layer header follows).
    public var isNonFirstFragment: Bool
    /// Source address.
    public var source: IPAddress
    /// Destination address.
    public var destination: IPAddress

    /// The largest number of extension headers followed.
    public static let maximumExtensionHeaders = 16

    /// Decodes the IPv6 header and extension headers at `offset`; `wireLength` is the frame's length on the wire.
    public static func decode(
        _ bytes: PacketBytes, at offset: Int, wireLength: Int
    ) -> Result<IPv6PacketHeader, MalformedPacket> {
        guard let first = bytes.u8(offset) else { return .failure(.init(.ipv6, "header truncated")) }
        guard first >> 4 == 6 else { return .failure(.init(.ipv6, "version is not 6")) }
        guard let payload = bytes.u16(offset + 4), let next = bytes.u8(offset + 6), let hops = bytes.u8(offset + 7),
            let sh = bytes.u64(offset + 8), let sl = bytes.u64(offset + 16),
            let dh = bytes.u64(offset + 24), let dl = bytes.u64(offset + 32)
        else { return .failure(.init(.ipv6, "header truncated")) }
        var payloadLength = Int(payload)
        if payloadLength == 0 { payloadLength = wireLength - offset - 40 }  // jumbogram or offload
        guard payloadLength >= 0, payloadLength <= wireLength - offset - 40 else {
            return .failure(.init(.ipv6, "payload length beyond the frame"))
        }
        var header = 40
        var proto = next
        var nonFirstFragment = false
        var count = 0
        loop: while true {
            let at = offset + header
            let extensionLength: Int
            switch proto {
            case 0, 43, 60, 135, 139, 140:  // hop-by-hop, routing, destination options, mobility, HIP, shim6
                guard let length = bytes.u8(at + 1) else { return .failure(.init(.ipv6, "extension header truncated")) }
                extensionLength = (Int(length) + 1) * 8
            case 44:  // fragment
                guard let offsetField = bytes.u16(at + 2) else {
                    return .failure(.init(.ipv6, "fragment header truncated"))
                }
                if offsetField >> 3 != 0 { nonFirstFragment = true }
                extensionLength = 8
            case 51:  // authentication header
                guard let length = bytes.u8(at + 1) else { return .failure(.init(.ipv6, "AH truncated")) }
                extensionLength = (Int(length) + 2) * 4
            default:
                break loop
            }
            count += 1
            guard count <= Self.maximumExtensionHeaders else {
                return .failure(.init(.ipv6, "too many extension headers"))
            }
            guard header + extensionLength <= 40 + payloadLength else {
                return .failure(.init(.ipv6, "extension header beyond the payload length"))
            }
            guard bytes.contains(at, length: extensionLength), let nextHeader = bytes.u8(at) else {
                return .failure(.init(.ipv6, "extension header truncated"))
            }
            proto = nextHeader
            header += extensionLength
            if nonFirstFragment { break loop }
        }
        return .success(
            IPv6PacketHeader(
                payloadLength: payloadLength, hopLimit: hops, protocolNumber: proto, headerLength: header,
                isNonFirstFragment: nonFirstFragment,
                source: IPAddress(high: sh, low: sl), destination: IPAddress(high: dh, low: dl)))
    }
}
