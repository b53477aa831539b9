import Foundation
import NetmonProtocol
import Synchronization

/// The daemon's Prometheus metrics, named and shaped like smokeping_prober's so its dashboards carry over.
///
/// Updated by the scheduler (per finished round), the capture service and the forwarder; rendered by
/// `/metrics` in text exposition format 0.0.4. A `Mutex` guards the state: updates are a few additions.
public final class MetricsRegistry: Sendable {
    /// RTT histogram upper bounds: 5e-05 s doubling 20 times (to about 26 s), as smokeping_prober.
    public static let rttBuckets: [Double] = (0..<20).map { 0.000_05 * pow(2, Double($0)) }

    struct TargetKey: Hashable, Comparable {
        var commune: String
        var target: String
        static func < (a: TargetKey, b: TargetKey) -> Bool { (a.commune, a.target) < (b.commune, b.target) }
    }

    struct TargetSeries {
        var sent: Int = 0
        var received: Int = 0
        var bucketCounts = [Int](repeating: 0, count: MetricsRegistry.rttBuckets.count)
        var rttCount: Int = 0
        var rttSum: Double = 0
        var lossRatio: Double = 0
    }

    struct State {
        var targets: [TargetKey: TargetSeries] = [:]
        var captureDrops: [String: Int] = [:]
        var outboxPending: Int = 0
        var outboxDropped: Int = 0
        var roundsRejected: Int = 0
        var forwardedRounds: Int = 0
        var forwardFailures: Int = 0
        var storeErrors: Int = 0
        var lastRoundAt: Date?
    }

    private let state = Mutex(State())
    /// The commune this daemon probes from (label on daemon-wide series).
    public let commune: String
    /// The build's version string (label of `netmon_build_info`).
    public let version: String

    public init(commune: String, version: String) {
        self.commune = commune
        self.version = version
    }

    /// Counts a finished round: packets, every RTT into the histogram, and the round's loss ratio.
    public func observe(_ round: ProbeRound) {
        state.withLock { state in
            let key = TargetKey(commune: round.commune, target: round.target)
            var series = state.targets[key] ?? TargetSeries()
            series.sent += round.sent
            series.received += round.received
            for rtt in round.rttSeconds {
                series.rttCount += 1
                series.rttSum += rtt
                if let index = Self.rttBuckets.firstIndex(where: { rtt <= $0 }) { series.bucketCounts[index] += 1 }
            }
            series.lossRatio = round.lossRatio
            state.targets[key] = series
            state.lastRoundAt = Date()
        }
    }

    /// Makes a target's series appear (at zero) before its first round finishes.
    public func register(commune: String, target: String) {
        state.withLock { state in
            let key = TargetKey(commune: commune, target: target)
            if state.targets[key] == nil { state.targets[key] = TargetSeries() }
        }
    }

    /// Sets the capture's cumulative kernel drop count for `interface`.
    public func setCaptureDrops(_ drops: Int, interface: String) {
        state.withLock { $0.captureDrops[interface] = drops }
    }

    /// Sets the rounds waiting in the outbox, those dropped from it and those the server refused for good (set
    /// aside), since the database was made.
    public func setOutbox(pending: Int, dropped: Int, rejected: Int? = nil) {
        state.withLock { state in
            state.outboxPending = pending
            state.outboxDropped = dropped
            if let rejected { state.roundsRejected = rejected }
        }
    }

    /// Counts rounds the server acknowledged.
    public func addForwarded(_ count: Int) { state.withLock { $0.forwardedRounds += count } }
    /// Counts a failed attempt to send a batch.
    public func addForwardFailure() { state.withLock { $0.forwardFailures += 1 } }
    /// Counts a failed store write.
    public func addStoreError() { state.withLock { $0.storeErrors += 1 } }

