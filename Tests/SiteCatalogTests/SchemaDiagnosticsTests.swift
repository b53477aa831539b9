import Foundation
import SiteCatalog
import Testing

/// Unknown keys, missing keys and wrong types, each at its exact position.
@Suite struct SchemaDiagnosticsTests {
    @Test func baseFixtureIsValid() throws {
        #expect(try Fixture.problems(Fixture.base) == [])
    }

    @Test func unknownKeySuggestsTheClosestKnownKey() throws {
        let yaml = Fixture.base(replacing: 26, with: "    gatway: 10.33.3.1")
        #expect(
            try Fixture.problems(yaml) == [
                "23:5: missing required key `gateway` in commune",
                "26:5: unknown key `gatway` in commune; did you mean `gateway`?",
            ])
    }

    @Test func unknownKeyFarFromAnyKnownKeyListsTheKnownKeys() throws {
        let yaml = Fixture.base(replacing: 14, with: "  colour: blue")
        #expect(
            try Fixture.problems(yaml) == [
                "14:3: unknown key `colour` in network (known keys: `datacenter`, `supernet`, `commune_prefix_length`)"
            ])
    }

    @Test func unknownTopLevelKeyInFlowMapping() throws {
        let yaml = Fixture.base(line: 16, replacing: "payload_bytes", with: "payload_byte")
        #expect(
            try Fixture.problems(yaml) == [
                "16:62: unknown key `payload_byte` in probe defaults; did you mean `payload_bytes`?"
            ])
    }

    @Test func missingRequiredKeyIsReportedAtItsMapping() throws {
        let yaml = Fixture.base(line: 21, replacing: ", probe_id: probe-11953", with: "")
        #expect(try Fixture.problems(yaml) == ["21:5: missing required key `probe_id` in commune"])
    }

    @Test func missingTopLevelSection() throws {
        var lines = Fixture.base.components(separatedBy: "\n")
        lines.removeSubrange(30...37)  // coverage: … targets (lines 31–38)
        #expect(
            try Fixture.problems(lines.joined(separator: "\n")) == [
                "1:1: missing required key `coverage` in sites.yaml"
            ])
    }

    @Test func wrongScalarType() throws {
        let yaml = Fixture.base(line: 12, replacing: "port: 443", with: "port: https")
        #expect(
            try Fixture.problems(yaml) == [
                "12:63: expected an integer for `network.datacenter.services[0].port`, found string \"https\""
            ])
    }

    @Test func mappingWhereAListBelongs() throws {
        let yaml = Fixture.base(replacing: 11, with: "    services: { portal: 10.33.0.10 }")
            .components(separatedBy: "\n").enumerated().filter { ![11, 12].contains($0.offset) }.map(\.element)
            .joined(separator: "\n")
        #expect(
            try Fixture.problems(yaml) == [
                "11:15: expected a list for services `network.datacenter.services`, found a mapping"
            ])
    }

    @Test func communeCodeMustBeAQuotedFiveDigitString() throws {
        let unquoted = Fixture.base(line: 21, replacing: "\"11953\"", with: "11953")
        #expect(
            try Fixture.problems(unquoted) == [
                "21:13: commune `code` must be a five-digit GSO code in quotes, e.g. \"13063\"; found integer 11953"
            ])
        let short = Fixture.base(line: 21, replacing: "\"11953\"", with: "\"1195\"")
        #expect(
            try Fixture.problems(short) == [
                "21:13: commune `code` must be a five-digit GSO code in quotes, e.g. \"13063\"; found `1195`"
            ])
    }

    @Test func unsupportedVersion() throws {
        let yaml = Fixture.base(replacing: 1, with: "version: 2")
        #expect(try Fixture.problems(yaml) == ["1:10: unsupported `version` 2: this netmon reads version 1"])
    }

    @Test func targetKindTypoAndPortRules() throws {
        let typo = Fixture.base(line: 13, replacing: "kind: icmp", with: "kind: icpm")
        #expect(try Fixture.problems(typo) == ["13:49: `icpm` is not a target kind; did you mean `icmp`?"])
        let icmpWithPort = Fixture.base(line: 13, replacing: "kind: icmp", with: "kind: icmp, port: 53")
        #expect(
            try Fixture.problems(icmpWithPort) == [
                "13:55: `port` applies to tcp and stamp targets only; remove it or use `kind: tcp`"
            ])
        let tcpWithoutPort = Fixture.base(line: 12, replacing: ", port: 443", with: "")
        #expect(
            try Fixture.problems(tcpWithoutPort) == [
                "12:9: missing required key `port` in service (a tcp target needs one)"
            ])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        var yaml = Fixture.base(line: 16, replacing: "step: 60s", with: "step: 60x")
        yaml = yaml.replacingOccurrences(of: "gateway: 10.33.2.1", with: "gateway: 10.33.2.300")
        yaml = yaml.replacingOccurrences(of: "dbm: -115", with: "dbm: -150")
        yaml = yaml.replacingOccurrences(of: "receiver: noc-email", with: "receiver: noc-emial")
        let problems = try Fixture.problems(yaml)
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.map { $0.split(separator: ":").first! } == ["16", "22", "36", "48"])
    }
}
