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
    public static func decode(
        _ bytes: PacketBytes, at offset: Int, segmentLength: Int
    ) -> Result<TCPHeader, MalformedPacket> {
        var header = TCPHeader.empty
        if let problem = Self.decode(bytes, at: offset, segmentLength: segmentLength, into: &header) {
            return .failure(problem)
        }
        return .success(header)
    }

    /// A header of zeros, to decode into.
    static let empty = TCPHeader(
        sourcePort: 0, destinationPort: 0, sequenceNumber: 0, acknowledgementNumber: 0, headerLength: 20, flags: [],
        window: 0,
        options: TCPOptions(), payloadLength: 0)

    /// The same, decoding in place: nil when `header` holds the decoded header, else what is wrong.
    @inline(__always)
    static func decode(
        _ bytes: PacketBytes, at offset: Int, segmentLength: Int, into header: inout TCPHeader
    ) -> MalformedPacket? {
        guard segmentLength >= 20 else { return MalformedPacket(.tcp, "segment shorter than a TCP header") }
        guard bytes.contains(offset, length: 20) else { return MalformedPacket(.tcp, "header truncated") }
        // The 20 fixed bytes are captured: read them without further checks.
        let base = bytes.buffer.baseAddress! + offset
        @inline(__always) func u16(_ at: Int) -> UInt16 {
            UInt16(base.load(fromByteOffset: at, as: UInt8.self)) << 8
                | UInt16(base.load(fromByteOffset: at + 1, as: UInt8.self))
        }
        @inline(__always) func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
        let headerLength = Int(base.load(fromByteOffset: 12, as: UInt8.self) >> 4) * 4
        guard headerLength >= 20 else { return MalformedPacket(.tcp, "data offset below 5") }
        guard headerLength <= segmentLength else { return MalformedPacket(.tcp, "data offset beyond the segment") }
        guard bytes.contains(offset, length: headerLength) else { return MalformedPacket(.tcp, "options truncated") }
        header.sourcePort = u16(0)
        header.destinationPort = u16(2)
        header.sequenceNumber = u32(4)
        header.acknowledgementNumber = u32(8)
        header.headerLength = headerLength
        header.flags = Flags(rawValue: base.load(fromByteOffset: 13, as: UInt8.self))
        header.window = u16(14)
        header.payloadLength = segmentLength - headerLength
        header.options = TCPOptions()
        if headerLength > 20,
            let problem = TCPOptions.decode(bytes, from: offset + 20, to: offset + headerLength, into: &header.options)
        {
            return problem
        }
        return nil
    }
}
