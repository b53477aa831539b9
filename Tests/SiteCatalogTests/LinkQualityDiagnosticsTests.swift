import Foundation
import LinkQuality
import SiteCatalog
import Testing

/// `call_quality:` and `alerts.rules.loss`: defaults, decoded values and diagnostics with positions.
@Suite struct LinkQualityDiagnosticsTests {
    /// `Fixture.base` (49 lines) with `extra` appended: its first line is line 50.
    static func withBlock(_ extra: String) -> String { Fixture.base + "\n" + extra }

    /// `Fixture.base` with its `rules:` line (49) replaced by `rules` (a block mapping).
    static func withRules(_ rules: String) -> String { Fixture.base(replacing: 49, with: rules) }

    @Test func defaultsWithoutTheBlocks() throws {
        let config = try SitesConfig.decode(yaml: Fixture.base, path: try Fixture.write(Fixture.base))
        #expect(config.callQuality == .standard)
        #expect(config.alerts.rules.lossJudgement == .standard)
        #expect(config.callQuality.codec == .g711PLC)
        #expect(config.callQuality.jitterBuffer == .adaptive(multiple: 2, minimumMs: 10))
    }

    @Test func everyKeyDecoded() throws {
        let yaml =
            Self.withRules(
                "  rules: { gateway_silent_minutes: 5, for: 2m, loss: { window_probes: 200, clear_window_probes: 800, "
                    + "confidence: 0.99 } }")
            + "\n" + """
                call_quality:
                  target: portal
                  window: 30m
                  codec: g729a
                  packet_ms: 30
                  jitter_buffer: { mode: fixed, depth_ms: 60 }
                  levels: { good: 85, fair: 75, poor: 65 }
                """
        let config = try SitesConfig.decode(yaml: yaml, path: try Fixture.write(yaml))
        #expect(
            config.callQuality
                == CallQualitySettings(
                    codec: .g729a, packetMs: 30, jitterBuffer: .fixed(depthMs: 60),
                    levels: CallQualityLevels(good: 85, fair: 75, poor: 65), target: "portal", windowSeconds: 1800))
        #expect(
            config.alerts.rules.lossJudgement
                == LossJudgement(windowProbes: 200, clearWindowProbes: 800, confidence: 0.99))
    }

    @Test func codecTypoGetsASuggestion() throws {
        let problems = try Fixture.problems(Self.withBlock("call_quality: { codec: g711plc }"))
        #expect(
            problems == [
                "50:24: `g711plc` is not one of `g711-plc`, `g711`, `g729a` for `call_quality.codec`; did you mean `g711-plc`?"
            ])
    }

    @Test func levelsMustFall() throws {
        let problems = try Fixture.problems(
            Self.withBlock("call_quality:\n  levels: { good: 70, fair: 80, poor: 60 }"))
        #expect(
            problems == ["51:11: call_quality levels must fall: good > fair > poor, found good 70, fair 80, poor 60"])
    }

    @Test func levelOutOfRange() throws {
        let problems = try Fixture.problems(
            Self.withBlock("call_quality:\n  levels: { good: 120, fair: 80, poor: 60 }"))
        #expect(problems == ["51:19: `call_quality.levels.good` must be an R between 0 and 100, found 120"])
    }

    @Test func targetNoCommuneProbes() throws {
        let problems = try Fixture.problems(Self.withBlock("call_quality: { target: portl }"))
        #expect(problems == ["50:25: no commune probes `portl`, the call_quality target; did you mean `portal`?"])
    }

    @Test func bufferKeysOfTheOtherMode() throws {
        let problems = try Fixture.problems(
            Self.withBlock("call_quality:\n  jitter_buffer: { mode: fixed, multiple: 2 }"))
        #expect(problems == ["51:33: `multiple` is for `mode: adaptive`; a fixed buffer takes `depth_ms`"])
        let missing = try Fixture.problems(Self.withBlock("call_quality:\n  jitter_buffer: { mode: fixed }"))
        #expect(missing == ["51:26: a fixed jitter buffer needs `depth_ms`"])
        let mode = try Fixture.problems(Self.withBlock("call_quality:\n  jitter_buffer: { mode: adaptiv }"))
        #expect(
            mode == [
                "51:26: `adaptiv` is not one of `adaptive`, `fixed` for `call_quality.jitter_buffer.mode`; did you mean `adaptive`?"
            ])
    }

    @Test func windowBounds() throws {
        let problems = try Fixture.problems(Self.withBlock("call_quality: { window: 30s }"))
        #expect(problems == ["50:25: `call_quality.window` must be between 1m and 24h (rounds pooled for the score)"])
    }

    @Test func lossRuleValues() throws {
        let confidence = try Fixture.problems(
            Self.withRules("  rules: { for: 2m, loss: { confidence: 1.5 } }"))
        #expect(
            confidence == [
                "49:41: `alerts.rules.loss.confidence` must be a level between 0.5 and 0.9999 (e.g. 0.95), found 1.5"
            ])
        let window = try Fixture.problems(Self.withRules("  rules: { for: 2m, loss: { window_probes: 0 } }"))
        #expect(window == ["49:44: `alerts.rules.loss.window_probes` must be between 1 and 1000000, found 0"])
        let unknown = try Fixture.problems(Self.withRules("  rules: { for: 2m, loss: { window: 100 } }"))
        #expect(unknown.count == 1)
        #expect(unknown.first?.hasPrefix("49:29: unknown key `window` in loss rule") == true, "\(unknown)")
    }
}
