import Foundation
import SiteCatalog
import Testing

/// Addresses, CIDRs, gateways, overlaps and duplicates.
@Suite struct AddressDiagnosticsTests {
    @Test func badIPv4Address() throws {
        let yaml = Fixture.base(line: 21, replacing: "gateway: 10.33.1.1", with: "gateway: 10.33.1.256")
        #expect(try Fixture.problems(yaml) == ["21:76: `10.33.1.256` is not a valid IPv4 or IPv6 address"])
    }

    @Test func leadingZeroIsRefused() throws {
        // Octal to inet_aton, decimal to others: sites.yaml refuses the ambiguity.
        let yaml = Fixture.base(line: 21, replacing: "gateway: 10.33.1.1", with: "gateway: 10.33.1.01")
        #expect(try Fixture.problems(yaml) == ["21:76: `10.33.1.01` is not a valid IPv4 or IPv6 address"])
    }

    @Test func badIPv6Address() throws {
        let yaml = Fixture.base(line: 13, replacing: "10.33.0.53", with: "\"fd33::1::53\"")
        #expect(try Fixture.problems(yaml) == ["13:31: `fd33::1::53` is not a valid IPv4 or IPv6 address"])
    }

    @Test func ipv6ServiceOutsideTheIPv4DataCentreIsReported() throws {
        let yaml = Fixture.base(line: 13, replacing: "10.33.0.53", with: "\"fd33::53\"")
        #expect(
            try Fixture.problems(yaml) == [
                "13:31: address fd33::53 of service `dns` is outside the data centre's subnet 10.33.0.0/24"
            ])
    }

    @Test func cidrWithHostBitsSuggestsTheNetwork() throws {
        let yaml = Fixture.base(line: 21, replacing: "subnet: 10.33.1.0/24", with: "subnet: 10.33.1.7/24")
        #expect(try Fixture.problems(yaml) == ["21:53: `10.33.1.7/24` has host bits set; did you mean `10.33.1.0/24`?"])
    }

    @Test func cidrWithBadPrefixLength() throws {
        let yaml = Fixture.base(line: 21, replacing: "subnet: 10.33.1.0/24", with: "subnet: 10.33.1.0/33")
        #expect(try Fixture.problems(yaml) == ["21:53: `10.33.1.0/33` has a bad prefix length: it must be 0…32"])
    }

    @Test func cidrWithoutPrefix() throws {
        let yaml = Fixture.base(line: 21, replacing: "subnet: 10.33.1.0/24", with: "subnet: 10.33.1.0")
        #expect(
            try Fixture.problems(yaml) == [
                "21:53: `10.33.1.0` is not a network in CIDR notation (address/prefix-length, e.g. 10.33.1.0/24)"
            ])
    }

    @Test func gatewayOutsideItsSubnet() throws {
        let yaml = Fixture.base(replacing: 26, with: "    gateway: 10.33.4.1")
        #expect(
            try Fixture.problems(yaml) == ["26:14: gateway 10.33.4.1 is not inside the commune's subnet 10.33.3.0/24"])
    }

    @Test func gatewayOnTheNetworkAddress() throws {
        let yaml = Fixture.base(replacing: 26, with: "    gateway: 10.33.3.0")
        #expect(
            try Fixture.problems(yaml) == [
                "26:14: gateway 10.33.3.0 is the network address of 10.33.3.0/24, not a host"
            ])
    }

    @Test func identicalSubnets() throws {
        let yaml = Fixture.base(
            line: 22, replacing: "10.33.2.0/24, gateway: 10.33.2.1", with: "10.33.1.0/24, gateway: 10.33.1.2")
        #expect(
            try Fixture.problems(yaml) == [
                "22:49: subnet 10.33.1.0/24 of commune 11977 is the same as 10.33.1.0/24 of commune 11953 (first at line 21, column 53)"
            ])
    }

    @Test func overlappingSubnetsOfDifferentSizes() throws {
        let yaml = Fixture.base(
            line: 22, replacing: "10.33.2.0/24, gateway: 10.33.2.1", with: "10.33.0.128/25, gateway: 10.33.0.129")
        #expect(
            try Fixture.problems(yaml) == [
                "22:49: subnet 10.33.0.128/25 of commune 11977 is a /25, but `commune_prefix_length` is 24",
                "22:49: subnet 10.33.0.128/25 of commune 11977 overlaps 10.33.0.0/24 of the data centre (first at line 9, column 13)",
            ])
    }

    @Test func subnetOutsideTheSupernet() throws {
        let yaml = Fixture.base(
            line: 22, replacing: "10.33.2.0/24, gateway: 10.33.2.1", with: "10.34.2.0/24, gateway: 10.34.2.1")
        #expect(
            try Fixture.problems(yaml) == [
                "22:49: subnet 10.34.2.0/24 of commune 11977 is outside the supernet 10.33.0.0/16"
            ])
    }

    @Test func duplicateCommuneCode() throws {
        let yaml = Fixture.base(line: 22, replacing: "\"11977\"", with: "\"11953\"")
        #expect(try Fixture.problems(yaml) == ["22:13: duplicate commune code `11953` (first at line 21, column 13)"])
    }

    @Test func duplicateProbeID() throws {
        let yaml = Fixture.base(line: 22, replacing: "probe-11977", with: "probe-11953")
        #expect(
            try Fixture.problems(yaml) == [
                "22:93: probe id `probe-11953` is already used by commune 11953 (first at line 21, column 97)"
            ])
    }

    @Test func duplicateTargetName() throws {
        let yaml = Fixture.base(line: 30, replacing: "name: portal", with: "name: hub")
        #expect(
            try Fixture.problems(yaml) == [
                "30:17: duplicate target name `hub` in commune 13063 (first at line 29, column 17)"
            ])
    }

    @Test func duplicateAddressOfServiceAndHub() throws {
        let yaml = Fixture.base(line: 13, replacing: "10.33.0.53", with: "10.33.0.1")
        #expect(
            try Fixture.problems(yaml) == [
                "13:31: address 10.33.0.1 of service `dns` is already used by the hub (first at line 10, column 10)"
            ])
    }

    @Test func duplicateGatewayAddress() throws {
        let yaml = Fixture.base(line: 22, replacing: "gateway: 10.33.2.1", with: "gateway: 10.33.0.1")
        #expect(
            try Fixture.problems(yaml) == [
                "22:72: address 10.33.0.1 of the gateway of commune 11977 is already used by the hub (first at line 10, column 10)",
                "22:72: gateway 10.33.0.1 is not inside the commune's subnet 10.33.2.0/24",
            ])
    }
}
