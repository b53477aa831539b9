import NetworkAddress
import Testing

/// The one network type: strict CIDR text, membership, overlap.
@Suite struct IPNetworkTests {
    @Test func membership() throws {
        let net = try #require(IPNetwork("10.33.4.0/24"))
        #expect(net.contains(try #require(IPAddress("10.33.4.255"))))
        #expect(!net.contains(try #require(IPAddress("10.33.5.0"))))
        #expect(!net.contains(try #require(IPAddress("fd33::1"))))
        #expect(!net.contains(try #require(IPAddress("::10.33.4.1"))))
        #expect(net.lastAddress == IPAddress("10.33.4.255"))
        #expect(try #require(IPNetwork("10.33.0.0/16")).contains(net))
        #expect(!net.contains(try #require(IPNetwork("10.33.0.0/16"))))
        #expect(net.overlaps(try #require(IPNetwork("10.33.4.128/25"))))
        #expect(try #require(IPNetwork("10.33.4.128/25")).overlaps(net))
        #expect(!net.overlaps(try #require(IPNetwork("10.33.5.0/24"))))
        #expect(!net.overlaps(try #require(IPNetwork("::/0"))))
        #expect(IPNetwork("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        let v6 = try #require(IPNetwork("fd33:0:0:4::/64"))
        #expect(v6.contains(try #require(IPAddress("fd33::4:0:0:0:1"))))
        #expect(v6.lastAddress == IPAddress("fd33:0:0:4:ffff:ffff:ffff:ffff"))
        #expect(v6.description == "fd33:0:0:4::/64")
        let six = try #require(IPNetwork("2001:db8::/32"))
        #expect(six.contains(try #require(IPAddress("2001:db8:ffff::1"))))
        #expect(!six.contains(try #require(IPAddress("10.33.1.1"))))
    }

    @Test func hostsAndContaining() throws {
        let address = try #require(IPAddress("10.33.4.7"))
        let host = IPNetwork(host: address)
        #expect(host.isHost && host.prefixLength == 32 && host.description == "10.33.4.7/32")
        let neighbour = try #require(IPAddress("10.33.4.8"))
        #expect(host.contains(address) && !host.contains(neighbour))
        #expect(IPNetwork(containing: address, prefixLength: 24) == IPNetwork("10.33.4.0/24"))
        #expect(IPNetwork(containing: address, prefixLength: 40).prefixLength == 32)
        #expect(IPNetwork(host: try #require(IPAddress("fd33::1"))).prefixLength == 128)
        #expect(try #require(IPNetwork("10.33.4.0/24")).isHost == false)
    }

    @Test func strictParsing() throws {
        let net = try #require(IPNetwork("10.33.4.0/24"))
        #expect(
            IPNetwork.parse("10.33.4.1/24")
                == .failure(AddressParseError(.hostBitsSet, text: "10.33.4.1/24", suggestion: net)))
        #expect(
            IPNetwork.parse("10.33.4.0/33")
                == .failure(AddressParseError(.badPrefixLength, text: "10.33.4.0/33", maximumPrefixLength: 32)))
        #expect(
            IPNetwork.parse("fd33::/129")
                == .failure(AddressParseError(.badPrefixLength, text: "fd33::/129", maximumPrefixLength: 128)))
        for bad in [
            "10.33.4.0/+8", "10.33.4.0/024", "10.33.4.0/", "10.33.4.0/2 4", "10.33.4.0/-1", "10.33.4.0/٢٤",
            "10.33.4.0/24/1",
        ] {
            #expect(IPNetwork.parse(bad).failureCode == .badPrefixLength, "\(bad)")
        }
        for bad in ["10.33.4.0", "010.33.4.0/24", "/24", "", "fd33::1::/64"] {
            #expect(IPNetwork.parse(bad).failureCode == .notANetwork, "\(bad)")
        }
        #expect(IPNetwork("0.0.0.0/0") != nil && IPNetwork("::/0") != nil && IPNetwork("10.33.4.7/32") != nil)
    }

    @Test func clearErrors() {
        #expect(
            IPNetwork.parse("10.33.4.1/24").failureDescription
                == "`10.33.4.1/24` has host bits set; did you mean `10.33.4.0/24`?")
        #expect(
            IPNetwork.parse("10.33.4.0/33").failureDescription
                == "`10.33.4.0/33` has a bad prefix length: it must be 0…32")
        #expect(
            IPNetwork.parse("10.33.4.0").failureDescription
                == "`10.33.4.0` is not a network in CIDR notation (address/prefix-length, e.g. 10.33.1.0/24)")
    }
}

extension Result where Failure == AddressParseError {
    fileprivate var failureCode: AddressParseError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }

    fileprivate var failureDescription: String? {
        if case .failure(let error) = self { return error.description }
        return nil
    }
}
