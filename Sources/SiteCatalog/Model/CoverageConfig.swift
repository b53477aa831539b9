import NetmonProtocol

/// sites.yaml's `coverage:` section as written: how coverage is judged and what the province aims for. The CLI maps
/// it onto CoverageModel's `CoverageSettings`; SiteCatalog does not depend on CoverageModel, which the gateway build
/// leaves out.
public struct CoverageConfig: Sendable, Hashable {
    /// H3 resolution of the grid, 0…15 (8 ≈ 0.74 km² cells).
    public var resolution: Int
    /// Reports a cell needs before it is judged.
    public var minSamples: Int
    /// The signal floor per generation: a cell is covered when its median reaches it.
    public var floors: [Technology: SignalFloor]
    /// The province's published targets.
    public var targets: CoverageTargetsConfig
    /// Download/upload thresholds per generation judged for speed (`coverage.speed`; the FCC BDC tiers when absent).
    public var speed: [Technology: SpeedThreshold]
    /// Operator display names by MCC-MNC code (`coverage.operators`), merged over the defaults 452-01 MobiFone,
    /// 452-02 VinaPhone, 452-04 Viettel; empty when the file names none.
    public var operators: [String: String] = [:]

    /// Creates coverage settings.
    public init(
        resolution: Int, minSamples: Int, floors: [Technology: SignalFloor], targets: CoverageTargetsConfig,
        speed: [Technology: SpeedThreshold] = SpeedThreshold.fccBDC
    ) {
        self.resolution = resolution
        self.minSamples = minSamples
        self.floors = floors
        self.targets = targets
        self.speed = speed
    }
}

extension Technology {
    /// The signal metric a coverage floor for this generation is written in (3G RSCP, 4G RSRP, 5G SS-RSRP);
    /// nil for the generations coverage is not judged on.
    public var floorMetric: SignalMetric? {
        switch self {
        case .threeG: .rscpDbm
        case .fourG: .rsrpDbm
        case .fiveG: .nrSsRsrpDbm
        case .twoG, .noService: nil
        }
    }
}

/// The signal level a generation must reach for a cell to count as covered.
public struct SignalFloor: Sendable, Hashable {
    /// The metric compared.
    public var metric: SignalMetric
    /// The floor in dBm.
    public var dbm: Double

    /// Creates a floor.
    public init(metric: SignalMetric, dbm: Double) {
        self.metric = metric
        self.dbm = dbm
    }
}

/// The province's coverage targets as written under `coverage.targets` (every one given: the schema has defaults).
public struct CoverageTargetsConfig: Sendable, Hashable {
    /// 3G in every commune (`3g_every_commune`, default false).
    public var threeGInEveryCommune: Bool
    /// 4G in every commune (`4g_every_commune`).
    public var fourGInEveryCommune: Bool
    /// Share of the province's area 5G must cover, 0…1 (`5g_area_ratio`).
    public var fiveGAreaRatio: Double
    /// Dead zones allowed (`max_dead_zones`).
    public var maxDeadZones: Int
    /// Measured area / area a commune needs before it is judged against its targets, 0…1 (`min_measured_ratio`,
    /// default 0.3); below it the commune is "not measured enough".
    public var minMeasuredRatio: Double

    /// Creates targets.
    public init(
        threeGInEveryCommune: Bool = false, fourGInEveryCommune: Bool, fiveGAreaRatio: Double, maxDeadZones: Int,
        minMeasuredRatio: Double = 0.3
    ) {
        self.threeGInEveryCommune = threeGInEveryCommune
        self.fourGInEveryCommune = fourGInEveryCommune
        self.fiveGAreaRatio = fiveGAreaRatio
        self.maxDeadZones = maxDeadZones
        self.minMeasuredRatio = minMeasuredRatio
    }
}
