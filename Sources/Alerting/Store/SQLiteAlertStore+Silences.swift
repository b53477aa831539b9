import Foundation
import GRDB
import SiteCatalog

extension SQLiteAlertStore {
    /// Adds (or replaces, by id) a silence.
    public func add(_ silence: Silence) async throws(DeliveryError) {
        let row = SilenceRow(
            id: silence.id, matchers: silence.matchers.map(\.description), startsAt: silence.startsAt,
            endsAt: silence.endsAt, createdBy: silence.createdBy, comment: silence.comment)
        try await self.write { db in try row.insert(db, onConflict: .replace) }
    }

    /// Ends a silence now (keeps it for the record); false if there is no such active silence.
    @discardableResult
    public func expireSilence(id: String, at now: Date) async throws(DeliveryError) -> Bool {
        try await self.write { db in
            try db.execute(
                sql: "UPDATE silence SET ends_at = max(starts_at + 0.001, ?) WHERE id = ? AND ends_at > ?",
                arguments: [now.timeIntervalSince1970, id, now.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    /// Silences that are active at `now`, or every stored one when `now` is nil.
    public func silences(activeAt now: Date? = nil) async throws(DeliveryError) -> [Silence] {
        try await self.read { db in
            var request = SilenceRow.all()
            if let now {
                let t = now.timeIntervalSince1970
                request = request.filter(SilenceRow.CodingKeys.startsAt <= t && SilenceRow.CodingKeys.endsAt > t)
            }
            return try request.order(SilenceRow.CodingKeys.startsAt, SilenceRow.CodingKeys.id).fetchAll(db)
                .compactMap { row in
                    var matchers: [LabelMatcher] = []
                    for text in row.matchers {
                        // A matcher stored by an older version that today's checks refuse (an unsafe regular
                        // expression): the silence cannot be evaluated safely and is left out rather than failing
                        // every evaluation.
                        guard let matcher = try? LabelMatcher(parsing: text) else { return nil }
                        matchers.append(matcher)
                    }
                    return Silence(
                        id: row.id, matchers: matchers, startsAt: row.startsAt, endsAt: row.endsAt,
                        createdBy: row.createdBy, comment: row.comment)
                }
        }
    }

    /// Deletes silences that ended before `cutoff`; returns how many.
    @discardableResult
    public func pruneSilences(endedBefore cutoff: Date) async throws(DeliveryError) -> Int {
        try await self.write { db in
            try db.execute(sql: "DELETE FROM silence WHERE ends_at < ?", arguments: [cutoff.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
