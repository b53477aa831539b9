import Foundation
import SiteCatalog
import Testing

/// Thresholds, ratios, durations and the probe schedule.
@Suite struct ThresholdDiagnosticsTests {
    @Test func thresholdsOutOfOrder() throws {
        let yaml = Fixture.base(line: 18, replacing: "clear: 40", with: "clear: 60")
        #expect(
            try Fixture.problems(yaml) == [
                "18:17: `latency_ms` thresholds must be ordered clear < warn < critical, found clear 60, warn 50, critical 150"
            ])
    }

    @Test func partialOverrideIsCheckedWithTheDefaultsFilledIn() throws {
        let yaml = Fixture.base(line: 30, replacing: "{ warn: 80, critical: 200, clear: 60 }", with: "{ warn: 30 }")
        #expect(
            try Fixture.problems(yaml) == [
                "30:94: `latency_ms` thresholds must be ordered clear < warn < critical, found clear 40, warn 30, "
                    + "critical 150 (with the defaults filled in)"
            ])
    }

    @Test func partialOverrideInheritsTheRest() throws {
        let yaml = Fixture.base(
            line: 30, replacing: "{ warn: 80, critical: 200, clear: 60 }", with: "{ critical: 400 }")
        let config = try SitesConfig.decode(yaml: yaml, path: try Fixture.write(yaml))
        let commune = try #require(config.commune(code: "13063"))
        let portal = try #require(config.targets(for: commune).last)
        #expect(portal.thresholds.latencyMs == ThresholdLevels(warn: 50, critical: 400, clear: 40))
        #expect(portal.thresholds.lossRatio == ThresholdLevels(warn: 0.02, critical: 0.10, clear: 0.01))
    }

    @Test func lossRatioAboveOne() throws {
        let yaml = Fixture.base(line: 19, replacing: "warn: 0.02", with: "warn: 1.5")
        #expect(
            try Fixture.problems(yaml) == [
                "19:25: `defaults.thresholds.loss_ratio.warn` must be a ratio between 0 and 1, found 1.5"
            ])
    }

    @Test func durationThatDoesNotParse() throws {
        let yaml = Fixture.base(line: 16, replacing: "step: 60s", with: "step: 1 minute")
        #expect(
            try Fixture.problems(yaml) == [
                "16:30: `1 minute` is not a duration; write e.g. 500ms, 30s, 5m, 4h or 1h30m"
            ])
    }

    @Test func zeroDurationWhereOneIsNeeded() throws {
        let yaml = Fixture.base(line: 16, replacing: "timeout: 2s", with: "timeout: 0s")
        #expect(try Fixture.problems(yaml) == ["16:44: `defaults.probe.timeout` must be longer than zero"])
    }

    @Test func roundLongerThanItsStep() throws {
        let yaml = Fixture.base(line: 16, replacing: "step: 60s", with: "step: 10s")
        #expect(
            try Fixture.problems(yaml) == [
                "16:30: a round of 20 probes 1s apart with a 2s timeout takes 21s, longer than `step` 10s; "
                    + "lengthen `step` or send fewer probes"
            ])
    }

    @Test func routeDurationThatDoesNotParse() throws {
        let yaml = Fixture.base(replacing: 46, with: "    group_wait: soon")
        #expect(
            try Fixture.problems(yaml) == ["46:17: `soon` is not a duration; write e.g. 500ms, 30s, 5m, 4h or 1h30m"])
    }
}
