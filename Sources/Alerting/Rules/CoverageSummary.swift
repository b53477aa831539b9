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

        public init(code: String, name: String, meetsFourGTarget: Bool, fourGAreaRatio: Double? = nil) {
            self.code = code
            self.name = name
            self.meetsFourGTarget = meetsFourGTarget
            self.fourGAreaRatio = fourGAreaRatio
        }
    }

    /// One dead zone: an H3 cell with enough samples and no technology above its floor.
    public struct DeadZone: Sendable, Hashable, Codable {
        /// H3 cell index (hex).
        public var cell: String
        /// GSO code of the commune holding the cell, if known.
        public var commune: String?

        public init(cell: String, commune: String? = nil) {
            self.cell = cell
            self.commune = commune
        }
    }

    public var communes: [Commune]
    /// The province's share of measured area with 5G.
    public var provinceFiveGAreaRatio: Double?
    /// Current dead zones.
    public var deadZones: [DeadZone]

    public init(communes: [Commune] = [], provinceFiveGAreaRatio: Double? = nil, deadZones: [DeadZone] = []) {
        self.communes = communes
        self.provinceFiveGAreaRatio = provinceFiveGAreaRatio
        self.deadZones = deadZones
    }
}

/// Health figures a probe reports about itself.
public struct ProbeHealth: Sendable, Hashable, Codable {
    public var probeID: String
    public var commune: String
    /// libpcap drops per minute.
    public var captureDropsPerMinute: Double?
    /// Rounds waiting in the gateway's forwarding outbox.
    public var outboxBacklog: Double?

    public init(probeID: String, commune: String, captureDropsPerMinute: Double? = nil, outboxBacklog: Double? = nil) {
        self.probeID = probeID
        self.commune = commune
        self.captureDropsPerMinute = captureDropsPerMinute
        self.outboxBacklog = outboxBacklog
    }
}
