import Foundation
import GRDB
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

@Suite("Gateway store")
struct GatewayStoreTests {
    let directory = makeTemporaryDirectory()
    var path: String { directory.appendingPathComponent("probe.sqlite").path }

    @Test("a new file is WAL, incrementally vacuumed, and migrated")
    func schema() async throws {
        let store = try GatewayStore(path: path)
        #expect(try await store.journalMode() == "wal")
        #expect(try await store.autoVacuumMode() == 2)
        // Writes are durable across power loss, not only crashes: synchronous = FULL (2) on the writer.
        #expect(try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        let tables = try await store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        for table in [
            "outbox", "rollup", "round", "sequence_counter", "store_counter", "store_identity", "rejected_round",
            "signal_counter", "signal_report", "signal_outbox", "rejected_signal",
        ] {
            #expect(tables.contains(table))
        }
        let applied = try await store.pool.read { db in try StoreSchema.makeMigrator().appliedIdentifiers(db) }
        #expect(applied.count == 4)
        #expect(try await store.storeID().count == 32)
    }

    @Test("a database of the first schema gains a store id; its unsent rounds keep their JSON and go out as before")
    func upgradesFirstSchema() async throws {
        do {
            let old = try DatabasePool(path: path)
            try StoreSchema.makeMigrator().migrate(old, upTo: "v1: rounds, rollups, outbox, sequence counters")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO round (probe_id, sequence, commune, target, address, kind, start, step_seconds, sent,
                                           received, rtt_seconds, jitter_seconds, median_seconds)
                        VALUES ('probe-1', 1, '12345', 'hub', '127.0.0.1', 'icmp', 1780000000, 60, 20, 0, '[]', NULL, NULL)
                        """)
                try db.execute(
                    sql: "INSERT INTO outbox (probe_id, sequence, payload, enqueued_at) VALUES ('probe-1', 1, '{}', 0)")
                try db.execute(sql: "INSERT INTO sequence_counter (probe_id, last_sequence) VALUES ('probe-1', 1)")
            }
            try old.close()
        }
        let store = try GatewayStore(path: path)
        let id = try await store.storeID()
        #expect(id.count == 32)
        #expect(try await store.pendingPayloads(probeID: "probe-1", limit: 10).map(\.payload) == ["{}"])
        let stored = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT store_id FROM round") }
        #expect(stored == [""])
        // The round the first schema holds reads back through the record, without a store id.
        let first = try await store.rounds(to: Date(timeIntervalSince1970: 1_780_000_001))
        #expect(first.map(\.sequence) == [1] && first.map(\.storeID) == [nil] && first.map(\.rttSeconds) == [[]])
        #expect(first.first?.start == Date(timeIntervalSince1970: 1_780_000_000) && first.first?.jitterSeconds == nil)
        // New rounds carry the store id and continue the numbering.
        let rounds = try await store.record(
            [measurement(start: Date(timeIntervalSince1970: 1_780_000_060))], probeID: "probe-1")
        #expect(rounds.map(\.sequence) == [2] && rounds.map(\.storeID) == [id])
        // Written and read through the round's record: the same round, and its median in its column.
        #expect(try await store.rounds(from: Date(timeIntervalSince1970: 1_780_000_060)) == rounds)
        let median = try await store.pool.read { db in
            try Double.fetchOne(db, sql: "SELECT median_seconds FROM round WHERE sequence = 2")
        }
        #expect(median != nil && median == rounds.first?.medianRTTSeconds)
        #expect(try await store.pendingPayloads(probeID: "probe-1", limit: 10).last?.payload.contains(id) == true)
    }

    @Test("sequence numbers continue across writes and reopening, with no gap")
    func sequences() async throws {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        do {
            let store = try GatewayStore(path: path)
            let first = try await store.record(
                [measurement(start: start), measurement(target: "portal", start: start)], probeID: "probe-1")
            #expect(first.map(\.sequence) == [1, 2])
        }
        let reopened = try GatewayStore(path: path)
        let second = try await reopened.record([measurement(start: start.addingTimeInterval(60))], probeID: "probe-1")
        #expect(second.map(\.sequence) == [3])
        // Another probe id has its own counter.
        let other = try await reopened.record([measurement(start: start)], probeID: "probe-2")
        #expect(other.map(\.sequence) == [1])
        #expect(try await reopened.lastSequence(probeID: "probe-1") == 3)
        // Expiring every raw round must not let numbers be reused.
        try await reopened.pool.write { db in try db.execute(sql: "DELETE FROM round") }
        let third = try await reopened.record([measurement(start: start)], probeID: "probe-1")
        #expect(third.map(\.sequence) == [4])
    }

    @Test("the outbox holds each round's wire JSON until acknowledged")
    func outbox() async throws {
        let store = try GatewayStore(path: path)
        let start = Date(timeIntervalSince1970: 1_780_000_020)
        let rounds = try await store.record(
            (0..<5).map { measurement(start: start.addingTimeInterval(Double($0) * 60)) }, probeID: "probe-1")
        let pending = try await store.pendingPayloads(probeID: "probe-1", limit: 3)
        #expect(pending.map(\.sequence) == [1, 2, 3])
        let decoded = try WireCoding.makeDecoder().decode(ProbeRound.self, from: Data(pending[0].payload.utf8))
        #expect(decoded == rounds[0])
        #expect(pending[0].payload.contains("\"start\":\"2026-05-28T"))
        try await store.acknowledge(probeID: "probe-1", through: 3)
        #expect(try await store.pendingPayloads(probeID: "probe-1", limit: 10).map(\.sequence) == [4, 5])
        #expect(try await store.pendingCount() == 2)
        // Raw rounds stay after acknowledgement.
        #expect(try await store.rounds().count == 5)
    }

    @Test("5-minute and hourly rollups consolidate every round as it is written")
    func rollups() async throws {
        let store = try GatewayStore(path: path)
        let hour = Date(timeIntervalSince1970: 1_780_002_000)  // a multiple of 3600
        // Five rounds in the first 5-minute bucket, two in the second; one with no reply at all.
        var ms: [RoundMeasurement] = []
        for i in 0..<5 {
            ms.append(
                measurement(
                    start: hour.addingTimeInterval(Double(i) * 60), sent: 10, rtts: [0.010 + Double(i) * 0.001, 0.030]))
        }
        ms.append(measurement(start: hour.addingTimeInterval(300), sent: 10, rtts: [0.002]))
        ms.append(measurement(start: hour.addingTimeInterval(360), sent: 10, rtts: [], jitter: nil))
        try await store.record(ms, probeID: "probe-1")
        let five = try await store.rollups(resolution: 300)
        #expect(five.count == 2)
        let a = try #require(five.first)
        #expect(a.bucketStart == hour)
        #expect(a.rounds == 5)
        #expect(a.sent == 50)
        #expect(a.received == 10)
        #expect(a.rttMin == 0.010)
        #expect(a.rttMax == 0.030)
        // Medians: (0.010+0.030)/2 = 0.020 … (0.014+0.030)/2 = 0.022 → mean 0.021.
        #expect(abs(a.meanMedianSeconds! - 0.021) < 1e-12)
        let b = five[1]
        #expect(b.rounds == 2)
        #expect(b.sent == 20 && b.received == 1)
        #expect(b.rttMin == 0.002 && b.rttMax == 0.002)
        #expect(b.lossRatio == 0.95)
        let hourly = try await store.rollups(resolution: 3600)
        #expect(hourly.count == 1)
        #expect(hourly[0].rounds == 7)
        #expect(hourly[0].sent == 70)
        #expect(hourly[0].received == 11)
        #expect(hourly[0].rttMin == 0.002 && hourly[0].rttMax == 0.030)
        #expect(hourly[0].medianCount == 6)
    }

    @Test("retention expires raw rounds, 5-minute and hourly rollups at their own ages")
    func retention() async throws {
        let policy = RetentionPolicy(
            rawSeconds: 7 * 86_400, fiveMinuteSeconds: 90 * 86_400, hourlySeconds: 730 * 86_400)
        let store = try GatewayStore(path: path, retention: policy)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let days: [Double] = [1, 6.9, 7.1, 89, 91, 700, 731]
        try await store.record(
            days.map { measurement(start: now.addingTimeInterval(-$0 * 86_400)) }, probeID: "probe-1")
        let report = try await store.applyRetention(now: now)
        #expect(report.rawRounds == 5)
        #expect(report.fiveMinuteRollups == 3)
        #expect(report.hourlyRollups == 1)
        let raw = try await store.rounds()
        #expect(raw.count == 2)
        #expect(try await store.rollups(resolution: 300).count == 4)
        #expect(try await store.rollups(resolution: 3600).count == 6)
        // The outbox is not subject to age: unsent rounds wait for the server.
        #expect(try await store.pendingCount() == 7)
    }

    @Test("a full outbox drops its oldest rounds and counts them")
    func outboxLimit() async throws {
        let store = try GatewayStore(path: path, retention: RetentionPolicy(maxOutboxRounds: 10))
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        for batch in 0..<3 {
            try await store.record(
                (0..<6).map { measurement(start: start.addingTimeInterval(Double(batch * 6 + $0) * 60)) },
                probeID: "probe-1")
        }
        #expect(try await store.pendingCount() == 10)
        #expect(try await store.droppedCount() == 8)
        #expect(try await store.pendingPayloads(probeID: "probe-1", limit: 1).first?.sequence == 9)
    }

    @Test("over its size ceiling the store trims the oldest raw rounds and stays bounded")
    func sizeCeiling() async throws {
        let store = try GatewayStore(path: path, retention: RetentionPolicy(maxDatabaseBytes: 400_000))
        let now = Date()
        let rtts = (0..<20).map { 0.001 * Double($0 + 1) }
        for batch in 0..<20 {
            try await store.record(
                (0..<50).map {
                    measurement(target: "t\($0)", start: now.addingTimeInterval(Double(batch - 20) * 60), rtts: rtts)
                }, probeID: "probe-1")
        }
        try await store.acknowledge(probeID: "probe-1", through: 1000)
        let before = try await store.usedBytes()
        #expect(before > 400_000)
        let report = try await store.applyRetention(now: now)
        #expect(report.rawRoundsOverSize > 0)
        #expect(try await store.usedBytes() <= 400_000)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(Int64(size) < before)
        // Newest rounds kept, oldest gone.
        let kept = try await store.rounds()
        #expect(kept.last?.sequence == 1000)
        #expect(kept.first!.sequence > 1)
    }

    @Test("a database migrated by a newer build is refused, not written")
    func newerSchema() async throws {
        do {
            let store = try GatewayStore(path: path)
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')")
            }
        }
        #expect {
            _ = try GatewayStore(path: path)
        } throws: { error in
            (error as? GatewayStoreError)?.code == .newerSchema
        }
    }

    @Test("an unwritable location is a clear open error")
    func unwritable() {
        #expect {
            _ = try GatewayStore(path: "/proc/netmon-no/such/dir/probe.sqlite")
        } throws: { error in
            guard let error = error as? GatewayStoreError else { return false }
            return error.code == .open && error.description.contains("/proc/netmon-no/such/dir/probe.sqlite")
        }
    }
}
