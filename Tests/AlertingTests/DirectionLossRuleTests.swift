import Foundation
import LinkQuality
import NetmonLab
import NetmonProtocol
import Testing

@testable import Alerting

/// LinkLoss per direction for STAMP links: the uplink (forward, commune → province) and the downlink (reverse)
/// are judged on their own counts and named in the alert.
@Suite("LinkLoss per direction of STAMP links")
struct DirectionLossRuleTests {
    static let epoch = Date(timeIntervalSince1970: 1_790_000_000)

    /// A stateful STAMP round of `probes` probes, `forwardLost` lost on the way up and `reverseLost` on the way
    /// down; `split` false: a stateless reflector (loss not attributed).
    static func round(
        _ i: Int, probes: Int, forwardLost: Int, reverseLost: Int, split: Bool = true, step: Double = 15
    ) -> ProbeRound {
        let received = probes - forwardLost - reverseLost
        let start = epoch.addingTimeInterval(Double(i) * step)
        return ProbeRound(
            probeID: "probe-11953", sequence: Int64(i + 1), commune: "11953", target: "meet",
            address: "10.33.0.20", kind: "stamp", start: start, stepSeconds: step, sent: probes, received: received,
            rttSeconds: Array(repeating: 0.010, count: received), jitterSeconds: nil,
            directions: RoundDirections(
                forward: DirectionFigures(
                    sent: split ? probes : nil, lost: split ? forwardLost : nil, delayMedianSeconds: nil),
                reverse: DirectionFigures(
                    sent: split ? probes - forwardLost : nil, lost: split ? reverseLost : nil),
                unattributedLoss: split ? 0 : forwardLost + reverseLost,
                reflectorMode: split ? "stateful" : "sequence-copied"))
    }

    /// Runs `rounds` rounds through an engine, evaluating after each; returns every LinkLoss that fired.
    static func fired(
        rules: AlertRules, rounds: Int, probes: Int = 10, lost: (Int) -> (forward: Int, reverse: Int),
        split: Bool = true
    ) -> [Alert] {
        var engine = AlertEngine(
            rules: AlertRules(
                forSeconds: rules.forSeconds,
                communes: [.init(code: "11953", name: "Phường Phố Hiến", probeID: "probe-11953")],
                lossJudgement: rules.lossJudgement))
        var fired: [Alert] = []
        for i in 0..<rounds {
            let (forward, reverse) = lost(i)
            let round = Self.round(i, probes: probes, forwardLost: forward, reverseLost: reverse, split: split)
            let end = round.start.addingTimeInterval(round.stepSeconds)
            engine.ingest([round], receivedAt: end)
            for case .fire(let alert) in engine.evaluate(at: end) where alert.labels["alertname"] == "LinkLoss" {
                fired.append(alert)
            }
        }
        return fired
    }

    @Test(
        "only uplink loss: one LinkLoss naming the uplink fires, none for the downlink or the round trip",
        arguments: [false, true])
    func onlyUplinkFires(windowed: Bool) throws {
        let rules = AlertRules(forSeconds: 30, lossJudgement: windowed ? .standard : nil)
        let fired = Self.fired(rules: rules, rounds: 240, lost: { i in (i % 25 < 2 ? 1 : 0, 0) })
        // 2 of 250 probes lost: 0.8 %, below the 2 % warning: nothing at all.
        #expect(fired.isEmpty, "\(fired.map(\.labels))")

        // Up: 8 % judged on windows; 10 % in every round judged per round (which flaps on uneven rounds).
        let lossy = Self.fired(rules: rules, rounds: 240, lost: { i in (windowed ? (i % 5 < 4 ? 1 : 0) : 1, 0) })
        let warnings = lossy.filter { $0.labels["severity"] == "warning" }
        #expect(warnings.count == 1, "\(lossy.map(\.labels))")
        let alert = try #require(warnings.first)
        #expect(alert.labels["direction"] == "uplink")
        #expect(alert.labels["commune"] == "11953" && alert.labels["target"] == "meet")
        let summary = alert.annotations["summary"] ?? ""
        // The annotations as the alert fired: after the first rounds, whose loss was 10 %.
        #expect(summary.hasPrefix(windowed ? "Uplink loss 10.0% (95% interval" : "Uplink loss 10.0% "), "\(summary)")
        #expect(summary.hasSuffix("at commune Phường Phố Hiến (to meet)"), "\(summary)")
        #expect(!lossy.contains { $0.labels["direction"] == "downlink" }, "\(lossy.map(\.labels))")
        #expect(!lossy.contains { $0.labels["direction"] == nil }, "no round-trip LinkLoss for a split link")
    }

    @Test("only downlink loss fires the downlink's alert")
    func onlyDownlinkFires() throws {
        let fired = Self.fired(
            rules: AlertRules(forSeconds: 30, lossJudgement: .standard), rounds: 240,
            lost: { i in (0, i % 5 < 4 ? 1 : 0) })
        #expect(fired.filter { $0.labels["severity"] == "warning" }.map { $0.labels["direction"] } == ["downlink"])
        #expect(try #require(fired.first).annotations["summary"]?.hasPrefix("Downlink loss") == true)
    }

    @Test("a stateless reflector (loss not split) keeps the round-trip LinkLoss")
    func statelessKeepsRoundTrip() throws {
        let fired = Self.fired(
            rules: AlertRules(forSeconds: 30, lossJudgement: .standard), rounds: 240,
            lost: { i in (i % 5 < 4 ? 1 : 0, 0) },
            split: false)
        let warning = try #require(fired.first { $0.labels["severity"] == "warning" }, "\(fired.map(\.labels))")
        #expect(warning.labels["direction"] == nil)
        #expect(warning.annotations["summary"]?.contains("Packet loss") == true)
    }
}
