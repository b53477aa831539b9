import Foundation
import NetmonMetrics
import NetmonProtocol
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics, named and shaped like smokeping_prober's so its dashboards carry over.
///
/// Updated by the scheduler (per finished round), the capture service and the forwarder; every series lives in the
/// process's swift-prometheus registry (``prometheus``), which `/metrics` renders in text exposition format 0.0.4.
/// A `Mutex` keeps what `/healthz` and the health report read back.
public final class MetricsRegistry: Sendable {
    /// RTT histogram upper bounds: 5e-05 s doubling 20 times (to about 26 s), as smokeping_prober.
    public static let rttBuckets: [Double] = (0..<20).map { 0.000_05 * pow(2, Double($0)) }

    /// The families, each named once (the registry refuses one name with two helps).
    enum Family {
        static var packetsSent: MetricNameDescriptor {
            .named("netmon_probe_packets_sent_total", help: "Probe packets sent.")
        }
        static var packetsReceived: MetricNameDescriptor {
            .named(
                "netmon_probe_packets_received_total",
                help: "Probe replies received within the timeout, duplicates counted once.")
        }
        static var rtt: MetricNameDescriptor {
            .named("netmon_probe_rtt_seconds", help: "Round-trip time of probe replies.")
        }
        static var loss: MetricNameDescriptor {
            .named("netmon_probe_loss_ratio", help: "Lost over sent probes in the last finished round.")
        }
        static var captureDrops: MetricNameDescriptor {
            .named("netmon_capture_drops_total", help: "Packets the kernel dropped before the capture read them.")
        }
        static var outboxPending: MetricNameDescriptor {
            .named("netmon_outbox_pending", help: "Rounds stored but not yet acknowledged by the server.")
        }
        static var outboxDropped: MetricNameDescriptor {
            .named("netmon_outbox_dropped_total", help: "Rounds dropped unsent because the outbox reached its limit.")
        }
        static var outboxRejected: MetricNameDescriptor {
            .named(
                "netmon_outbox_rejected_total",
                help: "Rounds the server refused for good (bad clock, unknown target), set aside in the gateway store.")
        }
        static var forwarded: MetricNameDescriptor {
            .named("netmon_forwarded_rounds_total", help: "Rounds acknowledged by the server.")
        }
        static var forwardFailures: MetricNameDescriptor {
            .named("netmon_forward_failures_total", help: "Failed attempts to send a batch of rounds.")
        }
        static var storeErrors: MetricNameDescriptor {
            .named("netmon_store_errors_total", help: "Failed writes to the local database.")
        }
        static var modemReadFailures: MetricNameDescriptor {
            .named(
                "netmon_modem_read_failures_total",
                help:
                    "Signal readings of the gateway's modem that failed, by tool and reason (unavailable, timeout, …).")
        }
        static var modemLastSuccess: MetricNameDescriptor {
            .named(
                "netmon_modem_last_success_timestamp_seconds",
                help: "Unix time of the last signal reading of the gateway's modem that succeeded.")
        }
        static var signalReports: MetricNameDescriptor {
            .named("netmon_signal_reports_total", help: "Signal reports of the gateway's modem stored, by technology.")
        }
        static var signalOutboxPending: MetricNameDescriptor {
            .named(
                "netmon_signal_outbox_pending", help: "Signal reports stored but not yet acknowledged by the server.")
        }
        static var signalForwarded: MetricNameDescriptor {
            .named("netmon_forwarded_signal_reports_total", help: "Signal reports acknowledged by the server.")
        }
        static var buildInfo: MetricNameDescriptor {
            .named("netmon_build_info", help: "Always 1; labels say which netmon build runs.")
        }
    }

    private struct State {
        var captureDrops: [String: Int] = [:]
        var outboxPending = 0
        var lastRoundAt: Date?
    }

    private let state = Mutex(State())
    /// The process's registry, rendered by `/metrics`.
    public let prometheus: PrometheusMetrics
    /// The commune this daemon probes from (label on daemon-wide series).
    public let commune: String
    /// The build's version string (label of `netmon_build_info`).
    public let version: String
    private let forwarded: Counter
    private let forwardFailures: Counter
    private let storeErrors: Counter

    /// Registers the daemon-wide series (at zero) in `prometheus`, the process's registry.
    public init(commune: String, version: String, prometheus: PrometheusMetrics = PrometheusMetrics()) {
        self.commune = commune
        self.version = version
        self.prometheus = prometheus
        let registry = prometheus.registry
        let daemon = [("commune", commune)]
        forwarded = registry.makeCounter(descriptor: Family.forwarded, labels: daemon)
        forwardFailures = registry.makeCounter(descriptor: Family.forwardFailures, labels: daemon)
        storeErrors = registry.makeCounter(descriptor: Family.storeErrors, labels: daemon)
        setOutbox(pending: 0, dropped: 0, rejected: 0)
        prometheus.setGauge(Family.buildInfo, labels: [("version", version)], value: 1)
    }

