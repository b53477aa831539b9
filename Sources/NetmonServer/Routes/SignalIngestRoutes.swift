import CoverageModel
import Foundation
import Hummingbird
import MeasurementStore
import NetmonProtocol

/// `POST /api/v1/ingest/signal`: a gateway's batch of signal reports from its modem, judged report by report as
/// rounds are (probe token, the probe's own commune, the same reply). Accepted reports go into the gateway's
/// upload (``GatewaySignalEntry``), count in coverage like any uploaded report, and trigger a (debounced)
/// recomputation. Metric values outside their physical range are dropped, as the upload readers drop them.
struct SignalIngestRoutes {
    let state: ServerState

    func register(on router: Router<ServerRequestContext>) {
        router.post("/api/v1/ingest/signal") { request, _ in
            try await self.ingest(request)
        }
    }

    func ingest(_ request: Request) async throws -> Response {
        let principal = try state.tokens.authorize(request, needing: .probe)
        try RequestGuards.rateLimit(state, principal)
        let batch = try await decodeBatch(request)
        let code = try IngestRoutes.commune(of: batch.probeID, principal: principal, state: state).code
        guard batch.reports.count <= state.configuration.maxRoundsPerBatch else {
            throw HTTPError(
                .contentTooLarge,
                message:
                    "batch holds \(batch.reports.count) reports; at most \(state.configuration.maxRoundsPerBatch) per request"
            )
        }
        let receivedAt = state.configuration.now()
        let source = GatewaySignalReport.source(commune: code)
        var entries: [GatewaySignalEntry] = []
        var positions: [Int] = []
        var rejected: [RoundRejection] = []
        for (i, report) in batch.reports.enumerated() {
            switch Self.check(
                report, probeID: batch.probeID, commune: code, now: receivedAt,
                maxSkew: state.configuration.maxClockSkewSeconds)
            {
            case .failure(let problem):
                rejected.append(
                    RoundRejection(index: i, sequence: report.sequence, field: problem.field, reason: problem.reason))
            case .success(let signal):
                entries.append(
                    GatewaySignalEntry(storeID: report.storeID ?? "", sequence: report.sequence, report: signal))
                positions.append(i)
            }
        }
        let outcome = try await state.store.ingestGatewaySignalReports(
            entries, probeID: batch.probeID, source: source, receivedAt: receivedAt)
        let conflicts = outcome.conflicting.map { k in
            RoundConflict(
                index: positions[k], sequence: entries[k].sequence, storeID: batch.reports[positions[k]].storeID)
        }
        if !rejected.isEmpty || !conflicts.isEmpty {
            state.logger.warning(
                "gateway signal reports refused",
                metadata: [
                    "probe_id": "\(batch.probeID)", "rejected": "\(rejected.count)", "conflicts": "\(conflicts.count)",
                    "first": "\(rejected.first.map { "reports[\($0.index)].\($0.field): \($0.reason)" } ?? "")",
                ])
        }
        if outcome.accepted > 0 {
            state.coverage?.requestRecomputation()
            state.logger.debug(
                "gateway signal reports stored",
                metadata: ["probe_id": "\(batch.probeID)", "accepted": "\(outcome.accepted)"])
        }
        return try Responses.json(
            IngestReply(
                accepted: outcome.accepted, duplicates: outcome.duplicates, received: batch.reports.count,
                rejected: rejected, conflicts: conflicts))
    }

    private func decodeBatch(_ request: Request) async throws -> GatewaySignalBatch {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json, not '\(type)'")
        }
        let body = try await RequestGuards.collectBody(request, limit: state.configuration.maxBodyBytes)
        do {
            return try WireJSON.decoder().decode(GatewaySignalBatch.self, from: body)
        } catch let e as DecodingError {
            throw HTTPError(.badRequest, message: "invalid GatewaySignalBatch: \(describe(e))")
        } catch {
            throw HTTPError(.badRequest, message: "invalid GatewaySignalBatch: \(error)")
        }
    }

    struct Problem: Error {
        var field: String
        var reason: String
    }

    /// Checks one report and turns it into the coverage model's report (device = its source).
    static func check(
        _ r: GatewaySignalReport, probeID: String, commune: String, now: Date, maxSkew: Double
    ) -> Result<SignalReport, Problem> {
        func bad(_ field: String, _ reason: String) -> Result<SignalReport, Problem> {
            .failure(Problem(field: field, reason: reason))
        }
        guard r.probeID == probeID else {
            return bad("probe_id", "'\(r.probeID)' differs from the batch's probe_id '\(probeID)'")
        }
        guard r.sequence > 0 else { return bad("sequence", "must be ≥ 1, got \(r.sequence)") }
        if let store = r.storeID, !IngestRoutes.isPlainText(store, max: 64) {
            return bad("store_id", "must be 1–64 printable characters")
        }
        guard r.commune == commune else {
            return bad("commune", "probe '\(probeID)' belongs to commune \(commune), not '\(r.commune)'")
        }
        let source = GatewaySignalReport.source(commune: commune)
        guard r.source == source else { return bad("source", "must be '\(source)', not '\(r.source)'") }
        guard r.lat.isFinite, (-90...90).contains(r.lat) else { return bad("lat", "must be in [-90, 90]") }
        guard r.lon.isFinite, (-180...180).contains(r.lon) else { return bad("lon", "must be in [-180, 180]") }
        guard r.time >= Date(timeIntervalSince1970: 946_684_800) else {
            return bad(
                "time",
                "\(RFC3339.format(r.time)) is before 2000: the gateway's clock is not set (check NTP and its RTC)")
        }
        let ahead = r.time.timeIntervalSince(now)
        guard ahead <= maxSkew else {
            return bad(
                "time",
                "\(Int(ahead.rounded())) s after the server's clock (at most \(Int(maxSkew)) s allowed): the gateway's clock is ahead (check NTP)"
            )
        }
        if let code = r.operatorCode, !IngestRoutes.isPlainText(code, max: 16) {
            return bad("operator", "must be 1–16 printable characters, e.g. 452-04")
        }
        var report = SignalReport(
            time: r.time.timeIntervalSince1970, lat: r.lat, lon: r.lon, technology: r.technology,
            operatorCode: r.operatorCode, device: source)
        for metric in SignalMetric.allCases {
            guard let value = r.metrics[metric] else { continue }
            guard value.isFinite else { return bad(metric.rawValue, "must be a finite number") }
            if metric.validRange.contains(value) { report[metric] = value }
        }
        return .success(report)
    }
}
