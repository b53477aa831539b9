import CoverageModel
import Foundation
import Hummingbird
import MeasurementStore
import NetmonProtocol

/// The JSON API: communes with their link health, link time series, probes, province summary, admin tokens.
struct APIRoutes {
    let state: ServerState

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/communes") { request, _ in
            try viewer(request)
            let board = try await state.healthBoard()
            let coverage = try await state.store.coverageSnapshot(kind: CoverageSnapshots.summary)
            return try Responses.json(
                CommunesReply(
                    generatedAt: state.configuration.now(), province: state.configuration.provinceName,
                    counts: Dictionary(uniqueKeysWithValues: board.counts.map { ($0.key.rawValue, $0.value) }),
                    coverage: coverage.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.json.utf8)) },
                    coverageUpdatedAt: coverage?.createdAt, communes: board.communes))
        }
        router.get("/api/v1/communes/:code") { request, context in
            try viewer(request)
            let code = try context.parameters.require("code")
            guard state.communesByCode[code] != nil else {
                throw HTTPError(.notFound, message: "no commune with code '\(code)' in sites.yaml")
            }
            let board = try await state.healthBoard()
            guard let health = board.communes.first(where: { $0.code == code }) else {
                throw HTTPError(.notFound, message: "no health for commune '\(code)'")
            }
            let coverage = try await GeoJSONRoutes(state: state).communeCoverage()[code]
            return try Responses.json(CommuneReply(health: health, coverage: coverage))
        }
        router.get("/api/v1/probes") { request, _ in
            try viewer(request)
            let stored = try await state.store.probes()
            let now = state.configuration.now()
            let byID = Dictionary(stored.map { ($0.probeID, $0) }, uniquingKeysWith: { a, _ in a })
            var rows = state.configuration.communes.map { c in
                ProbeStatusReply(
                    probeID: c.probeID, commune: c.code, name: c.name, lastSeen: byID[c.probeID]?.lastHeardAt,
                    secondsSinceLastSeen: byID[c.probeID].map { now.timeIntervalSince($0.lastHeardAt) },
                    roundsAccepted: byID[c.probeID]?.roundsAccepted ?? 0, lastSequence: byID[c.probeID]?.lastSequence,
                    configured: true)
            }
            let configured = Set(state.configuration.communes.map(\.probeID))
            for p in stored where !configured.contains(p.probeID) {
                rows.append(
                    ProbeStatusReply(
                        probeID: p.probeID, commune: p.commune, name: nil, lastSeen: p.lastHeardAt,
                        secondsSinceLastSeen: now.timeIntervalSince(p.lastHeardAt), roundsAccepted: p.roundsAccepted,
                        lastSequence: p.lastSequence, configured: false))
            }
            return try Responses.json(["probes": rows])
        }
        router.get("/api/v1/links/:commune/:target/series") { request, context in
            try viewer(request)
            let series = try await loadSeries(request, context)
            return try Responses.json(series)
        }
        router.get("/api/v1/links/:commune/:target/smoke.svg") { request, context in
            try viewer(request)
            let series = try await loadSeries(request, context)
            let name = state.communesByCode[series.commune]?.name ?? series.commune
            let way = series.direction.map { " (\($0))" } ?? ""
            let svg = SmokeGraph.render(series: series, title: "\(name) → \(series.target)\(way)")
            return Responses.text(svg, contentType: "image/svg+xml; charset=utf-8")
        }
        router.get("/api/v1/summary") { request, _ in
            try viewer(request)
            return try Responses.json(try await summary())
        }
        router.get("/api/v1/admin/tokens") { request, _ in
            try admin(request)
            let tokens = try await state.store.tokens().map {
                TokenReply(
                    name: $0.name, role: $0.role.rawValue, probeID: $0.probeID, createdAt: $0.createdAt, token: nil)
            }
            return try Responses.json(["tokens": tokens])
        }
        router.post("/api/v1/admin/tokens") { request, _ in
            try admin(request)
            let body = try await RequestGuards.collectBody(request, limit: 16 * 1024)
            let ask: TokenRequest
            do {
                ask = try WireJSON.decoder().decode(TokenRequest.self, from: body)
            } catch let e as DecodingError {
                throw HTTPError(.badRequest, message: "invalid token request: \(describe(e))")
            } catch {
                // JSONDecoder's other refusals (nesting too deep, for one) are bad input too, not a server fault.
                throw HTTPError(.badRequest, message: "invalid token request: \(error)")
            }
            guard IngestRoutes.isPlainText(ask.name, max: 64) else {
                throw HTTPError(.badRequest, message: "name: must be 1–64 printable characters")
            }
            guard let role = TokenRole(rawValue: ask.role) else {
                throw HTTPError(.badRequest, message: "role: must be probe, viewer or admin, not '\(ask.role)'")
            }
            if role == .probe {
                guard let probe = ask.probeID, state.communeByProbe[probe] != nil else {
                    throw HTTPError(
                        .badRequest, message: "probe_id: a probe token needs the probe_id of a commune in sites.yaml")
                }
            } else if ask.probeID != nil {
                throw HTTPError(.badRequest, message: "probe_id: only probe tokens carry a probe_id")
            }
            let secret = TokenHash.generateToken()
            let now = state.configuration.now()
            try await state.store.saveToken(
                StoredToken(
                    name: ask.name, role: role, probeID: ask.probeID, hash: TokenHash(token: secret), createdAt: now))
            state.tokens.replace(with: try await state.store.tokens())
            return try Responses.json(
                TokenReply(name: ask.name, role: role.rawValue, probeID: ask.probeID, createdAt: now, token: secret),
                status: .created)
        }
        router.delete("/api/v1/admin/tokens/:name") { request, context in
            try admin(request)
            let name = try context.parameters.require("name")
            guard try await state.store.deleteToken(name: name, at: state.configuration.now()) else {
                throw HTTPError(.notFound, message: "no token named '\(name)'")
            }
            state.tokens.replace(with: try await state.store.tokens())
            return Response(status: .noContent)
        }
    }

    private func viewer(_ request: Request) throws {
        let p = try state.tokens.authorize(request, needing: .viewer)
        try RequestGuards.rateLimit(state, p)
    }

    private func admin(_ request: Request) throws {
        let p = try state.tokens.authorize(request, needing: .admin)
        try RequestGuards.rateLimit(state, p)
    }

    private func loadSeries(_ request: Request, _ context: ServerRequestContext) async throws -> LinkSeries {
        let code = try context.parameters.require("commune")
        let target = try context.parameters.require("target")
        guard let commune = state.communesByCode[code] else {
            throw HTTPError(.notFound, message: "no commune with code '\(code)' in sites.yaml")
        }
        guard commune.targets.contains(where: { $0.name == target }) else {
            throw HTTPError(
                .notFound,
                message:
                    "commune \(code) has no target '\(target)' (targets: \(commune.targets.map(\.name).joined(separator: ", ")))"
            )
        }
        let direction = try Self.queryDirection(request, target: commune.targets.first { $0.name == target })
        let to = try request.queryDate("to") ?? state.configuration.now()
        let from = try request.queryDate("from") ?? to.addingTimeInterval(-3 * 3600)
        guard from < to else { throw HTTPError(.badRequest, message: "query parameter 'from' must be before 'to'") }
        let span = to.timeIntervalSince(from)
        guard span <= LinkSeries.maxSpanSeconds else {
            throw HTTPError(.badRequest, message: "query parameters 'from'…'to' may span at most 400 days")
        }
        let asked =
            try request.queryDuration("step", in: 1...LinkSeries.maxSpanSeconds)
            ?? max(60, (span / 240 / 60).rounded(.up) * 60)
        let hourly = LinkSeries.readsRollups(
            from: from, to: to, now: state.configuration.now(), retention: state.configuration.roundRetention)
        // From hourly rollups the step is whole hours.
        let hour = LinkRollup.bucketSeconds
        let step = hourly ? max(hour, (asked / hour).rounded(.up) * hour) : asked
        let points = (span / step).rounded(.up)
        guard points <= Double(LinkSeries.maxPoints) else {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter 'step': \(String(format: "%.0f", points)) steps requested; at most \(LinkSeries.maxPoints): raise 'step' or shorten the range"
            )
        }
        if let direction {
            // Rollups keep the round trip only: a direction's series comes from raw rounds.
            guard !hourly else {
                throw HTTPError(
                    .badRequest,
                    message:
                        "query parameter 'direction': per-direction series come from raw rounds only (ranges of at most 90 days within the last \(Int((state.configuration.roundRetention.rawSeconds / 86400).rounded())) days); shorten the range or drop 'direction'"
                )
            }
            let directions = try await state.store.roundDirections(
                commune: code, target: target, from: from, to: to, limit: LinkSeries.maxRounds + 1)
            guard directions.count <= LinkSeries.maxRounds else {
                throw HTTPError(.badRequest, message: "more than \(LinkSeries.maxRounds) rounds in range: shorten it")
            }
            return LinkSeries(
                commune: code, target: target, from: from, to: to, step: step, directions: directions,
                direction: direction)
        }
        if hourly {
            // The range starts at the start of its first hour, so each hour falls in one step.
            let start = Date(timeIntervalSince1970: LinkRollup.bucket(of: from))
            let rollups = try await state.store.linkRollups(commune: code, target: target, from: start, to: to)
            return LinkSeries(commune: code, target: target, from: start, to: to, step: step, rollups: rollups)
        }
        let rounds = try await state.store.rounds(
            commune: code, target: target, from: from, to: to, limit: LinkSeries.maxRounds + 1)
        guard rounds.count <= LinkSeries.maxRounds else {
            throw HTTPError(.badRequest, message: "more than \(LinkSeries.maxRounds) rounds in range: shorten it")
        }
        return LinkSeries(commune: code, target: target, from: from, to: to, step: step, rounds: rounds)
    }

    /// `direction=forward|reverse` (or `uplink|downlink`, the commune's view of the same), for stamp targets only.
    static func queryDirection(_ request: Request, target: ServerTarget?) throws -> RoundDirections.Direction? {
        guard let text = try request.queryText("direction") else { return nil }
        guard let direction = RoundDirections.Direction(naming: text) else {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter 'direction' must be forward or reverse (or uplink or downlink), not '\(text)'")
        }
        if let target, let kind = target.kind, kind != "stamp" {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter 'direction': target '\(target.name)' is measured by \(kind); only stamp targets have directions"
            )
        }
        return direction
    }

    func summary() async throws -> SummaryReply {
        let board = try await state.healthBoard()
        let probes = try await state.store.probes()
        let now = state.configuration.now()
        let configured = Set(state.configuration.communes.map(\.probeID))
        let reporting = probes.filter { configured.contains($0.probeID) && now.timeIntervalSince($0.lastHeardAt) < 600 }
        let coverage = try await state.store.coverageSnapshot(kind: "summary")
        return SummaryReply(
            province: state.configuration.provinceName, generatedAt: now, communes: state.configuration.communes.count,
            linkStatus: Dictionary(uniqueKeysWithValues: board.counts.map { ($0.key.rawValue, $0.value) }),
            probesReporting: reporting.count,
            targets: .init(
                fourGEveryCommune: state.configuration.coverageSettings.targets.fourGEveryCommune,
                fiveGAreaRatio: state.configuration.coverageSettings.targets.fiveGAreaRatio,
                maxDeadZones: state.configuration.coverageSettings.targets.maxDeadZones),
            coverage: coverage.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.json.utf8)) },
            coverageUpdatedAt: coverage?.createdAt)
    }
}

