import Foundation
import GRDB
import NetmonProtocol

extension GatewayStore {
    /// The oldest unsent rounds of `probeID`, in sequence order: exactly the JSON stored when they were written.
    public func pendingPayloads(
        probeID: String, limit: Int, kind: OutboxKind = .rounds
    ) async throws(GatewayStoreError) -> [OutboxRound] {
        do {
            return try await pool.read { db in
                try OutboxRound.fetchAll(
                    db,
                    sql:
                        "SELECT sequence, payload FROM \(kind.outboxTable) WHERE probe_id = ? ORDER BY sequence LIMIT ?",
                    arguments: [probeID, limit])
            }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read the outbox", path: path, underlying: error)
        }
    }

    /// Removes rounds the server has acknowledged: every outbox row of `probeID` up to `sequence` inclusive.
    public func acknowledge(probeID: String, through sequence: Int64) async throws(GatewayStoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM outbox WHERE probe_id = ? AND sequence <= ?", arguments: [probeID, sequence])
            }
        } catch {
            throw GatewayStoreError(
                code: .write, message: "cannot acknowledge sent rounds", path: path, underlying: error)
        }
    }

    /// Rounds (or signal reports) waiting in the outbox (all probes).
    public func pendingCount(kind: OutboxKind = .rounds) async throws(GatewayStoreError) -> Int {
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM \(kind.outboxTable)") ?? 0
            }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot count the outbox", path: path, underlying: error)
        }
    }

    /// Rounds dropped unsent because the outbox was full (`RetentionPolicy.maxOutboxRounds`), since the file was made.
    public func droppedCount(kind: OutboxKind = .rounds) async throws(GatewayStoreError) -> Int {
        try await counter(kind.droppedCounter)
    }

    /// The last sequence number handed out to `probeID` (0 before the first round).
    public func lastSequence(probeID: String) async throws(GatewayStoreError) -> Int64 {
        do {
            return try await pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT last_sequence FROM sequence_counter WHERE probe_id = ?", arguments: [probeID]) ?? 0
            }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot read the sequence counter", path: path, underlying: error)
        }
    }
}

/// One unsent round in the outbox: its sequence number and its JSON.
public struct OutboxRound: Sendable, Hashable, Decodable, FetchableRecord, TableRecord {
    public static let databaseTableName = "outbox"

    public var sequence: Int64
    public var payload: String
}

/// What the server said of one batch, round by round (from its `IngestReply`).
public struct BatchSettlement: Sendable, Hashable {
    /// Rounds the server holds now (new or duplicate): removed from the outbox.
    public var delivered: [Int64]
    /// Rounds the server refused for good, with its reason: moved from the outbox to the rejected rounds.
    public var rejected: [Rejection]
    /// Rounds whose identity the server holds with other content: they stay in the outbox, re-identified under a
    /// new store id (which later rounds carry too).
    public var conflicting: [Int64]

    public struct Rejection: Sendable, Hashable {
        public var sequence: Int64
        public var reason: String
        public init(sequence: Int64, reason: String) {
            self.sequence = sequence
            self.reason = reason
        }
    }

    public init(delivered: [Int64], rejected: [Rejection] = [], conflicting: [Int64] = []) {
        self.delivered = delivered
        self.rejected = rejected
        self.conflicting = conflicting
    }
}

