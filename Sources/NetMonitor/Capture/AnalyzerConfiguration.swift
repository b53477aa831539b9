/// Parameters of passive analysis: the flow table's bounds, the ICMP wait and the site map.
public struct AnalyzerConfiguration: Sendable {
    /// The most TCP flows tracked at once; packets of further flows are counted as untracked.
    public var maximumFlows: Int
    /// A flow without packets for this long is evicted and reported.
    public var flowIdleTimeout: Duration
    /// An echo request without reply within this wait is lost.
    public var icmpTimeout: Duration
    /// Address → site, for the per-site rollups.
    public var sites: SiteMap

    /// Defaults: 100,000 flows, 300 s idle (pping's flow timeout), 2 s ICMP wait (sites.yaml's probe timeout).
    public init(
        maximumFlows: Int = 100_000, flowIdleTimeout: Duration = .seconds(300), icmpTimeout: Duration = .seconds(2),
        sites: SiteMap = .empty
    ) {
        self.maximumFlows = maximumFlows
        self.flowIdleTimeout = flowIdleTimeout
        self.icmpTimeout = icmpTimeout
        self.sites = sites
    }
}

extension Duration {
    /// The duration in whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
