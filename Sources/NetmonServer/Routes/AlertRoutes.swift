import Foundation
import Hummingbird
import MeasurementStore

/// Alerts and silences, served from the ``AlertSource`` that alerting plugs in: viewers read, admins write.
///
/// - `GET /api/v1/alerts?state=firing&match=commune=12345` — every alert with its state, labels and since when
///   (`state` and `match` repeatable).
/// - `GET /api/v1/silences[?all=true]` — active silences (or every stored one).
/// - `POST /api/v1/silences` — create one from `{"matchers": ["commune=12345"], "duration": "2h", ...}` (admin).
/// - `DELETE /api/v1/silences/{id}` — expire one now (admin).
struct AlertRoutes {
    let state: ServerState

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/v1/alerts") { request, _ in
            try self.authorize(request, .viewer)
            let source = try self.source()
            let parameters = request.uri.queryParameters
            for key in parameters.map(\.key) where key != "state" && key != "match" {
                throw HTTPError(.badRequest, message: "unknown query parameter '\(key)'; use state and match")
            }
            let states = parameters[values: "state"].flatMap { $0.split(separator: ",") }.map(String.init)
            let matchers = parameters[values: "match"].map(String.init)
            return try await self.answer {
                try await source.alertsJSON(states: states, matchers: matchers, now: state.configuration.now())
            }
        }
        router.get("/api/v1/silences") { request, _ in
            try self.authorize(request, .viewer)
            let source = try self.source()
            let all = try request.queryFlag("all") ?? false
            return try await self.answer {
                try await source.silencesJSON(includeInactive: all, now: state.configuration.now())
            }
        }
        router.post("/api/v1/silences") { request, _ in
            let principal = try self.authorize(request, .admin)
            let source = try self.source()
            if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
                throw HTTPError(.unsupportedMediaType, message: "Content-Type must be application/json, not '\(type)'")
            }
            let body = try await RequestGuards.collectBody(
                request, limit: min(state.configuration.maxBodyBytes, 65_536))
            return try await self.answer(status: .created) {
                try await source.createSilence(
                    body: Data(buffer: body), author: principal.name, now: state.configuration.now())
            }
        }
        router.delete("/api/v1/silences/:id") { request, context in
            try self.authorize(request, .admin)
            let source = try self.source()
            let id = try context.parameters.require("id")
            return try await self.answer {
                try await source.expireSilence(id: id, now: state.configuration.now())
                return "{\"expired\":\(try String(decoding: JSONEncoder().encode(id), as: UTF8.self))}"
            }
        }
    }

    @discardableResult
    private func authorize(_ request: Request, _ role: TokenRole) throws -> Principal {
        let principal = try state.tokens.authorize(request, needing: role)
        try RequestGuards.rateLimit(state, principal)
        return principal
    }

    private func source() throws -> any AlertSource {
        guard let alerts = state.alerts else {
            throw HTTPError(.notFound, message: "alerting is not running inside this server")
        }
        return alerts
    }

    /// Runs `body` and sends its JSON; the source's refusals become 400 or 404 with their message.
    private func answer(
        status: HTTPResponse.Status = .ok, _ body: () async throws -> String
    ) async throws -> Response {
        do {
            return Responses.text(try await body(), contentType: "application/json; charset=utf-8", status: status)
        } catch let error as AlertSourceError {
            switch error.code {
            case .invalidRequest: throw HTTPError(.badRequest, message: error.description)
            case .notFound: throw HTTPError(.notFound, message: error.description)
            }
        }
    }
}
