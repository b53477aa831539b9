import CoverageModel
import Foundation
import Hummingbird
import MeasurementStore
import NetmonProtocol

/// The coverage history: `GET /api/v1/coverage/history[?commune=CODE][&from=…&until=…]` (JSON) and
/// `GET /api/v1/coverage/history.svg` with the same parameters (the trend against the targets).
///
/// JSON shape: `{"commune": CODE or null, "name", "targets": {"4g_every_commune", "5g_area_ratio",
/// "max_dead_zones"}, "retention", "points": [{"computed_at", "reports", "3g_area_ratio", "4g_area_ratio",
/// "5g_area_ratio", "speed_area_ratio", "measured_ratio", "dead_cells", "dead_zones", and "communes_with_4g" +
/// "communes" (province) or "has_4g" (commune)}]}`, points oldest first, `computed_at` RFC 3339 UTC; a ratio is
/// null where the generation is not judged (speed: until speed is judged). `from`/`until` are inclusive, RFC 3339
/// or Unix seconds; an unknown commune is 404, more than `maxPoints` points 400.
struct CoverageHistoryRoutes {
    let state: ServerState

    /// The most points one request returns (90 days of a recomputation every ten minutes is 12,960).
    static let maxPoints = 20_000
    static let retention =
        "every recomputation is kept for 90 days, then the last of each day (days at UTC+07:00)"

    struct Query {
        var commune: String?
        var name: String
        var points: [CoverageHistoryPoint]
    }

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/coverage/history") { request, _ in
            try viewer(request)
            let query = try await load(request)
            return Responses.text(json(query), contentType: "application/json; charset=utf-8")
        }
        router.get("/api/v1/coverage/history.svg") { request, _ in
            try viewer(request)
            let query = try await load(request)
            let t = state.configuration.coverageSettings.targets
            let svg = CoverageTrendGraph.render(
                points: query.points, title: "\(query.name): coverage against the targets",
                targets: .init(
                    fourGEveryCommune: t.fourGEveryCommune, fiveGAreaRatio: t.fiveGAreaRatio,
                    maxDeadZones: t.maxDeadZones),
                isProvince: query.commune == nil)
            return Responses.text(svg, contentType: "image/svg+xml; charset=utf-8")
        }
    }

    private func viewer(_ request: Request) throws {
        let p = try state.tokens.authorize(request, needing: .viewer)
        try RequestGuards.rateLimit(state, p)
    }

    func load(_ request: Request) async throws -> Query {
        let commune = try request.queryText("commune").flatMap { $0.isEmpty ? nil : $0 }
        var name = state.configuration.provinceName
        if let commune {
            guard let c = state.communesByCode[commune] else {
                throw HTTPError(.notFound, message: "no commune with code '\(commune)' in sites.yaml")
            }
            name = c.name
        }
        let from = try request.queryDate("from")
        let until = try request.queryDate("until")
        if let from, let until, from > until {
            throw HTTPError(.badRequest, message: "query parameter 'from' must not be after 'until'")
        }
        let points = try await state.store.coverageHistory(
            commune: commune, from: from, until: until, limit: Self.maxPoints + 1)
        guard points.count <= Self.maxPoints else {
            throw HTTPError(
                .badRequest, message: "more than \(Self.maxPoints) history points in range: narrow 'from'…'until'")
        }
        return Query(commune: commune, name: name, points: points)
    }

    func json(_ query: Query) -> String {
        let t = state.configuration.coverageSettings.targets
        func ratio(_ r: Double?) -> JSONValue { r.map { .rounded($0) } ?? .null }
        let points: [JSONValue] = query.points.map { p in
            var members: [(String, JSONValue)] = [
                ("computed_at", .string(RFC3339.format(p.computedAt))), ("reports", .int(p.reports)),
                ("3g_area_ratio", ratio(p.threeGAreaRatio)), ("4g_area_ratio", ratio(p.fourGAreaRatio)),
                ("5g_area_ratio", ratio(p.fiveGAreaRatio)), ("speed_area_ratio", ratio(p.speedAreaRatio)),
                ("measured_ratio", .rounded(p.measuredRatio)), ("dead_cells", .int(p.deadCells)),
                ("dead_zones", .int(p.deadZones)),
            ]
            members.append(
                query.commune == nil
                    ? ("communes_with_4g", .int(p.communesWithFourG)) : ("has_4g", .bool(p.communesWithFourG > 0)))
            if query.commune == nil { members.append(("communes", .int(p.communes))) }
            return .object(members)
        }
        let reply: JSONValue = .object([
            ("commune", query.commune.map(JSONValue.string) ?? .null),
            ("name", .string(query.name)),
            (
                "targets",
                .object([
                    ("4g_every_commune", .bool(t.fourGEveryCommune)),
                    ("5g_area_ratio", t.fiveGAreaRatio.map { .number($0) } ?? .null),
                    ("max_dead_zones", t.maxDeadZones.map(JSONValue.int) ?? .null),
                ])
            ),
            ("retention", .string(Self.retention)),
            ("points", .array(points)),
        ])
        var bytes: [UInt8] = []
        reply.write(to: &bytes)
        bytes.append(10)
        return String(decoding: bytes, as: UTF8.self)
    }
}