struct CommunesReply: Codable, Sendable {
    var generatedAt: Date
    var province: String
    var counts: [String: Int]
    /// The province's coverage progress (the coverage `summary` snapshot), nil until coverage is computed.
    var coverage: JSONValue?
    var coverageUpdatedAt: Date?
    var communes: [CommuneHealth]
    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case coverageUpdatedAt = "coverage_updated_at"
        case province, counts, communes, coverage
    }
}

/// One commune: its link health, and its coverage figures (the `communes` snapshot entry) once computed.
struct CommuneReply: Encodable, Sendable {
    var health: CommuneHealth
    var coverage: JSONValue?

    enum CodingKeys: String, CodingKey { case coverage }

    func encode(to encoder: any Encoder) throws {
        try health.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(coverage ?? .null, forKey: .coverage)
    }
}

/// One probe in `GET /api/v1/probes`: when the server last heard from it and how many rounds it took.
struct ProbeStatusReply: Codable, Sendable {
    var probeID: String
    var commune: String
    var name: String?
    var lastSeen: Date?
    var secondsSinceLastSeen: Double?
    var roundsAccepted: Int64
    var lastSequence: Int64?
    var configured: Bool
    enum CodingKeys: String, CodingKey {
        case probeID = "probe_id"
        case commune, name, configured
        case lastSeen = "last_seen"
        case secondsSinceLastSeen = "seconds_since_last_seen"
        case roundsAccepted = "rounds_accepted"
        case lastSequence = "last_sequence"
    }
}

