/// The per-direction breakdown of a STAMP round (`kind: stamp`): what the round-trip fields of ``ProbeRound``
/// cannot say.
///
/// Forward is sender → reflector, reverse is reflector → sender. The probe runs on the commune's gateway and the
/// reflector in the data centre, so forward is the commune's uplink and reverse its downlink
/// (``Direction/linkName``).
///
/// Wire format: the optional `directions` object of a round, snake_case keys, seconds. Every field but the counts
/// is optional and left out when unknown, so older servers skip the whole object (they ignore unknown keys) and
/// rounds without it (ICMP, TCP, older probes) are unchanged.
public struct RoundDirections: Codable, Sendable, Hashable {
    /// One direction of a round.
    public enum Direction: String, Codable, Sendable, Hashable, CaseIterable {
        case forward
        case reverse

        /// `uplink` (commune → province, forward) or `downlink` (province → commune, reverse).
        public var linkName: String { self == .forward ? "uplink" : "downlink" }

        /// The direction of `forward`, `reverse`, `uplink` or `downlink`; nil for anything else.
        public init?(naming text: String) {
            switch text {
            case "forward", "uplink": self = .forward
            case "reverse", "downlink": self = .reverse
            default: return nil
            }
        }
    }

    /// Sender → reflector (the commune's uplink).
    public var forward: DirectionFigures
    /// Reflector → sender (the commune's downlink).
    public var reverse: DirectionFigures
    /// Lost packets whose direction cannot be told (a stateless reflector, or after the last packet the reflector
    /// numbered).
    public var unattributedLoss: Int
    /// `stateful` (the reflector's own numbering splits loss by direction) or `sequence-copied`.
    public var reflectorMode: String

    public init(
        forward: DirectionFigures, reverse: DirectionFigures, unattributedLoss: Int, reflectorMode: String
    ) {
        self.forward = forward
        self.reverse = reverse
        self.unattributedLoss = unattributedLoss
        self.reflectorMode = reflectorMode
    }

    /// The figures of `direction`.
    public subscript(direction: Direction) -> DirectionFigures {
        direction == .forward ? self.forward : self.reverse
    }

    enum CodingKeys: String, CodingKey {
        case forward, reverse
        case unattributedLoss = "unattributed_loss"
        case reflectorMode = "reflector_mode"
    }
}

/// The IPPM figures of one direction of one STAMP round.
public struct DirectionFigures: Codable, Sendable, Hashable {
    /// Packets that entered the direction where loss can be attributed; nil when loss cannot be split (a stateless
    /// reflector that lost packets).
    public var sent: Int?
    /// Of those, lost in this direction (RFC 7680); nil as `sent`.
    public var lost: Int?
    /// One-way delay (RFC 7679) of the packets received, seconds: present only when published (both clocks
    /// synchronised and their error small against the delay).
    public var delayMinSeconds: Double?
    public var delayMedianSeconds: Double?
    public var delayMaxSeconds: Double?
    /// Why the one-way delay is withheld; nil when it is published (or nothing arrived).
    public var delayWithheld: String?
    /// RFC 5481 PDV, p99 − min of the one-way delays, seconds (a constant clock offset cancels: always published).
    public var pdvSeconds: Double?
    /// RFC 3393 IPDV of consecutive packets: mean of |IPDV|, seconds.
    public var ipdvMeanSeconds: Double?
    /// Nearest-rank p99 of |IPDV|, seconds.
    public var ipdvP99Seconds: Double?
    /// RFC 4737 reordered arrivals.
    public var reordered: Int
    /// RFC 5560 duplicates.
    public var duplicates: Int

    public init(
        sent: Int? = nil, lost: Int? = nil, delayMinSeconds: Double? = nil, delayMedianSeconds: Double? = nil,
        delayMaxSeconds: Double? = nil, delayWithheld: String? = nil, pdvSeconds: Double? = nil,
        ipdvMeanSeconds: Double? = nil, ipdvP99Seconds: Double? = nil, reordered: Int = 0, duplicates: Int = 0
    ) {
        self.sent = sent
        self.lost = lost
        self.delayMinSeconds = delayMinSeconds
        self.delayMedianSeconds = delayMedianSeconds
        self.delayMaxSeconds = delayMaxSeconds
        self.delayWithheld = delayWithheld
        self.pdvSeconds = pdvSeconds
        self.ipdvMeanSeconds = ipdvMeanSeconds
        self.ipdvP99Seconds = ipdvP99Seconds
        self.reordered = reordered
        self.duplicates = duplicates
    }

    /// lost / sent, or nil when loss is not attributed to this direction.
    public var lossRatio: Double? {
        guard let sent, let lost, sent > 0 else { return nil }
        return Double(lost) / Double(sent)
    }

    /// What is wrong with the figures (a field name relative to the direction and the reason), or nil.
    public func problem() -> (field: String, reason: String)? {
        if (self.sent == nil) != (self.lost == nil) { return ("lost", "sent and lost come together or not at all") }
        if let sent = self.sent, !(0...1_000_000).contains(sent) {
            return ("sent", "must be in 0…1000000, got \(sent)")
        }
        if let sent = self.sent, let lost = self.lost, !(0...sent).contains(lost) {
            return ("lost", "must be in 0…sent (\(sent)), got \(lost)")
        }
        let seconds: [(String, Double?)] = [
            ("delay_min_seconds", self.delayMinSeconds), ("delay_median_seconds", self.delayMedianSeconds),
            ("delay_max_seconds", self.delayMaxSeconds), ("pdv_seconds", self.pdvSeconds),
            ("ipdv_mean_seconds", self.ipdvMeanSeconds), ("ipdv_p99_seconds", self.ipdvP99Seconds),
        ]
        for (name, value) in seconds {
            if let value, !(value.isFinite && value >= 0 && value < 3600) {
                return (name, "must be seconds in [0, 3600), got \(value)")
            }
        }
        if let low = self.delayMinSeconds, let mid = self.delayMedianSeconds, let high = self.delayMaxSeconds,
            !(low <= mid && mid <= high)
        {
            return ("delay_median_seconds", "must lie between delay_min_seconds and delay_max_seconds")
        }
        if let reason = self.delayWithheld, reason.isEmpty || reason.utf8.count > 512 {
            return ("delay_withheld", "must be 1–512 bytes")
        }
        if !(0...1_000_000).contains(self.reordered) { return ("reordered", "must be in 0…1000000") }
        if !(0...1_000_000).contains(self.duplicates) { return ("duplicates", "must be in 0…1000000") }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case sent, lost, reordered, duplicates
        case delayMinSeconds = "delay_min_seconds"
        case delayMedianSeconds = "delay_median_seconds"
        case delayMaxSeconds = "delay_max_seconds"
        case delayWithheld = "delay_withheld"
        case pdvSeconds = "pdv_seconds"
        case ipdvMeanSeconds = "ipdv_mean_seconds"
        case ipdvP99Seconds = "ipdv_p99_seconds"
    }
}
