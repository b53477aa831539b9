import Testing

@testable import NetMonitor

@Suite("ICMP echo and error packets")
struct ICMPPacketTests {
    // 0800 + 1234 + 0001 + 6162 + 6364 = defb, checksum = ~defb = 2104 (worked by hand).
    let requestV4: [UInt8] = [0x08, 0x00, 0x21, 0x04, 0x12, 0x34, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64]

    @Test("v4 echo request encodes with the hand-worked checksum")
    func encodeV4() {
        let echo = ICMPEcho(family: .v4, kind: .request, identifier: 0x1234, sequence: 1, payload: Array("abcd".utf8))
        #expect(echo.encoded() == self.requestV4)
    }

    @Test("v4 echo reply decodes: identifier, sequence, payload")
    func decodeV4Reply() throws {
        // Reply: type 0 instead of 8, so the checksum grows by 0x0800: 2104 + 0800 = 2904.
        let reply: [UInt8] = [0x00, 0x00, 0x29, 0x04, 0x12, 0x34, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64]
        let echo = try ICMPEcho(decoding: reply, family: .v4)
        #expect(echo.kind == .reply)
        #expect(echo.identifier == 0x1234)
        #expect(echo.sequence == 1)
        #expect(echo.payload == Array("abcd".utf8))
        #expect(echo.encoded() == reply)
    }

    @Test("a byte-swapped (Windows-style) sequence reads as a different number, not as ours")
    func byteSwappedSequence() throws {
        // Sequence 1 written little-endian: bytes 01 00, which read big-endian are 256.
        var reply: [UInt8] = [0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x01, 0x00, 0x61, 0x62, 0x63, 0x64]
        let sum = InternetChecksum.compute(reply)
        reply[2] = UInt8(sum >> 8)
        reply[3] = UInt8(sum & 0xFF)
        let echo = try ICMPEcho(decoding: reply, family: .v4)
        #expect(echo.sequence == 256)
    }

    @Test("v4 checksum errors are rejected with their offset")
    func badChecksum() {
        var reply = self.requestV4
        reply[11] = 0x65
        #expect(throws: PacketError.self) { try ICMPEcho(decoding: reply, family: .v4) }
        do {
            _ = try ICMPEcho(decoding: reply, family: .v4)
        } catch {
            #expect(error.code == .badChecksum)
            #expect(error.offset == 2)
        }
        #expect((try? ICMPEcho(decoding: reply, family: .v4, verifyChecksum: false)) != nil)
    }

    @Test("truncated and non-echo messages are errors, not crashes")
    func truncated() {
        for length in 0..<8 {
            #expect(throws: PacketError.self) {
                try ICMPEcho(decoding: Array(self.requestV4.prefix(length)), family: .v4)
            }
            #expect(throws: PacketError.self) {
                try ICMPMessage(decoding: Array(self.requestV4.prefix(length)), family: .v4)
            }
        }
        #expect(throws: PacketError.self) { try ICMPEcho(decoding: self.requestV4, family: .v6) }
    }

    @Test("v6 echo request with the pseudo-header: ::1 -> ::1, id 1, seq 2, checksum 7fb8")
    func encodeV6() {
        // 0001 (src) + 0001 (dst) + 0008 (length) + 003a (next header) + 8000 + 0001 + 0002 = 8047 -> ~ = 7fb8.
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let echo = ICMPEcho(family: .v6, kind: .request, identifier: 1, sequence: 2)
        #expect(echo.encoded(ipv6Source: loopback, ipv6Destination: loopback) == [0x80, 0, 0x7F, 0xB8, 0, 1, 0, 2])
        // Without addresses the checksum is left for the kernel.
        #expect(echo.encoded() == [0x80, 0, 0, 0, 0, 1, 0, 2])
    }

    @Test("v6 echo reply decodes (type 129)")
    func decodeV6Reply() throws {
        let echo = try ICMPEcho(decoding: [129, 0, 0xAB, 0xCD, 0xBE, 0xEF, 0x01, 0x02, 9], family: .v6)
        #expect(echo.kind == .reply)
        #expect(echo.identifier == 0xBEEF)
        #expect(echo.sequence == 0x0102)
        #expect(echo.payload == [9])
    }

    @Test("IPv4 destination unreachable quotes our echo request: destination, identifier, sequence")
    func unreachableV4() throws {
        let quotedIP: [UInt8] = [
            0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ]
        let quotedEcho: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 7]
        let message = [3, 1, 0, 0, 0, 0, 0, 0] + quotedIP + quotedEcho
        guard case .error(let error) = try ICMPMessage(decoding: message, family: .v4) else {
            Issue.record("not decoded as an error")
            return
        }
        #expect(error.kind == .destinationUnreachable)
        #expect(error.quotedDestination == [10, 0, 0, 2])
        #expect(error.quotedIdentifier == 0x1234)
        #expect(error.quotedSequence == 7)
        #expect(error.description == "destination unreachable (host unreachable)")
    }

    @Test("IPv6 time exceeded quotes our echo request")
    func timeExceededV6() throws {
        var quoted = [UInt8](repeating: 0, count: 48)
        quoted[0] = 0x60
        quoted[6] = 58
        quoted[39] = 2  // destination ::2
        quoted[40] = 128
        quoted[44] = 0xAA
        quoted[45] = 0xBB
        quoted[47] = 3
        let message = [3, 0, 0, 0, 0, 0, 0, 0] + quoted
        guard case .error(let error) = try ICMPMessage(decoding: message, family: .v6) else {
            Issue.record("not decoded as an error")
            return
        }
        #expect(error.kind == .timeExceeded)
        #expect(error.quotedDestination == Array(repeating: 0, count: 15) + [2])
        #expect(error.quotedIdentifier == 0xAABB)
        #expect(error.quotedSequence == 3)
        #expect(error.description == "time exceeded (TTL exceeded in transit)")
    }

    @Test("an error quoting a truncated or foreign packet still decodes, without an echo")
    func errorWithShortQuote() throws {
        guard case .error(let error) = try ICMPMessage(decoding: [11, 0, 0, 0, 0, 0, 0, 0, 0x45, 0], family: .v4) else {
            Issue.record("not decoded as an error")
            return
        }
        #expect(error.quotedDestination == nil)
        #expect(error.quotedEcho == nil)
        #expect(try ICMPMessage(decoding: [134, 0, 0, 0, 0, 0, 0, 0], family: .v6) == .other(type: 134, code: 0))
    }

    @Test("IPv4 header: IHL with options, bad version and bad length")
    func ipv4Header() throws {
        var bytes: [UInt8] = [0x46, 0x10, 0, 32, 0, 0, 0, 0, 63, 1, 0, 0, 127, 0, 0, 1, 127, 0, 0, 2, 1, 1, 1, 1]
        let header = try bytes.withUnsafeBytes { try IPv4Header(decoding: $0) }
        #expect(header.headerLength == 24)
        #expect(header.tos == 0x10)
        #expect(header.ttl == 63)
        #expect(header.source == [127, 0, 0, 1])
        #expect(header.destination == [127, 0, 0, 2])
        bytes[0] = 0x65
        #expect(throws: PacketError.self) { try bytes.withUnsafeBytes { try IPv4Header(decoding: $0) } }
        bytes[0] = 0x4F
        #expect(throws: PacketError.self) { try bytes.withUnsafeBytes { try IPv4Header(decoding: $0) } }
    }
}
