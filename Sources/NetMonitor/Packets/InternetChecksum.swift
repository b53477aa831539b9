/// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit big-endian words.
///
/// Accumulate any number of byte runs (an odd trailing byte is padded with zero *at the end of the whole
/// message*, so feed runs of even length except possibly the last), then read `value`. Pseudo-headers for
/// UDP/TCP/ICMPv6 are added with the dedicated helpers.
///
/// ```swift
/// var checksum = InternetChecksum()
/// checksum.add(bytes)
/// let field = checksum.value   // store big-endian in the header
/// ```
/// A message that already carries its checksum verifies when `value == 0`.
public struct InternetChecksum: Sendable, Hashable {
    /// The running 32-bit sum of 16-bit words, carries not yet folded.
    private var sum: UInt64 = 0
    /// A byte left over from an odd-length run, waiting for its partner.
    private var pendingHighByte: UInt8?

    /// An empty checksum (sum 0).
    public init() {}

    /// The checksum of `bytes` in one call.
    public static func compute(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var checksum = InternetChecksum()
        checksum.add(bytes)
        return checksum.value
    }

    /// Adds bytes to the sum, continuing an odd-length previous run correctly.
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if let high = self.pendingHighByte {
                self.sum &+= UInt64(high) << 8 | UInt64(byte)
                self.pendingHighByte = nil
            } else {
                self.pendingHighByte = byte
            }
        }
    }

    /// Adds bytes from raw memory (fast path for packet buffers).
    public mutating func add(_ buffer: UnsafeRawBufferPointer) {
        var index = 0
        let count = buffer.count
        if let high = self.pendingHighByte, count > 0 {
            self.sum &+= UInt64(high) << 8 | UInt64(buffer[0])
            self.pendingHighByte = nil
            index = 1
        }
        while index + 1 < count {
            self.sum &+= UInt64(buffer[index]) << 8 | UInt64(buffer[index + 1])
            index += 2
        }
        if index < count {
            self.pendingHighByte = buffer[index]
        }
    }

    /// Adds one 16-bit word in host order that sits at an even offset of the message (e.g. a length or protocol
    /// number of a pseudo-header, or a header field). The sum does not depend on the order of aligned words, so a
    /// word may come before, between or after byte runs, also after an odd-length run.
    public mutating func add(word: UInt16) {
        self.sum &+= UInt64(word)
    }

    /// Adds the IPv4 pseudo-header used by UDP and TCP (RFC 768, RFC 793).
    /// - Parameters:
    ///   - source: 4 address bytes in network order.
    ///   - destination: 4 address bytes in network order.
    ///   - protocolNumber: IP protocol number (6 TCP, 17 UDP).
    ///   - length: length of the transport header plus payload.
    public mutating func addIPv4PseudoHeader(
        source: [UInt8], destination: [UInt8], protocolNumber: UInt8, length: UInt16
    ) {
        precondition(source.count == 4 && destination.count == 4, "IPv4 addresses have 4 bytes")
        self.add(source)
        self.add(destination)
        self.add(word: UInt16(protocolNumber))
        self.add(word: length)
    }

    /// Adds the IPv6 pseudo-header (RFC 8200 §8.1) used by ICMPv6, UDP and TCP over IPv6.
    /// - Parameters:
    ///   - source: 16 address bytes in network order.
    ///   - destination: 16 address bytes in network order.
    ///   - nextHeader: upper-layer protocol (58 ICMPv6, 6 TCP, 17 UDP).
    ///   - length: upper-layer packet length.
    public mutating func addIPv6PseudoHeader(source: [UInt8], destination: [UInt8], nextHeader: UInt8, length: UInt32) {
        precondition(source.count == 16 && destination.count == 16, "IPv6 addresses have 16 bytes")
        self.add(source)
        self.add(destination)
        self.add(word: UInt16(truncatingIfNeeded: length >> 16))
        self.add(word: UInt16(truncatingIfNeeded: length))
        self.add(word: UInt16(nextHeader))
    }

    /// The folded, complemented checksum, ready to be stored big-endian in a header.
    /// A trailing odd byte is padded with a zero byte.
    public var value: UInt16 {
        var total = self.sum
        if let high = self.pendingHighByte {
            total &+= UInt64(high) << 8
        }
        while total > 0xFFFF {
            total = (total & 0xFFFF) &+ (total >> 16)
        }
        return ~UInt16(total)
    }
}
