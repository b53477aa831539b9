import Foundation
import MeasurementStore

/// Where a series' points come from.
enum SeriesResolution: String, Sendable, Codable {
    /// Every raw round in range, RTTs pooled per step.
    case raw
    /// The store's hourly rollups (``LinkRollup``): counts and extremes exact, percentiles from merged RTT
    /// histograms (within 1 % of a pooled RTT at that rank).
    case hourly
}

extension LinkSeries {
    /// Ranges up to this long are read from raw rounds (when the rounds are still kept); longer ones from rollups.
    static let rawRangeSeconds: Double = 90 * 86400

    /// Whether a range is read from rollups: longer than ``rawRangeSeconds``, or starting before the oldest raw
    /// rounds the retention keeps.
    static func readsRollups(from: Date, to: Date, now: Date, retention: RoundRetention) -> Bool {
        to.timeIntervalSince(from) > rawRangeSeconds || from < now.addingTimeInterval(-retention.rawSeconds)
    }

    /// A series from hourly rollups. `from` must be on an hour and `step` a multiple of an hour (the route aligns
    /// them), so every hour falls in exactly one step.
    init(commune: String, target: String, from: Date, to: Date, step: Double, rollups: [LinkRollup]) {
        self.commune = commune
        self.target = target
        self.from = from
        self.to = to
        self.stepSeconds = step
        self.resolution = .hourly
        let count = Self.stepCount(from: from, to: to, step: step)
        var slots = (0..<count).map { i in
            LinkRollup(commune: commune, target: target, bucketStart: from.timeIntervalSince1970 + Double(i) * step)
        }
        for r in rollups {
            let slot = ((r.bucketStart - from.timeIntervalSince1970) / step).rounded(.down)
            guard slot >= 0, slot < Double(count) else { continue }
            slots[Int(slot)].merge(r)
        }
        self.points = slots.map { s in
            SeriesPoint(
                start: s.start, rounds: s.rounds, sent: s.sent, received: s.received,
                lossRatio: s.sent == 0 ? nil : Double(s.sent - s.received) / Double(s.sent),
                medianMs: s.rttQuantile(0.5).map { $0 * 1000 }, p95Ms: s.rttQuantile(0.95).map { $0 * 1000 },
                minMs: s.rttMin.map { $0 * 1000 }, maxMs: s.rttMax.map { $0 * 1000 },
                smokeMs: s.rttCount == 0 ? [] : (0..<20).compactMap { s.rttQuantile(Double($0) / 19).map { $0 * 1000 } }
            )
        }
    }
}
