import Foundation
import GRDB

extension GatewayStore {
    /// Rounds the server refused for good and the store keeps aside.
    public func rejectedCount() async throws(GatewayStoreError) -> Int {
        do {
            return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM rejected_round") ?? 0 }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot count the rejected rounds", path: path, underlying: error)
        }
    }

    /// Puts rounds the server refused back into the outbox, exactly as they were sent (same sequence, store id
    /// and JSON), so the forwarder offers them again, oldest first: for after the cause is mended on the server
    /// (a target added to its sites.yaml, a clock put right). `sequences` nil takes every one. A round already
    /// back in the outbox is left as it is. One transaction; returns how many were moved.
    public func requeueRejected(sequences: [Int64]?) async throws(GatewayStoreError) -> Int {
        do {
            return try await pool.write { db in
                let now = Date().timeIntervalSince1970
                let chosen: [RejectedRound]
                if let sequences {
                    chosen = try RejectedRound.filter(sequences.contains(RejectedRound.CodingKeys.sequence))
                        .fetchAll(db)
                } else {
                    chosen = try RejectedRound.fetchAll(db)
                }
                var moved = 0
                for round in chosen {
                    try db.execute(
                        sql: """
                            INSERT INTO outbox (probe_id, sequence, payload, enqueued_at) VALUES (?, ?, ?, ?)
                            ON CONFLICT (probe_id, sequence) DO NOTHING
                            """,
                        arguments: [round.probeID, round.sequence, round.payload, now])
                    moved += db.changesCount
                    try db.execute(
                        sql: "DELETE FROM rejected_round WHERE probe_id = ? AND sequence = ?",
                        arguments: [round.probeID, round.sequence])
                }
                if moved > 0 { try Self.addCounter(db, name: "rounds_requeued", by: moved) }
                return moved
            }
        } catch {
            throw GatewayStoreError(
                code: .write, message: "cannot put rejected rounds back in the outbox", path: path,
                underlying: error)
        }
    }
}
