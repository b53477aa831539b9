import Alerting
import Foundation
import Logging
import NetmonMetrics
import NetmonProtocol
import NetmonServer
import Prometheus
import SiteCatalog

/// The alert store and processor as the server sees them: the source of `/api/v1/alerts` and `/api/v1/silences`,
/// and the listener that feeds accepted probe rounds to the processor.
///
/// Bad requests are refused with ``AlertSourceError`` naming the parameter or field; the same matcher syntax and
/// silence rules as `netmon alerts list` and `netmon alerts silence add`.
public struct AlertingAPI: AlertSource, IngestListener {
    /// The processor rounds go to.
    public let processor: AlertProcessor
    let logger: Logger

    public init(processor: AlertProcessor, logger: Logger = Logger(label: "netmon.alerting")) {
        self.processor = processor
        self.logger = logger
    }

    var store: AlertStore { self.processor.store }

    public func roundsAccepted(_ rounds: [ProbeRound], probeID: String, receivedAt: Date) async {
        await self.feed(.rounds(rounds, receivedAt: receivedAt))
    }

    /// A probe's health (with an ingested batch) feeds the `ForwardingBacklog` and `CaptureDrops` rules.
    public func healthReported(_ health: ProbeHealthReport, probeID: String, commune: String, receivedAt: Date) async {
        await self.feed(
            .health(
                ProbeHealth(
                    probeID: probeID, commune: commune, outboxBacklog: Double(health.outboxPending),
                    captureDropsTotal: health.captureDropsTotal.map(Double.init), reportedAt: health.sentAt),
                receivedAt: receivedAt))
    }

    /// Hands an input to the processor, or, on a store replicas share, queues it there for whichever replica
    /// evaluates (this one or another). A failed queue write is logged: the rounds themselves are stored.
    func feed(_ input: AlertInput) async {
        guard self.store.engine.queuesInputs else {
            await self.processor.ingest(input)
            return
        }
        do {
            try await self.store.queue(input)
        } catch {
            self.logger.error("alert input not queued", metadata: ["error": "\(error)"])
        }
    }

    public func alertsJSON(states: [String], matchers: [String], now: Date) async throws -> String {
        var query = AlertQuery()
        for name in states {
            guard let state = AlertRecord.State(rawValue: name) else {
                throw AlertSourceError(
                    .invalidRequest, "must be pending, firing or resolved, not '\(name)'", context: "state")
            }
            query.states.insert(state)
        }
        query.matchers = try matchers.map { try Self.matcher($0, context: "match") }
        return try AlertJSON.encode(["alerts": try await self.store.alerts(query, now: now)])
    }

    public func silencesJSON(includeInactive: Bool, now: Date) async throws -> String {
        try AlertJSON.encode(["silences": try await self.store.silences(activeAt: includeInactive ? nil : now)])
    }

    public func createSilence(body: Data, author: String, now: Date) async throws -> String {
        let silence = try SilenceRequest.decode(body).silence(author: author, now: now)
        try await self.store.add(silence)
        return try AlertJSON.encode(silence)
    }

    public func expireSilence(id: String, now: Date) async throws {
        guard try await self.store.expireSilence(id: id, at: now) else {
            throw AlertSourceError(.notFound, "no active silence with this id", context: id)
        }
    }

    /// Alerts by state, notifications by outbox state, and the dead-letter counter (which survives restarts:
    /// dead letters are never pruned).
    public func exportMetrics(to metrics: PrometheusMetrics) async throws {
        let alerts = try await self.store.alertCounts()
        let outbox = try await self.store.outboxCounts()
        let alertFamily = MetricNameDescriptor.named(
            "netmon_alerts", help: "Alerts in the alert store by state (resolved ones until retention removes them).")
        for state in AlertRecord.State.allCases {
            metrics.setGauge(alertFamily, labels: [("state", state.rawValue)], value: Double(alerts[state] ?? 0))
        }
        let notificationFamily = MetricNameDescriptor.named(
            "netmon_alert_notifications", help: "Notifications in the outbox by delivery state.")
        for state in [NotificationOutboxEntry.State.pending, .delivered, .dead] {
            metrics.setGauge(notificationFamily, labels: [("state", state.rawValue)], value: Double(outbox[state] ?? 0))
        }
        metrics.setCounter(
            .named(
                "netmon_alert_notifications_dead_lettered_total", help: "Notifications given up after their deadline."),
            total: try await self.store.deadLetterCount())
    }

    static func matcher(_ text: String, context: String) throws(AlertSourceError) -> LabelMatcher {
        do {
            return try LabelMatcher(parsing: text)
        } catch {
            throw AlertSourceError(.invalidRequest, "\(error.message): '\(text)'", context: context)
        }
    }
}
