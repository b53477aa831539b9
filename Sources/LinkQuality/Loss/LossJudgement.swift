/// How loss is judged over a sliding window of probes (sites.yaml `alerts.rules.loss`).
///
/// A loss alert is raised only when the Wilson interval of the newest `windowProbes` probes lies wholly above
/// the raise level, and cleared only when the interval of the newest `clearWindowProbes` probes lies wholly below
/// the clear level; in between it keeps its state. A window always holds whole rounds: it takes the newest rounds
/// until their probes reach the size (all of them while there are fewer).
public struct LossJudgement: Sendable, Hashable, Codable {
    /// Probes the raise decision is taken on.
    public var windowProbes: Int
    /// Probes the clear decision is taken on; raised, per level, to the fewest loss-free probes whose interval can
    /// lie below that clear level at all (``WilsonInterval/trialsToBoundBelow(_:z:)``).
    public var clearWindowProbes: Int
    /// Two-sided confidence level of the interval, e.g. 0.95.
    public var confidence: Double

    /// Creates a judgement; sizes below 1 count as 1, a confidence outside (0, 1) as 0.95.
    public init(windowProbes: Int = 100, clearWindowProbes: Int = 400, confidence: Double = 0.95) {
        self.windowProbes = max(1, windowProbes)
        self.clearWindowProbes = max(1, clearWindowProbes)
        self.confidence = confidence.isFinite && confidence > 0 && confidence < 1 ? confidence : 0.95
    }

    /// The defaults: 100 probes to raise, 400 to clear, 95 %.
    public static let standard = LossJudgement()

    /// The two-sided normal quantile of `confidence`.
    public var z: Double { NormalQuantile.twoSided(confidence: self.confidence) ?? 1.959_963_984_540_054 }

    /// The probes the clear decision needs at `clearLevel`: the configured size, or more when that many loss-free
    /// probes could never bring the interval below the level.
    public func clearProbes(clearLevel: Double) -> Int {
        max(self.clearWindowProbes, WilsonInterval.trialsToBoundBelow(clearLevel, z: self.z) ?? 1)
    }

    /// The probes a window must keep to judge both levels of every threshold given (their clear levels).
    public func probesToKeep(clearLevels: [Double]) -> Int {
        clearLevels.reduce(self.windowProbes) { max($0, self.clearProbes(clearLevel: $1)) }
    }

    /// Judges `window` (oldest first) against a raise level and a lower clear level.
    public func judge(_ window: LossWindow, raiseLevel: Double, clearLevel: Double) -> LossVerdict {
        let z = self.z
        let recent = window.newest(probes: self.windowProbes)
        let recentInterval = WilsonInterval(events: recent.lost, trials: recent.sent, z: z)
        let clearCount = window.newest(probes: self.clearProbes(clearLevel: clearLevel))
        let clearInterval = WilsonInterval(events: clearCount.lost, trials: clearCount.sent, z: z)
        let level: SignalLevel
        if let recentInterval, recentInterval.lower > raiseLevel {
            level = .raise
        } else if let clearInterval, clearInterval.upper < clearLevel,
            clearCount.sent >= self.clearProbes(clearLevel: clearLevel)
        {
            level = .clear
        } else {
            level = .hold
        }
        return LossVerdict(
            level: level, recent: recent, recentInterval: recentInterval, clearWindow: clearCount,
            clearInterval: clearInterval)
    }
}

/// What a loss judgement found: the decision, and the counts and intervals it was taken on.
public struct LossVerdict: Sendable, Hashable {
    /// Raise, keep the state, or clear.
    public var level: SignalLevel
    /// The newest probes the raise decision looked at.
    public var recent: LossCount
    /// Their interval (nil without probes).
    public var recentInterval: WilsonInterval?
    /// The newest probes the clear decision looked at.
    public var clearWindow: LossCount
    /// Their interval (nil without probes).
    public var clearInterval: WilsonInterval?
}

/// Probes sent and lost.
public struct LossCount: Sendable, Hashable, Codable {
    public var sent: Int
    public var lost: Int

    public init(sent: Int, lost: Int) {
        self.sent = sent
        self.lost = lost
    }

    /// Lost over sent; nil without probes.
    public var ratio: Double? { self.sent > 0 ? Double(self.lost) / Double(self.sent) : nil }
}
