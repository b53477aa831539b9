import NetworkAddress
import Testing

/// The one address type: strict text, canonical text, bytes, order.
@Suite struct IPAddressTests {
    @Test(arguments: [
        "10.33.0.1", "0.0.0.0", "255.255.255.255", "fd33::1", "::", "::1", "1::", "::ffff:10.33.0.1",
        "2001:db8:0:0:0:0:0:1", "2001:DB8::0001", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4",
    ])
    func validAddresses(_ text: String) {
        #expect(IPAddress(text) != nil)
    }

    // Leading zeros, signs, spaces, trailing dots, too many groups, a second `::`, more than four hex digits, a
    // dotted quad that does not end the text or overflows the 128 bits, non-ASCII digits, an embedded NUL.
    @Test(arguments: [
        "10.33.0", "10.33.0.256", "010.33.0.1", "10.33.0.01", "10.33.0.1 ", " 10.33.0.1", "+10.33.0.1", "10.33.0.1.",
        "10..33.0", "fd33::1::2", "fd33:::1", ":fd33::1", "fd33::1:", "gggg::1", "12345::1", "", ".", ":", "1.2.3.4/24",
        "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "::01.2.3.4", "::a.2.3.4",
        "١٠.33.0.1", "10.33.0.1\u{0}", "1.2.3.4\u{0}x", "::+1", "0x0a.0.0.1",
    ])
    func invalidAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
        #expect(IPAddress.parse(text) == .failure(AddressParseError(.notAnAddress, text: text)))
    }

    @Test func clearError() {
        guard case .failure(let error) = IPAddress.parse("10.33.0.256") else {
            Issue.record("10.33.0.256 parsed")
            return
        }
        #expect(error.code == .notAnAddress)
        #expect(error.description == "`10.33.0.256` is not a valid IPv4 or IPv6 address")
    }

    @Test func canonicalText() throws {
        #expect(IPAddress("10.33.0.1")?.description == "10.33.0.1")
        #expect(IPAddress("2001:db8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("2001:DB8:0:0:1:0:0:1")?.description == "2001:db8::1:0:0:1")
        #expect(IPAddress("1:0:2:3:4:5:6:7")?.description == "1:0:2:3:4:5:6:7")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("1::")?.description == "1::")
        // An IPv4-mapped address is the IPv4 address, as on a dual-stack socket.
        #expect(IPAddress("::ffff:10.33.0.1") == IPAddress("10.33.0.1"))
        #expect(IPAddress("::ffff:10.33.0.1")?.description == "10.33.0.1")
        #expect(IPAddress("10.33.0.1") == IPAddress(ipv4: 0x0A21_0001))
        #expect(IPAddress("::1.2.3.4") == IPAddress(high: 0, low: 0x0102_0304))
    }

    @Test func familiesAndBytes() throws {
        let v4 = try #require(IPAddress("10.33.0.1"))
        let v6 = try #require(IPAddress("fd33::1"))
        #expect(v4.isIPv4 && !v4.isIPv6 && v4.bitWidth == 32 && v4.ipv4Value == 0x0A21_0001)
        #expect(v6.isIPv6 && !v6.isIPv4 && v6.bitWidth == 128 && v6.ipv4Value == nil)
        #expect(v4.bytes == [10, 33, 0, 1])
        #expect(v6.bytes == [0xFD, 0x33] + [UInt8](repeating: 0, count: 13) + [1])
        #expect(IPAddress(bytes: v4.bytes) == v4 && IPAddress(bytes: v6.bytes) == v6)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
        #expect(IPAddress("127.8.9.10")?.isLoopback == true && IPAddress("::1")?.isLoopback == true)
        #expect(IPAddress("128.0.0.1")?.isLoopback == false && IPAddress("::2")?.isLoopback == false)
        #expect(try #require(IPAddress("10.33.0.1")) < (try #require(IPAddress("10.33.0.2"))))
        #expect(Set([v4, try #require(IPAddress("10.33.0.1")), v6]).count == 2)
    }
}
