import Foundation
import NetMonitor

/// Turns one step's capture report into passive rounds: one per remote site that saw TCP data, RTT samples or
/// ICMP echoes in the step.
///
/// - `sent`: TCP data segments plus ICMP echo requests seen towards the site; `received`: the data segments that
///   were not retransmissions plus the echo replies matched in the step, so `loss_ratio` is the retransmission
///   ratio (pping's passive loss estimate) blended with passive ICMP loss.
/// - `rtt_seconds`: the engine's RTT samples for the site (TCP server-side/client-side as the engine labels them,
///   handshakes, ICMP echoes), sorted. More than `maximumRTTValues` samples are thinned to evenly spaced ranks that
///   keep the exact minimum and maximum, so the smoke graph and the median stay faithful and rounds stay small.
/// - `jitter_seconds`: nil (samples of many flows interleave; RFC 3550 jitter over them would mean nothing).
enum PassiveRounds {
    /// The most RTT values a passive round carries.
    static let maximumRTTValues = 101

    static func measurements(
        report: CaptureReport, commune: String, sites: [AgentCapture.RemoteSite], start: Date, stepSeconds: Double
    ) -> [RoundMeasurement] {
        var bySite: [String: AgentCapture.RemoteSite] = [:]
        for site in sites where bySite[site.name] == nil { bySite[site.name] = site }
        var measurements: [RoundMeasurement] = []
        for siteReport in report.sites {
            guard let site = bySite[siteReport.site] else { continue }
            let rtts = Self.rttSeconds(siteReport.rttSamples, siteReport.icmpRTTSamples)
            let dataSegments = max(0, siteReport.dataSegments)
            let delivered = max(0, dataSegments - siteReport.retransmissions)
            let sent = dataSegments + max(0, siteReport.icmpSent)
            let received = min(sent, delivered + min(max(0, siteReport.icmpReceived), max(0, siteReport.icmpSent)))
            guard sent > 0 || !rtts.isEmpty else { continue }
            measurements.append(
                RoundMeasurement(
                    commune: commune, target: site.roundTarget, address: site.roundAddress, kind: "passive",
                    start: start,
                    stepSeconds: stepSeconds, sent: sent, received: received, rttSeconds: rtts, jitterSeconds: nil))
        }
        return measurements.sorted { $0.target < $1.target }
    }

    /// The samples of both series in seconds, sorted, thinned to at most `maximumRTTValues`.
    static func rttSeconds(_ series: SampleSeries...) -> [Double] {
        var values: [Int64] = []
        var minimum = Int64.max
        var maximum = Int64.min
        for one in series where one.count > 0 {
            values += one.values
            minimum = min(minimum, one.minimum)
            maximum = max(maximum, one.maximum)
        }
        guard !values.isEmpty else { return [] }
        values.sort()
        var kept = values
        if values.count > maximumRTTValues {
            let last = values.count - 1
            kept = (0..<maximumRTTValues).map { i in
                values[(i * last + (maximumRTTValues - 1) / 2) / (maximumRTTValues - 1)]
            }
        }
        // The reservoir may have let the extremes go; the series know them exactly.
        kept[0] = minimum
        kept[kept.count - 1] = maximum
        return kept.map { max(0, Double($0) / 1e9) }
    }
}
