/// The assumptions behind the call-quality score and the levels of its colours (sites.yaml `call_quality:`).
public struct CallQualitySettings: Sendable, Hashable, Codable {
    /// The codec assumed for the meeting's voice.
    public var codec: CallCodec
    /// Voice carried per packet, milliseconds (the packetisation delay; 20 ms is the usual RTP ptime).
    public var packetMs: Double
    /// The receiver's playout buffer.
    public var jitterBuffer: JitterBuffer
    /// The R levels of the colours.
    public var levels: CallQualityLevels
    /// The probe target whose rounds are scored (every commune's link to it), e.g. `hub`.
    public var target: String
    /// How far back rounds are pooled, seconds.
    public var windowSeconds: Double

    public init(
        codec: CallCodec = .g711PLC, packetMs: Double = 20, jitterBuffer: JitterBuffer = .standard,
        levels: CallQualityLevels = .standard, target: String = "hub", windowSeconds: Double = 900
    ) {
        self.codec = codec
        self.packetMs = packetMs
        self.jitterBuffer = jitterBuffer
        self.levels = levels
        self.target = target
        self.windowSeconds = windowSeconds
    }

    /// The defaults: G.711 with concealment, 20 ms packets, adaptive buffer at twice the delay variation, the G.109
    /// levels, the hub, 15 minutes.
    public static let standard = CallQualitySettings()
}

/// The R levels that separate the colours of the call-quality score.
///
/// The defaults follow ITU-T G.109 Table 1 (speech transmission quality categories): R ≥ 80 users satisfied
/// (categories "best" and "high"), 70–80 some users dissatisfied ("medium"), 60–70 many dissatisfied ("low"),
/// below 60 nearly all dissatisfied ("poor" and below).
public struct CallQualityLevels: Sendable, Hashable, Codable {
    /// At or above: good.
    public var good: Double
    /// At or above (below `good`): fair.
    public var fair: Double
    /// At or above (below `fair`): poor; below: bad.
    public var poor: Double

    public init(good: Double = 80, fair: Double = 70, poor: Double = 60) {
        self.good = good
        self.fair = fair
        self.poor = poor
    }

    public static let standard = CallQualityLevels()

    /// The grade of a rating R.
    public func grade(r: Double) -> CallQualityGrade {
        if r >= self.good { return .good }
        if r >= self.fair { return .fair }
        if r >= self.poor { return .poor }
        return .bad
    }
}

/// The colour of the call-quality score: will a meeting work here?
public enum CallQualityGrade: String, Sendable, Hashable, Codable, CaseIterable {
    case good
    case fair
    case poor
    case bad
}
