import Foundation
import NetmonProtocol

/// Rounds as a human table (milliseconds, as human output is), for `netmon probe --once`.
enum RoundTable {
    static func render(_ rounds: [ProbeRound]) -> String {
        let header = [
            "target", "kind", "address", "sent", "recv", "loss", "min ms", "median ms", "p95 ms", "max ms", "jitter ms",
        ]
        var rows = [header]
        for round in rounds {
            let rtts = round.rttSeconds
            rows.append([
                round.target, round.kind, round.address, "\(round.sent)", "\(round.received)",
                CNumberFormat.fixed(round.lossRatio * 100, decimals: 1) + "%",
                ms(rtts.first), ms(round.medianRTTSeconds), ms(percentile95(rtts)), ms(rtts.last),
                ms(round.jitterSeconds),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column < 3
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    /// Nearest-rank 95th percentile of sorted values.
    static func percentile95(_ sorted: [Double]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    private static func ms(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        return CNumberFormat.fixed(seconds * 1000, decimals: 3)
    }
}
