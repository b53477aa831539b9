import NetworkAddress
import Testing

@testable import NetMonitor

/// The engine's reply lookup table against the dictionary it is built from.
@Suite("Address table")
struct AddressTableTests {
    @Test("finds every address of 1,000 IPv4 and 200 IPv6 targets, and nothing else")
    func lookups() throws {
        var index: [IPAddress: Int] = [:]
        for value in 0..<1_000 {
            index[IPAddress(ipv4: 0xC613_0000 | UInt32(value / 250) << 8 | UInt32(value % 250 + 1))] = index.count
        }
        for value in 0..<200 {
            index[IPAddress(high: 0xFD00_6E6D_0000_0000, low: UInt64(value) << 32 | 1)] = index.count
        }
        let table = AddressTable(index)
        for (address, target) in index {
            #expect(table[address] == target, "\(address)")
        }
        for absent in ["198.19.4.1", "198.19.0.251", "10.33.0.1", "fd00:6e6d::2", "::1", "0.0.0.0"] {
            #expect(table[try #require(IPAddress(absent))] == nil, "\(absent)")
        }
        #expect(AddressTable([:])[try #require(IPAddress("127.0.0.1"))] == nil)
    }
}
