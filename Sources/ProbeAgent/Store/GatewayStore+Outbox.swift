import Foundation
import GRDB
import NetmonProtocol

extension GatewayStore {
    /// The oldest unsent rounds of `probeID`, in sequence order: exactly the JSON stored when they were written.
    public func pendingPayloads(probeID: String, limit: Int) async throws(StoreError) -> [OutboxEntry] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT sequence, payload FROM outbox WHERE probe_id = ? ORDER BY sequence LIMIT ?",
                    arguments: [probeID, limit]
                ).map { row in OutboxEntry(sequence: row["sequence"], payload: row["payload"]) }
            }
        } catch {
            throw StoreError(code: .read, message: "cannot read the outbox", path: path, underlying: error)
        }
    }

    /// Removes rounds the server has acknowledged: every outbox row of `probeID` up to `sequence` inclusive.
    public func acknowledge(probeID: String, through sequence: Int64) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM outbox WHERE probe_id = ? AND sequence <= ?", arguments: [probeID, sequence])
            }
        } catch {
            throw StoreError(code: .write, message: "cannot acknowledge sent rounds", path: path, underlying: error)
        }
    }

    /// Rounds waiting in the outbox (all probes).
    public func pendingCount() async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0 }
        } catch {
            throw StoreError(code: .read, message: "cannot count the outbox", path: path, underlying: error)
        }
    }

    /// Rounds dropped unsent because the outbox was full (`RetentionPolicy.maxOutboxRounds`), since the file was made.
    public func droppedCount() async throws(StoreError) -> Int {
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT value FROM store_counter WHERE name = 'outbox_dropped'") ?? 0
            }
        } catch {
            throw StoreError(code: .read, message: "cannot read the store counters", path: path, underlying: error)
        }
    }

    /// The last sequence number handed out to `probeID` (0 before the first round).
    public func lastSequence(probeID: String) async throws(StoreError) -> Int64 {
        do {
            return try await pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT last_sequence FROM sequence_counter WHERE probe_id = ?", arguments: [probeID]) ?? 0
            }
        } catch {
            throw StoreError(code: .read, message: "cannot read the sequence counter", path: path, underlying: error)
        }
    }
}

/// One unsent round in the outbox: its sequence number and its JSON.
public struct OutboxEntry: Sendable, Hashable {
    public var sequence: Int64
    public var payload: String
}
