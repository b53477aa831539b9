import NetmonProtocol

/// How a cell stands for one technology.
public enum TechnologyCellState: String, Sendable, Hashable {
    /// At least `min_samples` values and their median at or above the floor.
    case covered
    /// Enough values, median below the floor.
    case belowFloor = "below_floor"
    /// Some values, fewer than `min_samples`.
    case tooFewSamples = "too_few_samples"
    /// No values.
    case noSamples = "no_samples"
}

/// One technology's figures in a cell.
public struct TechnologyCellFigures: Sendable, Hashable {
    public var samples: Int
    /// Median of the primary metric (mean of the two middle values for an even count).
    public var median: Double?
    public var state: TechnologyCellState
}

/// One H3 cell of the province and how it is covered.
public struct CellCoverage: Sendable, Hashable {
    public var cell: H3Index
    /// The commune whose polygon-to-cells holds this cell.
    public var communeCode: String
    public var areaKm2: Double
    /// Rows of any kind in the cell.
    public var rows: Int
    /// Per judged technology.
    public var technologies: [Technology: TechnologyCellFigures]
    /// At least `min_samples` rows of any kind.
    public var isMeasured: Bool
    /// Measured and covered by no technology.
    public var isDead: Bool
    /// Index into `CoverageResult.deadZones` for a dead cell.
    public var deadZone: Int?
    /// Operators that cover the cell with some technology, and operators measured in it (at least
    /// `min_samples` rows) that cover it with none.
    public var operatorsCovering: [String]
    public var operatorsNotCovering: [String]
    /// Per technology judged for speed (`CoverageSettings.speed`).
    public var speed: [Technology: SpeedCellFigures] = [:]
    /// Each operator with rows or values in the cell, and how it alone covers the cell (`OperatorCoverage.swift`).
    public var operatorStates: [String: OperatorCellFigures] = [:]

    /// Ofcom's partial not-spot: some operators cover the cell and others, measured there, do not.
    public var isPartialNotSpot: Bool { !self.operatorsCovering.isEmpty && !self.operatorsNotCovering.isEmpty }

    public func isCovered(by technology: Technology) -> Bool { self.technologies[technology]?.state == .covered }
}

/// An edge-connected group of dead cells, across commune borders.
public struct DeadZone: Sendable, Hashable {
    public var id: Int
    public var cells: [H3Index]
    public var areaKm2: Double
    /// Codes of the communes whose cells it holds, sorted.
    public var communeCodes: [String]
}

/// A commune's figures.
public struct CommuneCoverage: Sendable, Hashable {
    public var code: String
    public var name: String
    public var cells: Int
    public var areaKm2: Double
    /// Covered area / area, per judged technology (0 when the commune has no cells).
    public var coverage: [Technology: Double]
    /// Measured area / area.
    public var measuredRatio: Double
    public var deadCells: Int
    /// Dead zones holding at least one of its cells.
    public var deadZones: Int
    public var partialNotSpots: Int
    /// Speed-covered area per technology judged for speed.
    public var speed: [Technology: SpeedAreaFigures] = [:]
    /// Meets its commune targets, misses them, or is not measured enough to tell.
    public var status: CommuneStatus = .notMeasuredEnough
    /// Per operator with reports in the commune, by code (`OperatorCoverage.swift`).
    public var operators: [OperatorCoverage] = []
}

/// Whether a target is met, with the measured value.
public struct TargetResult: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case ratio(Double)
        case count(Int)
        case communes([String])
    }

    /// The target's name as in sites.yaml (`4g_every_commune`, `5g_area_ratio`, `max_dead_zones`).
    public var name: String
    public var target: JSONValue
    /// What was measured: the ratio, the count, or the communes failing.
    public var value: Value
    public var isMet: Bool
}

extension JSONValue: Hashable {
    public func hash(into hasher: inout Hasher) { hasher.combine(self.text) }
}

/// The province's figures.
public struct ProvinceCoverage: Sendable, Hashable {
    public var areaKm2: Double
    public var cells: Int
    public var coverage: [Technology: Double]
    public var measuredRatio: Double
    public var deadCells: Int
    public var deadZones: Int
    public var partialNotSpots: Int
    public var targets: [TargetResult]
    /// Speed-covered area per technology judged for speed.
    public var speed: [Technology: SpeedAreaFigures] = [:]
    /// Per operator with reports in the province, by code, area-weighted over the communes.
    public var operators: [OperatorCoverage] = []
}

/// Everything the model computed.
public struct CoverageResult: Sendable {
    public var settings: CoverageSettings
    public var province: ProvinceCoverage
    public var communes: [CommuneCoverage]
    /// Every cell of the province, in commune order then index order.
    public var cells: [CellCoverage]
    public var deadZones: [DeadZone]
    /// Reports that fell in no commune's cells.
    public var reportsOutsideProvince: Int
    /// Cells claimed by more than one commune's polygon (kept in the first, by code).
    public var overlappingCells: Int
    public var operators: [String]
}
