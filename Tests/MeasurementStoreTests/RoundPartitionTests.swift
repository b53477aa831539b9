import CoverageModel
import Foundation
import GRDB
import MeasurementStore
import NetmonProtocol
import PostgresNIO
import TestSupport
import Testing

/// Issue 17 §4: raw rounds in day partitions on PostgreSQL (SQLite keeps its plain table), retention that drops
/// whole expired days, hourly rollups kept longer, and the round identity kept exact across partitions. Real
/// SQLite files and a real PostgreSQL server.
@Suite("Round partitions, retention and rollups (SQLite and PostgreSQL)")
struct RoundPartitionTests {
    static let day: Double = 86400
    /// Noon of a UTC day, so that rounds a few hours either side stay on that day.
    static let now = Date(timeIntervalSince1970: (1_790_000_000 / 86400).rounded(.down) * 86400 + 43200)
    /// 30 days of raw rounds, 400 of rollups.
    static func retention() throws -> RoundRetention {
        try RoundRetention(rawSeconds: 30 * 86400, rollupSeconds: 400 * 86400)
    }

    /// `count` rounds a minute apart from `start`, numbered from `first`.
    static func rounds(
        first: Int64, count: Int, start: Date, store: String? = "s1", rttBase: Double = 0.010
    ) -> [ProbeRound] {
        (0..<count).map { i in
            var r = makeRound(
                sequence: first + Int64(i), start: start.addingTimeInterval(Double(i) * 60),
                rtts: (0..<10).map { rttBase + Double(($0 * 7 + i) % 13) * 0.0004 })
            r.storeID = store
            return r
        }
    }

    /// The expected hourly rollups of `rounds` (built with the public `LinkRollup.add`), oldest first.
    static func expectedRollups(_ rounds: [ProbeRound]) -> [LinkRollup] {
        var out: [LinkRollup.Key: LinkRollup] = [:]
        for r in rounds {
            let hour = LinkRollup.bucket(of: r.start)
            let key = LinkRollup.Key(commune: r.commune, target: r.target, bucketStart: hour)
            out[key, default: LinkRollup(commune: r.commune, target: r.target, bucketStart: hour)].add(r)
        }
        return out.keys.sorted().compactMap { out[$0] }
    }

    /// Rollups compared with a tolerance for the floating sums (they are added in another order).
    static func same(_ a: [LinkRollup], _ b: [LinkRollup]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { x, y in
            x.key == y.key && x.rounds == y.rounds && x.sent == y.sent && x.received == y.received
                && x.rttCount == y.rttCount && abs(x.rttSum - y.rttSum) < 1e-9 && x.rttMin == y.rttMin
                && x.rttMax == y.rttMax && x.medianCount == y.medianCount && abs(x.medianSum - y.medianSum) < 1e-9
                && x.jitterCount == y.jitterCount && x.histogram == y.histogram
        }
    }

    static func allRollups(_ store: any ProvinceStore) async throws -> [LinkRollup] {
        try await store.linkRollups(
            commune: "11953", target: "hub", from: Date(timeIntervalSince1970: 0), to: now.addingTimeInterval(30 * day))
    }

    /// The partitions of `table` (PostgreSQL).
    static func partitions(_ store: any ProvinceStore, of table: String = "probe_round") async throws -> Set<String> {
        let pg = try #require(store as? PostgresProvinceStore)
        var names = Set<String>()
        let rows = try await pg.client.query(
            """
            SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = \(table)
            """)
        for try await name in rows.decode(String.self) { names.insert(name) }
        return names
    }

    /// The day partition of rounds holding `date`, written independently of the store's naming code.
    static func partitionName(_ date: Date) -> String { "probe_round_d" + utc(date, "yyyyMMdd") }

    /// The month partition of signal reports holding `date`.
    static func monthName(_ date: Date) -> String { "signal_report_m" + utc(date, "yyyyMM") }

    static func utc(_ date: Date, _ format: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = format
        return f.string(from: date)
    }

