/// The fixed part of an IPv4 header (RFC 791), as delivered in front of ICMP on raw IPv4 sockets and quoted
/// inside ICMP error messages.
public struct IPv4Header: Sendable, Hashable {
    /// Header length in bytes (IHL × 4, at least 20).
    public var headerLength: Int
    /// Type of service / DSCP+ECN byte.
    public var tos: UInt8
    /// Total length field (header plus payload) in bytes.
    public var totalLength: Int
    /// Time to live.
    public var ttl: UInt8
    /// Protocol number (1 = ICMP, 6 = TCP, 17 = UDP).
    public var protocolNumber: UInt8
    /// Source address, 4 bytes in network order.
    public var source: [UInt8]
    /// Destination address, 4 bytes in network order.
    public var destination: [UInt8]

    /// Decodes the header at the start of `bytes`.
    /// - Throws: `PacketError` when the buffer is shorter than 20 bytes or than IHL says, or the version is not 4.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(PacketError) {
        guard bytes.count >= 20 else {
            throw PacketError(.truncated, "IPv4 header needs 20 bytes, got \(bytes.count)", offset: bytes.count)
        }
        guard bytes[0] >> 4 == 4 else {
            throw PacketError(.badVersion, "IP version \(bytes[0] >> 4) where 4 was expected", offset: 0)
        }
        let headerLength = Int(bytes[0] & 0x0F) * 4
        guard headerLength >= 20, headerLength <= bytes.count else {
            throw PacketError(
                .badHeaderLength, "IPv4 header length \(headerLength) is outside 20...\(bytes.count)", offset: 0)
        }
        self.headerLength = headerLength
        self.tos = bytes[1]
        self.totalLength = Int(bytes[2]) << 8 | Int(bytes[3])
        self.ttl = bytes[8]
        self.protocolNumber = bytes[9]
        self.source = Array(bytes[12..<16])
        self.destination = Array(bytes[16..<20])
    }
}
