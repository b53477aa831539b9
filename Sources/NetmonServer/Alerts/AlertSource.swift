import Foundation
import NetmonMetrics

/// What `/api/v1/alerts` and `/api/v1/silences` read and write: the alerting module plugs in here when it runs
/// inside the server (the server itself knows nothing of alert rules or stores).
///
/// Every method returns JSON text ready to send. Problems the client caused are thrown as ``AlertSourceError``
/// (answered with 400 or 404 and the message); anything else is a server fault.
public protocol AlertSource: Sendable {
    /// Every stored alert with its state, labels and since when, newest first.
    ///
    /// - Parameters:
    ///   - states: `pending`, `firing` or `resolved` (all when empty).
    ///   - matchers: label matchers as text (`commune=12345`, `severity=~crit.*`); all must match.
    ///   - now: the request time (for `silenced`).
    /// - Returns: `{"alerts": [...]}`.
    func alertsJSON(states: [String], matchers: [String], now: Date) async throws -> String

    /// Silences: the active ones at `now`, or every stored one when `includeInactive`.
    /// - Returns: `{"silences": [...]}`.
    func silencesJSON(includeInactive: Bool, now: Date) async throws -> String

    /// Creates a silence from a JSON request body (`matchers`, optional `startsAt`, `endsAt` or `duration`,
    /// `createdBy`, `comment`); `author` is who asks when the body names nobody.
    /// - Returns: the stored silence as JSON.
    func createSilence(body: Data, author: String, now: Date) async throws -> String

    /// Ends the silence `id` now; throws ``AlertSourceError`` `.notFound` when there is no such active silence.
    func expireSilence(id: String, now: Date) async throws

    /// Sets alerting's series read at scrape time (alerts and notifications by state) for the server's `/metrics`.
    func exportMetrics(to metrics: PrometheusMetrics) async throws
}

extension AlertSource {
    /// No alerting metrics by default.
    public func exportMetrics(to metrics: PrometheusMetrics) async throws {}
}

/// A request the alerting module refuses: bad input (400) or an unknown silence (404).
public struct AlertSourceError: Error, Sendable, CustomStringConvertible {
    /// Why the request was refused.
    public enum Code: String, Sendable {
        /// The request is malformed: a bad state, matcher, time or duration.
        case invalidRequest
        /// The named thing does not exist.
        case notFound
    }

    public var code: Code
    /// What is wrong, for the client.
    public var message: String
    /// Where: the parameter or field.
    public var context: String

    public init(_ code: Code, _ message: String, context: String = "") {
        self.code = code
        self.message = message
        self.context = context
    }

    public var description: String { self.context.isEmpty ? self.message : "\(self.context): \(self.message)" }
}
