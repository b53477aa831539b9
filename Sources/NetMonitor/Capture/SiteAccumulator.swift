/// Running per-site figures for one interval.
struct SiteAccumulator {
    var flows = 0
    var packets = 0
    var bytes = 0
    var dataSegments = 0
    var retransmissions = 0
    var rtt = SampleSeries()
    var icmpSent = 0
    var icmpReceived = 0
    var icmpRTT = SampleSeries()

    func report(site: String) -> SiteReport {
        SiteReport(
            site: site, flows: self.flows, packets: self.packets, bytes: self.bytes, dataSegments: self.dataSegments,
            retransmissions: self.retransmissions,
            retransmissionRatio: self.dataSegments > 0 ? Double(self.retransmissions) / Double(self.dataSegments) : nil,
            rtt: RTTSummary(self.rtt), icmpSent: self.icmpSent, icmpReceived: self.icmpReceived,
            icmpRTT: RTTSummary(self.icmpRTT), rttSamples: self.rtt, icmpRTTSamples: self.icmpRTT)
    }

    var isEmpty: Bool { self.packets == 0 }
}
