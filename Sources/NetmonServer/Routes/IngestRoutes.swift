import Foundation
import Hummingbird
import MeasurementStore
import NIOCore
import NetmonProtocol

/// `POST /api/v1/ingest/rounds`: a probe's batch of rounds, judged round by round.
///
/// The batch as a whole is refused (4xx) only when it cannot be read or is not this probe's to send: bad token,
/// another probe's id, a probe sites.yaml does not know, too many rounds, malformed JSON. Otherwise every valid
/// round is stored (or recognised as a duplicate) and every invalid one is named in the reply's `rejected` with its
/// reason, so one bad round never blocks a gateway's outbox. Rounds whose identity the store holds with other
/// content come back as `conflicts` (see ``IngestReply``).
struct IngestRoutes {
    let state: ServerState

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
            let commune = try validate(batch, principal: principal)
            let receivedAt = state.configuration.now()
            var valid: [ProbeRound] = []
            valid.reserveCapacity(batch.rounds.count)
            var rejected: [RoundRejection] = []
            for (i, r) in batch.rounds.enumerated() {
                if let problem = check(r, batch: batch, commune: commune, now: receivedAt) {
                    rejected.append(
                        RoundRejection(index: i, sequence: r.sequence, field: problem.field, reason: problem.reason))
                } else {
                    valid.append(r)
                }
            }
            let outcome = try await state.store.ingest(valid, probeID: batch.probeID, receivedAt: receivedAt)
            let conflicts = Self.positions(of: outcome.conflictingRounds, in: batch.rounds, skipping: rejected)
            state.metrics.recordIngest(
                accepted: outcome.accepted, duplicates: outcome.duplicates, rejected: rejected.count,
                conflicting: conflicts.count)
            if !rejected.isEmpty || !conflicts.isEmpty {
                state.logger.warning(
                    "rounds refused",
                    metadata: [
                        "probe_id": "\(batch.probeID)", "rejected": "\(rejected.count)",
                        "conflicts": "\(conflicts.count)",
                        "first":
                            "\(rejected.first?.message ?? conflicts.first.map { "sequence \($0.sequence)" } ?? "")",
                    ])
            }
            if !outcome.acceptedRounds.isEmpty {
                for listener in state.ingestListeners {
                    await listener.roundsAccepted(
                        outcome.acceptedRounds, probeID: batch.probeID, receivedAt: receivedAt)
                }
            }
            if let health = batch.health {
                for listener in state.ingestListeners {
                    await listener.healthReported(
                        health, probeID: batch.probeID, commune: commune.code, receivedAt: receivedAt)
                }
            }
            return try Responses.json(
                IngestReply(
                    accepted: outcome.accepted, duplicates: outcome.duplicates, received: batch.rounds.count,
                    rejected: rejected, conflicts: conflicts))
        } catch let e as HTTPError {
            state.metrics.recordRejectedBatch()
            throw e
        }
    }

    /// The batch positions of the conflicting rounds (each position once; rejected positions are not candidates).
    static func positions(
        of conflicting: [ProbeRound], in rounds: [ProbeRound], skipping rejected: [RoundRejection]
    ) -> [RoundConflict] {
        guard !conflicting.isEmpty else { return [] }
        let refused = Set(rejected.map(\.index))
        var candidates: [ProbeRound: [Int]] = [:]
        for (i, r) in rounds.enumerated() where !refused.contains(i) { candidates[r, default: []].append(i) }
        var out: [RoundConflict] = []
        for r in conflicting {
            guard var list = candidates[r], !list.isEmpty else { continue }
            out.append(RoundConflict(index: list.removeFirst(), sequence: r.sequence, storeID: r.storeID))
            candidates[r] = list
        }
        return out.sorted { $0.index < $1.index }
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

    /// Checks what makes the whole batch unacceptable, and returns the commune whose probe sent it.
    private func validate(_ batch: ProbeRoundBatch, principal: Principal) throws -> ServerCommune {
        let commune = try Self.commune(of: batch.probeID, principal: principal, state: state)
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
        return commune
    }

    /// The commune whose probe `probeID` is, when `principal` (a probe token) may send for it; 403 otherwise. The
    /// check every probe ingest endpoint makes first.
    static func commune(of probeID: String, principal: Principal, state: ServerState) throws -> ServerCommune {
        guard probeID == principal.probeID else {
            throw HTTPError(
                .forbidden,
                message:
                    "token '\(principal.name)' may ingest for probe '\(principal.probeID ?? "")' only, not '\(probeID)'"
            )
        }
        guard let code = state.communeByProbe[probeID], let commune = state.communesByCode[code] else {
            throw HTTPError(
                .forbidden, message: "probe '\(probeID)' is not the probe_id of any commune in the server's sites.yaml")
        }
        return commune
    }

    /// What is wrong with one round, if anything.
    struct RoundProblem: Sendable {
        var field: String
        var reason: String
    }

    /// Checks one round: its identity, that its probe's commune may report it, its clock, and its figures.
    func check(_ r: ProbeRound, batch: ProbeRoundBatch, commune: ServerCommune, now: Date) -> RoundProblem? {
        func bad(_ field: String, _ reason: String) -> RoundProblem { RoundProblem(field: field, reason: reason) }
        guard r.probeID == batch.probeID else {
            return bad("probe_id", "'\(r.probeID)' differs from the batch's probe_id '\(batch.probeID)'")
        }
        guard r.sequence >= 0 else { return bad("sequence", "must be ≥ 0, got \(r.sequence)") }
        if let store = r.storeID {
            guard Self.isPlainText(store, max: 64) else { return bad("store_id", "must be 1–64 printable characters") }
        }
        guard r.commune == commune.code else {
            return bad("commune", "probe '\(batch.probeID)' belongs to commune \(commune.code), not '\(r.commune)'")
        }
        guard Self.isPlainText(r.target, max: 128) else { return bad("target", "must be 1–128 printable characters") }
        guard Self.isPlainText(r.address, max: 128) else {
            return bad("address", "must be 1–128 printable characters")
        }
        guard ["icmp", "tcp", "stamp", "passive"].contains(r.kind) else {
            return bad("kind", "must be icmp, tcp, stamp or passive, not '\(r.kind)'")
        }
        guard commune.accepts(target: r.target, kind: r.kind) else {
            let known = commune.targets.map(\.name).joined(separator: ", ")
            return bad(
                "target",
                "'\(r.target)' (\(r.kind)) is not a target of commune \(commune.code) in the server's sites.yaml (targets: \(known))"
            )
        }
        guard r.stepSeconds.isFinite, r.stepSeconds > 0, r.stepSeconds <= 86400 else {
            return bad("step_seconds", "must be in (0, 86400], got \(r.stepSeconds)")
        }
        let earliest = Date(timeIntervalSince1970: 946_684_800)  // 2000-01-01
        guard r.start >= earliest else {
            return bad(
                "start",
                "\(RFC3339.format(r.start)) is before 2000: the gateway's clock is not set (check NTP and its RTC)")
        }
        let end = r.start.addingTimeInterval(r.stepSeconds)
        let ahead = end.timeIntervalSince(now)
        guard ahead <= state.configuration.maxClockSkewSeconds else {
            return bad(
                "start",
                "the round ends \(Int(ahead.rounded())) s after the server's clock (at most \(Int(state.configuration.maxClockSkewSeconds)) s allowed): the gateway's clock is ahead (check NTP)"
            )
        }
        guard r.sent >= 0, r.sent <= 1_000_000 else { return bad("sent", "must be in 0…1000000, got \(r.sent)") }
        guard r.received >= 0, r.received <= r.sent else {
            return bad("received", "must be in 0…sent (\(r.sent)), got \(r.received)")
        }
        if r.kind != "passive", r.rttSeconds.count != r.received {
            return bad("rtt_seconds", "holds \(r.rttSeconds.count) values but received is \(r.received)")
        }
        guard r.rttSeconds.count <= 1_000_000 else { return bad("rtt_seconds", "too many values") }
        var previous = 0.0
        for (j, v) in r.rttSeconds.enumerated() {
            guard v.isFinite, v >= 0, v < 3600 else {
                return bad("rtt_seconds[\(j)]", "must be seconds in [0, 3600), got \(v)")
            }
            guard v >= previous else { return bad("rtt_seconds[\(j)]", "values must be sorted ascending") }
            previous = v
        }
        if let j = r.jitterSeconds, !(j.isFinite && j >= 0 && j < 3600) {
            return bad("jitter_seconds", "must be seconds in [0, 3600) or null, got \(j)")
        }
        if let problem = Self.directionsProblem(r) { return bad(problem.field, problem.reason) }
        return nil
    }

    /// What is wrong with a round's direction breakdown: only STAMP rounds carry one, and no direction may count
    /// more packets than the round sent.
    static func directionsProblem(_ r: ProbeRound) -> RoundProblem? {
        guard let directions = r.directions else { return nil }
        guard r.kind == "stamp" else {
            return RoundProblem(field: "directions", reason: "only stamp rounds carry directions, not \(r.kind) rounds")
        }
        for direction in RoundDirections.Direction.allCases {
            let figures = directions[direction]
            let field = "directions.\(direction.rawValue)"
            if let problem = figures.problem() {
                return RoundProblem(field: "\(field).\(problem.field)", reason: problem.reason)
            }
            // Forward counts the round's own packets; reverse counts the reflector's answers (a packet that reached
            // it twice was answered twice), bounded by the figures' own check.
            if direction == .forward, let sent = figures.sent, sent > r.sent {
                return RoundProblem(field: "\(field).sent", reason: "\(sent) is more than the round sent (\(r.sent))")
            }
        }
        guard (0...r.sent).contains(directions.unattributedLoss) else {
            return RoundProblem(
                field: "directions.unattributed_loss",
                reason: "must be in 0…sent (\(r.sent)), got \(directions.unattributedLoss)")
        }
        guard IngestRoutes.isPlainText(directions.reflectorMode, max: 32) else {
            return RoundProblem(field: "directions.reflector_mode", reason: "must be 1–32 printable characters")
        }
        return nil
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
