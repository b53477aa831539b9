/// A decoded TCP header with its options and the payload length taken from the IP length.
public struct TCPHeader: Hashable, Sendable {
    /// The flag bits of byte 13.
    public struct Flags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let fin = Flags(rawValue: 0x01)
        public static let syn = Flags(rawValue: 0x02)
        public static let rst = Flags(rawValue: 0x04)
        public static let psh = Flags(rawValue: 0x08)
        public static let ack = Flags(rawValue: 0x10)
        public static let urg = Flags(rawValue: 0x20)
        public static let ece = Flags(rawValue: 0x40)
        public static let cwr = Flags(rawValue: 0x80)
    }

    /// Source port.
    public var sourcePort: UInt16
    /// Destination port.
    public var destinationPort: UInt16
    /// Sequence number.
    public var sequenceNumber: UInt32
    /// Acknowledgement number.
    public var acknowledgementNumber: UInt32
    /// Header length in bytes (20…60).
    public var headerLength: Int
    /// Flags.
    public var flags: Flags
    /// Advertised window (unscaled).
    public var window: UInt16
    /// Options.
    public var options: TCPOptions
    /// Payload bytes on the wire (from the IP length, not the captured length).
    public var payloadLength: Int

    /// Decodes the TCP header at `offset`; `segmentLength` is the IP payload length (header + data).
    public static func decode(_ bytes: PacketBytes, at offset: Int, segmentLength: Int) -> Result<TCPHeader, MalformedPacket> {
        guard segmentLength >= 20 else { return .failure(.init(.tcp, "segment shorter than a TCP header")) }
        guard let sourcePort = bytes.u16(offset), let destinationPort = bytes.u16(offset + 2),
            let sequence = bytes.u32(offset + 4), let acknowledgement = bytes.u32(offset + 8),
            let offsetByte = bytes.u8(offset + 12), let flags = bytes.u8(offset + 13), let window = bytes.u16(offset + 14)
        else { return .failure(.init(.tcp, "header truncated")) }
        let headerLength = Int(offsetByte >> 4) * 4
        guard headerLength >= 20 else { return .failure(.init(.tcp, "data offset below 5")) }
        guard headerLength <= segmentLength else { return .failure(.init(.tcp, "data offset beyond the segment")) }
        guard bytes.contains(offset, length: headerLength) else { return .failure(.init(.tcp, "options truncated")) }
        let options: TCPOptions
        switch TCPOptions.decode(bytes, from: offset + 20, to: offset + headerLength) {
        case .success(let decoded): options = decoded
        case .failure(let error): return .failure(error)
        }
        return .success(
            TCPHeader(
                sourcePort: sourcePort, destinationPort: destinationPort, sequenceNumber: sequence,
                acknowledgementNumber: acknowledgement, headerLength: headerLength, flags: Flags(rawValue: flags),
                window: window, options: options, payloadLength: segmentLength - headerLength))
    }
}
