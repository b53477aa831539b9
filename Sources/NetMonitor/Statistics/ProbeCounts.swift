/// Sent, received and duplicate counts of a series of probes, with loss in the RFC 7680 sense: a probe not
/// answered within the stated wait time is lost, and a duplicate reply counts once (it does not make up for a
/// lost probe, nor is it counted as another reply).
public struct ProbeCounts: Sendable, Hashable, Codable {
    /// Probes sent.
    public var sent: Int
    /// Probes answered within the timeout, each counted once.
    public var received: Int
    /// Extra copies of replies already counted.
    public var duplicates: Int

    /// Creates counts.
    public init(sent: Int = 0, received: Int = 0, duplicates: Int = 0) {
        self.sent = sent
        self.received = received
        self.duplicates = duplicates
    }

    /// Probes sent and not answered in time.
    public var lost: Int { self.sent - self.received }

    /// lost / sent, in 0…1; 0 when nothing was sent.
    public var lossRatio: Double { self.sent == 0 ? 0 : Double(self.lost) / Double(self.sent) }
}
