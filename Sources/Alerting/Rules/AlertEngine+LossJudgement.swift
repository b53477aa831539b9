import Foundation
import LinkQuality
import NetmonProtocol

/// LinkLoss judged on enough probes (``AlertRules/lossJudgement``): each link keeps the probe counts of its newest
/// rounds in a ``LossWindow``; the warning raises when the Wilson interval of the newest probes lies wholly above
/// `warn` and clears when the interval of the clear window lies wholly below `clear`; the critical alert likewise
/// between `critical` and `warn`.
extension AlertEngine {
    /// Rounds older than this (before the link's newest round) never count, however few probes the link sent.
    static let lossWindowMaxAgeSeconds: Double = 86_400

    /// The loss levels of both severities and the annotations of one link.
    struct LossLevels {
        var warning: SignalLevel
        var critical: SignalLevel?
        var annotations: [String: String]
    }

    /// Records a round's probe counts in its link's loss window (only when loss is judged on windows).
    mutating func recordLoss(_ round: ProbeRound, key: String) {
        guard let judgement = self.rules.lossJudgement else { return }
        var windows = self.lossWindows ?? [:]
        var window = windows[key] ?? LossWindow()
        window.record(
            end: round.start.addingTimeInterval(round.stepSeconds), sent: round.sent, received: round.received)
        let (commune, target) = Self.split(key)
        let loss = self.rules.thresholds(commune: commune, target: target).lossRatio
        let newest = window.samples.last?.end ?? round.start
        window.trim(
            keepingProbes: judgement.probesToKeep(clearLevels: [loss.clear, loss.warn]),
            notBefore: newest.addingTimeInterval(-Self.lossWindowMaxAgeSeconds))
        windows[key] = window
        self.lossWindows = windows
    }

    /// The LinkLoss levels of a link: judged on its loss window when the rules ask for it, else on the pooled
    /// window's ratio `pooledLoss` against the thresholds (the rule as it was before windows of probes).
    func lossLevels(key: String, threshold: Threshold, pooledLoss: Double, name: String, target: String) -> LossLevels {
        guard let judgement = self.rules.lossJudgement else {
            let text = String(format: "%.1f%%", pooledLoss * 100)
            return LossLevels(
                warning: threshold.warningLevel(pooledLoss), critical: threshold.criticalLevel(pooledLoss),
                annotations: [
                    "summary": "Packet loss \(text) from \(name) to \(target)", "value": String(pooledLoss),
                ])
        }
        let window = self.lossWindows?[key] ?? LossWindow()
        let warning = judgement.judge(window, raiseLevel: threshold.warn, clearLevel: threshold.clear)
        let critical = threshold.critical.map { judgement.judge(window, raiseLevel: $0, clearLevel: threshold.warn) }
        let recent = warning.recent
        let ratio = recent.ratio ?? 0
        var summary = String(format: "Packet loss %.1f%%", ratio * 100)
        if let interval = warning.recentInterval {
            summary += String(
                format: " (%.0f%% interval %.1f–%.1f%% over %d probes)", judgement.confidence * 100,
                interval.lower * 100, interval.upper * 100, recent.sent)
        }
        summary += " from \(name) to \(target)"
        return LossLevels(
            warning: warning.level, critical: critical.map(\.level),
            annotations: ["summary": summary, "value": String(ratio), "probes": String(recent.sent)])
    }

    /// The round-trip LinkLoss signals of a link (both severities where configured).
    func roundTripLossSignals(
        key: String, threshold: Threshold, loss: Double, base: [String: String], name: String, target: String,
        suppressed: Bool
    ) -> [AlertSignal] {
        let levels = self.lossLevels(key: key, threshold: threshold, pooledLoss: loss, name: name, target: target)
        var signals = [
            AlertSignal(
                labels: base.merging(["alertname": "LinkLoss", "severity": "warning"]) { $1 },
                annotations: levels.annotations, level: levels.warning, forSeconds: self.rules.forSeconds,
                isSuppressed: suppressed)
        ]
        if let level = levels.critical {
            signals.append(
                AlertSignal(
                    labels: base.merging(["alertname": "LinkLoss", "severity": "critical"]) { $1 },
                    annotations: levels.annotations, level: level, forSeconds: self.rules.forSeconds,
                    isSuppressed: suppressed))
        }
        return signals
    }
}
