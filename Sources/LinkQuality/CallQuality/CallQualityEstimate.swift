/// The E-model's verdict on one path of a call: R, MOS and the colour, with the delay budget it assumed.
///
/// Mouth-to-ear delay Ta = one-way network delay + jitter-buffer delay + packetisation (`packetMs`) + the codec's
/// look-ahead. The echo path is taken as the same (T = Ta, Tr = 2·Ta: echo-controlled terminals at the default
/// TELR = 65 dB), loss as random (BurstR = 1) and every other parameter at its G.107 default.
public struct CallQualityEstimate: Sendable, Hashable, Codable {
    public var figures: CallPathFigures
    /// Mouth-to-ear delay assumed, milliseconds.
    public var mouthToEarMs: Double
    /// The jitter buffer's share of it, milliseconds.
    public var jitterBufferMs: Double
    public var rating: EModel.Rating
    public var grade: CallQualityGrade

    /// The transmission rating R.
    public var r: Double { self.rating.r }
    /// The estimated MOS.
    public var mos: Double { self.rating.mos }

    public init(figures: CallPathFigures, settings: CallQualitySettings) {
        let buffer = settings.jitterBuffer.delayMs(delayVariationMs: figures.delayVariationMs)
        let network = figures.oneWayDelayMs.isFinite ? max(0, figures.oneWayDelayMs) : 0
        let ta = network + buffer + max(0, settings.packetMs) + settings.codec.lookAheadMs
        var parameters = EModel.Parameters()
        parameters.absoluteDelay = ta
        parameters.echoPathDelay = ta
        parameters.roundTripDelay = 2 * ta
        parameters.equipmentImpairment = settings.codec.equipmentImpairment
        parameters.packetLossRobustness = settings.codec.packetLossRobustness
        let loss = figures.lossRatio.isFinite ? min(1, max(0, figures.lossRatio)) : 1
        parameters.packetLossPercent = loss * 100
        let rating = EModel.rating(parameters)
        self.figures = figures
        self.mouthToEarMs = ta
        self.jitterBufferMs = buffer
        self.rating = rating
        self.grade = settings.levels.grade(r: rating.r)
    }
}
