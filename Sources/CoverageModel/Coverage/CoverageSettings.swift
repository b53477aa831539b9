import NetmonProtocol

/// The usable floor of a technology: its primary metric and the level at or above which a cell counts
/// as covered.
public struct CoverageFloor: Sendable, Hashable {
    public var metric: SignalMetric
    public var dbm: Double

    public init(metric: SignalMetric, dbm: Double) {
        self.metric = metric
        self.dbm = dbm
    }
}

/// The province's published targets.
public struct CoverageTargets: Sendable, Hashable {
    /// Every commune must have 3G: at least one of its cells covered by 3G.
    public var threeGEveryCommune: Bool
    /// Every commune must have 4G: at least one of its cells covered by 4G.
    public var fourGEveryCommune: Bool
    /// Share of the province's area that 5G must cover (0…1).
    public var fiveGAreaRatio: Double?
    /// The most dead zones allowed in the province.
    public var maxDeadZones: Int?
    /// Measured area / area a commune needs before it is judged against its targets (0…1); below it the commune
    /// is `not_measured_enough`, not `below_target`.
    public var minMeasuredRatio: Double

    public init(
        threeGEveryCommune: Bool = false, fourGEveryCommune: Bool = true, fiveGAreaRatio: Double? = 0.60,
        maxDeadZones: Int? = 0, minMeasuredRatio: Double = CoverageTargets.defaultMinMeasuredRatio
    ) {
        self.threeGEveryCommune = threeGEveryCommune
        self.fourGEveryCommune = fourGEveryCommune
        self.fiveGAreaRatio = fiveGAreaRatio
        self.maxDeadZones = maxDeadZones
        self.minMeasuredRatio = minMeasuredRatio
    }

    /// 0.3: a commune with less than 30 % of its area measured is not judged.
    public static let defaultMinMeasuredRatio = 0.3
}

/// Everything the coverage model needs to know, as plain values (the CLI maps sites.yaml's `coverage:`
/// section onto this; the model reads no configuration itself).
public struct CoverageSettings: Sendable, Hashable {
    /// H3 resolution of the grid (0…15; 8 by default, as the FCC's BDC).
    public var resolution: Int
    /// Values of the primary metric needed before a cell is judged for a technology; rows of any kind
    /// needed before a cell counts as measured.
    public var minSamples: Int
    /// Primary metric and floor per judged technology.
    public var floors: [Technology: CoverageFloor]
    public var targets: CoverageTargets
    /// Download/upload thresholds per technology judged for speed (`SpeedThreshold.fccBDC` by default).
    public var speed: [Technology: SpeedThreshold]
    /// Display names of operators by MCC-MNC code (`coverage.operators` in sites.yaml, merged over
    /// `defaultOperatorNames`); codes without a name are shown by code.
    public var operatorNames: [String: String] = CoverageSettings.defaultOperatorNames

    public init(
        resolution: Int = 8, minSamples: Int = 3,
        floors: [Technology: CoverageFloor] = CoverageSettings.defaultFloors,
        targets: CoverageTargets = CoverageTargets(), speed: [Technology: SpeedThreshold] = SpeedThreshold.fccBDC
    ) {
        self.resolution = resolution
        self.minSamples = minSamples
        self.floors = floors
        self.targets = targets
        self.speed = speed
    }

    /// 3G `rscp_dbm` ≥ −110, 4G `rsrp_dbm` ≥ −115, 5G `nr_ss_rsrp_dbm` ≥ −110.
    public static let defaultFloors: [Technology: CoverageFloor] = [
        .threeG: CoverageFloor(metric: .rscpDbm, dbm: -110),
        .fourG: CoverageFloor(metric: .rsrpDbm, dbm: -115),
        .fiveG: CoverageFloor(metric: .nrSsRsrpDbm, dbm: -110),
    ]

    /// The judged technologies with a floor, in order.
    public var judgedTechnologies: [Technology] { Technology.judged.filter { self.floors[$0] != nil } }

    /// Which judged technologies a report's value of its metric counts for: its own technology, and 4G
    /// for a 5G report's LTE anchor (5G NSA).
    @inline(__always)
    func counts(_ reportTechnology: Technology, for technology: Technology) -> Bool {
        Self.counts(reportTechnology, for: technology)
    }

    /// ``counts(_:for:)``, which depends on no setting.
    @inline(__always)
    static func counts(_ reportTechnology: Technology, for technology: Technology) -> Bool {
        reportTechnology == technology || (technology == .fourG && reportTechnology == .fiveG)
    }
}
