import CoverageModel
import Foundation
import Hummingbird
import MeasurementStore
import NetmonProtocol

/// Coverage per operator: `GET /api/v1/coverage/communes[?operator=CODE]`, and the `operator=` query parameter the
/// GeoJSON routes share.
struct CoverageOperatorRoutes {
    let state: ServerState

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/coverage/communes") { request, _ in
            let p = try state.tokens.authorize(request, needing: .viewer)
            try RequestGuards.rateLimit(state, p)
            let code = try await Self.requestedOperator(request, state: state)
            return Responses.text(
                try await communesReply(operator: code), contentType: "application/json; charset=utf-8")
        }
    }

    /// `{"computed_at", "operator", "operator_name", "operators": {code: name}, "communes": {code: figures}}`: every
    /// commune's figures (the `communes` snapshot), or with `operator=` that operator's figures per commune.
    func communesReply(operator code: String?) async throws -> String {
        let snapshot = try await state.store.coverageSnapshot(kind: CoverageSnapshots.communes)
        let communes = GeoJSONRoutes.decodeMembers(snapshot)
        let names = try await Self.operatorNames(state: state)
        var byCode: [(String, JSONValue)] = []
        for (commune, figures) in (communes ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let code {
                byCode.append((commune, Self.operatorView(figures, operator: code) ?? .null))
            } else {
                byCode.append((commune, figures))
            }
        }
        let reply: JSONValue = .object([
            ("computed_at", snapshot.map { .string(RFC3339.format($0.createdAt)) } ?? .null),
            ("operator", code.map(JSONValue.string) ?? .null),
            ("operator_name", code.map { .string(names.first(where: { $0.0 == code })?.1 ?? $0) } ?? .null),
            ("operators", .object(names.map { ($0.0, .string($0.1)) })),
            ("communes", .object(byCode)),
        ])
        var bytes: [UInt8] = []
        reply.write(to: &bytes)
        bytes.append(10)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// One commune's figures as one operator sees them: code and name, `operator`, `operator_name` and the
    /// operator's entry of the commune's `operators` (nil when the operator has no report in the commune).
    static func operatorView(_ figures: JSONValue, operator code: String) -> JSONValue? {
        guard let members = figures.members, let view = members["operators"]?.members?[code],
            case .object(let entries) = view
        else { return nil }
        var out: [(String, JSONValue)] = [
            ("code", members["code"] ?? .null), ("name", members["name"] ?? .null), ("operator", .string(code)),
            ("operator_name", view.members?["name"] ?? .string(code)),
        ]
        out += entries.filter { $0.0 != "name" }
        return .object(out)
    }

    /// Operators with reports in the last computation, by code, with their names (from the `summary` snapshot).
    static func operatorNames(state: ServerState) async throws -> [(String, String)] {
        let summary = try await state.store.coverageSnapshot(kind: CoverageSnapshots.summary)
        guard case .object(let operators)? = GeoJSONRoutes.decode(summary)?.members?["operators"] else { return [] }
        return operators.map { code, value in
            if case .string(let name)? = value.members?["name"] { return (code, name) }
            return (code, code)
        }
    }

    /// The `operator` query parameter: nil when absent, empty or `all`; an MCC-MNC code (`452-04`) or `unknown`
    /// with reports in the last computation; 400 for other text, 404 for an operator without reports.
    static func requestedOperator(_ request: Request, state: ServerState) async throws -> String? {
        guard let text = try request.queryText("operator"), !text.isEmpty, text != "all" else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let isCode =
            parts.count == 2 && parts[0].count == 3 && (2...3).contains(parts[1].count)
            && parts.allSatisfy { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isCode || text == CoverageAccumulator.unknownOperator else {
            throw HTTPError(
                .badRequest,
                message:
                    "query parameter 'operator': '\(text)' is not an MCC-MNC code such as 452-04, 'unknown' or 'all'"
            )
        }
        let known = try await operatorNames(state: state)
        guard known.contains(where: { $0.0 == text }) else {
            let list = known.isEmpty ? "none yet" : known.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
            throw HTTPError(
                .notFound,
                message: "query parameter 'operator': no reports of operator \(text) (operators with reports: \(list))")
        }
        return text
    }
}

extension GeoJSONRoutes {
    /// A snapshot's JSON, decoded.
    static func decode(_ snapshot: CoverageSnapshot?) -> JSONValue? {
        snapshot.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.json.utf8)) }
    }

    /// The members of a snapshot's JSON object.
    static func decodeMembers(_ snapshot: CoverageSnapshot?) -> [String: JSONValue]? { decode(snapshot)?.members }

    /// An operator's cells layer, only if it belongs to the last computation (a layer of an operator that has no
    /// reports any more is left over in the store, older than the summary).
    func operatorCells(_ code: String, bbox: [Double]?) async throws -> String {
        let summary = try await state.store.coverageSnapshot(kind: CoverageSnapshots.summary)
        let kind = CoverageSnapshots.operatorCells(code)
        guard let layer = try await state.store.coverageSnapshot(kind: kind), layer.createdAt == summary?.createdAt
        else { return "{\"type\":\"FeatureCollection\",\"features\":[]}\n" }
        return try await snapshotCollection(kind: kind, bbox: bbox)
    }
}