struct TokenRequest: Codable, Sendable {
    var name: String
    var role: String
    var probeID: String?
    enum CodingKeys: String, CodingKey {
        case name, role
        case probeID = "probe_id"
    }
}

struct TokenReply: Codable, Sendable {
    var name: String
    var role: String
    var probeID: String?
    var createdAt: Date
    /// The secret, returned once on creation only.
    var token: String?
    enum CodingKeys: String, CodingKey {
        case name, role, token
        case probeID = "probe_id"
        case createdAt = "created_at"
    }
}

struct SummaryReply: Codable, Sendable {
    struct Targets: Codable, Sendable {
        var fourGEveryCommune: Bool
        /// Nil (left out) when the province sets no 5G target.
        var fiveGAreaRatio: Double?
        /// Nil (left out) when the province sets no limit.
        var maxDeadZones: Int?
        enum CodingKeys: String, CodingKey {
            case fourGEveryCommune = "4g_every_commune"
            case fiveGAreaRatio = "5g_area_ratio"
            case maxDeadZones = "max_dead_zones"
        }
    }
    var province: String
    var generatedAt: Date
    var communes: Int
    var linkStatus: [String: Int]
    var probesReporting: Int
    var targets: Targets
    /// The coverage model's province figures (nil until a coverage snapshot exists).
    var coverage: JSONValue?
    var coverageUpdatedAt: Date?
    enum CodingKeys: String, CodingKey {
        case province, communes, targets, coverage
        case generatedAt = "generated_at"
        case linkStatus = "link_status"
        case probesReporting = "probes_reporting"
        case coverageUpdatedAt = "coverage_updated_at"
    }
}
