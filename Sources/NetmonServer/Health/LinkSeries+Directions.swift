import Foundation
import MeasurementStore
import NetmonProtocol

extension LinkSeries {
    /// One direction of a STAMP link, from its rounds' breakdowns: per step the direction's probes and losses (only
    /// from rounds whose loss was split by direction), and its one-way delay where published — the median, p95 and
    /// smoke of the rounds' median delays, the minimum and maximum of their extremes. A step whose rounds all
    /// withheld the one-way delay has none, and says why.
    init(
        commune: String, target: String, from: Date, to: Date, step: Double, directions: [StoredRoundDirections],
        direction: RoundDirections.Direction
    ) {
        self.commune = commune
        self.target = target
        self.from = from
        self.to = to
        self.stepSeconds = step
        self.direction = direction.linkName
        let steps = (to.timeIntervalSince(from) / step).rounded(.up)
        let count = steps.isFinite ? Int(max(0, min(steps, Double(Self.maxPoints)))) : 0
        var rounds = [Int](repeating: 0, count: count)
        var sent = [Int](repeating: 0, count: count)
        var lost = [Int](repeating: 0, count: count)
        var medians = [[Double]](repeating: [], count: count)
        var minima = [Double?](repeating: nil, count: count)
        var maxima = [Double?](repeating: nil, count: count)
        var ipdv = [[Double]](repeating: [], count: count)
        var withheld = [String?](repeating: nil, count: count)
        for stored in directions {
            let slot = (stored.start.timeIntervalSince(from) / step).rounded(.down)
            guard slot >= 0, slot < Double(count) else { continue }
            let i = Int(slot)
            let figures = stored.directions[direction]
            rounds[i] += 1
            if let s = figures.sent, let l = figures.lost {
                sent[i] += s
                lost[i] += l
            }
            if let median = figures.delayMedianSeconds {
                medians[i].append(median * 1000)
                if let low = figures.delayMinSeconds { minima[i] = min(minima[i] ?? .infinity, low * 1000) }
                if let high = figures.delayMaxSeconds { maxima[i] = max(maxima[i] ?? -.infinity, high * 1000) }
            } else if let reason = figures.delayWithheld {
                withheld[i] = reason
            }
            if let mean = figures.ipdvMeanSeconds { ipdv[i].append(mean * 1000) }
        }
        self.points = (0..<count).map { i in
            let sorted = medians[i].sorted()
            return SeriesPoint(
                start: from.addingTimeInterval(Double(i) * step), rounds: rounds[i], sent: sent[i],
                received: sent[i] - lost[i], lossRatio: sent[i] == 0 ? nil : Double(lost[i]) / Double(sent[i]),
                medianMs: Quantile.of(sorted, 0.5), p95Ms: Quantile.of(sorted, 0.95), minMs: minima[i] ?? sorted.first,
                maxMs: maxima[i] ?? sorted.last,
                smokeMs: sorted.isEmpty ? [] : (0..<20).compactMap { Quantile.of(sorted, Double($0) / 19) },
                ipdvMeanMs: ipdv[i].isEmpty ? nil : ipdv[i].reduce(0, +) / Double(ipdv[i].count),
                delayWithheld: sorted.isEmpty ? withheld[i] : nil)
        }
    }
}
