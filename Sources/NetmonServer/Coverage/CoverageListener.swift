import Foundation

/// Told after every coverage recomputation inside the server (e.g. alerting, which raises coverage alerts).
///
/// Called from the recomputation service, one update at a time, in order; a slow listener delays the next
/// recomputation, so hand heavy work to your own task.
public protocol CoverageListener: Sendable {
    func coverageUpdated(_ update: CoverageUpdate) async
}

/// The coverage figures other modules need after a recomputation, as plain values.
public struct CoverageUpdate: Sendable, Hashable {
    /// One commune's figures.
    public struct Commune: Sendable, Hashable {
        public var code: String
        public var name: String
        /// Covered area / area per technology (0…1).
        public var threeGAreaRatio: Double
        public var fourGAreaRatio: Double
        public var fiveGAreaRatio: Double
        /// Measured area / area (0…1).
        public var measuredRatio: Double
        /// At least one of its cells is covered by 4G (the "4G in every commune" rule).
        public var hasFourG: Bool
        public var deadCells: Int
        /// Dead zones touching the commune.
        public var deadZones: Int
        /// At least `min_measured_ratio` of its area measured: judged against its targets.
        public var isMeasuredEnough: Bool

        public init(
            code: String, name: String, threeGAreaRatio: Double, fourGAreaRatio: Double, fiveGAreaRatio: Double,
            measuredRatio: Double, hasFourG: Bool, deadCells: Int, deadZones: Int, isMeasuredEnough: Bool = true
        ) {
            self.isMeasuredEnough = isMeasuredEnough
            self.code = code
            self.name = name
            self.threeGAreaRatio = threeGAreaRatio
            self.fourGAreaRatio = fourGAreaRatio
            self.fiveGAreaRatio = fiveGAreaRatio
            self.measuredRatio = measuredRatio
            self.hasFourG = hasFourG
            self.deadCells = deadCells
            self.deadZones = deadZones
        }
    }

    /// A dead H3 cell: measured and covered by no technology.
    public struct DeadCell: Sendable, Hashable {
        /// H3 index (hex).
        public var cell: String
        /// GSO code of the commune holding it.
        public var commune: String
        /// The dead zone (edge-connected group) it belongs to.
        public var zone: Int

        public init(cell: String, commune: String, zone: Int) {
            self.cell = cell
            self.commune = commune
            self.zone = zone
        }
    }

    /// A dead zone: an edge-connected group of dead cells (across commune borders), as the coverage model finds it.
    public struct DeadZone: Sendable, Hashable {
        /// The model's number for the zone in this computation (changes between computations; not an identity).
        public var id: Int
        /// The zone's smallest H3 index (hex): its identity from one computation to the next (see ``anchor``).
        public var anchor: String
        /// Its cells' H3 indexes (hex), smallest first.
        public var cells: [String]
        /// Its area in km².
        public var areaKm2: Double
        /// GSO codes of the communes holding its cells, sorted.
        public var communeCodes: [String]

        public init(id: Int, anchor: String, cells: [String], areaKm2: Double, communeCodes: [String]) {
            self.id = id
            self.anchor = anchor
            self.cells = cells
            self.areaKm2 = areaKm2
            self.communeCodes = communeCodes
        }
    }

    /// When the recomputation finished.
    public var computedAt: Date
    /// Stored reports it read.
    public var reports: Int
    public var communes: [Commune]
    public var deadCells: [DeadCell]
    /// How many dead zones there are (`zones.count` when the zones are given).
    public var deadZones: Int
    /// The dead zones themselves.
    public var zones: [DeadZone]
    /// The province's covered area / area (area-weighted over the communes).
    public var provinceFourGAreaRatio: Double
    public var provinceFiveGAreaRatio: Double
    /// `coverage.targets.min_measured_ratio` (nil: not given).
    public var minMeasuredRatio: Double?
    public init(
        computedAt: Date, reports: Int, communes: [Commune], deadCells: [DeadCell], deadZones: Int,
        provinceFourGAreaRatio: Double, provinceFiveGAreaRatio: Double, zones: [DeadZone] = [],
        minMeasuredRatio: Double? = nil
    ) {
        self.minMeasuredRatio = minMeasuredRatio
        self.zones = zones
        self.computedAt = computedAt
        self.reports = reports
        self.communes = communes
        self.deadCells = deadCells
        self.deadZones = deadZones
        self.provinceFourGAreaRatio = provinceFourGAreaRatio
        self.provinceFiveGAreaRatio = provinceFiveGAreaRatio
    }

    /// Codes of the communes without 4G.
    public var communesWithoutFourG: [String] { communes.filter { !$0.hasFourG }.map(\.code) }
}
