import LinkQuality
import Testing

/// The E-model against the values published with ITU-T G.107 and its users.
@Suite("E-model (ITU-T G.107)")
struct EModelTests {
    @Test("every parameter at its default gives R = 93.2 (Ro = 94.77, Is = 1.41, Id = 0.15), as G.107 states")
    func defaultRating() {
        let rating = EModel.rating(EModel.Parameters())
        #expect(abs(rating.r - 93.2) < 0.05, "\(rating)")
        #expect(abs(rating.basicSignalToNoise - 94.77) < 0.005, "\(rating)")
        #expect(abs(rating.simultaneousImpairment - 1.41) < 0.005, "\(rating)")
        #expect(abs(rating.delayImpairment - 0.15) < 0.005, "\(rating)")
        #expect(rating.effectiveEquipmentImpairment == 0)
    }

    /// G.107 Annex B's R → MOS curve at the points tabulated with G.109's category boundaries (G.109 prints 4.03
    /// at R = 80 where the formula gives 4.024, hence the tolerance of 0.01).
    @Test(
        "R → MOS at the published points",
        arguments: [(100.0, 4.50), (93.2, 4.41), (90, 4.34), (80, 4.03), (70, 3.60), (60, 3.10), (50, 2.58)])
    func mosPoints(r: Double, mos: Double) {
        #expect(abs(EModel.mos(r: r) - mos) < 0.01, "MOS(\(r)) = \(EModel.mos(r: r))")
    }

    @Test("MOS is 1 at and below R = 0 and 4.5 at and above R = 100")
    func mosEnds() {
        #expect(EModel.mos(r: -5) == 1)
        #expect(EModel.mos(r: 0) == 1)
        #expect(EModel.mos(r: 120) == 4.5)
        #expect(EModel.mos(r: .nan) == 1)
    }

    @Test("Ie,eff with G.113 Appendix I codec values: G.729A alone costs 11 (R = 82.2); 1 % loss on G.711+PLC 3.64")
    func equipmentImpairment() {
        var p = EModel.Parameters()
        p.equipmentImpairment = CallCodec.g729a.equipmentImpairment
        p.packetLossRobustness = CallCodec.g729a.packetLossRobustness
        #expect(abs(EModel.rating(p).r - 82.2) < 0.05)
        var q = EModel.Parameters()
        q.packetLossRobustness = CallCodec.g711PLC.packetLossRobustness
        q.packetLossPercent = 1
        // 95 · 1 / (1 + 25.1)
        #expect(abs(EModel.rating(q).effectiveEquipmentImpairment - 95.0 / 26.1) < 1e-9)
        // The same loss without concealment hurts far more: 95 · 1 / (1 + 4.3).
        q.packetLossRobustness = CallCodec.g711.packetLossRobustness
        #expect(abs(EModel.rating(q).effectiveEquipmentImpairment - 95.0 / 5.3) < 1e-9)
    }

    /// Cole and Rosenbluth (2001), "Voice over IP performance monitoring", ACM CCR 31(2), fitted G.107's delay
    /// impairment for echo-controlled calls (T = Ta, Tr = 2Ta, defaults elsewhere) as
    /// Id ≈ 0.024·d + 0.11·(d − 177.3)·H(d − 177.3). The full model stays within 1 R point of their fit up to the
    /// 300 ms where their paper's data ends (away from the 177.3 ms knee, which the fit draws sharp).
    @Test("the delay impairment follows Cole and Rosenbluth's fit", arguments: [50.0, 100, 150, 200, 250, 300])
    func delayMatchesPublishedFit(delayMs: Double) {
        var p = EModel.Parameters()
        p.absoluteDelay = delayMs
        p.echoPathDelay = delayMs
        p.roundTripDelay = 2 * delayMs
        let id = EModel.rating(p).delayImpairment - EModel.rating(EModel.Parameters()).delayImpairment
        let fit = 0.024 * delayMs + 0.11 * max(0, delayMs - 177.3)
        #expect(abs(id - fit) < 1.0, "Id(\(delayMs) ms) = \(id), fit \(fit)")
    }

    @Test("the meeting score: a clean LAN-like path is good, 5 % loss makes G.711+PLC fair, 300 ms RTT poor")
    func estimates() {
        let settings = CallQualitySettings.standard
        let clean = CallQualityEstimate(
            figures: CallPathFigures(
                oneWayDelayMs: 5, delayVariationMs: 1, lossRatio: 0, probes: 200, basis: .halfRoundTrip),
            settings: settings)
        // Ta = 5 + 10 (buffer floor) + 20 (packet) = 35 ms: below 100 ms, no absolute-delay impairment.
        #expect(clean.mouthToEarMs == 35)
        #expect(clean.grade == .good)
        // T = Ta = 35 ms brings a little talker echo (TELR 65 dB): R = 92.12 (a separate transcription of G.107).
        #expect(abs(clean.r - 92.124) < 0.001, "\(clean.r)")
        let lossy = CallQualityEstimate(
            figures: CallPathFigures(
                oneWayDelayMs: 5, delayVariationMs: 1, lossRatio: 0.05, probes: 200, basis: .halfRoundTrip),
            settings: settings)
        // Ie,eff = 95 · 5 / (5 + 25.1) = 15.8.
        #expect(abs(lossy.rating.effectiveEquipmentImpairment - 95 * 5 / 30.1) < 1e-9)
        #expect(lossy.grade == .fair)
        let far = CallQualityEstimate(
            figures: CallPathFigures(
                oneWayDelayMs: 300, delayVariationMs: 20, lossRatio: 0.01, probes: 200, basis: .halfRoundTrip),
            settings: settings)
        #expect(far.mouthToEarMs == 300 + 40 + 20)
        #expect(far.grade == .poor || far.grade == .bad)
        #expect(far.r < lossy.r)
    }

    @Test("round trips become halved one-way figures; no reply gives no figures")
    func figuresFromRoundTrips() throws {
        let figures = try #require(
            CallPathFigures.fromRoundTrips(
                rttSeconds: [0.030, 0.010, 0.020], jitterSeconds: [0.004, 0.002], sent: 4, received: 3))
        #expect(abs(figures.oneWayDelayMs - 10) < 1e-9)
        #expect(abs(figures.delayVariationMs - 1.5) < 1e-9)
        #expect(figures.lossRatio == 0.25)
        #expect(figures.basis == .halfRoundTrip)
        #expect(CallPathFigures.fromRoundTrips(rttSeconds: [], jitterSeconds: [], sent: 10, received: 0) == nil)
    }

    @Test("the jitter buffer: adaptive holds a multiple of the delay variation above its floor, fixed its depth")
    func jitterBuffer() {
        #expect(JitterBuffer.adaptive(multiple: 2, minimumMs: 10).delayMs(delayVariationMs: 3) == 10)
        #expect(JitterBuffer.adaptive(multiple: 2, minimumMs: 10).delayMs(delayVariationMs: 30) == 60)
        #expect(JitterBuffer.fixed(depthMs: 40).delayMs(delayVariationMs: 30) == 40)
        #expect(CallQualityLevels.standard.grade(r: 80) == .good)
        #expect(CallQualityLevels.standard.grade(r: 79.9) == .fair)
        #expect(CallQualityLevels.standard.grade(r: 60) == .poor)
        #expect(CallQualityLevels.standard.grade(r: 59.9) == .bad)
    }
}
