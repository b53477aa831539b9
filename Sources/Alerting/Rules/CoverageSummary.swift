/// The coverage figures alerting needs, as plain values (the coverage module computes them).
public struct CoverageSummary: Sendable, Hashable, Codable {
    /// One commune's 4G status.
    public struct Commune: Sendable, Hashable, Codable {
        public var code: String
        public var name: String
        /// Whether the commune meets its 4G target.
        public var meetsFourGTarget: Bool
        /// The share of its measured area with 4G, for the message.
        public var fourGAreaRatio: Double?
        /// Measured area / area (nil: not known, as in summaries saved by earlier versions).
        public var measuredRatio: Double?
        /// Whether at least `CoverageSummary.minMeasuredRatio` of its area is measured; a commune measured less is
        /// "not measured enough", never below target (nil: not known, taken as measured enough).
        public var isMeasuredEnough: Bool?

        public init(
            code: String, name: String, meetsFourGTarget: Bool, fourGAreaRatio: Double? = nil,
            measuredRatio: Double? = nil, isMeasuredEnough: Bool? = nil
        ) {
            self.code = code
            self.name = name
            self.meetsFourGTarget = meetsFourGTarget
            self.fourGAreaRatio = fourGAreaRatio
            self.measuredRatio = measuredRatio
            self.isMeasuredEnough = isMeasuredEnough
        }
    }

    /// One dead zone: an edge-connected group of dead H3 cells (measured, no technology above its floor), which
    /// may cross commune borders. One alert is raised per zone, not per cell.
    ///
    /// Its identity is ``zone``, the smallest H3 index among its cells. The coverage model numbers zones afresh on
    /// every computation, so that number is no identity; the smallest cell is: a zone that grows keeps it (unless a
    /// smaller cell joins, e.g. when two zones merge, where the merged zone keeps the smaller anchor of the two),
    /// and a zone that shrinks keeps it unless that very cell is fixed. When the anchor changes the old alert
    /// resolves and a new one fires: one extra pair of notifications, never a storm.
    public struct DeadZone: Sendable, Hashable, Codable {
        /// The zone's anchor: its smallest H3 cell index (hex).
        public var zone: String
        /// How many cells it holds.
        public var cells: Int
        /// Its area in km², if known.
        public var areaKm2: Double?
        /// GSO codes of the communes holding its cells, sorted.
        public var communes: [String]

        public init(zone: String, cells: Int = 1, areaKm2: Double? = nil, communes: [String] = []) {
            self.zone = zone
            self.cells = cells
            self.areaKm2 = areaKm2
            self.communes = communes
        }

        enum CodingKeys: String, CodingKey {
            case zone, cells, areaKm2, communes
            // The per-cell form saved by earlier versions.
            case cell, commune
        }

        /// Reads both this form and the per-cell form saved by earlier versions (`cell`, `commune`).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let zone = try c.decodeIfPresent(String.self, forKey: .zone) {
                self.zone = zone
                self.cells = try c.decodeIfPresent(Int.self, forKey: .cells) ?? 1
                self.areaKm2 = try c.decodeIfPresent(Double.self, forKey: .areaKm2)
                self.communes = try c.decodeIfPresent([String].self, forKey: .communes) ?? []
            } else {
                self.zone = try c.decode(String.self, forKey: .cell)
                self.cells = 1
                self.areaKm2 = nil
                self.communes = try c.decodeIfPresent(String.self, forKey: .commune).map { [$0] } ?? []
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(self.zone, forKey: .zone)
            try c.encode(self.cells, forKey: .cells)
            try c.encodeIfPresent(self.areaKm2, forKey: .areaKm2)
            try c.encode(self.communes, forKey: .communes)
        }
    }

    public var communes: [Commune]
    /// The province's share of measured area with 5G.
    public var provinceFiveGAreaRatio: Double?
    /// Current dead zones.
    public var deadZones: [DeadZone]
    /// The measured share of its area a commune needs to be judged (`coverage.targets.min_measured_ratio`); nil:
    /// not known, no measurement summary.
    public var minMeasuredRatio: Double?

    public init(
        communes: [Commune] = [], provinceFiveGAreaRatio: Double? = nil, deadZones: [DeadZone] = [],
        minMeasuredRatio: Double? = nil
    ) {
        self.communes = communes
        self.provinceFiveGAreaRatio = provinceFiveGAreaRatio
        self.deadZones = deadZones
        self.minMeasuredRatio = minMeasuredRatio
    }

    /// The communes known to be measured less than `minMeasuredRatio`, in the summary's order.
    public var communesNotMeasuredEnough: [Commune] { self.communes.filter { $0.isMeasuredEnough == false } }
}
