import Foundation
import Hummingbird
import MeasurementStore
import NIOCore
import NetmonProtocol

/// `POST /api/v1/ingest/rounds`: a probe's batch of rounds, all-or-nothing, duplicates dropped.
struct IngestRoutes {
    let state: ServerState

    struct Reply: Codable, Sendable {
        var accepted: Int
        var duplicates: Int
        var received: Int
    }

    func register(on router: Router<ServerRequestContext>) {
        router.post("/api/v1/ingest/rounds") { request, context in
            try await self.ingest(request, context: context)
        }
    }

    func ingest(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let principal = try state.tokens.authorize(request, needing: .probe)
        try RequestGuards.rateLimit(state, principal)
        do {
            let batch = try await decodeBatch(request)
            try validate(batch, principal: principal)
            let receivedAt = state.configuration.now()
            let outcome = try await state.store.ingest(batch.rounds, probeID: batch.probeID, receivedAt: receivedAt)
            state.metrics.recordIngest(accepted: outcome.accepted, duplicates: outcome.duplicates)
            if !outcome.acceptedRounds.isEmpty {
                for listener in state.ingestListeners {
                    await listener.roundsAccepted(
                        outcome.acceptedRounds, probeID: batch.probeID, receivedAt: receivedAt)
                }
            }
            if let health = batch.health,
                let commune = state.communeByProbe[batch.probeID] ?? batch.rounds.first?.commune
            {
                for listener in state.ingestListeners {
                    await listener.healthReported(
                        health, probeID: batch.probeID, commune: commune, receivedAt: receivedAt)
                }
            }
            return try Responses.json(
                Reply(accepted: outcome.accepted, duplicates: outcome.duplicates, received: batch.rounds.count))
        } catch let e as HTTPError {
            state.metrics.recordRejectedBatch()
            throw e
        }
    }

