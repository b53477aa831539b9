import Foundation
import GRDB
import Testing

@testable import MeasurementStore

/// Issue 14, reproduction 8: the server's SQLite ran `synchronous=NORMAL`, so a power cut could roll back rounds
/// already acknowledged with 200, after the gateway had deleted them. The writer now runs FULL.
@Suite("Province store durability (SQLite)")
struct DurabilityTests {
    @Test("the server's SQLite writer commits with synchronous=FULL")
    func synchronousFull() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLiteProvinceStore(path: dir.appendingPathComponent("p.sqlite").path)
        try await store.migrate()
        let writer = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writer == 2, "PRAGMA synchronous on the writer is \(String(describing: writer)), not 2 (FULL)")
        let mode = try await store.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        try await store.close()
    }
}
