import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MeasurementStore
import NIOHTTP1

/// Outermost middleware: rate-limits requests without a token by client address, records every request in the
/// metrics, adds safety headers, and makes sure nothing leaks out as a bare 500 — store failures become 503 with a
/// message, anything else unexpected is logged.
struct ServerMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let state: ServerState

    /// The metrics label of a method: the standard ones by name, any other as `other` (a client may send any token
    /// as a method, and must not grow the metrics with it).
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        func record(_ status: Int) {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            state.metrics.recordRequest(
                route: context.endpointPath ?? "unmatched", method: Self.methodLabel(request.method), status: status,
                seconds: seconds)
        }
        do {
            // Requests without a token share no bucket with each other: each client address has its own.
            if request.headers[.authorization] == nil {
                try RequestGuards.rateLimit(
                    state, key: "address:" + context.clientAddress,
                    who: "requests without a token from \(context.clientAddress)")
            }
            var response = try await next(request, context)
            response.headers[.xContentTypeOptions] = "nosniff"
            record(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code)
            throw error
        } catch let error as StoreError {
            state.logger.error("store failure: \(error)", metadata: ["path": "\(request.uri.path)"])
            record(503)
            throw HTTPError(
                .serviceUnavailable, headers: [.retryAfter: "5"],
                message: "the measurement store failed: \(error.message)")
        } catch let error as HTTPParserError {
            // The client broke HTTP framing while its body was being read (it ended the body early, for one):
            // the client's fault, answered if the connection still can be.
            record(400)
            throw HTTPError(.badRequest, message: "the request is not valid HTTP/1.1: \(error)")
        } catch {
            state.logger.error("unexpected error: \(error)", metadata: ["path": "\(request.uri.path)"])
            record(500)
            throw HTTPError(.internalServerError, message: "internal error; see the server log")
        }
    }
}
