import NetMonitor
import NetmonProtocol
import NetworkAddress
import STAMP
import SiteCatalog

/// The `kind: stamp` targets of a step: one STAMP session (RFC 8762, unauthenticated) per target, each on a sender
/// thread of its own (``STAMPSender/run()``), never on the cooperative pool.
///
/// A session sends the step's probes `plan.intervalSeconds` apart and waits `schedule.timeoutSeconds` for each
/// answer. Its round-trip times, (T4 − T1) − (T3 − T2), fill the round's round-trip fields as ICMP replies do; its
/// per-direction metrics (``STAMPSessionMetrics``) become the round's ``RoundDirections``.
enum STAMPProber {
    /// One result per target, in the order given (each a STAMP target).
    static func probe(
        _ targets: [(address: IPAddress, settings: STAMPTargetSettings)], schedule: ProbeSchedule,
        plan: RoundPlan
    ) async -> [TargetRound] {
        // A session that cannot start (a socket refused, an option out of range) fails its own target only: its
        // round has nothing sent and says why, and the step's other targets are measured as usual.
        var results = [TargetRound](repeating: TargetRound(sent: 0, rttsInSendOrder: []), count: targets.count)
        var senders: [(index: Int, sender: STAMPSender, settings: STAMPTargetSettings)] = []
        for (index, target) in targets.enumerated() {
            let settings = target.settings
            let options = STAMPSender.Options(
                count: schedule.probes, interval: plan.intervalSeconds, timeout: schedule.timeoutSeconds,
                packetLength: settings.packetOctets, dscp: settings.dscp,
                clock: settings.clockErrorSeconds.map { ClockState.asserted(errorSeconds: $0) })
            let endpoint = STAMPEndpoint(address: target.address, port: settings.port)
            do {
                senders.append((index, try STAMPSender(targets: [endpoint], options: options), settings))
            } catch {
                results[index].failure = "STAMP session to \(endpoint): \(error)"
            }
        }
        return await withTaskGroup(of: (Int, TargetRound).self) { group in
            for (index, sender, settings) in senders {
                group.addTask {
                    let records = await sender.run()
                    guard let record = records.first else { return (index, TargetRound(sent: 0, rttsInSendOrder: [])) }
                    return (index, Self.round(record, stateful: settings.stateful))
                }
            }
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// The round of one session: round trips of the packets answered in time (first copies, in send order) and
    /// the direction breakdown. Sends that failed are not probes (as for ICMP).
    static func round(_ record: STAMPSessionRecord, stateful: Bool) -> TargetRound {
        let metrics = STAMPSessionMetrics(record, assumeStateful: stateful)
        var firstReply: [UInt32: STAMPSessionRecord.Reply] = [:]
        for reply in record.replies where firstReply[reply.senderSequence] == nil {
            firstReply[reply.senderSequence] = reply
        }
        var rtts: [Double] = []
        for (sequence, sent) in record.sendTimes.enumerated() {
            guard let sent, let reply = firstReply[UInt32(sequence)], reply.receiveTime - sent <= record.timeout
            else { continue }
            let residence = reply.reflectorSendTime - reply.reflectorReceiveTime
            rtts.append(max(0, Double((reply.receiveTime - sent) - residence) / 1e9))
        }
        let sent = record.sendTimes.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        return TargetRound(sent: sent, rttsInSendOrder: rtts, directions: Self.directions(metrics))
    }

    /// The wire breakdown of a session's metrics: one-way delays only where published.
    static func directions(_ metrics: STAMPSessionMetrics) -> RoundDirections {
        func figures(_ d: DirectionMetrics, _ publication: STAMPSessionMetrics.Publication) -> DirectionFigures {
            let published = publication.isPublished ? d.delay : nil
            return DirectionFigures(
                sent: d.sent, lost: d.lost, delayMinSeconds: published.map { max(0, $0.min) },
                delayMedianSeconds: published?.median,
                delayMaxSeconds: published?.max, delayWithheld: d.delay == nil ? nil : publication.reason,
                pdvSeconds: d.pdv, ipdvMeanSeconds: d.ipdvMeanAbsolute, ipdvP99Seconds: d.ipdvP99Absolute,
                reordered: d.reordered, duplicates: d.duplicates)
        }
        return RoundDirections(
            forward: figures(metrics.forward, metrics.forwardPublication),
            reverse: figures(metrics.reverse, metrics.reversePublication),
            unattributedLoss: metrics.unattributedLoss, reflectorMode: metrics.reflectorMode.rawValue)
    }
}
