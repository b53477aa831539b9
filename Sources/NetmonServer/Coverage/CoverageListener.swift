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

        public init(
            code: String, name: String, threeGAreaRatio: Double, fourGAreaRatio: Double, fiveGAreaRatio: Double,
            measuredRatio: Double, hasFourG: Bool, deadCells: Int, deadZones: Int
        ) {
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

    /// When the recomputation finished.
    public var computedAt: Date
    /// Stored reports it read.
    public var reports: Int
    public var communes: [Commune]
    public var deadCells: [DeadCell]
    public var deadZones: Int
    /// The province's covered area / area (area-weighted over the communes).
    public var provinceFourGAreaRatio: Double
    public var provinceFiveGAreaRatio: Double
    public init(
        computedAt: Date, reports: Int, communes: [Commune], deadCells: [DeadCell], deadZones: Int,
        provinceFourGAreaRatio: Double, provinceFiveGAreaRatio: Double
    ) {
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
