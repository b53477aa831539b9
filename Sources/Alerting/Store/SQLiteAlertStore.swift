import Foundation
import GRDB

/// The SQLite engine of the ``AlertStore``: one file (WAL) that holds alert state, silences, and the notification
/// outbox, for one `netmon serve` (the default).
///
/// Every notification is written here before any attempt to send it, in the same transaction as the alert
/// state that produced it; so after a crash either both exist or neither, and a restart neither re-notifies nor
/// forgets. One store per file for the life of the process (it owns a GRDB `DatabasePool`).
///
/// Every access is asynchronous: GRDB runs the SQLite calls on its own dispatch queues, and opening and migrating
/// run on a dispatch thread, so no blocking SQLite call occupies a thread of Swift's cooperative pool (two threads
/// on the server). Accesses are not cancellable, like the blocking calls they replace. Rows are read and written as the GRDB records of `AlertStoreRows.swift`.
public struct SQLiteAlertStore: AlertStoreEngine {
    let pool: DatabasePool

    public var location: String { self.pool.path }

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String) async throws(DeliveryError) {
        do {
            self.pool = try await withCheckedThrowingContinuation { continuation in
                DispatchQueue.global().async {
                    continuation.resume(
                        with: Result {
                            var configuration = Configuration()
                            configuration.busyMode = .timeout(10)
                            let pool = try DatabasePool(path: path, configuration: configuration)
                            try Self.migrator.migrate(pool)
                            return pool
                        })
                }
            }
        } catch {
            throw DeliveryError(code: .store, message: "could not open the alert store: \(error)", context: path)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot (
                        name TEXT PRIMARY KEY NOT NULL,
                        json BLOB NOT NULL,
                        updated_at REAL NOT NULL);
                    CREATE TABLE alert (
                        fingerprint TEXT PRIMARY KEY NOT NULL,
                        state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
                        labels TEXT NOT NULL,
                        annotations TEXT NOT NULL,
                        since REAL NOT NULL,
                        starts_at REAL,
                        ends_at REAL);
                    CREATE INDEX alert_state ON alert(state, since);
                    CREATE TABLE silence (
                        id TEXT PRIMARY KEY NOT NULL,
                        matchers TEXT NOT NULL,
                        starts_at REAL NOT NULL,
                        ends_at REAL NOT NULL,
                        created_by TEXT NOT NULL,
                        comment TEXT NOT NULL,
                        CHECK (ends_at > starts_at));
                    CREATE TABLE outbox (
                        id TEXT PRIMARY KEY NOT NULL,
                        receiver TEXT NOT NULL,
                        notification BLOB NOT NULL,
                        created_at REAL NOT NULL,
                        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at REAL NOT NULL,
                        last_error TEXT,
                        finished_at REAL);
                    CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
                    CREATE TABLE dead_letter (
                        id TEXT PRIMARY KEY NOT NULL REFERENCES outbox(id),
                        receiver TEXT NOT NULL,
                        attempts INTEGER NOT NULL,
                        last_error TEXT NOT NULL,
                        died_at REAL NOT NULL);
                    """)
        }
        return migrator
    }

    /// Runs `body` in a write transaction on GRDB's writer queue and waits for it without blocking a thread.
    ///
    /// Not cancellable: a transaction that was started is committed (or fails) whatever happens to the calling
    /// task, so the last evaluation on shutdown and the outcome of a delivery already made are still recorded.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(DeliveryError) -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            self.pool.asyncWrite(body) { _, result in continuation.resume(returning: result) }
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error as DeliveryError):
            throw error
        case .failure(let error):
            throw DeliveryError(code: .store, message: "alert store write failed: \(error)", context: self.pool.path)
        }
    }

    /// Runs `body` on one of GRDB's reader connections and waits for it without blocking a thread (not cancellable
    /// either).
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(DeliveryError) -> T {
        let result: Result<T, any Error> = await withCheckedContinuation { continuation in
            self.pool.asyncRead { database in
                continuation.resume(returning: Result { try body(database.get()) })
            }
        }
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            throw DeliveryError(code: .store, message: "alert store read failed: \(error)", context: self.pool.path)
        }
    }
}
