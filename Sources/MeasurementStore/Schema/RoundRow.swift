import Foundation
import NetmonProtocol

/// A round flattened to the stored columns (see ``ProvinceSchema/roundColumns``).
struct RoundRow: Sendable {
    var round: ProbeRound
    var receivedAt: Date

    var startSeconds: Double { round.start.timeIntervalSince1970 }
    var receivedSeconds: Double { receivedAt.timeIntervalSince1970 }
    var rttText: String { RTTText.encode(round.rttSeconds) }

    /// Builds a stored round from column values read in ``ProvinceSchema/roundColumns`` order. The empty store
    /// id (rounds of probes that predate store ids) reads back as nil.
    static func make(
        probeID: String, sequence: Int64, commune: String, target: String, address: String, kind: String,
        startAt: Double, stepSeconds: Double, sent: Int, received: Int, rttText: String, jitter: Double?,
        receivedAt: Double, storeID: String
    ) throws -> StoredRound {
        let round = ProbeRound(
            probeID: probeID, sequence: sequence, commune: commune, target: target, address: address, kind: kind,
            start: Date(timeIntervalSince1970: startAt), stepSeconds: stepSeconds, sent: sent, received: received,
            rttSeconds: try RTTText.decode(rttText), jitterSeconds: jitter, storeID: storeID.isEmpty ? nil : storeID)
        return StoredRound(round: round, receivedAt: Date(timeIntervalSince1970: receivedAt))
    }
}

extension ProbeRound {
    /// The store id as stored: the empty string for probes that predate store ids.
    var storedStoreID: String { storeID ?? "" }
}

/// A round's identity on the server: (probe id, store id, sequence).
struct RoundIdentity: Hashable, Sendable {
    var probeID: String
    var storeID: String
    var sequence: Int64

    init(_ round: ProbeRound) {
        self.probeID = round.probeID
        self.storeID = round.storedStoreID
        self.sequence = round.sequence
    }

    init(probeID: String, storeID: String, sequence: Int64) {
        self.probeID = probeID
        self.storeID = storeID
        self.sequence = sequence
    }
}

extension Array where Element == ProbeRound {
    /// Splits rounds into first occurrences of an identity and repeats inside the same batch: a repeat identical to
    /// its first occurrence is a duplicate, one with other content a conflict.
    func splitByIdentity() -> (unique: [ProbeRound], repeats: Int, conflicts: [ProbeRound]) {
        var first: [RoundIdentity: Int] = [:]
        first.reserveCapacity(count)
        var unique: [ProbeRound] = []
        unique.reserveCapacity(count)
        var repeats = 0
        var conflicts: [ProbeRound] = []
        for r in self {
            let key = RoundIdentity(r)
            if let at = first[key] {
                if unique[at].sameMeasurement(as: r) { repeats += 1 } else { conflicts.append(r) }
            } else {
                first[key] = unique.count
                unique.append(r)
            }
        }
        return (unique, repeats, conflicts)
    }

    /// The newest round of each (commune, target) among these rounds of one batch, by the rule of
    /// ``ProvinceSchema/linkLatestUpsert``: the same store's higher sequence, else the later one in the batch (a
    /// batch is one probe's, in the order its outbox holds them), else the later start.
    func newestPerLink() -> [ProbeRound] {
        var newest: [String: ProbeRound] = [:]
        for r in self {
            let key = r.commune + "\u{0}" + r.target
            if let old = newest[key] {
                let newer: Bool
                if old.probeID == r.probeID {
                    newer = old.storeID != r.storeID || r.sequence > old.sequence
                } else {
                    newer = r.start > old.start
                }
                if !newer { continue }
            }
            newest[key] = r
        }
        return Array(newest.values)
    }
}
