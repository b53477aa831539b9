import Foundation
import LinkQuality
import NetmonProtocol

/// Turns probe rounds, probe health and coverage summaries into alert actions.
///
/// A value type: `ingest` records inputs, `evaluate(at:)` derives one ``AlertSignal`` per alert identity, applies
/// dependency suppression and runs the ``AlertStateMachine``. Time is always passed in, never read. The whole
/// engine is `Codable`, so its state is persisted with the outbox in one transaction.
public struct AlertEngine: Sendable, Codable {
    /// The figures of one round kept for the window.
    struct RoundFigures: Sendable, Hashable, Codable {
        var end: Date
        var sent: Int
        var received: Int
        var rttSeconds: [Double]
        /// The round's step (nil in state saved before it was kept).
        var step: Double?
        /// Uplink (forward) and downlink (reverse) counts of a STAMP round whose loss was split by direction.
        var forward: DirectionCounts?
        var reverse: DirectionCounts?
    }

    /// The rules in force.
    public var rules: AlertRules
    /// Pending and firing alerts.
    public private(set) var machine: AlertStateMachine
    var windows: [String: [RoundFigures]]
    /// The probe counts of each link's newest rounds, when loss is judged on windows of probes (nil in state
    /// saved before it was kept).
    var lossWindows: [String: LossWindow]?
    /// The same per direction of STAMP links, keyed by link and `uplink`/`downlink` (nil in state saved before).
    var directionLossWindows: [String: LossWindow]?
    /// When the server last received a round of each link (server time; nil in state saved before it was kept).
    var linkSeen: [String: Date]?
    var lastSeen: [String: Date]
    var health: [String: ProbeHealth]
    var coverage: CoverageSummary?
    var startedAt: Date?
    var communeNames: [String: String]

