import Foundation
import MeasurementStore
import NetmonProtocol
import TestSupport
import Testing

/// One contract, run against a real SQLite file and a real PostgreSQL server.
@Suite("ProvinceStore contract (SQLite and PostgreSQL)")
struct ProvinceStoreTests {
    @Test("migrations are idempotent and the store starts empty", arguments: Backend.allCases)
    func migrateTwice(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            try await store.migrate()
            #expect(try await store.roundCount() == 0)
            #expect(try await store.latestRounds().isEmpty)
            #expect(try await store.probes().isEmpty)
        }
    }

    @Test("rounds are stored once by (probe id, sequence); repeats count as duplicates", arguments: Backend.allCases)
    func deduplicates(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            let batch = (0..<10).map { makeRound(sequence: Int64($0), start: t0.addingTimeInterval(Double($0) * 60)) }
            let first = try await store.ingest(batch, probeID: "probe-11953", receivedAt: t0.addingTimeInterval(700))
            #expect(first == IngestOutcome(accepted: 10, duplicates: 0))
            // Same batch again, plus an in-batch repeat and two new rounds.
            let again = batch + [batch[3], makeRound(sequence: 10), makeRound(sequence: 11)]
            let second = try await store.ingest(again, probeID: "probe-11953", receivedAt: t0.addingTimeInterval(800))
            #expect(second == IngestOutcome(accepted: 2, duplicates: 11))
            #expect(first.acceptedRounds == batch)
            #expect(second.acceptedRounds.map(\.sequence) == [10, 11])  // what listeners (alerting) are given
            #expect(try await store.roundCount() == 12)
            let probes = try await store.probes()
            #expect(probes.count == 1)
            #expect(probes.first?.roundsAccepted == 12)
            #expect(probes.first?.lastSequence == 11)
            #expect(probes.first?.lastHeardAt == t0.addingTimeInterval(800))
        }
    }

    @Test("out-of-order rounds are accepted; the newest per link stays current", arguments: Backend.allCases)
    func outOfOrder(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            let late = makeRound(sequence: 5, start: t0.addingTimeInterval(300))
            let early = makeRound(sequence: 2, start: t0.addingTimeInterval(120))
            _ = try await store.ingest([late], probeID: "probe-11953", receivedAt: t0.addingTimeInterval(400))
            let outcome = try await store.ingest(
                [early], probeID: "probe-11953", receivedAt: t0.addingTimeInterval(401))
            #expect(outcome.accepted == 1)
            let latest = try await store.latestRounds()
            #expect(latest.count == 1)
            #expect(latest.first?.round.sequence == 5)
            let series = try await store.rounds(
                commune: "11953", target: "hub", from: t0, to: t0.addingTimeInterval(3600), limit: 100)
            #expect(series.map(\.round.sequence) == [2, 5])
        }
    }

    @Test("a round reads back exactly as written, Vietnamese text included", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_123.25)
            var r = makeRound(sequence: 42, commune: "12345", target: "cổng-dịch-vụ", start: t0)
            r.rttSeconds = [0.0101, 0.0102, 0.5, 1.999999]
            r.received = 4
            r.jitterSeconds = nil
            _ = try await store.ingest([r], probeID: r.probeID, receivedAt: t0)
            let back = try await store.rounds(
                commune: "12345", target: "cổng-dịch-vụ", from: t0, to: t0.addingTimeInterval(1), limit: 10)
            #expect(back.map(\.round) == [r])
            // A round with no replies at all.
            var lost = makeRound(
                sequence: 43, commune: "12345", target: "cổng-dịch-vụ", start: t0.addingTimeInterval(60))
            lost.rttSeconds = []
            lost.received = 0
            lost.jitterSeconds = nil
            _ = try await store.ingest([lost], probeID: r.probeID, receivedAt: t0)
            let latest = try await store.latestRounds()
            #expect(latest.first?.round == lost)
            #expect(latest.first?.round.lossRatio == 1)
        }
    }

    @Test("a failed batch leaves nothing behind", arguments: Backend.allCases)
    func atomicIngest(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            var bad = makeRound(sequence: 2)
            bad.received = bad.sent + 1  // violates CHECK (received <= sent)
            await #expect(throws: StoreError.self) {
                _ = try await store.ingest([makeRound(sequence: 1), bad], probeID: "probe-11953", receivedAt: Date())
            }
            let count = try await store.roundCount()
            let probes = try await store.probes()
            #expect(count == 0)
            #expect(probes.isEmpty)
        }
    }

    @Test("tokens are stored as SHA-256 hashes and replaced by name", arguments: Backend.allCases)
    func tokens(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let secret = TokenHash.generateToken()
            let hash = TokenHash(token: secret)
            try await store.saveToken(
                StoredToken(name: "probe-11953", role: .probe, probeID: "probe-11953", hash: hash, createdAt: Date()))
            try await store.saveToken(
                StoredToken(name: "noc", role: .viewer, probeID: nil, hash: TokenHash(token: "v"), createdAt: Date()))
            var all = try await store.tokens()
            #expect(all.map(\.name) == ["noc", "probe-11953"])
            #expect(all.last?.hash.constantTimeEquals(hash) == true)
            #expect(all.last?.hash.hex != secret)
            let rotated = TokenHash(token: "rotated")
            try await store.saveToken(
                StoredToken(name: "noc", role: .admin, probeID: nil, hash: rotated, createdAt: Date()))
            all = try await store.tokens()
            #expect(all.count == 2)
            #expect(all.first?.role == .admin)
            #expect(try await store.deleteToken(name: "noc", at: Date()))
            #expect(try await store.deleteToken(name: "noc", at: Date()) == false)
            // A probe token without a probe id violates the schema.
            await #expect(throws: StoreError.self) {
                try await store.saveToken(
                    StoredToken(name: "x", role: .probe, probeID: nil, hash: TokenHash(token: "x"), createdAt: Date()))
            }
        }
    }

    @Test("coverage snapshots replace the previous one of the same kind", arguments: Backend.allCases)
    func coverageSnapshots(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            #expect(try await store.coverageSnapshot(kind: "communes") == nil)
            let a = CoverageSnapshot(
                kind: "communes", createdAt: Date(timeIntervalSince1970: 1), json: #"{"a":"Hưng Yên"}"#)
            let b = CoverageSnapshot(kind: "communes", createdAt: Date(timeIntervalSince1970: 2), json: #"{"b":2}"#)
            try await store.saveCoverageSnapshot(a)
            try await store.saveCoverageSnapshot(b)
            #expect(try await store.coverageSnapshot(kind: "communes") == b)
        }
    }

    @Test("many links and a large batch", arguments: Backend.allCases)
    func largeBatch(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000)
            var rounds: [ProbeRound] = []
            for i in 0..<2500 {
                rounds.append(
                    makeRound(
                        probe: "probe-11953", sequence: Int64(i),
                        target: ["hub", "portal", "dns", "meeting", "lgsp"][i % 5],
                        start: t0.addingTimeInterval(Double(i / 5) * 60)))
            }
            let outcome = try await store.ingest(rounds, probeID: "probe-11953", receivedAt: t0)
            #expect(outcome == IngestOutcome(accepted: 2500, duplicates: 0))
            let latest = try await store.latestRounds()
            #expect(latest.count == 5)
            #expect(latest.allSatisfy { $0.round.start == t0.addingTimeInterval(499 * 60) })
        }
    }
}

