import Foundation
import MeasurementStore
import NetmonProtocol
import TestSupport
import Testing

/// The backup and restore commands of docs/OPERATIONS.md, run as written against a store the store code wrote:
/// sqlite3's `.backup` and `VACUUM INTO` while the store is open, pg_dump/pg_restore for PostgreSQL.
@Suite("Backup and restore as docs/OPERATIONS.md says")
struct BackupRestoreTests {
    /// Rounds of two links, written in two batches.
    static let rounds: [ProbeRound] = (1...30).map { i in
        makeRound(
            sequence: Int64(i), target: i % 2 == 0 ? "hub" : "portal",
            start: Date(timeIntervalSince1970: 1_790_000_000 + Double(i) * 60))
    }

    /// Every round of the fixture's two links, as read back from `store`.
    func storedRounds(_ store: any ProvinceStore) async throws -> [ProbeRound] {
        let from = Date(timeIntervalSince1970: 1_789_000_000)
        let to = Date(timeIntervalSince1970: 1_791_000_000)
        var all: [ProbeRound] = []
        for target in ["hub", "portal"] {
            all += try await store.rounds(commune: "11953", target: target, from: from, to: to, limit: 1000).map(
                \.round)
        }
        return all.sorted { $0.sequence < $1.sequence }
    }

    @Test(
        "SQLite: sqlite3 .backup and VACUUM INTO while the server's store is open; the copy, put in place, has every round",
        .enabled(if: Shell.hasProgram("sqlite3"), "needs the sqlite3 command (Debian: sqlite3)"),
        arguments: ["backup", "vacuum"])
    func sqlite(method: String) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let live = dir.appendingPathComponent("netmon.sqlite").path
        let backup = dir.appendingPathComponent("netmon-backup.sqlite").path
        let command =
            method == "backup"
            ? ["sqlite3", live, ".backup '\(backup)'"] : ["sqlite3", live, "VACUUM INTO '\(backup)'"]
        let written = Self.rounds
        try await withOpenStore(.sqlite(path: live)) { store in
            _ = try await store.ingest(Array(written[..<20]), probeID: "probe-11953", receivedAt: Date())
            _ = try await store.ingest(Array(written[20...]), probeID: "probe-11953", receivedAt: Date())
            // The server keeps running (WAL, its connection open) while the backup is taken.
            try Shell.run(command)
            // A round after the backup: not in the copy.
            _ = try await store.ingest(
                [makeRound(sequence: 31, start: Date(timeIntervalSince1970: 1_790_010_000))],
                probeID: "probe-11953", receivedAt: Date())
        }
        let check = try Shell.run(["sqlite3", backup, "PRAGMA integrity_check"])
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        // Restore as documented: the server stopped, the live file and its -wal/-shm replaced by the copy.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: live + suffix) }
        try FileManager.default.copyItem(atPath: backup, toPath: live)
        let restored = try await withOpenStore(.sqlite(path: live)) { store in
            (try await storedRounds(store), try await store.roundCount())
        }
        #expect(restored.0 == written)
        #expect(restored.1 == written.count)
    }

    @Test(
        "PostgreSQL: pg_dump -Fc of a running store, pg_restore into an empty database; every round is there",
        .enabled(if: PostgresCluster.isInstalled, "needs PostgreSQL (Debian: postgresql)"))
    func postgres() async throws {
        let source: String
        let target: String
        do {
            source = try await PostgresCluster.shared.makeDatabase()
            target = try await PostgresCluster.shared.makeDatabase()
        } catch {
            try Test.cancel("PostgreSQL could not be started: \(error)")
        }
        let bin = PostgresCluster.binDirectory.map { $0 + "/" } ?? ""
        let dump = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-\(UUID().uuidString).dump")
            .path
        defer { try? FileManager.default.removeItem(atPath: dump) }
        let written = Self.rounds
        try await withOpenStore(try StoreLocation(parsing: source)) { store in
            _ = try await store.ingest(written, probeID: "probe-11953", receivedAt: Date())
            try Shell.run(["\(bin)pg_dump", "--format=custom", "--file=\(dump)", "--dbname=\(source)"])
        }
        try Shell.run(["\(bin)pg_restore", "--no-owner", "--exit-on-error", "--dbname=\(target)", dump])
        let restored = try await withOpenStore(try StoreLocation(parsing: target)) { store in
            (try await storedRounds(store), try await store.roundCount())
        }
        #expect(restored.0 == written)
        #expect(restored.1 == written.count)
    }
}
