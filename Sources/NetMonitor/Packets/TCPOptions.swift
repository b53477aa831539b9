/// One SACK block: bytes `[left, right)` the receiver holds beyond the cumulative ACK.
public struct SACKBlock: Hashable, Sendable {
    /// First sequence number of the block.
    public var left: UInt32
    /// Sequence number after the block.
    public var right: UInt32

    /// A block.
    public init(left: UInt32, right: UInt32) {
        self.left = left
        self.right = right
    }
}

/// The TCP timestamps option (RFC 7323).
public struct TCPTimestamp: Hashable, Sendable {
    /// The sender's timestamp value.
    public var value: UInt32
    /// The echoed timestamp (meaningful when ACK is set).
    public var echoReply: UInt32

    /// A timestamps option.
    public init(value: UInt32, echoReply: UInt32) {
        self.value = value
        self.echoReply = echoReply
    }
}

/// The TCP options measurement uses.
public struct TCPOptions: Hashable, Sendable {
    /// Maximum segment size.
    public var maximumSegmentSize: UInt16?
    /// Window scale shift.
    public var windowScale: UInt8?
    /// Whether SACK was permitted (SYN only).
    public var isSACKPermitted = false
    /// How many SACK blocks the segment carries (0…4).
    public private(set) var sackBlockCount = 0
    // Up to four blocks stored inline, so a decoded header holds no reference and copies without ARC.
    private var sack0 = SACKBlock(left: 0, right: 0), sack1 = SACKBlock(left: 0, right: 0)
    private var sack2 = SACKBlock(left: 0, right: 0), sack3 = SACKBlock(left: 0, right: 0)

    /// The SACK blocks, in option order.
    public var sackBlocks: [SACKBlock] {
        Array([self.sack0, self.sack1, self.sack2, self.sack3].prefix(self.sackBlockCount))
    }

    private mutating func appendSACK(_ block: SACKBlock) {
        switch self.sackBlockCount {
        case 0: self.sack0 = block
        case 1: self.sack1 = block
        case 2: self.sack2 = block
        case 3: self.sack3 = block
        default: return
        }
        self.sackBlockCount += 1
    }
    /// Timestamps.
    public var timestamp: TCPTimestamp?

    /// No options.
    public init() {}

    /// Parses the options in `[start, end)`: every option must fit, with the length its kind requires.
    public static func decode(_ bytes: PacketBytes, from start: Int, to end: Int) -> Result<TCPOptions, MalformedPacket>
    {
        var options = TCPOptions()
        if let problem = Self.decode(bytes, from: start, to: end, into: &options) { return .failure(problem) }
        return .success(options)
    }

    /// The same, into `options` (which starts empty): nil on success, else what is wrong.
    @inline(__always)
    static func decode(
        _ bytes: PacketBytes, from start: Int, to end: Int, into options: inout TCPOptions
    ) -> MalformedPacket? {
        var at = start
        // The usual layout of data segments: NOP, NOP, timestamps (Linux, BSD).
        if end - start == 12, bytes.contains(start, length: 12), bytes.buffer[start] == 1, bytes.buffer[start + 1] == 1,
            bytes.buffer[start + 2] == 8, bytes.buffer[start + 3] == 10, let value = bytes.u32(start + 4),
            let echo = bytes.u32(start + 8)
        {
            options.timestamp = TCPTimestamp(value: value, echoReply: echo)
            return nil
        }
        while at < end {
            guard let kind = bytes.u8(at) else { return MalformedPacket(.tcp, "options truncated") }
            if kind == 0 { break }  // end of option list
            if kind == 1 {  // no-operation
                at += 1
                continue
            }
            guard at + 1 < end, let length = bytes.u8(at + 1).map(Int.init) else {
                return MalformedPacket(.tcp, "option length missing")
            }
            guard length >= 2, at + length <= end, bytes.contains(at, length: length) else {
                return MalformedPacket(.tcp, "option length out of range")
            }
            switch kind {
            case 2:
                guard length == 4 else { return MalformedPacket(.tcp, "MSS option length is not 4") }
                options.maximumSegmentSize = bytes.u16(at + 2)
            case 3:
                guard length == 3 else { return MalformedPacket(.tcp, "window scale option length is not 3") }
                options.windowScale = bytes.u8(at + 2)
            case 4:
                guard length == 2 else { return MalformedPacket(.tcp, "SACK-permitted option length is not 2") }
                options.isSACKPermitted = true
            case 5:
                guard (length - 2) % 8 == 0, length >= 10, length <= 34 else {
                    return MalformedPacket(.tcp, "SACK option length is not 2 + 8n")
                }
                options.sackBlockCount = 0
                var block = at + 2
                while block < at + length {
                    guard let left = bytes.u32(block), let right = bytes.u32(block + 4) else {
                        return MalformedPacket(.tcp, "SACK block truncated")
                    }
                    options.appendSACK(SACKBlock(left: left, right: right))
                    block += 8
                }
            case 8:
                guard length == 10, let value = bytes.u32(at + 2), let echo = bytes.u32(at + 6) else {
                    return MalformedPacket(.tcp, "timestamps option length is not 10")
                }
                options.timestamp = TCPTimestamp(value: value, echoReply: echo)
            default:
                break  // other options are skipped by their length
            }
            at += length
        }
        return nil
    }
}
