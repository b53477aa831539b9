import Foundation
import NetmonProtocol
import Testing

@testable import GatewayCommands

@Suite("netmon probe --once table")
struct RoundTableTests {
    static func round(target: String, rtts: [Double], sent: Int, jitter: Double?) -> ProbeRound {
        ProbeRound(
            probeID: "probe-x", sequence: 1, commune: "X", target: target, address: "127.0.0.1", kind: "icmp",
            start: Date(timeIntervalSince1970: 0), stepSeconds: 15, sent: sent, received: rtts.count,
            rttSeconds: rtts.sorted(), jitterSeconds: jitter)
    }

    @Test func columnsLineUpAndNumbersAreMilliseconds() {
        let rtts = (1...20).map { Double($0) / 1000 }  // 1 … 20 ms
        let text = RoundTable.render([
            Self.round(target: "hub", rtts: rtts, sent: 20, jitter: 0.0005),
            Self.round(target: "a-much-longer-target-name", rtts: [], sent: 3, jitter: nil),
        ])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // Every row is as wide as the header: the columns line up.
        #expect(Set(lines.map(\.count)).count == 1)
        let hub = lines[1].split(separator: " ").map(String.init)
        // target kind address sent recv loss min median p95 max jitter
        #expect(
            hub == ["hub", "icmp", "127.0.0.1", "20", "20", "0.0%", "1.000", "10.500", "19.000", "20.000", "0.500"])
        let silent = lines[2].split(separator: " ").map(String.init)
        #expect(
            silent == ["a-much-longer-target-name", "icmp", "127.0.0.1", "3", "0", "100.0%", "-", "-", "-", "-", "-"])
    }

    @Test func percentile95IsNearestRank() {
        #expect(RoundTable.percentile95([]) == nil)
        #expect(RoundTable.percentile95([7]) == 7)
        // 20 values: rank ⌈0.95 × 20⌉ = 19.
        #expect(RoundTable.percentile95((1...20).map(Double.init)) == 19)
        // 21 values: rank ⌈19.95⌉ = 20.
        #expect(RoundTable.percentile95((1...21).map(Double.init)) == 20)
    }
}
