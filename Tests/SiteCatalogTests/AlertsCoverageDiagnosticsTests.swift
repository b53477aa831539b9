import Foundation
import NetmonProtocol
import SiteCatalog
import Testing

/// Alert routes, receivers and coverage settings.
@Suite struct AlertsCoverageDiagnosticsTests {
    @Test func routeNamingAnUnknownReceiver() throws {
        let yaml = Fixture.base(line: 48, replacing: "receiver: noc-email", with: "receiver: noc-emial")
        #expect(
            try Fixture.problems(yaml) == ["48:54: route names unknown receiver `noc-emial`; did you mean `noc-email`?"]
        )
    }

    @Test func rootRouteNamingAnUnknownReceiverListsTheReceivers() throws {
        let yaml = Fixture.base(replacing: 44, with: "    receiver: pager")
        #expect(
            try Fixture.problems(yaml) == [
                "44:15: route names unknown receiver `pager` (receivers: `noc-webhook`, `noc-email`)"
            ])
    }

    @Test func duplicateReceiverName() throws {
        let yaml = Fixture.base(line: 42, replacing: "name: noc-email", with: "name: noc-webhook")
        let problems = try Fixture.problems(yaml)
        #expect(problems.contains("42:15: duplicate receiver name `noc-webhook` (first at line 41, column 15)"))
        #expect(
            problems.contains("48:54: route names unknown receiver `noc-email`; did you mean `noc-webhook`?") == false)
    }

    @Test func badMatcher() throws {
        let yaml = Fixture.base(line: 48, replacing: "\"severity=critical\"", with: "\"severity critical\"")
        #expect(
            try Fixture.problems(yaml) == [
                "48:22: `severity critical`: a matcher looks like name=value, name!=value, name=~regex or name!~regex"
            ])
    }

    @Test func badRegexInMatcher() throws {
        let yaml = Fixture.base(line: 48, replacing: "\"severity=critical\"", with: "\"severity=~(crit\"")
        #expect(
            try Fixture.problems(yaml) == [
                "48:22: `severity=~\"(crit\"`: regular expression refused: an unbalanced '('"
            ])
    }

    /// A pattern the matcher's safety bounds refuse, though it compiles, stops the load at its position (it used to
    /// pass sites.yaml's check and then be dropped or fail later without a position).
    @Test func refusedRegexInMatcher() throws {
        let yaml = Fixture.base(line: 48, replacing: "\"severity=critical\"", with: "'commune=~\"(a+)+\"'")
        #expect(
            try Fixture.problems(yaml) == [
                "48:22: `commune=~\"(a+)+\"`: regular expression refused: a quantifier on a group that contains a "
                    + "quantifier or an alternation (nested quantifiers can take exponential time)"
            ])
    }

    @Test func unescapedQuoteInMatcher() throws {
        let yaml = Fixture.base(line: 48, replacing: "\"severity=critical\"", with: "'severity=\"crit\"ical\"'")
        #expect(
            try Fixture.problems(yaml) == [
                "48:22: `severity=\"crit\"ical\"`: a double quote inside the value must be written \\\""
            ])
    }

    @Test func webhookSecretMustBeStandardWebhooksForm() throws {
        let yaml = Fixture.base(line: 41, replacing: "whsec_bmV0bW9uLXRlc3Q=", with: "hunter2")
        #expect(
            try Fixture.problems(yaml) == [
                "41:80: webhook `secret` must be `whsec_` followed by base64 (Standard Webhooks)"
            ])
    }

    @Test func badURLAndEmail() throws {
        var yaml = Fixture.base(line: 41, replacing: "http://127.0.0.1:9099/hook", with: "ftp://127.0.0.1/hook")
        yaml = yaml.replacingOccurrences(of: "from: netmon@example.vn", with: "from: netmon")
        #expect(
            try Fixture.problems(yaml) == [
                "41:44: `ftp://127.0.0.1/hook` is not an http or https URL",
                "42:63: `netmon` is not an email address",
            ])
    }

    @Test func coverageFloorOutsideTheMetricsRange() throws {
        let yaml = Fixture.base(line: 36, replacing: "dbm: -115", with: "dbm: -150")
        #expect(
            try Fixture.problems(yaml) == ["36:34: 4G floor -150 dBm is outside the valid rsrp_dbm range -140…-44 dBm"])
    }

    @Test func coverageFloorInTheWrongMetric() throws {
        let yaml = Fixture.base(line: 36, replacing: "metric: rsrp_dbm", with: "metric: rscp_dbm")
        #expect(try Fixture.problems(yaml) == ["36:19: the 4G floor must be in `rsrp_dbm`, not `rscp_dbm`"])
    }

    @Test func unknownGenerationSuggestsOne() throws {
        let yaml = Fixture.base(replacing: 37, with: "    5g: { metric: nr_ss_rsrp_dbm, dbm: -110 }")
        #expect(
            try Fixture.problems(yaml) == [
                "37:5: unknown key `5g` in coverage floors; did you mean `5G`?",
                "38:53: `5g_area_ratio` needs a 5G floor in `coverage.floors` to judge cells by",
            ])
    }

    @Test func areaRatioOutOfRangeAndResolutionOutOfRange() throws {
        var yaml = Fixture.base(line: 38, replacing: "0.60", with: "60")
        yaml = yaml.replacingOccurrences(of: "resolution: 8", with: "resolution: 16")
        #expect(
            try Fixture.problems(yaml) == [
                "32:15: `coverage.resolution` must be between 0 and 15, found 16",
                "38:53: `coverage.targets.5g_area_ratio` must be a ratio between 0 and 1, found 60",
            ])
    }

    @Test func decodedAlertTreeInheritsFromItsParent() throws {
        let path = try Fixture.write(Fixture.base)
        let config = try SitesConfig.load(path: path)
        let child = try #require(config.alerts.route.routes.first)
        #expect(child.receiver == "noc-email")
        #expect(child.groupBy == ["alertname", "commune"])
        #expect(child.groupWait == .seconds(30))
        #expect(child.groupInterval == .seconds(300))
        #expect(child.repeatInterval == .seconds(4 * 3600))
        #expect(child.continues)
        #expect(child.matchers == [try LabelMatcher(name: "severity", op: .equal, value: "critical")])
        #expect(config.alerts.rules.forDuration == .seconds(120))
        #expect(config.alerts.rules.outboxBacklog == 1000)
        let email = try #require(config.alerts.receiver(named: "noc-email")?.email)
        #expect(email.smarthostHost == "127.0.0.1" && email.smarthostPort == 587 && email.requireTLS)
    }
}

