import Foundation
import MeasurementStore
import NetmonProtocol
import TestSupport
import Testing

/// Issue 14: rounds are identified by (probe, gateway store, sequence) and compared by content; a gateway clock
/// that jumps cannot pin a link; deleted tokens stay revoked. Run against a real SQLite file and PostgreSQL.
@Suite("Round identity, link state and revoked tokens (SQLite and PostgreSQL)")
struct RoundIdentityTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    func round(_ sequence: Int64, store: String?, minute: Double, rtts: [Double] = [0.012, 0.013]) -> ProbeRound {
        var r = makeRound(sequence: sequence, start: Self.t0.addingTimeInterval(minute * 60), rtts: rtts)
        r.storeID = store
        return r
    }

    @Test(
        "two stores of one probe reuse numbers without colliding; same content repeats, other content conflicts",
        arguments: Backend.allCases)
    func identity(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let a = (1...3).map { round($0, store: "store-a", minute: Double($0)) }
            let b = (1...3).map { round($0, store: "store-b", minute: 10 + Double($0)) }
            let first = try await store.ingest(a, probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(600))
            let second = try await store.ingest(b, probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(1200))
            #expect(first.accepted == 3 && second.accepted == 3 && second.duplicates == 0)
            #expect(try await store.roundCount() == 6)
            let repeated = try await store.ingest(
                b, probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(1300))
            #expect(repeated.accepted == 0 && repeated.duplicates == 3 && repeated.conflictingRounds.isEmpty)
            // Store b restored from an old backup: number 3 again, other round.
            let reused = round(3, store: "store-b", minute: 20, rtts: [0.030, 0.031])
            let clash = try await store.ingest(
                [reused], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(1400))
            #expect(clash.accepted == 0 && clash.duplicates == 0 && clash.conflictingRounds == [reused])
            // The same identity twice in one batch, with other content: the first is stored, the second conflicts.
            let x = round(7, store: "store-c", minute: 30)
            let y = round(7, store: "store-c", minute: 31)
            let inBatch = try await store.ingest(
                [x, y, x], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(1900))
            #expect(inBatch.accepted == 1 && inBatch.duplicates == 1 && inBatch.conflictingRounds == [y])
            #expect(try await store.roundCount() == 7)
            // Stored rounds read back with their store.
            let series = try await store.rounds(
                commune: "11953", target: "hub", from: Self.t0, to: Self.t0.addingTimeInterval(7200), limit: 100)
            #expect(
                series.map(\.round.storeID) == Array(repeating: "store-a", count: 3)
                    + Array(repeating: "store-b", count: 3) + ["store-c"])
            #expect(series.map(\.round) == a + b + [x])
            let probe = try #require(try await store.probes().first)
            #expect(probe.lastSequence == 7)
        }
    }

    @Test(
        "a link's newest round is its store's highest sequence, even when the gateway's clock jumped back",
        arguments: Backend.allCases)
    func clockJump(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let ahead = round(1, store: "s", minute: 60)  // the clock was an hour ahead
            let corrected = round(2, store: "s", minute: 2)  // NTP stepped it back
            _ = try await store.ingest([ahead], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(180))
            _ = try await store.ingest([corrected], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(190))
            #expect(try await store.latestRounds().map(\.round.sequence) == [2])
            // Both in one batch, in either order.
            let later = round(4, store: "s", minute: 3)
            _ = try await store.ingest(
                [later, round(3, store: "s", minute: 90)], probeID: "probe-11953",
                receivedAt: Self.t0.addingTimeInterval(250))
            #expect(try await store.latestRounds().map(\.round.sequence) == [4])
            // A new store of the same probe (rebuilt gateway) takes over from the old one, whatever its numbers.
            _ = try await store.ingest(
                [round(1, store: "t", minute: 4)], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(300))
            let latest = try await store.latestRounds()
            #expect(latest.map(\.round.storeID) == ["t"] && latest.map(\.round.sequence) == [1])
            // Between stores of one probe the later arrival is current (a replaced store sends nothing new; a clock
            // that is behind on the new store must not keep the old store's last round current).
            _ = try await store.ingest(
                [round(5, store: "s", minute: 3.5)], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(310)
            )
            #expect(try await store.latestRounds().map(\.round.storeID) == ["s"])
        }
    }

    @Test("a deleted token is recorded as revoked; others are not", arguments: Backend.allCases)
    func revokedTokens(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let hash = TokenHash(token: "viewer-secret-0123456789")
            try await store.saveToken(
                StoredToken(name: "noc", role: .viewer, probeID: nil, hash: hash, createdAt: Self.t0))
            #expect(try await store.isRevoked(hash) == false)
            #expect(try await store.deleteToken(name: "noc", at: Self.t0))
            #expect(try await store.isRevoked(hash))
            #expect(try await store.isRevoked(TokenHash(token: "other")) == false)
            #expect(try await store.deleteToken(name: "noc", at: Self.t0) == false)
        }
    }

    /// A province database written before store ids keeps every round; they read back without a store id, and a
    /// probe that predates store ids sending one again is a duplicate, not a new round.
    @Test("migrating a database of the previous schema keeps its rounds under the empty store id")
    func migratesOldDatabase() async throws {
        guard Shell.hasProgram("sqlite3") else {
            try Test.cancel("sqlite3 (Debian package sqlite3) is not installed")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let old = ProvinceSchema.migrations.prefix { $0.id != "v4-round-store-identity" }
        #expect(old.count == 3)
        var script = "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);\n"
        for migration in old {
            script += migration.statements.joined(separator: ";\n") + ";\n"
            script += "INSERT INTO grdb_migrations VALUES ('\(migration.id)');\n"
        }
        script += """
            INSERT INTO probe_round VALUES ('probe-11953', 1, '11953', 'hub', '10.33.0.1', 'icmp', 1790000000, 60, 20,
                2, '0.012,0.013', 0.0007, 0.0125, 0.9, 1790000100);
            INSERT INTO link_latest VALUES ('probe-11953', 1, '11953', 'hub', '10.33.0.1', 'icmp', 1790000000, 60, 20,
                2, '0.012,0.013', 0.0007, 0.0125, 0.9, 1790000100);
            INSERT INTO probe VALUES ('probe-11953', '11953', 1790000100, 1, 1);

            """
        let scriptPath = dir.appendingPathComponent("old.sql").path
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        try Shell.run(["sqlite3", path, ".read \(scriptPath)"])
        let store = try SQLiteProvinceStore(path: path)
        try await store.migrate()
        #expect(try await store.roundCount() == 1)
        let latest = try await store.latestRounds()
        #expect(latest.first?.round.storeID == nil && latest.first?.round.sequence == 1)
        let again = round(1, store: nil, minute: 0)
        let outcome = try await store.ingest(
            [again], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(200))
        #expect(outcome.duplicates == 1 && outcome.accepted == 0)
        let fresh = try await store.ingest(
            [round(1, store: "new", minute: 5)], probeID: "probe-11953", receivedAt: Self.t0.addingTimeInterval(400))
        #expect(fresh.accepted == 1)
        try await store.close()
    }
}