    /// A fresh engine.
    public init(rules: AlertRules) {
        self.rules = rules
        self.machine = AlertStateMachine()
        self.windows = [:]
        self.linkSeen = [:]
        self.lastSeen = [:]
        self.health = [:]
        self.coverage = nil
        self.startedAt = nil
        self.communeNames = Dictionary(rules.communes.map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// Replaces the rules (after a configuration reload) and keeps the alert state.
    public mutating func reconfigure(_ rules: AlertRules) {
        self.rules = rules
        for commune in rules.communes { self.communeNames[commune.code] = commune.name }
    }

    /// Called when netmon starts again on saved state at `now`: the time netmon itself was down is not gateway
    /// silence. Every gateway not already alerting as silent gets `now` as its last-seen time (so it is judged
    /// silent only after another `gateway_silent_minutes`); gateways already silent stay silent until they report.
    public mutating func resume(at now: Date) {
        let alreadySilent = Set(
            self.machine.entries.values.filter { $0.labels["alertname"] == "GatewaySilent" }
                .compactMap { $0.labels["commune"] })
        for commune in self.watchedCommunes() where !alreadySilent.contains(commune) {
            self.lastSeen[commune] = max(self.lastSeen[commune] ?? now, now)
        }
        // Likewise for links: the downtime does not make them stale. Links that are no longer configured are
        // not kept alive: they resolve at the first evaluation.
        var linkSeen = self.linkSeen ?? [:]
        for key in self.windows.keys {
            linkSeen[key] = max(linkSeen[key] ?? now, now)
        }
        self.linkSeen = linkSeen
    }

    /// Records rounds that arrived at `receivedAt` (the gateway is alive at that time).
    ///
    /// Passive rounds (`kind: passive`, from a capture) show the gateway is alive but do not feed the link rules:
    /// their "loss" is TCP retransmissions and their RTTs come from a tap, not the probes the thresholds are for.
    public mutating func ingest(_ rounds: [ProbeRound], receivedAt: Date) {
        for round in rounds {
            // Only configured communes and targets become alert state: label values stay bounded.
            guard self.rules.isConfigured(commune: round.commune) else { continue }
            guard round.kind != "passive" else {
                self.lastSeen[round.commune] = max(self.lastSeen[round.commune] ?? .distantPast, receivedAt)
                continue
            }
            guard self.rules.isConfigured(commune: round.commune, target: round.target) else { continue }
            let key = Self.key(round.commune, round.target)
            let figures = RoundFigures(
                end: round.start.addingTimeInterval(round.stepSeconds), sent: round.sent, received: round.received,
                rttSeconds: round.rttSeconds, step: round.stepSeconds,
                forward: Self.directionCounts(round, .forward), reverse: Self.directionCounts(round, .reverse))
            var window = self.windows[key] ?? []
            if let index = window.firstIndex(where: { $0.end == figures.end }) {
                window[index] = figures
            } else {
                window.append(figures)
                window.sort { $0.end < $1.end }
            }
            // The window's edge is the newest round's end, but never later than its arrival: a round dated ahead
            // (a gateway clock that jumped) must not push the edge into the future and drop the real rounds.
            let newest = min(window.last?.end ?? receivedAt, receivedAt)
            window.removeAll { newest.timeIntervalSince($0.end) > self.rules.windowSeconds }
            self.windows[key] = window
            self.recordLoss(round, key: key)
            self.recordDirectionLoss(round, key: key)
            let previous = self.linkSeen?[key] ?? .distantPast
            if self.linkSeen == nil { self.linkSeen = [:] }
            self.linkSeen?[key] = max(previous, receivedAt)
            self.lastSeen[round.commune] = max(self.lastSeen[round.commune] ?? .distantPast, receivedAt)
        }
    }

    /// Two drop-counter readings closer than this give no new rate (the previous rate stays): a burst of batches
    /// while a backlog drains would otherwise divide by a few milliseconds.
    public static let dropRateMinimumSeconds: Double = 30

    /// Records a probe's health report. A report with `captureDropsTotal` but no rate gets its rate from the
    /// previous reading of the same probe (none on the first report: the `CaptureDrops` alert keeps its state).
    public mutating func ingest(_ health: ProbeHealth, receivedAt: Date) {
        guard self.rules.isConfigured(commune: health.commune) else { return }
        var health = health
        let previous = self.health[health.commune].flatMap { $0.probeID == health.probeID ? $0 : nil }
        if health.captureDropsPerMinute == nil, let total = health.captureDropsTotal {
            let reading = ProbeHealth.DropSample(total: total, at: health.reportedAt ?? receivedAt)
            if let base = previous?.dropBase, reading.at >= base.at {
                let elapsed = reading.at.timeIntervalSince(base.at)
                if elapsed >= Self.dropRateMinimumSeconds {
                    let increase = total >= base.total ? total - base.total : total
                    health.captureDropsPerMinute = increase / elapsed * 60
                    health.dropBase = reading
                } else {
                    health.captureDropsPerMinute = previous?.captureDropsPerMinute
                    health.dropBase = base
                }
            } else {
                health.captureDropsPerMinute = nil
                health.dropBase = reading
            }
        }
        self.health[health.commune] = health
        self.lastSeen[health.commune] = max(self.lastSeen[health.commune] ?? .distantPast, receivedAt)
    }

    /// Records the latest coverage summary (replacing the previous one).
    public mutating func ingest(_ coverage: CoverageSummary) {
        self.coverage = coverage
        for commune in coverage.communes where self.communeNames[commune.code] == nil {
            self.communeNames[commune.code] = commune.name
        }
    }

    /// Evaluates every rule at `now` and returns what changed.
    public mutating func evaluate(at now: Date) -> [AlertStateMachine.Action] {
        if self.startedAt == nil { self.startedAt = now }
        // State saved before links' receive times were kept: count from now.
        var linkSeen = self.linkSeen ?? [:]
        for key in self.windows.keys where linkSeen[key] == nil { linkSeen[key] = now }
        self.linkSeen = linkSeen
        let signals = self.signals(at: now)
        let actions = self.machine.apply(signals, at: now)
        self.dropUnwatched(at: now)
        return actions
    }

    /// Forgets the windows of links that are stale or no longer configured, and the reports of communes no
    /// longer configured (their alerts were resolved by the evaluation that just ran).
    private mutating func dropUnwatched(at now: Date) {
        for key in self.windows.keys where !self.isLinkLive(key, at: now) {
            self.windows[key] = nil
            self.lossWindows?[key] = nil
            self.dropDirectionWindows(key)
            self.linkSeen?[key] = nil
        }
        for commune in self.lastSeen.keys where !self.rules.isConfigured(commune: commune) {
            self.lastSeen[commune] = nil
        }
        for commune in self.health.keys where !self.rules.isConfigured(commune: commune) {
            self.health[commune] = nil
        }
    }

    /// Whether a link's window still counts: configured, and a round received within its staleness window.
    func isLinkLive(_ key: String, at now: Date) -> Bool {
        guard let window = self.windows[key] else { return false }
        let (commune, target) = Self.split(key)
        guard self.rules.isConfigured(commune: commune, target: target) else { return false }
        guard let seen = self.linkSeen?[key] else { return true }
        let step = window.last?.step ?? 60
        return now.timeIntervalSince(seen) <= self.rules.staleLinkSeconds(step: step)
    }

    /// The signals of every rule at `now`, with suppression applied (exposed for tests and `alerts list`).
    public func signals(at now: Date) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        let hubDown = self.hubDownSignal(at: now)
        if let hubDown { signals.append(hubDown) }
        let isHubDown = hubDown?.level == .raise
        let silent = self.silentCommunes(at: now)
        signals += self.gatewaySignals(at: now, silent: silent, isHubDown: isHubDown)
        signals += self.linkSignals(at: now, silent: silent, isHubDown: isHubDown)
        signals += self.healthSignals(silent: silent, isHubDown: isHubDown)
        signals += self.coverageSignals()
        signals += self.unwatchedSignals(at: now)
        return signals
    }

    /// Clears for alerts whose subject is gone: a link that is stale or no longer configured, a commune no longer
    /// configured. They resolve (or, pending, are cancelled) instead of repeating for ever.
    private func unwatchedSignals(at now: Date) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        for entry in self.machine.entries.values {
            guard let commune = entry.labels["commune"] else { continue }
            switch entry.labels["kind"] {
            case "link":
                let key = Self.key(commune, entry.labels["target"] ?? "")
                if !self.isLinkLive(key, at: now) { signals.append(AlertSignal(labels: entry.labels, level: .clear)) }
            case "gateway", "health":
                if !self.rules.isConfigured(commune: commune) {
                    signals.append(AlertSignal(labels: entry.labels, level: .clear))
                }
            default:
                break
            }
        }
        return signals
    }

