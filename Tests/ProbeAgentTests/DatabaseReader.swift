import Foundation
import GRDB

/// Reads a daemon's database from outside the process, read-only, as an operator would with sqlite3.
struct DatabaseSnapshot {
    var sequences: [Int64]
    var outbox: Int
    var lastSequence: Int64
    var fullRounds: Int
    var targets: Set<String>
    var starts: [Double]

    static func read(_ path: String, probeID: String = "probe-12345") throws -> DatabaseSnapshot {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
            DatabaseSnapshot(
                sequences: try Int64.fetchAll(
                    db, sql: "SELECT sequence FROM round WHERE probe_id = ? ORDER BY sequence", arguments: [probeID]),
                outbox: try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") ?? 0,
                lastSequence: try Int64.fetchOne(
                    db, sql: "SELECT last_sequence FROM sequence_counter WHERE probe_id = ?", arguments: [probeID])
                    ?? 0,
                fullRounds: try Int.fetchOne(db, sql: "SELECT count(*) FROM round WHERE sent > 0") ?? 0,
                targets: Set(try String.fetchAll(db, sql: "SELECT DISTINCT target FROM round")),
                starts: try Double.fetchAll(db, sql: "SELECT DISTINCT start FROM round ORDER BY start"))
        }
    }
}