/// Coverage targets against the floors they are judged by.
@Suite struct CoverageTargetFloorTests {
    @Test func aTargetNeedsItsGenerationsFloor() throws {
        var lines = Fixture.base.components(separatedBy: "\n")
        lines.remove(at: 36)  // 5G floor (line 37)
        #expect(
            try Fixture.problems(lines.joined(separator: "\n")) == [
                "37:53: `5g_area_ratio` needs a 5G floor in `coverage.floors` to judge cells by"
            ])
    }
}

/// Label names in routes.
@Suite struct RouteLabelTests {
    @Test func groupByNeedsLabelNames() throws {
        let yaml = Fixture.base(replacing: 45, with: "    group_by: [alertname, \"commune code\", ...]")
        #expect(
            try Fixture.problems(yaml) == [
                "45:27: `commune code` in `group_by` is not a label name (letters, digits and _, not starting with a digit)"
            ])
    }

    @Test func integerRatiosAreNumbers() throws {
        let yaml = Fixture.base(line: 38, replacing: "0.60", with: "1")
        let config = try SitesConfig.load(path: try Fixture.write(yaml))
        #expect(config.coverage.targets.fiveGAreaRatio == 1)
    }
}

/// `coverage.speed` and `coverage.targets.min_measured_ratio`.
@Suite struct CoverageSpeedConfigTests {
    static let targets = "  targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }"

    @Test func absentSpeedGivesTheFCCTiersAndTheDefaultMinimum() throws {
        let config = try SitesConfig.load(path: try Fixture.write(Fixture.base))
        #expect(config.coverage.speed == SpeedThreshold.fccBDC)
        #expect(config.coverage.speed[.fourG] == SpeedThreshold(downloadMbps: 5, uploadMbps: 1))
        #expect(config.coverage.speed[.fiveG] == SpeedThreshold(downloadMbps: 7, uploadMbps: 1))
        #expect(config.coverage.targets.minMeasuredRatio == 0.3)
    }

    @Test func writtenSpeedReplacesTheDefaults() throws {
        let yaml = Fixture.base(
            replacing: 38,
            with: Self.targets.replacingOccurrences(of: " }", with: ", min_measured_ratio: 0.5 }")
                + "\n  speed:\n    5G: { download_mbps: 100 }\n    3G: { download_mbps: 0.2, upload_mbps: 0.05 }")
        let config = try SitesConfig.load(path: try Fixture.write(yaml))
        #expect(
            config.coverage.speed == [
                .fiveG: SpeedThreshold(downloadMbps: 100, uploadMbps: nil),
                .threeG: SpeedThreshold(downloadMbps: 0.2, uploadMbps: 0.05),
            ])
        #expect(config.coverage.targets.minMeasuredRatio == 0.5)
    }

    @Test func badSpeedsAreReportedWhereTheyAre() throws {
        let yaml = Fixture.base(
            replacing: 38,
            with: Self.targets
                + "\n  speed:\n    4G: { download_mbps: 0, upload_mbps: fast }\n    5g: { download_mbps: 7 }"
                + "\n    3G: { upload_mbps: 1 }")
        #expect(
            try Fixture.problems(yaml) == [
                "40:26: `coverage.speed.4G.download_mbps` must be between 0.001 and 100000 Mbit/s, found 0",
                "40:42: expected a number for `coverage.speed.4G.upload_mbps`, found string \"fast\"",
                "41:5: unknown key `5g` in coverage speed; did you mean `5G`?",
                "42:9: missing required key `download_mbps` in 3G speed",
            ])
    }

    @Test func minMeasuredRatioIsARatio() throws {
        let yaml = Fixture.base(
            replacing: 38, with: Self.targets.replacingOccurrences(of: " }", with: ", min_measured_ratio: 30 }"))
        #expect(
            try Fixture.problems(yaml) == [
                "38:98: `coverage.targets.min_measured_ratio` must be a ratio between 0 and 1, found 30"
            ])
    }
}