    // MARK: - Link rules

    private func linkSignals(at now: Date, silent: Set<String>, isHubDown: Bool) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        for (key, window) in self.windows.sorted(by: { $0.key < $1.key }) where self.isLinkLive(key, at: now) {
            let (commune, target) = Self.split(key)
            let thresholds = self.rules.thresholds(commune: commune, target: target)
            let sent = window.reduce(0) { $0 + $1.sent }
            guard sent > 0 else { continue }
            let received = window.reduce(0) { $0 + $1.received }
            let loss = Double(sent - received) / Double(sent)
            let rtts = window.flatMap(\.rttSeconds).sorted()
            let latency = Self.statistic(rtts, self.rules.latencyStatistic)
            let communeDownToHub =
                target != self.rules.hubTarget && self.isLinkDown(commune, self.rules.hubTarget, at: now)
            let suppressed = isHubDown || silent.contains(commune) || communeDownToHub
            let name = self.communeNames[commune] ?? commune
            let base = ["commune": commune, "commune_name": name, "target": target, "kind": "link"]

            if self.hasDirections(window) {
                signals += self.directionLossSignals(
                    key: key, window: window, threshold: thresholds.lossRatio, base: base, name: name, target: target,
                    suppressed: suppressed)
            } else {
                signals += self.roundTripLossSignals(
                    key: key, threshold: thresholds.lossRatio, loss: loss, base: base, name: name, target: target,
                    suppressed: suppressed)
            }
            let statistic = self.rules.latencyStatistic.rawValue
            let latencyNote =
                latency.map { value in
                    [
                        "summary": "Round-trip \(statistic) " + String(format: "%.1f", value * 1000)
                            + " ms from \(name) to \(target)",
                        "value": String(value),
                    ]
                } ?? [:]
            let warning = latency.map { thresholds.latencySeconds.warningLevel($0) } ?? .hold
            signals.append(
                AlertSignal(
                    labels: base.merging(["alertname": "LinkLatency", "severity": "warning"]) { $1 },
                    annotations: latencyNote, level: warning, forSeconds: self.rules.forSeconds,
                    isSuppressed: suppressed))
            if thresholds.latencySeconds.critical != nil {
                let critical = latency.flatMap { thresholds.latencySeconds.criticalLevel($0) } ?? .hold
                signals.append(
                    AlertSignal(
                        labels: base.merging(["alertname": "LinkLatency", "severity": "critical"]) { $1 },
                        annotations: latencyNote, level: critical, forSeconds: self.rules.forSeconds,
                        isSuppressed: suppressed))
            }
        }
        return signals
    }

    /// Whether every probe of the window to `target` from `commune` was lost.
    private func isLinkDown(_ commune: String, _ target: String, at now: Date) -> Bool {
        let key = Self.key(commune, target)
        guard self.isLinkLive(key, at: now), let window = self.windows[key] else { return false }
        let sent = window.reduce(0) { $0 + $1.sent }
        return sent > 0 && window.allSatisfy { $0.received == 0 }
    }

    // MARK: - Dependencies: hub and gateways

    private func hubDownSignal(at now: Date) -> AlertSignal? {
        let reporting = Set(
            self.windows.keys.filter { self.isLinkLive($0, at: now) }.map { Self.split($0) }
                .filter { $0.1 == self.rules.hubTarget }.map(\.0))
        guard !reporting.isEmpty else { return nil }
        let down = reporting.filter { self.isLinkDown($0, self.rules.hubTarget, at: now) }
        let isDown = down.count >= 2 && Double(down.count) / Double(reporting.count) >= self.rules.hubDownQuorum
        return AlertSignal(
            labels: [
                "alertname": "HubDown", "severity": "critical", "kind": "network", "target": self.rules.hubTarget,
            ],
            annotations: [
                "summary": "The data-centre hub is unreachable from \(down.count) of \(reporting.count) communes"
            ],
            level: isDown ? .raise : .clear)
    }

    private func silentCommunes(at now: Date) -> Set<String> {
        var silent: Set<String> = []
        for commune in self.watchedCommunes() {
            let seen = self.lastSeen[commune] ?? self.startedAt ?? now
            if now.timeIntervalSince(seen) >= self.rules.gatewaySilentSeconds { silent.insert(commune) }
        }
        return silent
    }

    private func watchedCommunes() -> [String] {
        Array(Set(self.rules.communes.map(\.code)).union(self.lastSeen.keys))
            .filter { self.rules.isConfigured(commune: $0) }.sorted()
    }

    private func gatewaySignals(at now: Date, silent: Set<String>, isHubDown: Bool) -> [AlertSignal] {
        self.watchedCommunes().map { commune in
            let name = self.communeNames[commune] ?? commune
            let seen = self.lastSeen[commune]
            let since = seen.map { "since \(RFC3339.format($0))" } ?? "since netmon started"
            return AlertSignal(
                labels: [
                    "alertname": "GatewaySilent", "severity": "critical", "kind": "gateway", "commune": commune,
                    "commune_name": name,
                ],
                annotations: ["summary": "No results from the gateway of \(name) \(since)"],
                level: silent.contains(commune) ? .raise : .clear, isSuppressed: isHubDown)
        }
    }

    private func healthSignals(silent: Set<String>, isHubDown: Bool) -> [AlertSignal] {
        var signals: [AlertSignal] = []
        for (commune, report) in self.health.sorted(by: { $0.key < $1.key })
        where self.rules.isConfigured(commune: commune) {
            let name = self.communeNames[commune] ?? commune
            let base = ["commune": commune, "commune_name": name, "kind": "health", "severity": "warning"]
            if let drops = report.captureDropsPerMinute {
                let limit = self.rules.captureDropsPerMinute
                signals.append(
                    AlertSignal(
                        labels: base.merging(["alertname": "CaptureDrops"]) { $1 },
                        annotations: [
                            "summary": "\(name): capture drops \(Self.whole(drops))/min", "value": String(drops),
                        ],
                        level: drops >= limit ? .raise : (drops <= limit / 2 ? .clear : .hold),
                        forSeconds: self.rules.forSeconds, isSuppressed: silent.contains(commune)))
            }
            if let backlog = report.outboxBacklog {
                let limit = self.rules.outboxBacklog
                signals.append(
                    AlertSignal(
                        labels: base.merging(["alertname": "ForwardingBacklog"]) { $1 },
                        annotations: [
                            "summary": "\(name): \(Self.whole(backlog)) rounds waiting to be forwarded",
                            "value": String(backlog),
                        ],
                        level: backlog >= limit ? .raise : (backlog <= limit / 2 ? .clear : .hold),
                        forSeconds: self.rules.forSeconds, isSuppressed: silent.contains(commune) || isHubDown))
            }
        }
        return signals
    }

    /// A figure from a gateway's health report as a whole number for a summary. The report is input: a value too
    /// large for `Int` (or not finite) is written as it is instead of trapping in the conversion.
    static func whole(_ value: Double) -> String {
        value.isFinite && abs(value) < 9.0e15 ? String(Int(value.rounded())) : String(value)
    }

    // MARK: - Coverage rules

    private func coverageSignals() -> [AlertSignal] {
        guard let coverage = self.coverage else { return [] }
        var signals: [AlertSignal] = []
        if self.rules.requireFourGEveryCommune {
            for commune in coverage.communes {
                let ratio = commune.fourGAreaRatio.map { String(format: " (%.0f%% of measured area)", $0 * 100) } ?? ""
                signals.append(
                    AlertSignal(
                        labels: [
                            "alertname": "Commune4GBelowTarget", "severity": "warning", "kind": "coverage",
                            "commune": commune.code, "commune_name": commune.name,
                        ],
                        annotations: ["summary": "\(commune.name) is below its 4G target\(ratio)"],
                        // A commune measured too little is not below target: it is in the measurement summary.
                        level: commune.meetsFourGTarget || commune.isMeasuredEnough == false ? .clear : .raise))
            }
        }
        if let signal = self.measurementMissingSignal(coverage) { signals.append(signal) }
        if let target = self.rules.fiveGAreaRatio, let ratio = coverage.provinceFiveGAreaRatio {
            let level: SignalLevel =
                ratio < target ? .raise : (ratio >= target + self.rules.fiveGClearMargin ? .clear : .hold)
            signals.append(
                AlertSignal(
                    labels: ["alertname": "Province5GBelowTarget", "severity": "warning", "kind": "coverage"],
                    annotations: [
                        "summary": String(
                            format: "5G covers %.1f%% of the province, target %.0f%%", ratio * 100, target * 100)
                    ],
                    level: level))
        }
        var current: Set<Fingerprint> = []
        for zone in coverage.deadZones {
            signals.append(self.deadZoneSignal(zone))
            current.insert(signals[signals.count - 1].fingerprint)
        }
        for (fingerprint, entry) in self.machine.entries
        where entry.labels["alertname"] == "DeadZone" && !current.contains(fingerprint) {
            signals.append(AlertSignal(labels: entry.labels, level: .clear))
        }
        return signals
    }

    /// One alert per dead zone: identity `zone` (its smallest cell), routed by its first commune.
    private func deadZoneSignal(_ zone: CoverageSummary.DeadZone) -> AlertSignal {
        var labels = ["alertname": "DeadZone", "severity": "warning", "kind": "coverage", "zone": zone.zone]
        let names = zone.communes.map { self.communeNames[$0] ?? $0 }
        if let first = zone.communes.first {
            labels["commune"] = first
            labels["commune_name"] = names[0]
            labels["communes"] = zone.communes.joined(separator: ",")
        }
        let cells = zone.cells == 1 ? "1 cell" : "\(zone.cells) cells"
        let area = zone.areaKm2.map { String(format: "%.2f km²", $0) }
        let size = area.map { "\(cells), \($0)" } ?? cells
        let place = names.isEmpty ? "" : " in " + names.joined(separator: ", ")
        var annotations = [
            "summary": "Dead zone\(place) (\(size))",
            "description": "No 3G/4G/5G coverage over \(size) around H3 cell \(zone.zone)\(place)",
            "cells": String(zone.cells),
        ]
        if let areaKm2 = zone.areaKm2 { annotations["area_km2"] = String(format: "%.3f", areaKm2) }
        if !names.isEmpty { annotations["commune_names"] = names.joined(separator: ", ") }
        return AlertSignal(labels: labels, annotations: annotations, level: .raise)
    }

    // MARK: - Helpers

    static func key(_ commune: String, _ target: String) -> String { commune + "\u{1F}" + target }

    static func split(_ key: String) -> (String, String) {
        let parts = key.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
    }

    static func statistic(_ sorted: [Double], _ kind: AlertRules.LatencyStatistic) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let n = sorted.count
        switch kind {
        case .median:
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        case .p95:
            // Nearest-rank percentile.
            let rank = Int((0.95 * Double(n)).rounded(.up))
            return sorted[max(0, min(n - 1, rank - 1))]
        }
    }
}
