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
    }

    /// A dead H3 cell: measured and covered by no technology.
    public struct DeadCell: Sendable, Hashable {
        /// H3 index (hex).
        public var cell: String
        /// GSO code of the commune holding it.
        public var commune: String
        /// The dead zone (edge-connected group) it belongs to.
        public var zone: Int
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
    /// Codes of the communes without 4G.
    public var communesWithoutFourG: [String] { communes.filter { !$0.hasFourG }.map(\.code) }
}
