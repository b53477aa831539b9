import Foundation
import GRDB
import NetmonProtocol

extension GatewayStore {
    /// Raw rounds whose step starts in `[from, to)`, oldest first.
    public func rounds(from: Date = .distantPast, to: Date = .distantFuture) async throws(StoreError) -> [ProbeRound] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT * FROM round WHERE start >= ? AND start < ? ORDER BY start, sequence
                        """,
                    arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]
                ).map(Self.decodeRound)
            }
        } catch {
            throw StoreError(code: .read, message: "cannot read rounds", path: path, underlying: error)
        }
    }

    private static func decodeRound(_ row: Row) throws -> ProbeRound {
        let rttText: String = row["rtt_seconds"]
        let rtts = try JSONDecoder().decode([Double].self, from: Data(rttText.utf8))
        return ProbeRound(
            probeID: row["probe_id"], sequence: row["sequence"], commune: row["commune"], target: row["target"],
            address: row["address"], kind: row["kind"], start: Date(timeIntervalSince1970: row["start"]),
            stepSeconds: row["step_seconds"], sent: row["sent"], received: row["received"], rttSeconds: rtts,
            jitterSeconds: row["jitter_seconds"])
    }

    /// Rollups at `resolution` seconds (300 or 3600), oldest first.
    public func rollups(resolution: Int) async throws(StoreError) -> [Rollup] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM rollup WHERE resolution = ? ORDER BY bucket_start, commune, target",
                    arguments: [resolution]
                ).map { row in
                    Rollup(
                        resolution: row["resolution"], commune: row["commune"], target: row["target"],
                        kind: row["kind"], bucketStart: Date(timeIntervalSince1970: row["bucket_start"]),
                        rounds: row["rounds"], sent: row["sent"], received: row["received"],
                        rttCount: row["rtt_count"], rttSum: row["rtt_sum"], rttMin: row["rtt_min"],
                        rttMax: row["rtt_max"], medianCount: row["median_count"], medianSum: row["median_sum"],
                        medianMin: row["median_min"], medianMax: row["median_max"], jitterCount: row["jitter_count"],
                        jitterSum: row["jitter_sum"])
                }
            }
        } catch {
            throw StoreError(code: .read, message: "cannot read rollups", path: path, underlying: error)
        }
    }
}

/// A consolidation of the rounds of one target over one 5-minute or hourly bucket.
public struct Rollup: Sendable, Hashable {
    public var resolution: Int
    public var commune: String
    public var target: String
    public var kind: String
    public var bucketStart: Date
    public var rounds: Int
    public var sent: Int
    public var received: Int
    public var rttCount: Int
    public var rttSum: Double
    public var rttMin: Double?
    public var rttMax: Double?
    public var medianCount: Int
    public var medianSum: Double
    public var medianMin: Double?
    public var medianMax: Double?
    public var jitterCount: Int
    public var jitterSum: Double

    /// Lost over sent across the bucket.
    public var lossRatio: Double { sent == 0 ? 0 : Double(sent - received) / Double(sent) }
    /// Mean of the rounds' medians (SmokePing's AVERAGE consolidation of the median).
    public var meanMedianSeconds: Double? { medianCount == 0 ? nil : medianSum / Double(medianCount) }
    /// Mean of every reply's RTT in the bucket.
    public var meanRTTSeconds: Double? { rttCount == 0 ? nil : rttSum / Double(rttCount) }
}
