import Foundation

/// Turns one target's round into the stored measurement.
enum RoundSummary {
    static func measurement(
        commune: String, target: AgentTarget, start: Date, stepSeconds: Double, result: TargetRound
    ) -> RoundMeasurement {
        let rtts = result.rttsInSendOrder
        return RoundMeasurement(
            commune: commune, target: target.name, address: target.address.description, kind: target.kind.wireName,
            start: start,
            stepSeconds: stepSeconds, sent: result.sent, received: min(rtts.count, result.sent),
            rttSeconds: rtts.sorted(), jitterSeconds: jitter(rtts), directions: result.directions)
    }

    /// RFC 3550 interarrival jitter applied to the RTT series in send order (J += (|D| − J) / 16); nil with fewer
    /// than two replies.
    static func jitter(_ rtts: [Double]) -> Double? {
        guard rtts.count >= 2 else { return nil }
        var j = 0.0
        for i in 1..<rtts.count {
            j += (abs(rtts[i] - rtts[i - 1]) - j) / 16
        }
        return j
    }
}
