import Foundation
import NetmonProtocol
import Testing

@testable import Alerting

/// Issue 14, reproduction 5: a round dated a day ahead set the alert window's edge a day into the future, so every
/// real round that arrived afterwards fell out of the window as it arrived.
@Suite("Alert window against gateway clocks")
struct AlertWindowTests {
    static func round(_ sequence: Int64, start: Date, received: Int) -> ProbeRound {
        ProbeRound(
            probeID: "probe-11953", sequence: sequence, commune: "11953", target: "hub", address: "10.33.0.1",
            kind: "icmp", start: start, stepSeconds: 60, sent: 10, received: received,
            rttSeconds: Array(repeating: 0.01, count: received), jitterSeconds: nil)
    }

    @Test("a round dated ahead of its arrival does not push the real rounds out of the window")
    func futureRoundKeepsRealRounds() {
        var engine = AlertEngine(rules: AlertRules(windowSeconds: 300))
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        engine.ingest([Self.round(1, start: now.addingTimeInterval(86400), received: 10)], receivedAt: now)
        for i in 0..<3 {
            let arrival = now.addingTimeInterval(Double(i + 1) * 60)
            engine.ingest(
                [Self.round(Int64(i + 2), start: arrival.addingTimeInterval(-60), received: 0)], receivedAt: arrival)
        }
        let window = engine.windows[AlertEngine.key("11953", "hub")] ?? []
        // The three real rounds (all probes lost) are in the window, beside the one from the future.
        #expect(window.filter { $0.received == 0 }.count == 3, "\(window)")
    }
}
