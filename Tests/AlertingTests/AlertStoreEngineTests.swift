import Foundation
import SiteCatalog
import TestSupport
import Testing

@testable import Alerting
@testable import MeasurementStore
@testable import ServerAlerting

/// The two engines of the alert store: the PostgreSQL one keeps what the SQLite one keeps, and its evaluation
/// commits are fenced by the leader lease (on a real PostgreSQL; cancelled with the reason without one).
@Suite("Alert store engines: SQLite and PostgreSQL alike; fenced commits")
struct AlertStoreEngineTests {
    let route = Route(
        receiver: "hook", groupBy: ["alertname", "commune"], groupWait: 30, groupInterval: 300, repeatInterval: 14_400)
    let rules = AlertRules(
        forSeconds: 120,
        communes: [
            .init(code: "12345", name: "Xã Nam Tiền Hải", probeID: "probe-12345"),
            .init(code: "12346", name: "Xã Tiên Lữ", probeID: "probe-12346"),
        ])

    /// A migrated PostgreSQL province store with the alert tables, running for the duration of `body`.
    static func withPostgres<T: Sendable>(
        _ body: @Sendable (PostgresProvinceStore) async throws -> T
    ) async throws -> T {
        let url: String
        do {
            url = try await PostgresCluster.shared.makeDatabase()
        } catch {
            try Test.cancel("PostgreSQL could not be started: \(error)")
        }
        guard case .postgres(let location) = try StoreLocation(parsing: url) else {
            throw StoreError(.badLocation, "not a PostgreSQL URL", context: url)
        }
        let store = try PostgresProvinceStore(location: location, additionalMigrations: PostgresAlertStore.migrations)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            try await store.migrate()
            return try await body(store)
        }
    }

    /// Takes the lease for `lease` once (as its loop would) and returns the term.
    static func take(_ lease: PostgresLeaderLease) async throws -> Leadership.Term? {
        guard let token = try await lease.attempt() else { return nil }
        let term = Leadership.Term(token: token)
        lease.leadership.set(term)
        return term
    }

    /// The same operations on `store`; returns what they observed (ids aside, which are random).
    func script(_ store: AlertStore) async throws -> [String] {
        var log: [String] = []
        let processor = try await AlertProcessor(store: store, rules: rules, route: route)
        var t = epoch
        var sent: [AlertNotification] = []
        for step in 0..<6 {  // 20% loss every minute: pending, firing after 2 min, then group_wait
            await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60)
            t = t + 60
            sent += try await processor.tick(at: t)
        }
        log.append("sent \(sent.count) with \(sent.map(\.alerts.count))")
        let firing = try await store.alerts(AlertQuery(states: [.firing]), now: t)
        log.append("firing \(firing.map { "\($0.labels["alertname"] ?? "")/\($0.labels["severity"] ?? "")" }.sorted())")
        log.append(
            "matched \(try await store.alerts(AlertQuery(matchers: [try LabelMatcher(parsing: "severity=critical")]), now: t).count)"
        )
        log.append("counts \(try await store.alertCounts().sorted { $0.key.rawValue < $1.key.rawValue })")
        // The outbox: due, retried later, delivered once.
        let notification = try #require(sent.first)
        log.append("due \(try await store.due(at: t).map(\.notification.id) == [notification.id])")
        try await store.reschedule(id: notification.id, attempts: 1, next: t + 10, error: "503")
        log.append(
            "due after retry \(try await store.due(at: t).count) next \(try await store.nextAttempt() == t + 10)")
        log.append("pending \(try await store.outbox(state: .pending).map { "\($0.attempts) \($0.lastError ?? "")" })")
        log.append("delivered \(try await store.markDelivered(id: notification.id, attempts: 2, at: t + 10))")
        log.append("again \(try await store.markDelivered(id: notification.id, attempts: 3, at: t + 11))")
        // A dead letter.
        var other = notification
        other.id = "other-\(UUID().uuidString)"
        try await store.enqueue([other, other])
        try await store.deadLetter(id: other.id, attempts: 5, error: "gone", at: t + 20)
        log.append("dead \(try await store.deadLetterCount()) \(try await store.outbox(state: .dead).map(\.lastError))")
        log.append("outbox \(try await store.outboxCounts().sorted { $0.key.rawValue < $1.key.rawValue })")
        log.append("pruned delivered \(try await store.pruneDelivered(before: t + 100))")
        // Silences mute, expire and are pruned.
        let silence = Silence(
            id: "s1", matchers: [try LabelMatcher(parsing: "commune=12345")], startsAt: t, endsAt: t + 3600,
            createdBy: "noc", comment: "works")
        try await store.add(silence)
        try await store.add(
            Silence(
                id: "s0", matchers: [try LabelMatcher(parsing: "commune=~1.*")], startsAt: t - 7200, endsAt: t - 3600))
        log.append(
            "active \(try await store.silences(activeAt: t + 1).map(\.id)) all \(try await store.silences().map(\.id))")
        log.append("silenced \(try await store.alerts(now: t + 1).map(\.isSilenced))")
        log.append(
            "expired \(try await store.expireSilence(id: "s1", at: t + 2)) \(try await store.expireSilence(id: "s1", at: t + 3))"
        )
        log.append("pruned silences \(try await store.pruneSilences(endedBefore: t + 100))")
        // Recovery resolves both alerts; retention removes them later.
        for step in 6..<16 {
            await processor.ingest([makeRound(sequence: Int64(step), start: t, lost: 0)], receivedAt: t + 60)
            t = t + 60
            sent += try await processor.tick(at: t)
        }
        log.append("resolved \(try await store.alerts(AlertQuery(states: [.resolved]), now: t).count)")
        log.append("recent \(try await store.alerts(AlertQuery(resolvedSince: t + 1), now: t).count)")
        log.append("pruned resolved \(try await store.pruneResolved(before: t + 1))")
        let snapshot = try await store.loadSnapshot()
        log.append("snapshot \(snapshot != nil) \(snapshot?.engine.machine.firing.count ?? -1)")
        return log
    }

    @Test("the PostgreSQL engine keeps and answers what the SQLite engine does")
    func parity() async throws {
        let directory = makeTemporaryDirectory("netmon-alert-engines")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try await self.script(
            try await AlertStore(path: directory.appendingPathComponent("alerts.sqlite").path))
        let postgres = try await Self.withPostgres { store in
            let lease = PostgresLeaderLease(store: store, leaseSeconds: 30)
            #expect(try await Self.take(lease) != nil)
            return try await self.script(AlertStore(engine: PostgresAlertStore(store: store, lease: lease)))
        }
        #expect(sqlite.count == postgres.count)
        for (a, b) in zip(sqlite, postgres) { #expect(a == b) }
        #expect(sqlite.first == "sent 1 with [2]")
    }

    @Test("a deposed leader's commit is refused; the new leader continues from the last commit without re-notifying")
    func fencing() async throws {
        try await Self.withPostgres { store in
            let leaseA = PostgresLeaderLease(store: store, leaseSeconds: 30)
            let leaseB = PostgresLeaderLease(store: store, leaseSeconds: 30)
            let a = AlertStore(engine: PostgresAlertStore(store: store, lease: leaseA))
            let b = AlertStore(engine: PostgresAlertStore(store: store, lease: leaseB))
            #expect(try await Self.take(leaseA) == Leadership.Term(token: 1))
            #expect(try await Self.take(leaseB) == nil)
            // A leads: inputs queued by either replica, taken in by A's commits.
            let processorA = try await AlertProcessor(store: a, rules: rules, route: route, restore: false)
            var t = epoch
            var sent: [AlertNotification] = []
            for step in 0..<6 {
                let replica = step % 2 == 0 ? a : b
                try await replica.queue(
                    .rounds([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60))
                t = t + 60
                sent += try await processorA.tick(at: t)
            }
            #expect(sent.count == 1)
            #expect(try await a.queuedInputs().isEmpty)
            // A's lease expires unseen by A (a pause, a partition) and B takes it with the next token.
            try await store.client.query("UPDATE netmon_leader SET expires_at = 0", logger: store.logger)
            #expect(try await Self.take(leaseB) == Leadership.Term(token: 2))
            try await b.queue(.rounds([makeRound(commune: "12346", sequence: 0, start: t, lost: 4)], receivedAt: t))
            do {
                try await processorA.tick(at: t + 60)
                Issue.record("the deposed leader committed")
            } catch let error as DeliveryError {
                #expect(error.code == .notLeader)
            }
            // Nothing of A's refused commits was written, and the queued input is still there for B.
            #expect(try await b.outboxCounts()[.pending] == 1)
            #expect(try await b.queuedInputs().count == 1)
            // B continues from A's last commit: the firing group is not notified again; the new commune is.
            let processorB = try await AlertProcessor(store: b, rules: rules, route: route, restore: false)
            try await processorB.reload(at: t)
            for step in 6..<12 {
                try await b.queue(
                    .rounds([makeRound(sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60))
                try await b.queue(
                    .rounds(
                        [makeRound(commune: "12346", sequence: Int64(step), start: t, lost: 4)], receivedAt: t + 60))
                t = t + 60
                sent += try await processorB.tick(at: t)
            }
            #expect(sent.count == 2)
            #expect(sent.last?.alerts.allSatisfy { $0.labels["commune"] == "12346" } == true)
            #expect(try await b.outboxCounts()[.pending] == 2)
            #expect(try await b.alerts(AlertQuery(states: [.firing]), now: t).count == 4)
        }
    }
}
