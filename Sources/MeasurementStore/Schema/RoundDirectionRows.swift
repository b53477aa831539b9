import Foundation
import NetmonProtocol

/// The per-direction figures of STAMP rounds (``RoundDirections``) in a table of their own, `round_direction`: one
/// row per round and direction, keyed by the round's identity, written in the transaction that stores the round.
///
/// A table apart from `probe_round` (not columns of it) so that rounds of every other kind, and whatever is done to
/// the rounds tables (partitioning, retention), stay as they are; the link, start and step are repeated so that a
/// link's directions are read by its own index without a join.
enum RoundDirectionRows {
    static let migration = ProvinceSchema.Migration(
        id: "v7-round-directions",
        statements: [
            """
            CREATE TABLE round_direction (
                probe_id TEXT NOT NULL,
                store_id TEXT NOT NULL,
                sequence BIGINT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('forward', 'reverse')),
                commune TEXT NOT NULL,
                target TEXT NOT NULL,
                start_at DOUBLE PRECISION NOT NULL,
                step_seconds DOUBLE PRECISION NOT NULL,
                sent INTEGER CHECK (sent >= 0),
                lost INTEGER CHECK (lost >= 0),
                delay_min_seconds DOUBLE PRECISION,
                delay_median_seconds DOUBLE PRECISION,
                delay_max_seconds DOUBLE PRECISION,
                delay_withheld TEXT,
                pdv_seconds DOUBLE PRECISION,
                ipdv_mean_seconds DOUBLE PRECISION,
                ipdv_p99_seconds DOUBLE PRECISION,
                reordered INTEGER NOT NULL CHECK (reordered >= 0),
                duplicates INTEGER NOT NULL CHECK (duplicates >= 0),
                unattributed_loss INTEGER NOT NULL CHECK (unattributed_loss >= 0),
                reflector_mode TEXT NOT NULL,
                PRIMARY KEY (probe_id, store_id, sequence, direction)
            )
            """,
            "CREATE INDEX round_direction_link ON round_direction (commune, target, start_at)",
        ])

    /// The columns, in the order every insert and select uses.
    static let columns = [
        "probe_id", "store_id", "sequence", "direction", "commune", "target", "start_at", "step_seconds", "sent",
        "lost", "delay_min_seconds", "delay_median_seconds", "delay_max_seconds", "delay_withheld", "pdv_seconds",
        "ipdv_mean_seconds", "ipdv_p99_seconds", "reordered", "duplicates", "unattributed_loss", "reflector_mode",
    ]

    static var columnList: String { columns.joined(separator: ", ") }

    /// The rows of one round (none without a breakdown).
    static func rows(_ round: ProbeRound) -> [Row] {
        guard let directions = round.directions else { return [] }
        return RoundDirections.Direction.allCases.map { direction in
            Row(round: round, direction: direction, figures: directions[direction], directions: directions)
        }
    }

    /// One row to write.
    struct Row {
        var round: ProbeRound
        var direction: RoundDirections.Direction
        var figures: DirectionFigures
        var directions: RoundDirections
    }

    /// Gathers rows read back (in ``columns`` order, grouped by identity in any order) into the links' rounds,
    /// ordered by start then identity.
    static func assemble(_ rows: [ReadRow]) -> [StoredRoundDirections] {
        var byIdentity: [RoundIdentity: StoredRoundDirections] = [:]
        var partial: [RoundIdentity: [RoundDirections.Direction: DirectionFigures]] = [:]
        for row in rows {
            let identity = RoundIdentity(probeID: row.probeID, storeID: row.storeID, sequence: row.sequence)
            partial[identity, default: [:]][row.direction] = row.figures
            if byIdentity[identity] == nil {
                byIdentity[identity] = StoredRoundDirections(
                    probeID: row.probeID, storeID: row.storeID.isEmpty ? nil : row.storeID, sequence: row.sequence,
                    start: Date(timeIntervalSince1970: row.startAt), stepSeconds: row.stepSeconds,
                    directions: RoundDirections(
                        forward: DirectionFigures(), reverse: DirectionFigures(),
                        unattributedLoss: row.unattributedLoss, reflectorMode: row.reflectorMode))
            }
        }
        var out: [StoredRoundDirections] = []
        for (identity, var stored) in byIdentity {
            // A round is written with both directions in one transaction; half of one is not a round.
            guard let forward = partial[identity]?[.forward], let reverse = partial[identity]?[.reverse] else {
                continue
            }
            stored.directions.forward = forward
            stored.directions.reverse = reverse
            out.append(stored)
        }
        return out.sorted {
            ($0.start, $0.probeID, $0.storeID ?? "", $0.sequence) < (
                $1.start, $1.probeID, $1.storeID ?? "", $1.sequence
            )
        }
    }

    /// One row as read.
    struct ReadRow {
        var probeID: String
        var storeID: String
        var sequence: Int64
        var direction: RoundDirections.Direction
        var startAt: Double
        var stepSeconds: Double
        var figures: DirectionFigures
        var unattributedLoss: Int
        var reflectorMode: String
    }
}
