import Logging
import PostgresNIO

/// A transaction PostgreSQL aborted to break a deadlock (SQLSTATE 40P01) or a serialization failure (40001) did
/// nothing and may simply run again: two replicas ingesting one gateway's resent batch at once can lock the same
/// watermark and rollup rows in opposite orders. Tried again a few times, a little apart, before the error goes
/// to the caller (who answers 503, and the gateway resends).
enum PostgresTransientRetry {
    static let attempts = 4

    static func isTransient(_ error: any Error) -> Bool {
        let psql = (error as? PSQLError) ?? ((error as? PostgresTransactionError)?.closureError as? PSQLError)
        let state = psql?.serverInfo?[.sqlState]
        return state == "40P01" || state == "40001"
    }

    static func run<T>(_ what: String, logger: Logger, _ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch  where attempt < attempts && isTransient(error) {
                logger.debug(
                    "transaction aborted by PostgreSQL (deadlock or serialization); running it again",
                    metadata: ["what": "\(what)", "attempt": "\(attempt)"])
                try await Task.sleep(for: .milliseconds(20 * attempt))
                attempt += 1
            }
        }
    }
}
