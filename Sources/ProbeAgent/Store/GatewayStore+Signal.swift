import Foundation
import GRDB
import NetmonProtocol

extension GatewayStore {
    /// Stores one signal report of the modem in one transaction: numbered from the probe's signal counter, under
    /// the store's id, kept in `signal_report` and queued in the signal outbox (exactly the JSON that will be sent).
    ///
    /// - Parameter draft: the report without its identity (its sequence and store id are set here).
    /// - Returns: the report as stored and as it will be forwarded.
    @discardableResult
    public func recordSignal(_ draft: GatewaySignalReport) async throws(GatewayStoreError) -> GatewaySignalReport {
        let encoder = self.encoder
        let limit = self.retention.maxOutboxRounds
        do {
            return try await pool.write { db in
                let last =
                    try Int64.fetchOne(
                        db, sql: "SELECT last_sequence FROM signal_counter WHERE probe_id = ?",
                        arguments: [draft.probeID]) ?? 0
                var report = draft
                report.sequence = last + 1
                report.storeID = try Self.storeID(db)
                let payload = String(decoding: try encoder.encode(report), as: UTF8.self)
                try db.execute(
                    sql: """
                        INSERT INTO signal_report (probe_id, sequence, store_id, time, technology, payload)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        report.probeID, report.sequence, report.storeID, report.time.timeIntervalSince1970,
                        report.technology.rawValue, payload,
                    ])
                try db.execute(
                    sql: "INSERT INTO signal_outbox (probe_id, sequence, payload, enqueued_at) VALUES (?, ?, ?, ?)",
                    arguments: [report.probeID, report.sequence, payload, Date().timeIntervalSince1970])
                try db.execute(
                    sql: """
                        INSERT INTO signal_counter (probe_id, last_sequence) VALUES (?, ?)
                        ON CONFLICT(probe_id) DO UPDATE SET last_sequence = excluded.last_sequence
                        """,
                    arguments: [report.probeID, report.sequence])
                try Self.enforceOutboxLimit(db, limit: limit, kind: .signal)
                return report
            }
        } catch {
            throw GatewayStoreError(
                code: .write, message: "cannot store a signal report", path: path, underlying: error)
        }
    }

    /// The stored signal reports whose time is in `[from, to)`, oldest first.
    public func signalReports(
        from: Date = .distantPast, to: Date = .distantFuture
    ) async throws(GatewayStoreError) -> [GatewaySignalReport] {
        do {
            return try await pool.read { db in
                let decoder = WireCoding.makeDecoder()
                return try String.fetchAll(
                    db,
                    sql: "SELECT payload FROM signal_report WHERE time >= ? AND time < ? ORDER BY time, sequence",
                    arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]
                ).map { try decoder.decode(GatewaySignalReport.self, from: Data($0.utf8)) }
            }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read signal reports", path: path, underlying: error)
        }
    }

    /// The last sequence number handed out to `probeID`'s signal reports (0 before the first).
    public func lastSignalSequence(probeID: String) async throws(GatewayStoreError) -> Int64 {
        do {
            return try await pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT last_sequence FROM signal_counter WHERE probe_id = ?", arguments: [probeID]) ?? 0
            }
        } catch {
            throw GatewayStoreError(
                code: .read, message: "cannot read the signal counter", path: path, underlying: error)
        }
    }
}
