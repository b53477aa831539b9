/// The echo requests of one run, prepared once: the payload (nonce and fill pattern) is written at the start, and
/// per probe only the header, the probe number in the cookie and the ICMPv4 checksum change. The checksum is the
/// constant part's `InternetChecksum` (RFC 1071 allows summing in any order) plus the words that changed, so a
/// send costs a few additions instead of a pass over the packet.
///
/// Not thread-safe: one template belongs to the thread that sends.
struct EchoRequestTemplate {
    /// The packet buffer (ICMP header and payload), rewritten by `prepare`.
    private let packet: UnsafeMutableRawBufferPointer
    private let identifier: UInt16
    private let hasCookie: Bool
    /// The checksum of what `prepare` never rewrites (the payload outside the probe number).
    private let constantPart: InternetChecksum

    /// Allocates and fills the template for `payloadSize` payload bytes.
    init(identifier: UInt16, payload: ProbePayload, payloadSize: Int) {
        self.packet = .allocate(byteCount: ICMPEcho.headerLength + payloadSize, alignment: 8)
        self.identifier = identifier
        self.hasCookie = payloadSize >= ProbePayload.cookieLength
        for index in 0..<ICMPEcho.headerLength { self.packet[index] = 0 }
        payload.write(
            probe: 0, into: UnsafeMutableRawBufferPointer(rebasing: self.packet[ICMPEcho.headerLength...]))
        // Probe 0 leaves the probe-number bytes zero: they add nothing to the constant part.
        var constantPart = InternetChecksum()
        constantPart.add(UnsafeRawBufferPointer(rebasing: self.packet[ICMPEcho.headerLength...]))
        self.constantPart = constantPart
    }

    /// Releases the buffer.
    func deallocate() { self.packet.deallocate() }

    /// Writes the echo request for probe number `probe` of `family` and returns it (valid until the next call).
    /// ICMPv6 checksums are left 0: the kernel computes them over its pseudo-header.
    func prepare(family: IPFamily, probe: Int) -> UnsafeRawBufferPointer {
        let bytes = self.packet
        let type: UInt8 = family == .v4 ? 8 : 128
        let sequence = UInt16(truncatingIfNeeded: probe)
        bytes[0] = type
        bytes[1] = 0
        bytes[2] = 0
        bytes[3] = 0
        bytes[4] = UInt8(truncatingIfNeeded: self.identifier >> 8)
        bytes[5] = UInt8(truncatingIfNeeded: self.identifier)
        bytes[6] = UInt8(truncatingIfNeeded: sequence >> 8)
        bytes[7] = UInt8(truncatingIfNeeded: sequence)
        var checksum = self.constantPart
        checksum.add(word: UInt16(type) << 8)
        checksum.add(word: self.identifier)
        checksum.add(word: sequence)
        if self.hasCookie {
            // Bytes 8..<16 of the payload: the probe number, big-endian.
            let number = UInt64(probe)
            let base = ICMPEcho.headerLength + 8
            for word in 0..<4 {
                let value = UInt16(truncatingIfNeeded: number >> UInt64(48 - 16 * word))
                bytes[base + 2 * word] = UInt8(truncatingIfNeeded: value >> 8)
                bytes[base + 2 * word + 1] = UInt8(truncatingIfNeeded: value)
                checksum.add(word: value)
            }
        }
        if family == .v4 {
            let value = checksum.value
            bytes[2] = UInt8(truncatingIfNeeded: value >> 8)
            bytes[3] = UInt8(truncatingIfNeeded: value)
        }
        return UnsafeRawBufferPointer(bytes)
    }
}
