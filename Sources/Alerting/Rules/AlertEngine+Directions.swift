import Foundation
import LinkQuality
import NetmonProtocol

/// LinkLoss per direction for STAMP links (rounds with a ``RoundDirections`` breakdown whose loss a stateful
/// reflector split by direction).
///
/// The probe runs on the commune's gateway and the reflector in the data centre, so the forward direction is the
/// commune's uplink (commune → province) and the reverse its downlink. Such a link gets two LinkLoss alerts
/// labelled `direction="uplink"` and `direction="downlink"`, judged like the round-trip one (the Wilson window of
/// `alerts.rules.loss` when set, else the pooled window against the thresholds) on that direction's own counts,
/// and no round-trip LinkLoss: a lossy uplink is named as such instead of as a lossy link (a round-trip alert raised
/// before the link reported directions is cleared). Loss whose direction cannot be told (a stateless reflector) is
/// judged on the round trip as before.
extension AlertEngine {
    /// One direction's counts of one round.
    struct DirectionCounts: Sendable, Hashable, Codable {
        var sent: Int
        var lost: Int
    }

    /// The counts of `direction` in a round's breakdown, when its loss is attributed.
    static func directionCounts(_ round: ProbeRound, _ direction: RoundDirections.Direction) -> DirectionCounts? {
        guard round.kind == "stamp", let figures = round.directions?[direction], let sent = figures.sent,
            let lost = figures.lost, sent >= 0
        else { return nil }
        return DirectionCounts(sent: sent, lost: min(sent, max(0, lost)))
    }

    static func directionKey(_ key: String, _ direction: RoundDirections.Direction) -> String {
        key + "\u{1F}" + direction.linkName
    }

    /// Records a round's per-direction counts in the direction loss windows (only when loss is judged on windows).
    mutating func recordDirectionLoss(_ round: ProbeRound, key: String) {
        guard let judgement = self.rules.lossJudgement else { return }
        let (commune, target) = Self.split(key)
        let loss = self.rules.thresholds(commune: commune, target: target).lossRatio
        var windows = self.directionLossWindows ?? [:]
        for direction in RoundDirections.Direction.allCases {
            guard let counts = Self.directionCounts(round, direction) else { continue }
            let directionKey = Self.directionKey(key, direction)
            var window = windows[directionKey] ?? LossWindow()
            window.record(
                end: round.start.addingTimeInterval(round.stepSeconds), sent: counts.sent,
                received: counts.sent - counts.lost)
            let newest = window.samples.last?.end ?? round.start
            window.trim(
                keepingProbes: judgement.probesToKeep(clearLevels: [loss.clear, loss.warn]),
                notBefore: newest.addingTimeInterval(-Self.lossWindowMaxAgeSeconds))
            windows[directionKey] = window
        }
        self.directionLossWindows = windows
    }

    /// Forgets the direction windows of a link.
    mutating func dropDirectionWindows(_ key: String) {
        for direction in RoundDirections.Direction.allCases {
            self.directionLossWindows?[Self.directionKey(key, direction)] = nil
        }
    }

    /// Whether a link's window holds rounds with loss split by direction.
    func hasDirections(_ window: [RoundFigures]) -> Bool {
        window.contains { $0.forward != nil && $0.reverse != nil }
    }

    /// The per-direction LinkLoss signals of a link (both severities where configured).
    func directionLossSignals(
        key: String, window: [RoundFigures], threshold: Threshold, base: [String: String], name: String,
        target: String, suppressed: Bool
    ) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        for direction in RoundDirections.Direction.allCases {
            let counts = window.compactMap { direction == .forward ? $0.forward : $0.reverse }
            let sent = counts.reduce(0) { $0 + $1.sent }
            let pooled = sent > 0 ? Double(counts.reduce(0) { $0 + $1.lost }) / Double(sent) : 0
            let place = "at commune \(name) (to \(target))"
            let label = direction.linkName
            let what = label.prefix(1).uppercased() + label.dropFirst() + " loss"
            let warning: SignalLevel
            let critical: SignalLevel?
            var annotations: [String: String]
            if let judgement = self.rules.lossJudgement {
                let windowed = self.directionLossWindows?[Self.directionKey(key, direction)] ?? LossWindow()
                let verdict = judgement.judge(windowed, raiseLevel: threshold.warn, clearLevel: threshold.clear)
                warning = verdict.level
                critical = threshold.critical.map {
                    judgement.judge(windowed, raiseLevel: $0, clearLevel: threshold.warn).level
                }
                let ratio = verdict.recent.ratio ?? 0
                var summary = String(format: "\(what) %.1f%%", ratio * 100)
                if let interval = verdict.recentInterval {
                    summary += String(
                        format: " (%.0f%% interval %.1f–%.1f%% over %d probes)", judgement.confidence * 100,
                        interval.lower * 100, interval.upper * 100, verdict.recent.sent)
                }
                annotations = [
                    "summary": summary + " " + place, "value": String(ratio), "probes": String(verdict.recent.sent),
                ]
            } else {
                warning = sent > 0 ? threshold.warningLevel(pooled) : .hold
                critical = sent > 0 ? threshold.criticalLevel(pooled) : (threshold.critical == nil ? nil : .hold)
                annotations = [
                    "summary": String(format: "\(what) %.1f%% ", pooled * 100) + place, "value": String(pooled),
                ]
            }
            annotations["direction"] = label
            let labels = base.merging(["alertname": "LinkLoss", "direction": label]) { $1 }
            signals.append(
                AlertSignal(
                    labels: labels.merging(["severity": "warning"]) { $1 }, annotations: annotations, level: warning,
                    forSeconds: self.rules.forSeconds, isSuppressed: suppressed))
            if let critical {
                signals.append(
                    AlertSignal(
                        labels: labels.merging(["severity": "critical"]) { $1 }, annotations: annotations,
                        level: critical, forSeconds: self.rules.forSeconds, isSuppressed: suppressed))
            }
        }
        // The round-trip LinkLoss of the link, raised before it reported directions, resolves.
        for severity in ["warning", "critical"] {
            signals.append(
                AlertSignal(
                    labels: base.merging(["alertname": "LinkLoss", "severity": severity]) { $1 }, level: .clear))
        }
        return signals
    }
}