    /// When the last round was recorded, if any.
    public var lastRoundAt: Date? { state.withLock { $0.lastRoundAt } }
    /// Rounds waiting in the outbox, as last set.
    public var outboxPending: Int { state.withLock { $0.outboxPending } }
    /// Capture drops summed over the interfaces, as last set; nil while no capture has reported.
    public var captureDropsTotal: Int? {
        state.withLock { $0.captureDrops.isEmpty ? nil : $0.captureDrops.values.reduce(0, +) }
    }

    /// The metrics in Prometheus text exposition format 0.0.4.
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var out = PrometheusText()
        let keys = snapshot.targets.keys.sorted()
        func labels(_ key: TargetKey) -> [(String, String)] { [("commune", key.commune), ("target", key.target)] }

        out.family("netmon_probe_packets_sent_total", type: "counter", help: "Probe packets sent.")
        for key in keys { out.sample("netmon_probe_packets_sent_total", labels(key), snapshot.targets[key]!.sent) }
        out.family(
            "netmon_probe_packets_received_total", type: "counter",
            help: "Probe replies received within the timeout, duplicates counted once.")
        for key in keys {
            out.sample("netmon_probe_packets_received_total", labels(key), snapshot.targets[key]!.received)
        }
        out.family("netmon_probe_rtt_seconds", type: "histogram", help: "Round-trip time of probe replies.")
        for key in keys {
            let series = snapshot.targets[key]!
            var cumulative = 0
            for (bound, count) in zip(Self.rttBuckets, series.bucketCounts) {
                cumulative += count
                out.sample(
                    "netmon_probe_rtt_seconds_bucket", labels(key) + [("le", PrometheusText.format(bound))], cumulative)
            }
            out.sample("netmon_probe_rtt_seconds_bucket", labels(key) + [("le", "+Inf")], series.rttCount)
            out.sample("netmon_probe_rtt_seconds_sum", labels(key), series.rttSum)
            out.sample("netmon_probe_rtt_seconds_count", labels(key), series.rttCount)
        }
        out.family("netmon_probe_loss_ratio", type: "gauge", help: "Lost over sent probes in the last finished round.")
        for key in keys { out.sample("netmon_probe_loss_ratio", labels(key), snapshot.targets[key]!.lossRatio) }
        out.family(
            "netmon_capture_drops_total", type: "counter",
            help: "Packets the kernel dropped before the capture read them.")
        for interface in snapshot.captureDrops.keys.sorted() {
            out.sample(
                "netmon_capture_drops_total", [("commune", commune), ("interface", interface)],
                snapshot.captureDrops[interface]!)
        }
        out.family(
            "netmon_outbox_pending", type: "gauge", help: "Rounds stored but not yet acknowledged by the server.")
        out.sample("netmon_outbox_pending", [("commune", commune)], snapshot.outboxPending)
        out.family(
            "netmon_outbox_dropped_total", type: "counter",
            help: "Rounds dropped unsent because the outbox reached its limit.")
        out.sample("netmon_outbox_dropped_total", [("commune", commune)], snapshot.outboxDropped)
        out.family(
            "netmon_outbox_rejected_total", type: "counter",
            help: "Rounds the server refused for good (bad clock, unknown target), set aside in the gateway store.")
        out.sample("netmon_outbox_rejected_total", [("commune", commune)], snapshot.roundsRejected)
        out.family("netmon_forwarded_rounds_total", type: "counter", help: "Rounds acknowledged by the server.")
        out.sample("netmon_forwarded_rounds_total", [("commune", commune)], snapshot.forwardedRounds)
        out.family("netmon_forward_failures_total", type: "counter", help: "Failed attempts to send a batch of rounds.")
        out.sample("netmon_forward_failures_total", [("commune", commune)], snapshot.forwardFailures)
        out.family("netmon_store_errors_total", type: "counter", help: "Failed writes to the local database.")
        out.sample("netmon_store_errors_total", [("commune", commune)], snapshot.storeErrors)
        out.family("netmon_build_info", type: "gauge", help: "Always 1; labels say which netmon build runs.")
        out.sample("netmon_build_info", [("version", version)], 1)
        return out.text
    }
}
