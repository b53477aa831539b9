import CoverageModel
import Foundation
import Hummingbird
import MeasurementStore

/// RFC 7946 GeoJSON: communes (link health and coverage), dead zones, probes (gateway points), H3 cells.
/// Coordinates are WGS 84 [lon, lat]; every Feature has `geometry` and `properties`; no `crs`.
struct GeoJSONRoutes {
    let state: ServerState

    struct CommuneProperties: Encodable {
        var code: String
        var name: String
        var probeID: String
        var status: HealthStatus
        var latencyMedianMs: Double?
        var latencyP95Ms: Double?
        var lossRatio: Double?
        var lastSeen: Date?
        var links: [LinkHealth]
        var coverage: JSONValue?
        enum CodingKeys: String, CodingKey {
            case code, name, status, links, coverage
            case probeID = "probe_id"
            case latencyMedianMs = "latency_median_ms"
            case latencyP95Ms = "latency_p95_ms"
            case lossRatio = "loss_ratio"
            case lastSeen = "last_seen"
        }
    }

    struct ProbeProperties: Encodable {
        var probeID: String
        var commune: String
        var name: String
        var gateway: String
        var status: HealthStatus
        var lastSeen: Date?
        /// Where the point comes from: `gateway-location` (sites.yaml `location`) or `commune-centroid` (none given).
        var located: String
        /// With a `gateway-location`: whether it lies inside the commune's own boundary (nil without boundaries).
        var locationInCommune: Bool?
        /// When it does not: the commune whose boundary holds it (absent when none does).
        var locationCommune: String?
        enum CodingKeys: String, CodingKey {
            case commune, name, gateway, status, located
            case locationInCommune = "location_in_commune"
            case locationCommune = "location_commune"
            case probeID = "probe_id"
            case lastSeen = "last_seen"
        }
    }

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/geojson/communes") { request, _ in
            try authorize(request)
            let simplified = try request.queryFlag("simplify") ?? false
            let code = try await CoverageOperatorRoutes.requestedOperator(request, state: state)
            return Responses.geojson(try await communes(simplified: simplified, operator: code))
        }
        router.get("/api/v1/geojson/probes") { request, _ in
            try authorize(request)
            return Responses.geojson(try await probes())
        }
        router.get("/api/v1/geojson/dead-zones") { request, _ in
            try authorize(request)
            // Dead zones are nobody's coverage: the same for every operator (the parameter is still checked).
            _ = try await CoverageOperatorRoutes.requestedOperator(request, state: state)
            return Responses.geojson(try await snapshotCollection(kind: "dead-zones", bbox: nil))
        }
        router.get("/api/v1/geojson/cells") { request, _ in
            try authorize(request)
            let bbox = try request.queryBBox("bbox")
            if let code = try await CoverageOperatorRoutes.requestedOperator(request, state: state) {
                return Responses.geojson(try await operatorCells(code, bbox: bbox))
            }
            return Responses.geojson(try await snapshotCollection(kind: "cells", bbox: bbox))
        }
    }

    private func authorize(_ request: Request) throws {
        let p = try state.tokens.authorize(request, needing: .viewer)
        try RequestGuards.rateLimit(state, p)
    }

    private func bboxJSON(_ b: [Double]) -> String {
        "[" + b.map { String(format: "%.6f", $0) }.joined(separator: ",") + "]"
    }

    /// The communes with health and coverage; with `operator`, `coverage` is that operator's view of the commune
    /// (`CoverageOperatorRoutes.operatorView`).
    func communes(simplified: Bool, operator code: String? = nil) async throws -> String {
        let board = try await state.healthBoard()
        var coverage = try await communeCoverage()
        if let code { coverage = coverage.compactMapValues { CoverageOperatorRoutes.operatorView($0, operator: code) } }
        let encoder = WireJSON.encoder()
        var parts: [String] = []
        parts.reserveCapacity(board.communes.count)
        for c in board.communes {
            let shape = state.boundaries.shapes[c.code]
            let props = CommuneProperties(
                code: c.code, name: c.name, probeID: c.probeID, status: c.status, latencyMedianMs: c.latencyMedianMs,
                latencyP95Ms: c.latencyP95Ms, lossRatio: c.lossRatio, lastSeen: c.lastSeen, links: c.links,
                coverage: coverage[c.code])
            let propsJSON = String(decoding: try encoder.encode(props), as: UTF8.self)
            let geometry = shape.map { simplified ? $0.simplifiedJSON : $0.geometryJSON } ?? "null"
            let bbox = shape.map { ",\"bbox\":" + bboxJSON($0.bbox) } ?? ""
            parts.append(
                "{\"type\":\"Feature\",\"id\":\"\(c.code)\"\(bbox),\"geometry\":\(geometry),\"properties\":\(propsJSON)}"
            )
        }
        return "{\"type\":\"FeatureCollection\",\"bbox\":\(bboxJSON(state.boundaries.bbox)),\"features\":["
            + parts.joined(separator: ",\n") + "]}\n"
    }

    /// Per-commune coverage from the coverage model's `communes` snapshot: a JSON object keyed by commune code.
    func communeCoverage() async throws -> [String: JSONValue] {
        guard let snap = try await state.store.coverageSnapshot(kind: "communes"),
            let members = (try? JSONDecoder().decode(JSONValue.self, from: Data(snap.json.utf8)))?.members
        else { return [:] }
        return members
    }

    func probes() async throws -> String {
        let board = try await state.healthBoard()
        let encoder = WireJSON.encoder()
        var parts: [String] = []
        for (c, h) in zip(state.configuration.communes, board.communes) {
            let position: (lon: Double, lat: Double)
            let located: String
            if let location = c.gatewayLocation {
                position = (location.lng, location.lat)
                located = "gateway-location"
            } else if let shape = state.boundaries.shapes[c.code] {
                position = shape.anchor
                located = "commune-centroid"
            } else {
                continue
            }
            var props = ProbeProperties(
                probeID: c.probeID, commune: c.code, name: c.name, gateway: c.gateway, status: h.status,
                lastSeen: h.lastSeen, located: located)
            if c.gatewayLocation != nil, state.boundaries.shapes[c.code] != nil {
                let misplaced = state.misplacedGateways[c.code]
                props.locationInCommune = misplaced == nil
                props.locationCommune = misplaced?.within
            }
            let point = String(format: "[%.6f,%.6f]", position.lon, position.lat)
            parts.append(
                "{\"type\":\"Feature\",\"id\":\"\(c.probeID)\",\"geometry\":{\"type\":\"Point\",\"coordinates\":\(point)},\"properties\":\(String(decoding: try encoder.encode(props), as: UTF8.self))}"
            )
        }
        return "{\"type\":\"FeatureCollection\",\"features\":[" + parts.joined(separator: ",\n") + "]}\n"
    }

    /// A FeatureCollection stored by the coverage model, optionally filtered to features whose bbox meets `bbox`
    /// (the features are split once per snapshot version, on a worker thread).
    func snapshotCollection(kind: String, bbox: [Double]?) async throws -> String {
        guard let snap = try await state.store.coverageSnapshot(kind: kind) else {
            return "{\"type\":\"FeatureCollection\",\"features\":[]}\n"
        }
        guard let bbox else { return snap.json }
        let kept = try await state.snapshotIndex.features(of: snap).filter { f in
            let b = f.bbox
            return b[0] <= bbox[2] && b[2] >= bbox[0] && b[1] <= bbox[3] && b[3] >= bbox[1]
        }
        return "{\"type\":\"FeatureCollection\",\"name\":\"\(kind)\",\"features\":["
            + kept.map(\.json).joined(separator: ",") + "]}\n"
    }
}
