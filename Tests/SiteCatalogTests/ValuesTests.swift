import Foundation
import Testing

@testable import SiteCatalog

/// Durations and matchers on their own (addresses and networks: NetworkAddressTests).
@Suite struct ValuesTests {
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
        let equal = try #require(AlertRoute.Matcher(parsing: "severity=critical"))
        #expect(equal == AlertRoute.Matcher(name: "severity", operation: .equal, value: "critical"))
        #expect(equal.matches(["severity": "critical"]))
        #expect(!equal.matches(["severity": "warning"]))
        let regex = try #require(AlertRoute.Matcher(parsing: "alertname =~ \"Link.*\""))
        #expect(regex.operation == .matchesRegex && regex.value == "Link.*")
        #expect(regex.matches(["alertname": "LinkDown"]))
        #expect(!regex.matches(["alertname": "GatewaySilent"]))
        let notEqual = try #require(AlertRoute.Matcher(parsing: "commune!=13063"))
        #expect(notEqual.matches([:]))
        #expect(AlertRoute.Matcher(parsing: "severity critical") == nil)
        #expect(AlertRoute.Matcher(parsing: "=x") == nil)
        #expect(AlertRoute.Matcher(parsing: "9x=y") == nil)
    }
}
