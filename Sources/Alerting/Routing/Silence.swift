import Foundation
import SiteCatalog

/// Mutes notifications for alerts whose labels match, between two times (also a maintenance window).
public struct Silence: Sendable, Hashable, Codable {
    /// Unique id.
    public var id: String
    /// All must match.
    public var matchers: [LabelMatcher]
    public var startsAt: Date
    public var endsAt: Date
    public var createdBy: String
    public var comment: String

    /// Creates a silence.
    public init(
        id: String = UUID().uuidString.lowercased(), matchers: [LabelMatcher], startsAt: Date, endsAt: Date,
        createdBy: String = "", comment: String = ""
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// Whether the window holds `now`.
    public func isActive(at now: Date) -> Bool { self.startsAt <= now && now < self.endsAt }

    /// Whether this silence mutes an alert with these labels at `now`.
    public func mutes(_ labels: [String: String], at now: Date) -> Bool {
        self.isActive(at: now) && self.matchers.matches(labels)
    }
}

extension Array where Element == Silence {
    /// Whether any silence mutes the labels at `now`.
    public func mutes(_ labels: [String: String], at now: Date) -> Bool { self.contains { $0.mutes(labels, at: now) } }
}