    /// Counts a finished round: packets, every RTT into the histogram, and the round's loss ratio.
    public func observe(_ round: ProbeRound) {
        let series = TargetSeries(prometheus.registry, commune: round.commune, target: round.target)
        series.sent.increment(by: Int64(round.sent))
        series.received.increment(by: Int64(round.received))
        for rtt in round.rttSeconds { series.rtt.record(rtt) }
        series.loss.set(to: round.lossRatio)
        state.withLock { $0.lastRoundAt = Date() }
    }

    /// Makes a target's series appear (at zero) before its first round finishes.
    public func register(commune: String, target: String) {
        _ = TargetSeries(prometheus.registry, commune: commune, target: target)
    }

    /// Sets the capture's cumulative kernel drop count for `interface`.
    public func setCaptureDrops(_ drops: Int, interface: String) {
        state.withLock { $0.captureDrops[interface] = drops }
        prometheus.setCounter(
            Family.captureDrops, labels: [("commune", commune), ("interface", interface)], total: drops)
    }

    /// Sets the rounds waiting in the outbox, those dropped from it and those the server refused for good (set
    /// aside), since the database was made.
    public func setOutbox(pending: Int, dropped: Int, rejected: Int? = nil) {
        let daemon = [("commune", commune)]
        state.withLock { $0.outboxPending = pending }
        prometheus.setGauge(Family.outboxPending, labels: daemon, value: Double(pending))
        prometheus.setCounter(Family.outboxDropped, labels: daemon, total: dropped)
        if let rejected {
            prometheus.setCounter(Family.outboxRejected, labels: daemon, total: rejected)
        }
    }

    /// Counts a failed reading of the modem through `source` (mmcli, qmicli, quectel) for `reason` (the
    /// ``ModemSignalError`` code: unavailable, timeout, tool-error, …).
    public func addModemReadFailure(source: String, reason: String) {
        prometheus.registry.makeCounter(
            descriptor: Family.modemReadFailures,
            labels: [("commune", commune), ("source", source), ("reason", reason)]
        ).increment()
    }

    /// Makes the modem's series appear before its first reading: failures of the usual reasons at zero.
    public func registerModem(source: String) {
        for reason in ["unavailable", "timeout", "tool-error", "unrecognized-output"] {
            _ = prometheus.registry.makeCounter(
                descriptor: Family.modemReadFailures,
                labels: [("commune", commune), ("source", source), ("reason", reason)])
        }
    }

    /// Records a successful reading and the report stored from it.
    public func recordModemReading(source: String, technology: String, at time: Date) {
        prometheus.setGauge(
            Family.modemLastSuccess, labels: [("commune", commune), ("source", source)],
            value: time.timeIntervalSince1970)
        prometheus.registry.makeCounter(
            descriptor: Family.signalReports, labels: [("commune", commune), ("technology", technology)]
        ).increment()
    }

    /// Sets the signal reports waiting in their outbox.
    public func setSignalOutbox(pending: Int) {
        prometheus.setGauge(Family.signalOutboxPending, labels: [("commune", commune)], value: Double(pending))
    }

    /// Counts signal reports the server acknowledged.
    public func addSignalForwarded(_ count: Int) {
        prometheus.registry.makeCounter(descriptor: Family.signalForwarded, labels: [("commune", commune)])
            .increment(by: Int64(count))
    }

    /// Counts rounds the server acknowledged.
    public func addForwarded(_ count: Int) { forwarded.increment(by: Int64(count)) }
    /// Counts a failed attempt to send a batch.
    public func addForwardFailure() { forwardFailures.increment() }
    /// Counts a failed store write.
    public func addStoreError() { storeErrors.increment() }

    /// When the last round was recorded, if any.
    public var lastRoundAt: Date? { state.withLock { $0.lastRoundAt } }
    /// Rounds waiting in the outbox, as last set.
    public var outboxPending: Int { state.withLock { $0.outboxPending } }
    /// Capture drops summed over the interfaces, as last set; nil while no capture has reported.
    public var captureDropsTotal: Int? {
        state.withLock { $0.captureDrops.isEmpty ? nil : $0.captureDrops.values.reduce(0, +) }
    }

    /// The metrics in Prometheus text exposition format 0.0.4.
    public func render() -> String { prometheus.render() }

    /// One target's series, made (at zero) on first use and found again afterwards.
    private struct TargetSeries {
        let sent: Counter
        let received: Counter
        let rtt: ValueHistogram
        let loss: Gauge

        init(_ registry: PrometheusCollectorRegistry, commune: String, target: String) {
            let labels = [("commune", commune), ("target", target)]
            sent = registry.makeCounter(descriptor: Family.packetsSent, labels: labels)
            received = registry.makeCounter(descriptor: Family.packetsReceived, labels: labels)
            rtt = registry.makeValueHistogram(
                descriptor: Family.rtt, labels: labels, buckets: MetricsRegistry.rttBuckets)
            loss = registry.makeGauge(descriptor: Family.loss, labels: labels)
        }
    }
}
