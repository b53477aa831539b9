/// sites.yaml's `coverage:` section as written: how coverage is judged and what the province aims for. The CLI maps
/// it onto CoverageModel's `CoverageSettings`; SiteCatalog does not depend on CoverageModel, which the gateway build
/// leaves out.
public struct CoverageConfig: Sendable, Hashable {
    /// H3 resolution of the grid, 0…15 (8 ≈ 0.74 km² cells).
    public var resolution: Int
    /// Reports a cell needs before it is judged.
    public var minSamples: Int
    /// The signal floor per generation: a cell is covered when its median reaches it.
    public var floors: [RadioGeneration: SignalFloor]
    /// The province's published targets.
    public var targets: CoverageTargetsConfig

    /// Creates coverage settings.
    public init(
        resolution: Int, minSamples: Int, floors: [RadioGeneration: SignalFloor], targets: CoverageTargetsConfig
    ) {
        self.resolution = resolution
        self.minSamples = minSamples
        self.floors = floors
        self.targets = targets
    }
}

/// A mobile network generation, keyed in sites.yaml as `3G`, `4G`, `5G`.
public enum RadioGeneration: String, Sendable, Hashable, CaseIterable, Comparable {
    /// UMTS/HSPA.
    case threeG = "3G"
    /// LTE.
    case fourG = "4G"
    /// NR (non-standalone or standalone).
    case fiveG = "5G"

    /// The signal metric a floor for this generation is written in.
    public var floorMetric: SignalFloor.Metric {
        switch self {
        case .threeG: .rscpDbm
        case .fourG: .rsrpDbm
        case .fiveG: .nrSsRsrpDbm
        }
    }

    /// 3G < 4G < 5G.
    public static func < (lhs: RadioGeneration, rhs: RadioGeneration) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The signal level a generation must reach for a cell to count as covered.
public struct SignalFloor: Sendable, Hashable {
    /// A received-power metric of drive tests and signal reports.
    public enum Metric: String, Sendable, Hashable, CaseIterable {
        /// 3G received signal code power.
        case rscpDbm = "rscp_dbm"
        /// LTE reference signal received power.
        case rsrpDbm = "rsrp_dbm"
        /// 5G NR synchronisation signal RSRP.
        case nrSsRsrpDbm = "nr_ss_rsrp_dbm"

        /// The values a report can carry (3GPP reporting ranges): RSCP −120…−25, RSRP −140…−44, SS-RSRP −156…−31 dBm.
        public var validRange: ClosedRange<Double> {
            switch self {
            case .rscpDbm: -120 ... -25
            case .rsrpDbm: -140 ... -44
            case .nrSsRsrpDbm: -156 ... -31
            }
        }
    }

    /// The metric compared.
    public var metric: Metric
    /// The floor in dBm.
    public var dbm: Double

    /// Creates a floor.
    public init(metric: Metric, dbm: Double) {
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

    /// Creates targets.
    public init(
        threeGInEveryCommune: Bool = false, fourGInEveryCommune: Bool, fiveGAreaRatio: Double, maxDeadZones: Int
    ) {
        self.threeGInEveryCommune = threeGInEveryCommune
        self.fourGInEveryCommune = fourGInEveryCommune
        self.fiveGAreaRatio = fiveGAreaRatio
        self.maxDeadZones = maxDeadZones
    }
}
