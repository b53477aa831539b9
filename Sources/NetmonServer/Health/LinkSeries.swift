import Foundation
import MeasurementStore

/// One step of a link's time series: the rounds whose start falls in `[start, start + step)`, pooled.
struct SeriesPoint: Sendable, Codable, Hashable {
    var start: Date
    var rounds: Int
    var sent: Int
    var received: Int
    var lossRatio: Double?
    var medianMs: Double?
    var p95Ms: Double?
    var minMs: Double?
    var maxMs: Double?
    /// 20 quantiles (0, 1/19, …, 1) of the pooled RTTs in ms, for the smoke bands; empty without replies.
    var smokeMs: [Double]
    /// Per-direction series only: the mean RFC 3393 |IPDV| of the step's rounds, ms.
    var ipdvMeanMs: Double? = nil
    /// Per-direction series only: why the step has no one-way delay (the reason of its newest round).
    var delayWithheld: String? = nil

    enum CodingKeys: String, CodingKey {
        case start, rounds, sent, received
        case lossRatio = "loss_ratio"
        case medianMs = "median_ms"
        case p95Ms = "p95_ms"
        case minMs = "min_ms"
        case maxMs = "max_ms"
        case smokeMs = "smoke_ms"
        case ipdvMeanMs = "ipdv_mean_ms"
        case delayWithheld = "delay_withheld"
    }
}

/// A link's series between two times at a fixed step (SmokePing-style consolidation: RTTs pooled per step).
struct LinkSeries: Sendable, Codable {
    var commune: String
    var target: String
    var from: Date
    var to: Date
    var stepSeconds: Double
    /// What the points were computed from: `raw` (every round) or `hourly` (the store's hourly rollups, for ranges
    /// over ``rawRangeSeconds`` or reaching past the raw rounds' retention).
    var resolution: SeriesResolution = .raw
    var points: [SeriesPoint]
    /// `uplink` or `downlink` for a direction's series (``init(commune:target:from:to:step:directions:direction:)``);
    /// nil (left out) for the round trip.
    var direction: String? = nil

    enum CodingKeys: String, CodingKey {
        case commune, target, from, to, points, direction, resolution
        case stepSeconds = "step_seconds"
    }

    static let maxPoints = 5000
    /// Longest range (and largest step) a series may ask for: 400 days.
    static let maxSpanSeconds: Double = 400 * 86400
    static let maxRounds = 200_000

    /// Steps between `from` and `to`. The route bounds span and step (at most maxPoints steps); the clamp keeps any
    /// other caller from trapping.
    static func stepCount(from: Date, to: Date, step: Double) -> Int {
        let steps = (to.timeIntervalSince(from) / step).rounded(.up)
        return steps.isFinite ? Int(max(0, min(steps, Double(Self.maxPoints)))) : 0
    }

    init(commune: String, target: String, from: Date, to: Date, step: Double, rounds: [StoredRound]) {
        self.commune = commune
        self.target = target
        self.from = from
        self.to = to
        self.stepSeconds = step
        let count = Self.stepCount(from: from, to: to, step: step)
        var sent = [Int](repeating: 0, count: count)
        var received = [Int](repeating: 0, count: count)
        var roundsIn = [Int](repeating: 0, count: count)
        var rtts = [[Double]](repeating: [], count: count)
        for r in rounds {
            let slot = (r.round.start.timeIntervalSince(from) / step).rounded(.down)
            guard slot >= 0, slot < Double(count) else { continue }
            let i = Int(slot)
            sent[i] += r.round.sent
            received[i] += r.round.received
            roundsIn[i] += 1
            rtts[i].append(contentsOf: r.round.rttSeconds)
        }
        self.points = (0..<count).map { i in
            let sorted = rtts[i].sorted().map { $0 * 1000 }
            return SeriesPoint(
                start: from.addingTimeInterval(Double(i) * step), rounds: roundsIn[i], sent: sent[i],
                received: received[i],
                lossRatio: sent[i] == 0 ? nil : Double(sent[i] - received[i]) / Double(sent[i]),
                medianMs: Quantile.of(sorted, 0.5), p95Ms: Quantile.of(sorted, 0.95), minMs: sorted.first,
                maxMs: sorted.last,
                smokeMs: sorted.isEmpty ? [] : (0..<20).compactMap { Quantile.of(sorted, Double($0) / 19) })
        }
    }
}