@Suite("Store locations and token hashes")
struct StoreLocationTests {
    @Test func parsesLocations() throws {
        #expect(try StoreLocation(parsing: "sqlite:/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        #expect(try StoreLocation(parsing: "netmon.sqlite") == .sqlite(path: "netmon.sqlite"))
        guard
            case .postgres(let pg) = try StoreLocation(
                parsing: "postgres://u:p%40ss@db.local:6543/netmon?sslmode=require")
        else {
            Issue.record("not postgres")
            return
        }
        #expect(pg.host == "db.local" && pg.port == 6543 && pg.username == "u" && pg.password == "p@ss")
        #expect(pg.database == "netmon" && pg.sslMode == .require)
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "mysql://x/y") }
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "postgres://db.local/netmon") }
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "postgres://u@db.local/") }
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "postgres://u@h/d?sslmode=maybe") }
        #expect(throws: StoreError.self) { try StoreLocation(parsing: "sqlite:") }
    }

    @Test func hashesAndComparesTokens() {
        let h = TokenHash(token: "abc")
        // SHA-256("abc") from FIPS 180-2.
        #expect(h.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenHash(hex: h.hex) == h)
        #expect(TokenHash(hex: "zz") == nil)
        #expect(h.constantTimeEquals(TokenHash(token: "abc")))
        #expect(!h.constantTimeEquals(TokenHash(token: "abd")))
        #expect(TokenHash.generateToken() != TokenHash.generateToken())
    }
}
