import Foundation
import MeasurementStore
import NetmonMetrics
import Prometheus

/// The server's own counters and histograms, in the process's swift-prometheus registry (``prometheus``), which
/// `/metrics` renders in text exposition format 0.0.4 after ``scrape(_:)`` has set what is read at scrape time.
final class ServerMetrics: Sendable {
    /// Upper bounds of the request duration histogram, seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    enum Family {
        static var requests: MetricNameDescriptor {
            .named("netmon_server_http_requests_total", help: "HTTP requests handled, by route, method and status.")
        }
        static var durations: MetricNameDescriptor {
            .named("netmon_server_http_request_duration_seconds", help: "Time to handle an HTTP request, by route.")
        }
        static var ingestRounds: MetricNameDescriptor {
            .named(
                "netmon_server_ingest_rounds_total",
                help: "Probe rounds received, by result (accepted, duplicate, rejected, conflict).")
        }
        static var batchesRejected: MetricNameDescriptor {
            .named("netmon_server_ingest_batches_rejected_total", help: "Ingest batches refused with a 4xx.")
        }
        static var rateLimited: MetricNameDescriptor {
            .named("netmon_server_rate_limited_total", help: "Requests refused with 429 by the per-token rate limit.")
        }
        static var uploads: MetricNameDescriptor {
            .named(
                "netmon_server_report_uploads_total",
                help: "Signal report uploads, by result (stored or refused with a 4xx).")
        }
        static var reportRows: MetricNameDescriptor {
            .named(
                "netmon_server_report_rows_total", help: "Rows of stored uploads, by result (accepted or rejected row)."
            )
        }
        static var startTime: MetricNameDescriptor {
            .named("netmon_server_start_time_seconds", help: "Unix time the server started.")
        }
        static var communes: MetricNameDescriptor {
            .named("netmon_server_communes", help: "Communes by current link status.")
        }
        static var probeLastHeard: MetricNameDescriptor {
            .named(
                "netmon_server_probe_last_heard_timestamp_seconds", help: "Unix time each probe last delivered a batch."
            )
        }
        static var rateLimitBuckets: MetricNameDescriptor {
            .named("netmon_server_rate_limit_buckets", help: "Rate limit buckets kept (tokens and client addresses).")
        }
    }

    /// The process's registry.
    let prometheus: PrometheusMetrics
    private let roundsAccepted: Counter
    private let roundsDuplicate: Counter
    private let roundsRejected: Counter
    private let roundsConflicting: Counter
    private let batchesRejected: Counter
    private let rateLimited: Counter
    private let uploadsAccepted: Counter
    private let uploadsRejected: Counter
    private let reportRowsAccepted: Counter
    private let reportRowsRejected: Counter

    /// Registers the server's series (at zero) and its start time in `prometheus`.
    init(prometheus: PrometheusMetrics) {
        self.prometheus = prometheus
        let registry = prometheus.registry
        func result(_ family: MetricNameDescriptor, _ name: String) -> Counter {
            registry.makeCounter(descriptor: family, labels: [("result", name)])
        }
        roundsAccepted = result(Family.ingestRounds, "accepted")
        roundsDuplicate = result(Family.ingestRounds, "duplicate")
        roundsRejected = result(Family.ingestRounds, "rejected")
        roundsConflicting = result(Family.ingestRounds, "conflict")
        batchesRejected = registry.makeCounter(descriptor: Family.batchesRejected)
        rateLimited = registry.makeCounter(descriptor: Family.rateLimited)
        uploadsAccepted = result(Family.uploads, "accepted")
        uploadsRejected = result(Family.uploads, "rejected")
        reportRowsAccepted = result(Family.reportRows, "accepted")
        reportRowsRejected = result(Family.reportRows, "rejected")
        prometheus.setGauge(Family.startTime, value: Date().timeIntervalSince1970)
    }

    func recordRequest(route: String, method: String, status: Int, seconds: Double) {
        let registry = prometheus.registry
        registry.makeCounter(
            descriptor: Family.requests, labels: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        registry.makeValueHistogram(descriptor: Family.durations, labels: [("route", route)], buckets: Self.buckets)
            .record(seconds)
    }

    func recordIngest(accepted: Int, duplicates: Int, rejected: Int = 0, conflicting: Int = 0) {
        roundsAccepted.increment(by: Int64(accepted))
        roundsDuplicate.increment(by: Int64(duplicates))
        roundsRejected.increment(by: Int64(rejected))
        roundsConflicting.increment(by: Int64(conflicting))
    }

    func recordRejectedBatch() { batchesRejected.increment() }

    /// A signal report upload that was stored (`accepted`) or refused with a 4xx, with its row counts.
    func recordUpload(accepted: Bool, rowsAccepted: Int = 0, rowsRejected: Int = 0) {
        (accepted ? uploadsAccepted : uploadsRejected).increment()
        reportRowsAccepted.increment(by: Int64(rowsAccepted))
        reportRowsRejected.increment(by: Int64(rowsRejected))
    }

    func recordRateLimited() { rateLimited.increment() }

    /// Sets what is read at scrape time (communes by status, probes last heard, connections, rate limit buckets,
    /// coverage, alerting) and renders every metric of the process.
    /// `netmon_leader` (1 while this replica does the singleton work), `netmon_leader_changes_total`, and with
    /// replicas the takeover bound.
    static func export(_ leadership: Leadership, to prometheus: PrometheusMetrics) {
        prometheus.setGauge(
            .named(
                "netmon_leader",
                help:
                    "1 while this server does the singleton work (alert evaluation and delivery, coverage, retention)."
            ), value: leadership.isLeader ? 1 : 0)
        prometheus.setCounter(
            .named(
                "netmon_leader_changes_total", help: "Times this server became the leader or stopped being it."),
            total: leadership.changes)
        if let bound = leadership.takeoverBoundSeconds {
            prometheus.setGauge(
                .named(
                    "netmon_leader_takeover_bound_seconds",
                    help: "Longest time from the leader's death to another replica leading (lease + one attempt)."),
                value: bound)
        }
    }

    func scrape(_ state: ServerState) async throws -> String {
        let board = try await state.healthBoard()
        let probes = try await state.store.probes()
        for (status, count) in board.counts {
            prometheus.setGauge(Family.communes, labels: [("status", status.rawValue)], value: Double(count))
        }
        for probe in probes {
            prometheus.setGauge(
                Family.probeLastHeard, labels: [("probe", probe.probeID)],
                value: probe.lastHeardAt.timeIntervalSince1970)
        }
        state.connections.export(to: prometheus)
        prometheus.setGauge(Family.rateLimitBuckets, value: Double(state.limiter.count))
        state.coverage?.export(to: prometheus)
        Self.export(state.leadership, to: prometheus)
        if let alerts = state.alerts {
            do {
                try await alerts.exportMetrics(to: prometheus)
            } catch {
                state.logger.warning("alert metrics unavailable: \(error)")
            }
        }
        return prometheus.render()
    }
}
