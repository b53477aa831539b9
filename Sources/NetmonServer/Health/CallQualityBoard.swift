import Foundation
import LinkQuality
import MeasurementStore

/// The "will a meeting work here" score of every commune: the G.107 E-model on its link to the configured target
/// (`call_quality.target`, the hub by default) over the newest `call_quality.window` of rounds.
///
/// ICMP and TCP rounds give round trips only, so each commune gets one path scored on half the round trip
/// (``CallPathFigures/Basis/halfRoundTrip``). STAMP rounds that carry per-direction figures add an uplink and a
/// downlink path to `directions` (``directionPaths(_:roundTrip:settings:)``), and the commune's grade is then the
/// worse of the two.
struct CallQualityBoard: Sendable, Encodable {
    /// One scored path of one commune.
    struct Path: Sendable, Encodable {
        var estimate: CallQualityEstimate

        enum CodingKeys: String, CodingKey {
            case grade, r, mos, basis, direction, probes
            case oneWayDelayMs = "one_way_delay_ms"
            case delayVariationMs = "delay_variation_ms"
            case lossRatio = "loss_ratio"
            case mouthToEarMs = "mouth_to_ear_ms"
            case jitterBufferMs = "jitter_buffer_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            let f = estimate.figures
            try c.encode(estimate.grade.rawValue, forKey: .grade)
            try c.encode(Self.rounded(estimate.r, 2), forKey: .r)
            try c.encode(Self.rounded(estimate.mos, 3), forKey: .mos)
            try c.encode(f.basis.rawValue, forKey: .basis)
            try c.encodeIfPresent(f.direction, forKey: .direction)
            try c.encode(f.probes, forKey: .probes)
            try c.encode(Self.rounded(f.oneWayDelayMs, 3), forKey: .oneWayDelayMs)
            try c.encode(Self.rounded(f.delayVariationMs, 3), forKey: .delayVariationMs)
            try c.encode(f.lossRatio, forKey: .lossRatio)
            try c.encode(Self.rounded(estimate.mouthToEarMs, 3), forKey: .mouthToEarMs)
            try c.encode(Self.rounded(estimate.jitterBufferMs, 3), forKey: .jitterBufferMs)
        }

        static func rounded(_ value: Double, _ places: Int) -> Double {
            let scale = pow(10, Double(places))
            return (value * scale).rounded() / scale
        }
    }

    /// One commune's score; `grade` is `unknown` without a reply in the window.
    struct Commune: Sendable, Encodable {
        var code: String
        var name: String
        var target: String
        var grade: String
        /// The round-trip path (nil without replies).
        var roundTrip: Path?
        /// Per-direction paths (uplink, downlink) once rounds carry them; empty for ICMP and TCP rounds.
        var directions: [Path]

        enum CodingKeys: String, CodingKey {
            case code, name, target, grade, directions
            case roundTrip = "round_trip"
        }
    }

    var generatedAt: Date
    var windowSeconds: Double
    var target: String
    var assumptions: [String: String]
    var levels: [String: Double]
    var counts: [String: Int]
    var communes: [Commune]

    enum CodingKeys: String, CodingKey {
        case target, assumptions, levels, counts, communes
        case generatedAt = "generated_at"
        case windowSeconds = "window_seconds"
    }

    /// Most rounds read per commune (a 24 h window of one-minute rounds is 1,440).
    static let maxRoundsPerCommune = 20_000

    /// Scores every commune that probes the target, from the store's rounds of the window ending now.
    static func build(state: ServerState) async throws -> CallQualityBoard {
        let settings = state.configuration.callQuality
        let now = state.configuration.now()
        let from = now.addingTimeInterval(-settings.windowSeconds)
        var communes: [Commune] = []
        for commune in state.configuration.communes
        where commune.targets.contains(where: { $0.name == settings.target }) {
            let rounds = try await state.store.rounds(
                commune: commune.code, target: settings.target, from: from, to: now, limit: Self.maxRoundsPerCommune)
            let active = rounds.map(\.round).filter { $0.kind != "passive" }
            let figures = CallPathFigures.fromRoundTrips(
                rttSeconds: active.flatMap(\.rttSeconds), jitterSeconds: active.compactMap(\.jitterSeconds),
                sent: active.reduce(0) { $0 + $1.sent }, received: active.reduce(0) { $0 + $1.received })
            let path = figures.map { Path(estimate: CallQualityEstimate(figures: $0, settings: settings)) }
            let breakdowns = try await state.store.roundDirections(
                commune: commune.code, target: settings.target, from: from, to: now, limit: Self.maxRoundsPerCommune)
            let directions = Self.directionPaths(breakdowns, roundTrip: figures, settings: settings)
            let worst = directions.min { $0.estimate.r < $1.estimate.r } ?? path
            communes.append(
                Commune(
                    code: commune.code, name: commune.name, target: settings.target,
                    grade: worst?.estimate.grade.rawValue ?? "unknown", roundTrip: path, directions: directions))
        }
        var counts = Dictionary(
            uniqueKeysWithValues: (CallQualityGrade.allCases.map(\.rawValue) + ["unknown"]).map { ($0, 0) })
        for commune in communes { counts[commune.grade, default: 0] += 1 }
        return CallQualityBoard(
            generatedAt: now, windowSeconds: settings.windowSeconds, target: settings.target,
            assumptions: Self.assumptions(settings),
            levels: ["good": settings.levels.good, "fair": settings.levels.fair, "poor": settings.levels.poor],
            counts: counts, communes: communes)
    }

    /// The assumptions behind the score, in words and figures, as the API states them.
    static func assumptions(_ settings: CallQualitySettings) -> [String: String] {
        let f = { (value: Double) in String(format: "%g", value) }
        let buffer: String
        switch settings.jitterBuffer {
        case .fixed(let depthMs): buffer = "fixed, \(f(depthMs)) ms"
        case .adaptive(let multiple, let minimumMs):
            buffer = "adaptive, \(f(multiple)) × the one-way delay variation, at least \(f(minimumMs)) ms"
        }
        return [
            "model": "ITU-T G.107 E-model, default parameters (T = Ta, Tr = 2·Ta, TELR 65 dB), random loss (BurstR 1)",
            "codec": settings.codec.rawValue,
            "ie": f(settings.codec.equipmentImpairment),
            "bpl": f(settings.codec.packetLossRobustness),
            "packet_ms": f(settings.packetMs),
            "look_ahead_ms": f(settings.codec.lookAheadMs),
            "jitter_buffer": buffer,
            "one_way_delay":
                "half the median round trip of the window's rounds; per direction of STAMP targets, the median of "
                + "the rounds' median one-way delays where published, else half the median round trip",
            "delay_variation":
                "half the mean RFC 3550 jitter of the window's rounds; per direction of STAMP targets, the mean of "
                + "the rounds' mean |IPDV| (RFC 3393)",
            "loss": "the window's pooled loss; per direction of STAMP targets, the direction's own where split",
            "mouth_to_ear": "one-way delay + jitter buffer + packet + look-ahead",
        ]
    }
}
