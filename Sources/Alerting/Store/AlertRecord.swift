import Foundation
import SiteCatalog

/// One alert as `netmon alerts list` and the server's `GET /api/v1/alerts` show it.
public struct AlertRecord: Sendable, Hashable, Codable {
    /// `pending`, `firing` or `resolved`.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case pending
        case firing
        case resolved
    }

    public var fingerprint: Fingerprint
    public var state: State
    public var labels: [String: String]
    public var annotations: [String: String]
    /// When the alert entered its current state.
    public var since: Date
    /// When it started firing (nil while pending).
    public var startsAt: Date?
    /// When it resolved.
    public var endsAt: Date?
    /// Whether an active silence mutes it now (filled in by queries).
    public var isSilenced: Bool

    public init(
        fingerprint: Fingerprint, state: State, labels: [String: String], annotations: [String: String], since: Date,
        startsAt: Date?, endsAt: Date?, isSilenced: Bool = false
    ) {
        self.fingerprint = fingerprint
        self.state = state
        self.labels = labels
        self.annotations = annotations
        self.since = since
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.isSilenced = isSilenced
    }
}

/// Which alerts a query returns.
public struct AlertQuery: Sendable, Hashable {
    /// States to include (all when empty).
    public var states: Set<AlertRecord.State>
    /// Label matchers that must all match.
    public var matchers: [LabelMatcher]
    /// Resolved alerts older than this are left out (nil: all kept ones).
    public var resolvedSince: Date?
    /// At most this many, newest first.
    public var limit: Int

    public init(
        states: Set<AlertRecord.State> = [], matchers: [LabelMatcher] = [], resolvedSince: Date? = nil,
        limit: Int = 1000
    ) {
        self.states = states
        self.matchers = matchers
        self.resolvedSince = resolvedSince
        self.limit = limit
    }
}
