import Foundation
import SiteCatalog
import Testing

/// `kind: stamp` targets in sites.yaml: their settings, defaults and the errors with positions.
@Suite("sites.yaml stamp targets")
struct STAMPTargetTests {
    /// Line 13 of the fixture (the `dns` service) with `kind: icmp` replaced by `replacement`.
    static func dns(_ replacement: String) -> String {
        Fixture.base(line: 13, replacing: "kind: icmp", with: replacement)
    }

    /// The 1-based column of `token` on line 13 of `yaml`.
    static func column(of token: String, in yaml: String) throws -> Int {
        let line = yaml.components(separatedBy: "\n")[12]
        let range = try #require(line.range(of: token))
        return line.distance(from: line.startIndex, to: range.lowerBound) + 1
    }

    @Test("a stamp target with every setting loads; the port defaults to 862")
    func settingsLoad() throws {
        let yaml = Self.dns("kind: stamp, stateful: true, dscp: 46, size: 128, clock_error: 0.05ms, port: 9862")
        #expect(try Fixture.problems(yaml) == [])
        let config = try SitesConfig.load(path: try Fixture.write(yaml))
        let dns = try #require(config.network.datacenter.services.first { $0.name == "dns" })
        #expect(
            dns.kind
                == .stamp(
                    STAMPTargetSettings(
                        port: 9862, stateful: true, dscp: 46, packetOctets: 128, clockErrorSeconds: 0.000_05)))
        #expect(dns.kind.description == "stamp/9862")

        let plain = try SitesConfig.load(path: try Fixture.write(Self.dns("kind: stamp")))
        let target = try #require(plain.network.datacenter.services.first { $0.name == "dns" })
        #expect(target.kind == .stamp(STAMPTargetSettings()))
        #expect(STAMPTargetSettings().port == 862 && STAMPTargetSettings().packetOctets == 44)
    }

    @Test("wrong stamp settings are reported at the value, with line and column")
    func errorsWithPositions() throws {
        let cases: [(String, String, String)] = [
            ("kind: stamp, dscp: 64", "64", "`network.datacenter.services[1].dscp` must be between 0 and 63, found 64"),
            (
                "kind: stamp, size: 46", "46",
                "`network.datacenter.services[1].size` must be 44 (the base packet) or 48–65000 (padding is a TLV of 4 octets or more), found 46"
            ),
            (
                "kind: stamp, size: 20", "20",
                "`network.datacenter.services[1].size` must be between 44 and 65000, found 20"
            ),
            (
                "kind: stamp, port: 0", "0 }",
                "`network.datacenter.services[1].port` must be between 1 and 65535, found 0"
            ),
            (
                "kind: stamp, stateful: yes please", "yes please",
                "expected true or false for `network.datacenter.services[1].stateful`, found string \"yes please\""
            ),
            (
                "kind: stamp, clock_error: 1 hour", "1 hour",
                "`1 hour` is not a duration; write e.g. 500ms, 30s, 5m, 4h or 1h30m"
            ),
            (
                "kind: stamp, clock_error: 20s", "20s",
                "`network.datacenter.services[1].clock_error` must be at most 16s (an error bound larger than that is no synchronised clock)"
            ),
            ("kind: icmp, dscp: 46", "dscp", "`dscp` applies to stamp targets only; remove it or use `kind: stamp`"),
            ("kind: stmap", "stmap", "`stmap` is not a target kind; did you mean `stamp`?"),
        ]
        for (replacement, token, message) in cases {
            let yaml = Self.dns(replacement)
            let column = try Self.column(of: token, in: yaml)
            #expect(try Fixture.problems(yaml) == ["13:\(column): \(message)"], "\(replacement)")
        }
    }
}
