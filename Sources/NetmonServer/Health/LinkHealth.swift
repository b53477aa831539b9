import Foundation
import MeasurementStore
import NetmonProtocol

/// The state of a link or commune on the dashboard, from best to worst.
public enum HealthStatus: String, Sendable, Codable, Comparable, CaseIterable {
    /// Never heard from.
    case unknown
    case ok
    case warn
    /// The newest round is too old: the probe or its link has gone quiet.
    case silent
    case critical

    private var rank: Int {
        switch self {
        case .unknown: 0
        case .ok: 1
        case .warn: 2
        case .silent: 3
        case .critical: 4
        }
    }

    public static func < (a: HealthStatus, b: HealthStatus) -> Bool { a.rank < b.rank }
}

/// The current health of one link (commune gateway → target), from its newest round.
public struct LinkHealth: Sendable, Codable, Hashable {
    public var target: String
    public var address: String
    public var status: HealthStatus
    public var medianMs: Double?
    public var p95Ms: Double?
    public var lossRatio: Double?
    public var lastRoundStart: Date?
    public var probeID: String?
    /// `icmp`, `tcp` or `stamp` as sites.yaml says (nil, left out, when not known): the dashboard draws a stamp
    /// link's uplink and downlink too.
    public var kind: String? = nil

    enum CodingKeys: String, CodingKey {
        case target, address, status, kind
        case medianMs = "median_ms"
        case p95Ms = "p95_ms"
        case lossRatio = "loss_ratio"
        case lastRoundStart = "last_round_start"
        case probeID = "probe_id"
    }

    /// Classifies the newest round against the target's thresholds at time `now`.
    static func evaluate(
        target: ServerTarget, latest: StoredRound?, now: Date, staleAfterSteps: Double
    ) -> LinkHealth {
        guard let latest else {
            return LinkHealth(
                target: target.name, address: target.address, status: .unknown, medianMs: nil, p95Ms: nil,
                lossRatio: nil, lastRoundStart: nil, probeID: nil, kind: target.kind)
        }
        let r = latest.round
        let median = r.medianRTTSeconds.map { $0 * 1000 }
        let p95 = Quantile.of(r.rttSeconds, 0.95).map { $0 * 1000 }
        let end = r.start.addingTimeInterval(r.stepSeconds)
        let status: HealthStatus
        if now.timeIntervalSince(end) > max(r.stepSeconds, 1) * staleAfterSteps {
            status = .silent
        } else if r.received == 0 || r.lossRatio >= target.lossRatio.critical
            || (median ?? 0) >= target.latencyMs.critical
        {
            status = .critical
        } else if r.lossRatio >= target.lossRatio.warn || (median ?? 0) >= target.latencyMs.warn {
            status = .warn
        } else {
            status = .ok
        }
        return LinkHealth(
            target: target.name, address: target.address, status: status, medianMs: median, p95Ms: p95,
            lossRatio: r.lossRatio, lastRoundStart: r.start, probeID: r.probeID, kind: target.kind)
    }
}

/// A commune's current state: its links and the worst of them.
public struct CommuneHealth: Sendable, Codable, Hashable {
    public var code: String
    public var name: String
    public var probeID: String
    public var status: HealthStatus
    public var links: [LinkHealth]
    /// Worst median over the links, ms.
    public var latencyMedianMs: Double?
    /// Worst p95 over the links, ms.
    public var latencyP95Ms: Double?
    /// Worst loss over the links.
    public var lossRatio: Double?
    /// When the probe last reached the server.
    public var lastSeen: Date?

    enum CodingKeys: String, CodingKey {
        case code, name, status, links
        case probeID = "probe_id"
        case latencyMedianMs = "latency_median_ms"
        case latencyP95Ms = "latency_p95_ms"
        case lossRatio = "loss_ratio"
        case lastSeen = "last_seen"
    }
}

/// Builds every commune's health from the store's newest rounds.
struct HealthBoard: Sendable {
    var communes: [CommuneHealth]

    init(configuration: ServerConfiguration, latest: [StoredRound], probes: [ProbeStatus]) {
        var byLink: [String: StoredRound] = [:]
        for r in latest { byLink[r.round.commune + "\u{0}" + r.round.target] = r }
        let lastHeard = Dictionary(probes.map { ($0.probeID, $0.lastHeardAt) }, uniquingKeysWith: max)
        let now = configuration.now()
        self.communes = configuration.communes.map { c in
            let links = c.targets.map { t in
                LinkHealth.evaluate(
                    target: t, latest: byLink[c.code + "\u{0}" + t.name], now: now,
                    staleAfterSteps: configuration.staleAfterSteps)
            }
            return CommuneHealth(
                code: c.code, name: c.name, probeID: c.probeID,
                status: links.map(\.status).max() ?? .unknown, links: links,
                latencyMedianMs: links.compactMap(\.medianMs).max(), latencyP95Ms: links.compactMap(\.p95Ms).max(),
                lossRatio: links.compactMap(\.lossRatio).max(), lastSeen: lastHeard[c.probeID])
        }
    }

    /// How many communes are in each state.
    var counts: [HealthStatus: Int] {
        var out: [HealthStatus: Int] = [:]
        for s in HealthStatus.allCases { out[s] = 0 }
        for c in communes { out[c.status, default: 0] += 1 }
        return out
    }
}

/// Quantiles of sorted samples (nearest rank on the sorted list, interpolated).
enum Quantile {
    static func of(_ sorted: [Double], _ q: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let pos = q * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        let f = pos - Double(lo)
        return sorted[lo] * (1 - f) + sorted[hi] * f
    }
}
