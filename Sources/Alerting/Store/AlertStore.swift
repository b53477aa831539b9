import Foundation
import GRDB

/// The SQLite file (WAL) that holds alert state, silences, and the notification outbox.
///
/// Every notification is written here before any attempt to send it, in the same transaction as the alert
/// state that produced it; so after a crash either both exist or neither, and a restart neither re-notifies nor
/// forgets. One store per file for the life of the process (it owns a GRDB `DatabasePool`).
public struct AlertStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating and migrating if needed) the store at `path`.
    public init(path: String) throws(DeliveryError) {
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            self.pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(self.pool)
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

    func write<T>(_ body: (Database) throws -> T) throws(DeliveryError) -> T {
        do {
            return try self.pool.write(body)
        } catch let error as DeliveryError {
            throw error
        } catch {
            throw DeliveryError(code: .store, message: "alert store write failed: \(error)", context: self.pool.path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(DeliveryError) -> T {
        do {
            return try self.pool.read(body)
        } catch {
            throw DeliveryError(code: .store, message: "alert store read failed: \(error)", context: self.pool.path)
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return try decoder.decode(type, from: Data(text.utf8))
    }
}
