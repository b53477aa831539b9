import Foundation
import GRDB
import NetmonProtocol

/// A row of `round`: the `ProbeRound` as numbered and stored (its columns are the round's coding keys), plus its
/// median for the queries that need it. Times are Unix seconds (`REAL`), as in every table of the gateway store.
struct GatewayRoundRow: FetchableRecord, PersistableRecord, Codable {
    static let databaseTableName = "round"

    var round: ProbeRound

    private enum ExtraColumns: String, CodingKey {
        case medianSeconds = "median_seconds"
        case storeID = "store_id"
    }

    init(_ round: ProbeRound) {
        self.round = round
    }

    init(from decoder: any Decoder) throws {
        var round = try ProbeRound(from: decoder)
        // '' marks rounds numbered before store ids existed.
        if round.storeID == "" { round.storeID = nil }
        self.round = round
    }

    func encode(to encoder: any Encoder) throws {
        try self.round.encode(to: encoder)
        var extra = encoder.container(keyedBy: ExtraColumns.self)
        try extra.encodeIfPresent(self.round.medianRTTSeconds, forKey: .medianSeconds)
        if self.round.storeID == nil { try extra.encode("", forKey: .storeID) }
    }

    static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .timeIntervalSince1970
    }

    static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .timeIntervalSince1970
    }
}

/// A row of `outbox`: a round's exact wire JSON, waiting for the server's acknowledgement.
struct RoundOutboxRow: PersistableRecord, Encodable {
    static let databaseTableName = "outbox"

    var probeID: String
    var sequence: Int64
    var payload: String
    /// Unix seconds.
    var enqueuedAt: Double

    enum CodingKeys: String, CodingKey {
        case sequence, payload
        case probeID = "probe_id"
        case enqueuedAt = "enqueued_at"
    }
}
