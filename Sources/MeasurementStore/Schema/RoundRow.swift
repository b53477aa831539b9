import Foundation
import NetmonProtocol

/// A round flattened to the stored columns (see ``ProvinceSchema/roundColumns``).
struct RoundRow: Sendable {
    var round: ProbeRound
    var receivedAt: Date

    var startSeconds: Double { round.start.timeIntervalSince1970 }
    var receivedSeconds: Double { receivedAt.timeIntervalSince1970 }
    var rttText: String { RTTText.encode(round.rttSeconds) }

    /// Builds a stored round from column values read in ``ProvinceSchema/roundColumns`` order.
    static func make(
        probeID: String, sequence: Int64, commune: String, target: String, address: String, kind: String,
        startAt: Double, stepSeconds: Double, sent: Int, received: Int, rttText: String, jitter: Double?,
        receivedAt: Double
    ) throws -> StoredRound {
        let round = ProbeRound(
            probeID: probeID, sequence: sequence, commune: commune, target: target, address: address, kind: kind,
            start: Date(timeIntervalSince1970: startAt), stepSeconds: stepSeconds, sent: sent, received: received,
            rttSeconds: try RTTText.decode(rttText), jitterSeconds: jitter)
        return StoredRound(round: round, receivedAt: Date(timeIntervalSince1970: receivedAt))
    }
}

extension Array where Element == ProbeRound {
    /// Splits rounds into first occurrences and repeats of a (probe id, sequence) inside the same batch.
    func splitByIdentity() -> (unique: [ProbeRound], repeats: Int) {
        var seen = Set<Int64>()
        var seenOther = Set<String>()
        var unique: [ProbeRound] = []
        unique.reserveCapacity(count)
        var repeats = 0
        let firstProbe = first?.probeID
        for r in self {
            let isNew: Bool
            if r.probeID == firstProbe {
                isNew = seen.insert(r.sequence).inserted
            } else {
                isNew = seenOther.insert("\(r.probeID)\u{0}\(r.sequence)").inserted
            }
            if isNew { unique.append(r) } else { repeats += 1 }
        }
        return (unique, repeats)
    }

    /// The newest round of each (commune, target) among these rounds.
    func newestPerLink() -> [ProbeRound] {
        var newest: [String: ProbeRound] = [:]
        for r in self {
            let key = r.commune + "\u{0}" + r.target
            if let old = newest[key], old.start >= r.start { continue }
            newest[key] = r
        }
        return Array(newest.values)
    }
}
