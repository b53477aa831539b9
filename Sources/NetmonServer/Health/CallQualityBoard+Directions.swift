import Foundation
import LinkQuality
import MeasurementStore
import NetmonProtocol

extension CallQualityBoard {
    /// The uplink and downlink paths of a commune whose target is measured with STAMP, from the window's round
    /// breakdowns; empty without any.
    ///
    /// - One-way delay: the median of the rounds' median one-way delays where published (basis `one_way`), else
    ///   half the median round trip of the window's rounds (basis `half_round_trip`), as for ICMP and TCP.
    /// - Delay variation: the mean of the rounds' mean |IPDV| (RFC 3393, needs no synchronised clocks), else half
    ///   the round trip's RFC 3550 jitter.
    /// - Loss: the direction's own loss where a stateful reflector split it, else the round trip's (the loss of
    ///   either direction is at most that).
    static func directionPaths(
        _ directions: [StoredRoundDirections], roundTrip: CallPathFigures?, settings: CallQualitySettings
    ) -> [Path] {
        guard !directions.isEmpty else { return [] }
        var paths: [Path] = []
        for direction in RoundDirections.Direction.allCases {
            let figures = directions.map { $0.directions[direction] }
            let medians = figures.compactMap(\.delayMedianSeconds).filter { $0.isFinite && $0 >= 0 }.sorted()
            let ipdv = figures.compactMap(\.ipdvMeanSeconds).filter { $0.isFinite && $0 >= 0 }
            var sent = 0
            var lost = 0
            for f in figures {
                if let s = f.sent, let l = f.lost {
                    sent += s
                    lost += min(s, max(0, l))
                }
            }
            let delayMs: Double
            let basis: CallPathFigures.Basis
            if !medians.isEmpty {
                let n = medians.count
                delayMs = (n % 2 == 1 ? medians[n / 2] : (medians[n / 2 - 1] + medians[n / 2]) / 2) * 1000
                basis = .oneWay
            } else if let roundTrip {
                delayMs = roundTrip.oneWayDelayMs
                basis = .halfRoundTrip
            } else {
                continue  // nothing came back: no delay to judge
            }
            let variationMs =
                ipdv.isEmpty ? (roundTrip?.delayVariationMs ?? 0) : ipdv.reduce(0, +) / Double(ipdv.count) * 1000
            let loss = sent > 0 ? Double(lost) / Double(sent) : (roundTrip?.lossRatio ?? 0)
            let path = CallPathFigures(
                oneWayDelayMs: delayMs, delayVariationMs: variationMs, lossRatio: loss,
                probes: sent > 0 ? sent : (roundTrip?.probes ?? 0), basis: basis, direction: direction.linkName)
            paths.append(Path(estimate: CallQualityEstimate(figures: path, settings: settings)))
        }
        return paths
    }
}
