import Foundation
import GRDB

extension AlertStore {
    /// Adds (or replaces, by id) a silence.
    public func add(_ silence: Silence) throws(DeliveryError) {
        guard silence.endsAt > silence.startsAt else {
            throw DeliveryError(
                code: .invalidConfiguration, message: "a silence must end after it starts", context: silence.id)
        }
        try self.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO silence (id, matchers, starts_at, ends_at, created_by, comment)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    silence.id, try Self.json(silence.matchers.map(\.description)),
                    silence.startsAt.timeIntervalSince1970, silence.endsAt.timeIntervalSince1970, silence.createdBy,
                    silence.comment,
                ])
        }
    }

    /// Ends a silence now (keeps it for the record); false if there is no such active silence.
    @discardableResult
    public func expireSilence(id: String, at now: Date) throws(DeliveryError) -> Bool {
        try self.write { db in
            try db.execute(
                sql: "UPDATE silence SET ends_at = max(starts_at + 0.001, ?) WHERE id = ? AND ends_at > ?",
                arguments: [now.timeIntervalSince1970, id, now.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    /// Silences that are active at `now`, or every stored one when `now` is nil.
    public func silences(activeAt now: Date? = nil) throws(DeliveryError) -> [Silence] {
        try self.read { db in
            var sql = "SELECT id, matchers, starts_at, ends_at, created_by, comment FROM silence"
            var arguments: StatementArguments = []
            if let now {
                sql += " WHERE starts_at <= ? AND ends_at > ?"
                arguments = [now.timeIntervalSince1970, now.timeIntervalSince1970]
            }
            sql += " ORDER BY starts_at, id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                let texts = try Self.decode([String].self, row["matchers"])
                var matchers: [LabelMatcher] = []
                for text in texts {
                    // A matcher stored by an older version that today's checks refuse (an unsafe regular
                    // expression): the silence cannot be evaluated safely and is left out rather than failing
                    // every evaluation.
                    guard let matcher = try? LabelMatcher(parsing: text) else { return nil }
                    matchers.append(matcher)
                }
                return Silence(
                    id: row["id"], matchers: matchers, startsAt: Date(timeIntervalSince1970: row["starts_at"]),
                    endsAt: Date(timeIntervalSince1970: row["ends_at"]), createdBy: row["created_by"],
                    comment: row["comment"])
            }
        }
    }
}

extension AlertStore {
    /// Deletes silences that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneSilences(endedBefore cutoff: Date) throws(DeliveryError) -> Int {
        try self.write { db in
            try db.execute(sql: "DELETE FROM silence WHERE ends_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