    private func decodeBatch(_ request: Request) async throws -> ProbeRoundBatch {
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json, not '\(type)'")
        }
        let body = try await RequestGuards.collectBody(request, limit: state.configuration.maxBodyBytes)
        // Batches as probes write them take the fast decoder; anything else gets JSONDecoder and its precise errors.
        if let batch = body.withUnsafeReadableBytes({ ProbeRoundBatch.decodeFast($0) }) { return batch }
        do {
            return try WireJSON.decoder().decode(ProbeRoundBatch.self, from: body)
        } catch let e as DecodingError {
            throw HTTPError(.badRequest, message: "invalid ProbeRoundBatch: \(describe(e))")
        } catch {
            throw HTTPError(.badRequest, message: "invalid ProbeRoundBatch: \(error)")
        }
    }

    private func validate(_ batch: ProbeRoundBatch, principal: Principal) throws {
        guard batch.probeID == principal.probeID else {
            throw HTTPError(
                .forbidden,
                message:
                    "token '\(principal.name)' may ingest for probe '\(principal.probeID ?? "")' only, not '\(batch.probeID)'"
            )
        }
        guard batch.rounds.count <= state.configuration.maxRoundsPerBatch else {
            throw HTTPError(
                .contentTooLarge,
                message:
                    "batch holds \(batch.rounds.count) rounds; at most \(state.configuration.maxRoundsPerBatch) per request"
            )
        }
        if let health = batch.health {
            guard health.outboxPending >= 0 else {
                throw HTTPError(.badRequest, message: "health.outbox_pending: must be ≥ 0, got \(health.outboxPending)")
            }
            if let drops = health.captureDropsTotal, drops < 0 {
                throw HTTPError(.badRequest, message: "health.capture_drops_total: must be ≥ 0, got \(drops)")
            }
        }
        let expectedCommune = state.communeByProbe[batch.probeID]
        let now = state.configuration.now()
        let earliest = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        for (i, r) in batch.rounds.enumerated() {
            func bad(_ field: String, _ message: String) -> HTTPError {
                HTTPError(.badRequest, message: "rounds[\(i)].\(field): \(message)")
            }
            guard r.probeID == batch.probeID else {
                throw bad("probe_id", "'\(r.probeID)' differs from the batch's probe_id '\(batch.probeID)'")
            }
            guard r.sequence >= 0 else { throw bad("sequence", "must be ≥ 0, got \(r.sequence)") }
            if let expectedCommune, r.commune != expectedCommune {
                throw bad(
                    "commune", "probe '\(batch.probeID)' belongs to commune \(expectedCommune), not '\(r.commune)'")
            }
            guard state.communesByCode[r.commune] != nil else {
                throw bad("commune", "'\(r.commune)' is not a commune in sites.yaml")
            }
            guard Self.isPlainText(r.target, max: 128) else {
                throw bad("target", "must be 1–128 printable characters")
            }
            guard Self.isPlainText(r.address, max: 128) else {
                throw bad("address", "must be 1–128 printable characters")
            }
            guard ["icmp", "tcp", "passive"].contains(r.kind) else {
                throw bad("kind", "must be icmp, tcp or passive, not '\(r.kind)'")
            }
            guard r.start >= earliest, r.start <= now.addingTimeInterval(86400) else {
                throw bad("start", "\(RFC3339.format(r.start)) is before 2000 or more than a day in the future")
            }
            guard r.stepSeconds.isFinite, r.stepSeconds > 0, r.stepSeconds <= 86400 else {
                throw bad("step_seconds", "must be in (0, 86400], got \(r.stepSeconds)")
            }
            guard r.sent >= 0, r.sent <= 1_000_000 else { throw bad("sent", "must be in 0…1000000, got \(r.sent)") }
            guard r.received >= 0, r.received <= r.sent else {
                throw bad("received", "must be in 0…sent (\(r.sent)), got \(r.received)")
            }
            if r.kind != "passive", r.rttSeconds.count != r.received {
                throw bad("rtt_seconds", "holds \(r.rttSeconds.count) values but received is \(r.received)")
            }
            guard r.rttSeconds.count <= 1_000_000 else { throw bad("rtt_seconds", "too many values") }
            var previous = 0.0
            for (j, v) in r.rttSeconds.enumerated() {
                guard v.isFinite, v >= 0, v < 3600 else {
                    throw bad("rtt_seconds[\(j)]", "must be seconds in [0, 3600), got \(v)")
                }
                guard v >= previous else { throw bad("rtt_seconds[\(j)]", "values must be sorted ascending") }
                previous = v
            }
            if let j = r.jitterSeconds, !(j.isFinite && j >= 0 && j < 3600) {
                throw bad("jitter_seconds", "must be seconds in [0, 3600) or null, got \(j)")
            }
        }
    }

    static func isPlainText(_ s: String, max: Int) -> Bool {
        !s.isEmpty && s.count <= max && !s.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Checks shared by routes: rate limit and bounded bodies.
enum RequestGuards {
    /// Takes one request from the token's bucket; requests without a token were already counted against their
    /// client address by ``ServerMiddleware``.
    static func rateLimit(_ state: ServerState, _ principal: Principal) throws {
        guard !principal.isAnonymous else { return }
        try rateLimit(state, key: "token:" + principal.name, who: "token '\(principal.name)'")
    }

    /// Takes one request from `key`'s bucket, or throws 429 with Retry-After.
    static func rateLimit(_ state: ServerState, key: String, who: String) throws {
        if let wait = state.limiter.take(key) {
            state.metrics.recordRateLimited()
            let seconds = max(1, Int(min(wait, 86400).rounded(.up)))
            throw HTTPError(
                .tooManyRequests, headers: [.retryAfter: "\(seconds)"],
                message:
                    "rate limit of \(state.configuration.rateLimit.requestsPerSecond) requests/s for \(who) exceeded; retry in \(seconds) s"
            )
        }
    }

    static func collectBody(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(
                .contentTooLarge, message: "request body of \(length) bytes exceeds the limit of \(limit) bytes")
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "request body exceeds the limit of \(limit) bytes")
        }
    }
}