extension GatewayStore {
    /// Applies the server's verdict on a batch in one transaction; returns the new store id when conflicts made
    /// the store take one.
    @discardableResult
    public func settle(
        probeID: String, _ settlement: BatchSettlement, kind: OutboxKind = .rounds
    ) async throws(GatewayStoreError) -> String? {
        let encoder = self.encoder
        let limit = retention.maxOutboxRounds
        do {
            return try await pool.write { db in
                let delete = try db.cachedStatement(
                    sql: "DELETE FROM \(kind.outboxTable) WHERE probe_id = ? AND sequence = ?")
                for sequence in settlement.delivered {
                    try delete.execute(arguments: [probeID, sequence])
                }
                let now = Date().timeIntervalSince1970
                var setAside = 0
                for rejection in settlement.rejected {
                    try db.execute(
                        sql: """
                            INSERT INTO \(kind.rejectedTable) (probe_id, sequence, payload, reason, rejected_at)
                            SELECT probe_id, sequence, payload, ?, ? FROM \(kind.outboxTable)
                            WHERE probe_id = ? AND sequence = ?
                            ON CONFLICT (probe_id, sequence) DO UPDATE SET reason = excluded.reason,
                                rejected_at = excluded.rejected_at
                            """,
                        arguments: [String(rejection.reason.prefix(1000)), now, probeID, rejection.sequence])
                    setAside += db.changesCount
                    try delete.execute(arguments: [probeID, rejection.sequence])
                }
                if setAside > 0 {
                    try Self.addCounter(db, name: kind.rejectedCounter, by: setAside)
                    // Kept for the operator, but bounded like the outbox: the oldest go first.
                    try db.execute(
                        sql: """
                            DELETE FROM \(kind.rejectedTable) WHERE rowid IN (
                                SELECT rowid FROM \(kind.rejectedTable) ORDER BY rejected_at DESC, sequence DESC
                                LIMIT -1 OFFSET ?)
                            """,
                        arguments: [limit])
                }
                guard !settlement.conflicting.isEmpty else { return nil }
                let newID = StoreIdentity.newID()
                try db.execute(sql: "UPDATE store_identity SET store_id = ? WHERE singleton = 1", arguments: [newID])
                try Self.addCounter(db, name: "store_id_changes", by: 1)
                let decoder = WireCoding.makeDecoder()
                for sequence in settlement.conflicting {
                    guard
                        let payload = try String.fetchOne(
                            db, sql: "SELECT payload FROM \(kind.outboxTable) WHERE probe_id = ? AND sequence = ?",
                            arguments: [probeID, sequence])
                    else { continue }
                    let reidentified: Data
                    switch kind {
                    case .rounds:
                        var round = try decoder.decode(ProbeRound.self, from: Data(payload.utf8))
                        round.storeID = newID
                        reidentified = try encoder.encode(round)
                    case .signal:
                        var report = try decoder.decode(GatewaySignalReport.self, from: Data(payload.utf8))
                        report.storeID = newID
                        reidentified = try encoder.encode(report)
                        try db.execute(
                            sql: "UPDATE signal_report SET payload = ? WHERE probe_id = ? AND sequence = ?",
                            arguments: [String(decoding: reidentified, as: UTF8.self), probeID, sequence])
                    }
                    try db.execute(
                        sql: "UPDATE \(kind.outboxTable) SET payload = ? WHERE probe_id = ? AND sequence = ?",
                        arguments: [String(decoding: reidentified, as: UTF8.self), probeID, sequence])
                    try db.execute(
                        sql: "UPDATE \(kind.storedTable) SET store_id = ? WHERE probe_id = ? AND sequence = ?",
                        arguments: [newID, probeID, sequence])
                }
                return newID
            }
        } catch {
            throw GatewayStoreError(
                code: .write, message: "cannot settle a forwarded batch", path: path, underlying: error)
        }
    }

    /// Rounds the server refused for good, kept aside (newest first, at most `limit`), with its reasons.
    public func rejectedRounds(limit: Int = 100) async throws(GatewayStoreError) -> [RejectedRound] {
        do {
            return try await pool.read { db in
                try RejectedRound.order(
                    RejectedRound.CodingKeys.rejectedAt.desc, RejectedRound.CodingKeys.sequence.desc
                )
                .limit(limit).fetchAll(db)
            }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot read the rejected rounds", path: path, underlying: error)
        }
    }

    /// A store counter (`outbox_dropped`, `rounds_rejected`, `store_id_changes`), 0 when never counted.
    public func counter(_ name: String) async throws(GatewayStoreError) -> Int {
        do {
            return try await pool.read { db in
                try Int.fetchOne(db, sql: "SELECT value FROM store_counter WHERE name = ?", arguments: [name]) ?? 0
            }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot read the store counters", path: path, underlying: error)
        }
    }
}

/// A round the server refused, as the gateway keeps it.
public struct RejectedRound: Sendable, Hashable, Decodable, FetchableRecord, TableRecord {
    public static let databaseTableName = "rejected_round"

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    public var probeID: String
    public var sequence: Int64
    /// The round's JSON as it was sent.
    public var payload: String
    /// The server's reason.
    public var reason: String
    public var rejectedAt: Date

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case sequence, payload, reason
        case probeID = "probe_id"
        case rejectedAt = "rejected_at"
    }
}