    @Test("ingest keeps hourly rollups; repeats and conflicts add nothing", arguments: Backend.allCases)
    func rollups(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let a = Self.rounds(first: 1, count: 150, start: Self.now.addingTimeInterval(-5 * 3600))
            _ = try await store.ingest(Array(a[0..<90]), probeID: "probe-11953", receivedAt: Self.now)
            _ = try await store.ingest(Array(a[60...]), probeID: "probe-11953", receivedAt: Self.now)
            var reused = a[10]
            reused.rttSeconds = [0.5]
            reused.received = 1
            let clash = try await store.ingest([reused], probeID: "probe-11953", receivedAt: Self.now)
            #expect(clash.conflictingRounds == [reused])
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(a)))
            #expect(try await Self.allRollups(store).count == 3)
        }
    }

    @Test("SQLite retention deletes expired rounds row by row; rollups outlive them")
    func sqliteRetention() async throws {
        try await withStore(.sqlite) { store in
            let old = Self.rounds(first: 1, count: 5, start: Self.now.addingTimeInterval(-40 * Self.day))
            let recent = Self.rounds(first: 6, count: 5, start: Self.now.addingTimeInterval(-10 * Self.day))
            _ = try await store.ingest(old + recent, probeID: "probe-11953", receivedAt: Self.now)
            let report = try await store.maintainRounds(now: Self.now, retention: try Self.retention())
            #expect(report.roundsDeleted == 5 && report.partitionsDropped.isEmpty && report.rollupsDeleted == 0)
            #expect(try await store.roundCount() == 5)
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(old + recent)))
            // Rollups expire after their own retention.
            let later = try await store.maintainRounds(
                now: Self.now.addingTimeInterval(375 * Self.day), retention: try Self.retention())
            #expect(later.rollupsDeleted == 1 && later.roundsDeleted == 5)
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(recent)))
        }
    }

    @Test("PostgreSQL retention drops only expired day partitions and default rows; the rest and rollups stay")
    func partitionRetention() async throws {
        try await withStore(.postgres) { store in
            // A leader 40 days ago made that week's partitions; rounds landed in them.
            let then = Self.now.addingTimeInterval(-40 * Self.day)
            let early = try await store.maintainRounds(now: then, retention: try Self.retention())
            let earlyDays = early.partitionsCreated.filter { $0.hasPrefix("probe_round_d") }
            #expect(earlyDays.count == 9 && earlyDays.contains(Self.partitionName(then)))
            let expiredDay = Self.rounds(first: 1, count: 4, start: then)
            // Backlog for days with no partition: 50 days ago (expired) and 10 days ago (kept), in the default one.
            let expiredBacklog = Self.rounds(first: 5, count: 3, start: Self.now.addingTimeInterval(-50 * Self.day))
            let keptBacklog = Self.rounds(first: 8, count: 3, start: Self.now.addingTimeInterval(-10 * Self.day))
            _ = try await store.ingest(
                expiredDay + expiredBacklog + keptBacklog, probeID: "probe-11953", receivedAt: Self.now)
            #expect(try await store.roundCount() == 10)

            let report = try await store.maintainRounds(now: Self.now, retention: try Self.retention())
            #expect(Set(report.partitionsDropped) == Set(earlyDays))
            #expect(report.roundsDeleted == 3 && report.rowsMoved == 0 && report.rollupsDeleted == 0)
            let days = report.partitionsCreated.filter { $0.hasPrefix("probe_round_d") }
            #expect(days.count == 9 && days.contains(Self.partitionName(Self.now)))
            let names = try await Self.partitions(store)
            #expect(names == Set(days + ["probe_round_default"]))
            #expect(try await store.roundCount() == 3)
            let kept = try await store.rounds(
                commune: "11953", target: "hub", from: Date(timeIntervalSince1970: 0), to: Self.now, limit: 100)
            #expect(kept.map(\.round) == keptBacklog)
            // Rollups of every round, expired ones included.
            #expect(
                Self.same(
                    try await Self.allRollups(store), Self.expectedRollups(expiredBacklog + expiredDay + keptBacklog)))
            // A pass with nothing to do changes nothing.
            let idle = try await store.maintainRounds(now: Self.now, retention: try Self.retention())
            #expect(idle == RoundMaintenanceReport())
            #expect(try await store.roundCount() == 3)
        }
    }

    @Test("PostgreSQL: duplicates and conflicts across partitions, before and after a day's partition is made")
    func identityAcrossPartitions() async throws {
        try await withStore(.postgres) { store in
            // Rounds of a day with no partition yet go to the default partition.
            let day = Self.now.addingTimeInterval(9 * Self.day)
            let a = Self.rounds(first: 1, count: 5, start: day)
            #expect(try await store.ingest(a, probeID: "probe-11953", receivedAt: Self.now).accepted == 5)
            // The leader makes that day's partition a few days later: the rounds move into it.
            let report = try await store.maintainRounds(
                now: Self.now.addingTimeInterval(3 * Self.day), retention: try Self.retention())
            #expect(report.rowsMoved == 5 && report.partitionsCreated.contains(Self.partitionName(day)))
            #expect(try await Self.partitions(store).contains(Self.partitionName(day)))
            #expect(try await store.roundCount() == 5)
            // Sent again: duplicates, found in the day's partition.
            let again = try await store.ingest(a, probeID: "probe-11953", receivedAt: Self.now)
            #expect(again.accepted == 0 && again.duplicates == 5 && again.conflictingRounds.isEmpty)
            // The same number with another start (another partition) and content: a conflict, not a second row.
            var moved = a[2]
            moved.start = Self.now
            let clash = try await store.ingest([moved], probeID: "probe-11953", receivedAt: Self.now)
            #expect(clash.accepted == 0 && clash.conflictingRounds == [moved])
            // A gap below the watermark is filled; another store's numbers are its own.
            let gap = Self.rounds(first: 20, count: 1, start: Self.now)
            let above = Self.rounds(first: 10, count: 1, start: Self.now)
            _ = try await store.ingest(gap, probeID: "probe-11953", receivedAt: Self.now)
            let filled = try await store.ingest(above, probeID: "probe-11953", receivedAt: Self.now)
            #expect(filled.accepted == 1)
            let other = try await store.ingest(
                Self.rounds(first: 1, count: 5, start: Self.now, store: "s2"), probeID: "probe-11953",
                receivedAt: Self.now)
            #expect(other.accepted == 5)
            #expect(try await store.roundCount() == 12)
            // Two ingests of one batch at once (two replicas): one stores it, the other counts duplicates.
            let batch = Self.rounds(first: 30, count: 200, start: Self.now.addingTimeInterval(3600))
            async let x = store.ingest(batch, probeID: "probe-11953", receivedAt: Self.now)
            async let y = store.ingest(batch, probeID: "probe-11953", receivedAt: Self.now)
            let (rx, ry) = try await (x, y)
            #expect(rx.accepted + ry.accepted == 200 && rx.duplicates + ry.duplicates == 200)
            #expect(try await store.roundCount() == 212)
            let all = a + gap + above + Self.rounds(first: 1, count: 5, start: Self.now, store: "s2") + batch
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(all)))
        }
    }

    /// The SQL of every migration before this one, for building a store as an older build left it.
    static var olderMigrations: [ProvinceSchema.Migration] {
        Array(ProvinceSchema.migrations.prefix { $0.id != "v9-round-partitions-rollups" })
    }

    /// An old-layout insert of one round (the columns every build since v4 has).
    static func insertSQL(_ r: ProbeRound, received: Double) -> String {
        let rtt = r.rttSeconds.map { "\($0)" }.joined(separator: ",")
        let jitter = r.jitterSeconds.map { "\($0)" } ?? "NULL"
        let median = r.medianRTTSeconds.map { "\($0)" } ?? "NULL"
        return """
            INSERT INTO probe_round (probe_id, sequence, commune, target, address, kind, start_at, step_seconds, sent,
                received, rtt_seconds, jitter_seconds, median_seconds, loss_ratio, received_at, store_id)
            VALUES ('\(r.probeID)', \(r.sequence), '\(r.commune)', '\(r.target)', '\(r.address)', '\(r.kind)',
                \(r.start.timeIntervalSince1970), \(r.stepSeconds), \(r.sent), \(r.received), '\(rtt)', \(jitter),
                \(median), \(r.lossRatio), \(received), '\(r.storeID ?? "")')
            """
    }

    @Test(
        "an existing store with rounds migrates: rounds kept (in day partitions on PostgreSQL), rollups built, identity exact",
        arguments: Backend.allCases)
    func migrationOfExistingStore(_ backend: Backend) async throws {
        // Rounds over three days, written by an older build.
        let rounds =
            Self.rounds(first: 1, count: 70, start: Self.now.addingTimeInterval(-2 * Self.day))
            + Self.rounds(first: 71, count: 30, start: Self.now)
            + Self.rounds(first: 1, count: 3, start: Self.now, store: nil)
        let received = Self.now.timeIntervalSince1970
        let older = Self.olderMigrations
        // And a complete upload of two signal reports.
        let reportRows = [
            """
            INSERT INTO report_upload (upload_id, uploaded_at, uploaded_by, format, preset, rows_read, rows_accepted,
                rows_rejected, state) VALUES ('u1', \(received), 'admin', 'csv', 'generic', 2, 2, 0, 'complete')
            """,
            """
            INSERT INTO signal_report (upload_id, ordinal, time_at, lat, lon, technology, rsrp_dbm)
            VALUES ('u1', 0, \(received), 20.65, 106.05, '4G', -95), ('u1', 1, NULL, 20.66, 106.06, '4G', -101)
            """,
        ]
        let (location, cleanup) = try await freshLocation(backend)
        if case .sqlite(let path) = location {
            let queue = try DatabaseQueue(path: path)
            var migrator = DatabaseMigrator()
            for m in older {
                migrator.registerMigration(m.id) { db in
                    for sql in m.sqliteStatements + m.statements { try db.execute(sql: sql) }
                }
            }
            try migrator.migrate(queue)
            try await queue.write { db in
                for r in rounds { try db.execute(sql: Self.insertSQL(r, received: received)) }
                for sql in reportRows { try db.execute(sql: sql) }
            }
            try queue.close()
        }
        let store = try location.open()
        defer { if let cleanup { try? FileManager.default.removeItem(atPath: cleanup) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            if let pg = store as? PostgresProvinceStore {
                try await pg.client.query("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                for m in older {
                    for sql in m.postgresStatements + m.statements {
                        try await pg.client.query(PostgresQuery(unsafeSQL: sql))
                    }
                    try await pg.client.query("INSERT INTO grdb_migrations (identifier) VALUES (\(m.id))")
                }
                for r in rounds {
                    try await pg.client.query(PostgresQuery(unsafeSQL: Self.insertSQL(r, received: received)))
                }
                for sql in reportRows { try await pg.client.query(PostgresQuery(unsafeSQL: sql)) }
            }
            try await store.migrate()
            #expect(try await store.roundCount() == rounds.count)
            let read = try await store.rounds(
                commune: "11953", target: "hub", from: Date(timeIntervalSince1970: 0),
                to: Self.now.addingTimeInterval(Self.day), limit: 1000)
            #expect(Set(read.map(\.round)) == Set(rounds))
            #expect(try await store.signalReportCount() == 2)
            let page = try await store.signalReports(after: nil, limit: 10)
            #expect(page.reports.map(\.rsrpDbm) == [-95, -101])
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(rounds)))
            if backend == .postgres {
                let names = try await Self.partitions(store)
                #expect(
                    names == [
                        "probe_round_default", Self.partitionName(Self.now.addingTimeInterval(-2 * Self.day)),
                        Self.partitionName(Self.now),
                    ])
                #expect(
                    try await Self.partitions(store, of: "signal_report") == [
                        "signal_report_default", Self.monthName(Self.now),
                    ])
            }
            // The identity is as exact as before: repeats are duplicates, a reused number a conflict, new ones new.
            let again = try await store.ingest(rounds, probeID: "probe-11953", receivedAt: Self.now)
            #expect(again.accepted == 0 && again.duplicates == rounds.count)
            var reused = rounds[5]
            reused.start = Self.now
            let clash = try await store.ingest([reused], probeID: "probe-11953", receivedAt: Self.now)
            #expect(clash.conflictingRounds == [reused])
            let next = Self.rounds(first: 101, count: 2, start: Self.now.addingTimeInterval(3 * 3600))
            #expect(try await store.ingest(next, probeID: "probe-11953", receivedAt: Self.now).accepted == 2)
            #expect(Self.same(try await Self.allRollups(store), Self.expectedRollups(rounds + next)))
            try await store.close()
        }
    }

    @Test("PostgreSQL: gateway signal reports keep their identity across month partitions")
    func reportIdentityAcrossPartitions() async throws {
        try await withStore(.postgres) { store in
            func report(_ rsrp: Double) -> SignalReport {
                SignalReport(
                    time: 1_790_000_000, lat: 20.6465, lon: 106.0512, technology: .fourG, operatorCode: "452-04",
                    rsrpDbm: rsrp, device: "gateway:11953")
            }
            let entries = (1...3).map { GatewaySignalEntry(storeID: "s", sequence: Int64($0), report: report(-90)) }
            let first = try await store.ingestGatewaySignalReports(
                entries, probeID: "probe-11953", source: "gateway:11953", receivedAt: Self.now)
            #expect(first.accepted == 3)
            // No month partition yet: the rows wait in the default one until the leader makes this month's.
            let now = Date()
            let upkeep = try await store.maintainRounds(now: now, retention: try Self.retention())
            #expect(upkeep.partitionsCreated.contains(Self.monthName(now)) && upkeep.rowsMoved == 3)
            #expect(try await Self.partitions(store, of: "signal_report").contains(Self.monthName(now)))
            var again = entries
            again[2].report.rsrpDbm = -60
            let second = try await store.ingestGatewaySignalReports(
                again, probeID: "probe-11953", source: "gateway:11953", receivedAt: Self.now)
            #expect(second == GatewaySignalOutcome(accepted: 0, duplicates: 2, conflicting: [2]))
            #expect(try await store.signalReportCount() == 3)
            let next = try await store.ingestGatewaySignalReports(
                [GatewaySignalEntry(storeID: "s", sequence: 4, report: report(-80))], probeID: "probe-11953",
                source: "gateway:11953", receivedAt: Self.now)
            #expect(next.accepted == 1)
            #expect(try await store.signalReportCount() == 4)
        }
    }
}
