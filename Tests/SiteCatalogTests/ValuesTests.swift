import Foundation
import Testing

@testable import SiteCatalog

/// Addresses, networks, durations and matchers on their own.
@Suite struct ValuesTests {
    @Test(arguments: [
        "10.33.0.1", "0.0.0.0", "255.255.255.255", "fd33::1", "::", "::ffff:10.33.0.1", "2001:db8:0:0:0:0:0:1",
    ])
    func validAddresses(_ text: String) {
        #expect(IPAddress(text) != nil)
    }

    @Test(arguments: [
        "10.33.0", "10.33.0.256", "010.33.0.1", "10.33.0.1 ", "fd33::1::2", "fd33:::1", "gggg::1", "", "1.2.3.4/24",
    ])
    func invalidAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func addressDescriptionsAreCanonical() {
        #expect(IPAddress("10.33.0.1")?.description == "10.33.0.1")
        #expect(IPAddress("2001:db8:0:0:0:0:0:1")?.description == "2001:db8::1")
        #expect(IPAddress("10.33.0.1") == .v4(0x0A21_0001))
    }

    @Test func networks() throws {
        let net = try #require(IPNetwork("10.33.4.0/24"))
        #expect(net.contains(try #require(IPAddress("10.33.4.255"))))
        #expect(!net.contains(try #require(IPAddress("10.33.5.0"))))
        #expect(!net.contains(try #require(IPAddress("fd33::1"))))
        #expect(net.lastAddress == IPAddress("10.33.4.255"))
        #expect(try #require(IPNetwork("10.33.0.0/16")).contains(net))
        #expect(net.overlaps(try #require(IPNetwork("10.33.4.128/25"))))
        #expect(!net.overlaps(try #require(IPNetwork("10.33.5.0/24"))))
        #expect(IPNetwork("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        let v6 = try #require(IPNetwork("fd33:0:0:4::/64"))
        #expect(v6.contains(try #require(IPAddress("fd33::4:0:0:0:1"))))
        #expect(v6.description == "fd33:0:0:4::/64")
        #expect(IPNetwork.parse("10.33.4.1/24") == .failure(.hostBitsSet(suggestion: net)))
        #expect(IPNetwork.parse("10.33.4.0/33") == .failure(.badPrefixLength(maximum: 32)))
        #expect(IPNetwork.parse("fd33::/129") == .failure(.badPrefixLength(maximum: 128)))
        #expect(IPNetwork.parse("10.33.4.0/+8") == .failure(.badPrefixLength(maximum: 32)))
        #expect(IPNetwork.parse("10.33.4.0") == .failure(.malformed))
    }

    @Test func durations() {
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("30s") == .seconds(30))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("4h") == .seconds(14_400))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("1.5s") == .milliseconds(1500))
        #expect(DurationText.parse("2d") == .seconds(172_800))
        for bad in ["", "5", "s", "5 s", "5sec", "-5s", "5m5", "1e3s", "999999999999s", "1.2.3s"] {
            #expect(DurationText.parse(bad) == nil, "\(bad)")
        }
        #expect(DurationText.seconds(.milliseconds(1500)) == 1.5)
        #expect(DurationText.format(.seconds(300)) == "5m")
        #expect(DurationText.format(.seconds(90)) == "90s")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
    }

    @Test func matchers() throws {
        let equal = try LabelMatcher(parsing: "severity=critical")
        #expect(equal == (try LabelMatcher(name: "severity", op: .equal, value: "critical")))
        #expect(equal.matches(["severity": "critical"]))
        #expect(!equal.matches(["severity": "warning"]))
        let regex = try LabelMatcher(parsing: "alertname =~ \"Link.*\"")
        #expect(regex.op == .matchesRegex && regex.value == "Link.*")
        #expect(regex.matches(["alertname": "LinkDown"]))
        #expect(!regex.matches(["alertname": "GatewaySilent"]))
        let notEqual = try LabelMatcher(parsing: "commune!=13063")
        #expect(notEqual.matches([:]))
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "severity critical") }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "=x") }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "9x=y") }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: "a:b=y") }
    }

    /// Alertmanager's rules: the whole value must match, and quoted values unescape \", \\ and \n only.
    @Test func matcherAnchoringAndEscapes() throws {
        let anchored = try LabelMatcher(parsing: "commune=~1.3")
        #expect(anchored.matches(["commune": "123"]))
        #expect(!anchored.matches(["commune": "1234"]))
        #expect(!anchored.matches(["commune": "0123"]))
        #expect(!anchored.matches(["commune": "123\n"]))
        let alternation = try LabelMatcher(parsing: "alertname=~Link|LinkLoss")
        #expect(alternation.matches(["alertname": "LinkLoss"]))
        let quoted = try LabelMatcher(parsing: #"comment="say \"hi\" \\ there\nnow""#)
        #expect(quoted.value == "say \"hi\" \\ there\nnow")
        let digits = try LabelMatcher(parsing: #"commune=~"\d{5}""#)
        #expect(digits.value == #"\d{5}"#)
        #expect(digits.matches(["commune": "11953"]))
        #expect(!digits.matches(["commune": "1195"]))
        // The description reads back as the same matcher.
        for matcher in [quoted, digits, alternation] {
            #expect(try LabelMatcher(parsing: matcher.description) == matcher)
        }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: #"a="unterminated"#) }
        #expect(throws: MatcherError.self) { try LabelMatcher(parsing: #"a=x"y"#) }
    }
}
