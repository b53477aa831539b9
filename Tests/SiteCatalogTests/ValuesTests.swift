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
