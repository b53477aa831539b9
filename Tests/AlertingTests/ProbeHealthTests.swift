import Foundation
import NetmonProtocol
import Testing

@testable import Alerting

/// Probe health (forwarding backlog, capture drops) as the server feeds it to the engine, and its wire form.
@Suite("Probe health: wire format and the ForwardingBacklog / CaptureDrops rules")
struct ProbeHealthTests {
    static func names(_ actions: [AlertStateMachine.Action], fired: Bool) -> [String] {
        actions.compactMap { action in
            switch action {
            case .fire(let a) where fired: a.labels["alertname"]
            case .resolve(let a) where !fired: a.labels["alertname"]
            default: nil
            }
        }
    }

    @Test("an old batch without health still decodes; a new one round-trips and leaves health out when nil")
    func wireCompatibility() throws {
        let old = #"{"probe_id":"probe-1","rounds":[]}"#
        let batch = try WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: Data(old.utf8))
        #expect(batch.health == nil && batch.probeID == "probe-1")
        let plain = String(decoding: try WireCoding.makeEncoder().encode(batch), as: UTF8.self)
        #expect(!plain.contains("health"))
        let fresh =
            #"{"health":{"capture_drops_total":35,"outbox_pending":1200,"sent_at":"2026-11-29T06:00:00Z"},"probe_id":"probe-1","rounds":[]}"#
        let decoded = try WireCoding.makeDecoder().decode(ProbeRoundBatch.self, from: Data(fresh.utf8))
        #expect(
            decoded.health
                == ProbeHealthReport(
                    outboxPending: 1200, captureDropsTotal: 35, sentAt: WireCoding.parseRFC3339("2026-11-29T06:00:00Z")!
                ))
        #expect(String(decoding: try WireCoding.makeEncoder().encode(decoded), as: UTF8.self) == fresh)
        // A server that predates `health` ignores it: a type without the key decodes the new form.
        struct OldBatch: Decodable {
            var probe_id: String
            var rounds: [ProbeRound]
        }
        #expect(try WireCoding.makeDecoder().decode(OldBatch.self, from: Data(fresh.utf8)).probe_id == "probe-1")
    }

    @Test("a large backlog raises ForwardingBacklog after `for` and clears when it drops")
    func backlog() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 120, outboxBacklog: 1000))
        func report(_ pending: Double, at t: Date) {
            engine.ingest(
                ProbeHealth(probeID: "probe-1", commune: "1", outboxBacklog: pending, reportedAt: t), receivedAt: t)
        }
        report(5000, at: epoch)
        #expect(Self.names(engine.evaluate(at: epoch), fired: true).isEmpty, "pending, waiting for `for`")
        report(4000, at: epoch + 60)
        #expect(Self.names(engine.evaluate(at: epoch + 60), fired: true).isEmpty)
        report(3000, at: epoch + 130)
        #expect(Self.names(engine.evaluate(at: epoch + 130), fired: true) == ["ForwardingBacklog"])
        report(700, at: epoch + 190)  // between clear (limit / 2) and limit: holds
        #expect(Self.names(engine.evaluate(at: epoch + 190), fired: false).isEmpty)
        report(20, at: epoch + 250)
        #expect(Self.names(engine.evaluate(at: epoch + 250), fired: false) == ["ForwardingBacklog"])
    }

    /// Found by the API fuzzer (seed 614518150): a health report's outbox_pending near Int64.max made the summary's
    /// `Int(backlog)` trap and killed the server.
    @Test("a backlog or drop figure too large for Int is written as it is, not converted with a trap")
    func hugeFigures() {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0, outboxBacklog: 1000))
        engine.ingest(
            ProbeHealth(
                probeID: "probe-1", commune: "1", outboxBacklog: Double(Int64.max), reportedAt: epoch),
            receivedAt: epoch)
        let fired = engine.evaluate(at: epoch + 1)
        #expect(Self.names(fired, fired: true) == ["ForwardingBacklog"])
        #expect(AlertEngine.whole(Double(Int64.max)) == "9.223372036854776e+18")
        #expect(AlertEngine.whole(.infinity) == "inf")
        #expect(AlertEngine.whole(4_000.4) == "4000")
    }

    @Test(
        "capture drops: the counter becomes a rate; above the rule raises CaptureDrops; a counter reset is not negative"
    )
    func captureDrops() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0, captureDropsPerMinute: 100))
        func report(_ total: Double, at t: Date) {
            engine.ingest(
                ProbeHealth(
                    probeID: "probe-1", commune: "1", outboxBacklog: 0, captureDropsTotal: total, reportedAt: t),
                receivedAt: t)
        }
        report(1000, at: epoch)  // the first reading gives no rate
        #expect(engine.health["1"]?.captureDropsPerMinute == nil)
        #expect(Self.names(engine.evaluate(at: epoch), fired: true).isEmpty)
        report(1010, at: epoch + 5)  // too close to the last reading: no new rate
        #expect(engine.health["1"]?.captureDropsPerMinute == nil)
        report(1600, at: epoch + 120)  // 600 in 2 min: 300/min
        #expect(engine.health["1"]?.captureDropsPerMinute == 300)
        let fired = engine.evaluate(at: epoch + 120).compactMap { if case .fire(let a) = $0 { a } else { nil } }
        let alert = try #require(fired.first { $0.labels["alertname"] == "CaptureDrops" })
        #expect(alert.labels["commune"] == "1" && alert.annotations["summary"]?.contains("300/min") == true)
        report(1630, at: epoch + 180)  // 30/min: below half the limit, clears
        #expect(Self.names(engine.evaluate(at: epoch + 180), fired: false) == ["CaptureDrops"])
        report(12, at: epoch + 240)  // the daemon restarted: 12 since the reset, not −1618
        #expect(engine.health["1"]?.captureDropsPerMinute == 12)
    }

    @Test("engine state with health readings survives JSON (a restart keeps the rate base)")
    func persistence() throws {
        var engine = AlertEngine(rules: AlertRules(forSeconds: 0))
        engine.ingest(
            ProbeHealth(probeID: "probe-1", commune: "1", captureDropsTotal: 10, reportedAt: epoch), receivedAt: epoch)
        var restored = try JSONDecoder().decode(AlertEngine.self, from: try JSONEncoder().encode(engine))
        restored.ingest(
            ProbeHealth(probeID: "probe-1", commune: "1", captureDropsTotal: 610, reportedAt: epoch + 60),
            receivedAt: epoch + 60)
        #expect(restored.health["1"]?.captureDropsPerMinute == 600)
    }
}
