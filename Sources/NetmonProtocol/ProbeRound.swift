import Foundation

/// One SmokePing-style round of probes from one probe (gateway) to one target.
///
/// This is the unit that a gateway stores, forwards to the provincial server, and that alerting evaluates.
/// It is identified end to end by (`probeID`, `storeID`, `sequence`): the idempotency key the server deduplicates on.
/// The store id is a random id made with the gateway's database, so a gateway whose database was rebuilt (and whose
/// sequence numbers start again at 1) never collides with its own earlier rounds.
/// Wire format: JSON with snake_case keys; times RFC 3339 UTC; durations in seconds.
public struct ProbeRound: Codable, Sendable, Hashable {
    /// The probe that produced the round (one per gateway, e.g. `probe-12345`).
    public var probeID: String
    /// Per-probe sequence number, strictly increasing within one gateway store, never reused there.
    public var sequence: Int64
    /// The gateway store that numbered the round (random, made with the gateway database); nil from probes that
    /// predate store ids, which the server files under the empty id.
    public var storeID: String?
    /// GSO code of the commune whose gateway ran the probe.
    public var commune: String
    /// Target name from sites.yaml (e.g. `hub`, `portal`).
    public var target: String
    /// Target address as probed.
    public var address: String
    /// `icmp`, `tcp`, `stamp` or `passive`.
    public var kind: String
    /// Start of the round's step (UTC).
    public var start: Date
    /// Length of the step in seconds.
    public var stepSeconds: Double
    /// Probes sent (or, for passive rounds, segments observed).
    public var sent: Int
    /// Replies received within the timeout, duplicates counted once.
    public var received: Int
    /// Every round-trip time received, sorted ascending, in seconds (the "smoke").
    public var rttSeconds: [Double]
    /// RFC 3550 interarrival jitter computed on the RTT series, seconds; nil with fewer than two replies.
    public var jitterSeconds: Double?
    /// Per-direction figures of a STAMP round (`kind: stamp`); nil for other kinds and from older probes. Left out
    /// of the JSON when nil, and skipped by older servers (they ignore unknown keys).
    public var directions: RoundDirections?

    public init(
        probeID: String, sequence: Int64, commune: String, target: String, address: String, kind: String,
        start: Date, stepSeconds: Double, sent: Int, received: Int, rttSeconds: [Double], jitterSeconds: Double?,
        storeID: String? = nil, directions: RoundDirections? = nil
    ) {
        self.probeID = probeID
        self.storeID = storeID
        self.sequence = sequence
        self.commune = commune
        self.target = target
        self.address = address
        self.kind = kind
        self.start = start
        self.stepSeconds = stepSeconds
        self.sent = sent
        self.received = received
        self.rttSeconds = rttSeconds
        self.jitterSeconds = jitterSeconds
        self.directions = directions
    }

    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case sequence, commune, target, address, kind, start
        case storeID = "store_id"
        case stepSeconds = "step_seconds"
        case sent, received
        case rttSeconds = "rtt_seconds"
        case jitterSeconds = "jitter_seconds"
        case directions
    }

    /// Whether `other` is the same measurement: every field but the identity's store id compared (a round sent
    /// again must be identical; one with the same identity and other content is a conflict, never a duplicate).
    /// The direction breakdown is not compared: it is derived from the same packets as the round-trip fields, and
    /// a server that stored the round without it (an older one) must still see the round sent again as a duplicate.
    public func sameMeasurement(as other: ProbeRound) -> Bool {
        probeID == other.probeID && sequence == other.sequence && commune == other.commune && target == other.target
            && address == other.address && kind == other.kind && start == other.start
            && stepSeconds == other.stepSeconds && sent == other.sent && received == other.received
            && rttSeconds == other.rttSeconds && jitterSeconds == other.jitterSeconds
    }

    /// Lost probes over sent probes (0 when nothing was sent).
    public var lossRatio: Double { sent == 0 ? 0 : Double(sent - received) / Double(sent) }
    /// SmokePing's median: `times[n/2]` of the sorted RTTs is not used; this is the statistical median.
    public var medianRTTSeconds: Double? {
        guard !rttSeconds.isEmpty else { return nil }
        let n = rttSeconds.count
        return n % 2 == 1 ? rttSeconds[n / 2] : (rttSeconds[n / 2 - 1] + rttSeconds[n / 2]) / 2
    }
}

/// A batch of rounds as a probe forwards it: `POST /api/v1/ingest/rounds` with a bearer token.
///
/// `health` (optional, see ``ProbeHealthReport``) is the probe's own state when it sent the batch; it is left out
/// of the JSON when nil, and batches without it (older probes) decode as before.
public struct ProbeRoundBatch: Codable, Sendable, Hashable {
    public var probeID: String
    public var rounds: [ProbeRound]
    /// The probe's health when it sent the batch; nil from probes that predate it.
    public var health: ProbeHealthReport?

    public init(probeID: String, rounds: [ProbeRound], health: ProbeHealthReport? = nil) {
        self.probeID = probeID
        self.rounds = rounds
        self.health = health
    }

    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case rounds
        case health
    }
}
