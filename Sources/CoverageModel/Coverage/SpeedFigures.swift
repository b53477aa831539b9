import NetmonProtocol

/// How a cell stands for one technology's speed.
public enum SpeedCellState: String, Sendable, Hashable {
    /// Enough rate samples, and the median download (and upload, when judged) at or above the threshold.
    case meets
    /// Enough rate samples, a median below its threshold.
    case below
    /// Some rate samples, fewer than `min_samples` downloads (or uploads, when judged).
    case tooFewSamples = "too_few_samples"
    /// No report of the technology in the cell carries a rate.
    case noSamples = "no_samples"
}

/// One technology's speed figures in a cell. Rates count for the technology of the report that carries them
/// (a 5G report's rates are judged on the 5G threshold only, not on 4G's).
public struct SpeedCellFigures: Sendable, Hashable {
    /// Reports carrying a download rate, and an upload rate.
    public var downloadSamples: Int
    public var uploadSamples: Int
    /// Medians in Mbit/s (mean of the two middle values for an even count).
    public var downloadMedianMbps: Double?
    public var uploadMedianMbps: Double?
    public var state: SpeedCellState

    /// No rate samples.
    public static let noSamples = SpeedCellFigures(
        downloadSamples: 0, uploadSamples: 0, downloadMedianMbps: nil, uploadMedianMbps: nil, state: .noSamples)
}

/// Speed over an area (a commune or the province) for one technology.
public struct SpeedAreaFigures: Sendable, Hashable {
    /// Area of cells that meet the threshold / area.
    public var coveredRatio: Double
    /// Area of cells with enough rate samples to be judged (`meets` or `below`) / area.
    public var judgedRatio: Double

    public init(coveredRatio: Double, judgedRatio: Double) {
        self.coveredRatio = coveredRatio
        self.judgedRatio = judgedRatio
    }

    /// Nothing meets, nothing judged.
    public static let zero = SpeedAreaFigures(coveredRatio: 0, judgedRatio: 0)
}
