import NetMonitor
import NetworkAddress
import Testing

/// Hand-built frames for every link type, IPv6 extension headers, TCP options and every truncation.
@Suite("Packet decoders")
struct PacketDecoderTests {
    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }

    /// TCP SYN 40000 → 443 with MSS, SACK-permitted, timestamps and window scale (40-byte header), 10 bytes of data.
    static let tcp: [UInt8] = {
        var t = be16(40_000) + be16(443) + be32(0x0102_0304) + be32(0) + [0xA0, 0x02] + be16(64_240) + [0, 0, 0, 0]
        t += [2, 4, 0x05, 0xB4, 4, 2, 8, 10] + be32(111) + be32(0) + [1, 3, 3, 7]
        return t + [UInt8](repeating: 0x55, count: 10)
    }()

    static func ipv4(_ payload: [UInt8], proto: UInt8 = 6) -> [UInt8] {
        [0x45, 0] + be16(20 + payload.count) + [0x12, 0x34, 0x40, 0, 64, proto, 0, 0, 192, 0, 2, 1, 198, 51, 100, 7]
            + payload
    }

    static let v6Source: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    static let v6Destination: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [2]

    static func ipv6(_ payload: [UInt8], next: UInt8) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(payload.count) + [next, 64] + v6Source + v6Destination + payload
    }

    func decode(_ frame: [UInt8], _ linkType: LinkType, wire: Int? = nil) -> PacketDecodeResult {
        frame.withUnsafeBytes {
            PacketDecoder.decode(PacketBytes($0), wireLength: wire ?? frame.count, linkType: linkType)
        }
    }

    func expectTCP(_ result: PacketDecodeResult, _ comment: Comment) {
        guard case .ip(let packet) = result, case .tcp(let tcp) = packet.transport else {
            Issue.record("not TCP: \(result) (\(comment))")
            return
        }
        #expect(tcp.sourcePort == 40_000 && tcp.destinationPort == 443, comment)
        #expect(tcp.sequenceNumber == 0x0102_0304, comment)
        #expect(tcp.flags == .syn, comment)
        #expect(tcp.options.maximumSegmentSize == 1460, comment)
        #expect(tcp.options.isSACKPermitted, comment)
        #expect(tcp.options.windowScale == 7, comment)
        #expect(tcp.options.timestamp == TCPTimestamp(value: 111, echoReply: 0), comment)
        #expect(tcp.payloadLength == 10, comment)
    }

    @Test("every link type leads to the same TCP segment")
    func linkTypes() {
        let ip = Self.ipv4(Self.tcp)
        let mac = [UInt8](repeating: 2, count: 12)
        expectTCP(decode(mac + [0x08, 0x00] + ip, .ethernet), "Ethernet")
        expectTCP(decode(mac + [0x81, 0x00, 0, 7, 0x08, 0x00] + ip, .ethernet), "802.1Q")
        expectTCP(decode(mac + [0x88, 0xA8, 0, 7, 0x81, 0x00, 0, 9, 0x08, 0x00] + ip, .ethernet), "QinQ")
        expectTCP(decode([0, 0, 0, 1, 0, 6] + [UInt8](repeating: 1, count: 8) + [0x08, 0x00] + ip, .linuxSLL), "SLL")
        expectTCP(
            decode([0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6] + [UInt8](repeating: 1, count: 8) + ip, .linuxSLL2),
            "SLL2")
        expectTCP(decode(ip, .raw), "raw")
        expectTCP(decode(ip, .rawLinktype), "LINKTYPE_RAW")
        expectTCP(decode(ip, .ipv4), "DLT_IPV4")
        expectTCP(decode([2, 0, 0, 0] + ip, .null), "null, little-endian family")
        expectTCP(decode([0, 0, 0, 2] + ip, .null), "null, big-endian family")
        expectTCP(decode([0, 0, 0, 2] + ip, .loop), "loop")
        #expect(decode(mac + [0x08, 0x06] + [UInt8](repeating: 0, count: 28), .ethernet) == .notIP, "ARP")
        let fiveTags: [UInt8] = Array((0..<5).map { _ -> [UInt8] in [0x81, 0x00, 0, 1] }.joined())
        guard case .malformed = decode(mac + fiveTags + [0x08, 0x00] + ip, .ethernet) else {
            Issue.record("more than four VLAN tags must be malformed")
            return
        }
    }

    @Test("IPv6 extension headers are followed; a non-first fragment has no transport header")
    func ipv6() {
        let hopByHop: [UInt8] = [44, 0, 1, 4, 0, 0, 0, 0]
        let firstFragment: [UInt8] = [6, 0, 0, 1, 0, 0, 0, 42]
        let frame = Self.ipv6(hopByHop + firstFragment + Self.tcp, next: 0)
        expectTCP(decode(frame, .ipv6), "hop-by-hop + first fragment + TCP")
        if case .ip(let packet) = decode(frame, .ipv6) {
            #expect(packet.source.description == "2001:db8::1")
            #expect(packet.ipLength == frame.count)
        }
        let laterFragment: [UInt8] = [6, 0, 0x05, 0x01, 0, 0, 0, 42]  // offset 160
        guard case .ip(let packet) = decode(Self.ipv6(laterFragment + [1, 2, 3], next: 44), .ipv6),
            case .fragment(let proto) = packet.transport
        else {
            Issue.record("a later fragment decodes as .fragment")
            return
        }
        #expect(proto == 6)
        // An extension header claiming more than the payload length.
        guard case .malformed(let problem) = decode(Self.ipv6([6, 200, 0, 0, 0, 0, 0, 0], next: 60), .ipv6) else {
            Issue.record("an extension header beyond the payload is malformed")
            return
        }
        #expect(problem.layer == .ipv6)
    }

    @Test("ICMP and ICMPv6 echo identifiers and sequence numbers")
    func icmp() {
        let echo: [UInt8] = [8, 0, 0, 0, 0x03, 0x00, 0x01, 0x00] + [UInt8](repeating: 0, count: 32)
        guard case .ip(let v4) = decode(Self.ipv4(echo, proto: 1), .raw), case .icmp(let message) = v4.transport else {
            Issue.record("ICMP echo")
            return
        }
        #expect(message.isEchoRequest && message.identifier == 768 && message.sequenceNumber == 256)
        let reply: [UInt8] = [129, 0, 0, 0, 0, 1, 0, 3] + [UInt8](repeating: 0, count: 16)
        guard case .ip(let v6) = decode(Self.ipv6(reply, next: 58), .ipv6), case .icmp(let message6) = v6.transport
        else {
            Issue.record("ICMPv6 echo reply")
            return
        }
        #expect(message6.isICMPv6 && message6.isEchoReply && message6.identifier == 1 && message6.sequenceNumber == 3)
    }

    @Test("SACK blocks decode; impossible option lengths are malformed")
    func tcpOptions() {
        var sack = Self.tcp
        sack.replaceSubrange(
            20..<40, with: [1, 1, 5, 18] + Self.be32(100) + Self.be32(200) + Self.be32(300) + Self.be32(400) + [0, 0])
        guard case .ip(let packet) = decode(Self.ipv4(sack), .raw), case .tcp(let tcp) = packet.transport else {
            Issue.record("SACK segment")
            return
        }
        #expect(tcp.options.sackBlocks == [SACKBlock(left: 100, right: 200), SACKBlock(left: 300, right: 400)])
        var bad = Self.tcp
        bad[28] = 1  // the timestamps option's length byte (option starts at 26): 1 is impossible
        bad.replaceSubrange(26..<28, with: [8, 12])  // length 12 instead of 10
        guard case .malformed(let problem) = decode(Self.ipv4(bad), .raw) else {
            Issue.record("a timestamps option of length 12 is malformed")
            return
        }
        #expect(problem.layer == .tcp)
    }

    @Test("every truncation of a frame is counted as malformed or decoded, never read past")
    func truncations() {
        let full = [UInt8](repeating: 2, count: 12) + [0x81, 0x00, 0, 7, 0x08, 0x00] + Self.ipv4(Self.tcp)
        let headers = 18 + 20 + 40
        for length in 0...full.count {
            let result = decode(Array(full.prefix(length)), .ethernet, wire: full.count)
            switch result {
            case .malformed:
                #expect(length < headers, "cut at \(length) of \(full.count)")
            case .ip(let packet):
                #expect(length >= headers, "cut at \(length)")
                guard case .tcp(let tcp) = packet.transport else {
                    Issue.record("cut at \(length): not TCP")
                    continue
                }
                #expect(tcp.payloadLength == 10, "the payload length comes from the IP header, not the capture")
            case .notIP:
                Issue.record("cut at \(length): not IP")
            }
        }
        // Lengths that cannot be: total length below IHL, IHL below 5, data offset beyond the segment.
        var shortTotal = Self.ipv4(Self.tcp)
        shortTotal.replaceSubrange(2..<4, with: [0, 12])
        var smallIHL = Self.ipv4(Self.tcp)
        smallIHL[0] = 0x44
        var bigOffset = Self.ipv4(Array(Self.tcp.prefix(24)))
        bigOffset[20 + 12] = 0xF0
        for (frame, layer) in [(shortTotal, MalformedPacket.Layer.ipv4), (smallIHL, .ipv4), (bigOffset, .tcp)] {
            guard case .malformed(let problem) = decode(frame, .raw) else {
                Issue.record("expected malformed at \(layer)")
                continue
            }
            #expect(problem.layer == layer)
        }
    }

    // The address and network types themselves: NetworkAddressTests.
    @Test("the longest prefix names the site")
    func siteMap() throws {
        let network = try #require(IPNetwork("10.33.1.0/24"))
        let map = SiteMap([
            (network, "commune"), (IPNetwork(host: try #require(IPAddress("10.33.1.10"))), "host"),
            (try #require(IPNetwork("10.0.0.0/8")), "wide"),
        ])
        #expect(map.sites[Int(map.site(for: try #require(IPAddress("10.33.1.10"))))] == "host")
        #expect(map.sites[Int(map.site(for: try #require(IPAddress("10.33.1.11"))))] == "commune")
        #expect(map.sites[Int(map.site(for: try #require(IPAddress("10.9.9.9"))))] == "wide")
        #expect(map.site(for: try #require(IPAddress("192.0.2.1"))) == -1)
    }
}
