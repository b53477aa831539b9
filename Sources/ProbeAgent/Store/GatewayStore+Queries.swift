import Foundation
import GRDB
import NetmonProtocol

extension GatewayStore {
    /// Raw rounds whose step starts in `[from, to)`, oldest first.
    public func rounds(
        from: Date = .distantPast, to: Date = .distantFuture
    ) async throws(GatewayStoreError) -> [ProbeRound] {
        do {
            return try await pool.read { db in
                try GatewayRoundRow.filter(
                    Column("start") >= from.timeIntervalSince1970 && Column("start") < to.timeIntervalSince1970
                ).order(Column("start"), Column("sequence")).fetchAll(db).map(\.round)
            }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read rounds", path: path, underlying: error)
        }
    }

    /// Rollups at `resolution` seconds (300 or 3600), oldest first.
    public func rollups(resolution: Int) async throws(GatewayStoreError) -> [Rollup] {
        do {
            return try await pool.read { db in
                try Rollup.filter(Column("resolution") == resolution)
                    .order(Column("bucket_start"), Column("commune"), Column("target")).fetchAll(db)
            }
        } catch {
            throw GatewayStoreError(code: .read, message: "cannot read rollups", path: path, underlying: error)
        }
    }
}

/// A consolidation of the rounds of one target over one 5-minute or hourly bucket; read from the `rollup` table as a
/// GRDB record (columns are the properties in snake case).
public struct Rollup: Sendable, Hashable, Decodable, FetchableRecord, TableRecord {
    public static let databaseTableName = "rollup"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

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
