import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Leadership among `netmon serve` replicas from PostgreSQL itself: one row of `netmon_leader` is a lease with a
/// holder, an expiry (the database's clock) and a fencing token.
///
/// Every replica tries to take or renew the lease every `leaseSeconds / 3`; it takes it when it is free or expired,
/// and the token then grows by one. The holder stops doing singleton work when it could not renew within
/// `leaseSeconds` of its last successful attempt (its own monotonic clock, started before the database's expiry
/// was set, so it steps down before the row expires). If the leader dies, the row expires at most `leaseSeconds`
/// after its last renewal and another replica takes it at its next attempt: takeover within
/// ``takeoverBoundSeconds`` (`leaseSeconds + leaseSeconds / 3`, 20 s with the default 15 s). A replica that stops
/// gracefully releases the lease, so the next one takes over at its next attempt.
///
/// Fencing: a leader's writes that must not come from a deposed leader (the alert evaluation's commit) call
/// ``fence(_:logger:)`` inside their transaction. It reads the row `FOR SHARE` and checks the holder and token: a
/// replica taking the lease must update that row, so it waits for the write to commit, and a write after a
/// takeover sees the new token and fails. Two replicas never both commit under the same term.
public final class PostgresLeaderLease: Sendable {
    /// The lease table, applied with the province store's migrations (PostgreSQL only).
    public static let migrations = [
        ProvinceSchema.Migration(
            id: "pg-leader-lease-v1",
            statements: [
                """
                CREATE TABLE netmon_leader (
                    name TEXT PRIMARY KEY,
                    holder TEXT NOT NULL,
                    token BIGINT NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL
                )
                """
            ])
    ]

    /// This replica's view.
    public let leadership: Leadership
    /// How long a renewal holds the lease.
    public let leaseSeconds: Double
    /// The database the lease row is in.
    public let store: PostgresProvinceStore
    let logger: Logger
    /// Until when (this process's monotonic clock) the last successful attempt holds the lease.
    private let validUntil = Mutex<ContinuousClock.Instant?>(nil)

    /// Seconds between attempts to take or renew the lease.
    public var attemptSeconds: Double { self.leaseSeconds / 3 }

    /// The longest time from the leader's death to another replica leading.
    public var takeoverBoundSeconds: Double { self.leaseSeconds + self.attemptSeconds }

    /// A lease of `leaseSeconds` (at least 1) on `store`'s database.
    public init(
        store: PostgresProvinceStore, leaseSeconds: Double = 15, logger: Logger = Logger(label: "netmon.leader")
    ) {
        self.store = store
        self.leaseSeconds = max(1, leaseSeconds)
        self.logger = logger
        self.leadership = Leadership(
            sharedAs: Leadership.makeHolder(), takeoverBoundSeconds: self.leaseSeconds * 4 / 3)
    }

    /// Takes and renews the lease until cancelled, then releases it. Needs the store's client running.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            // The watchdog: steps down when the lease may have expired, even while an attempt hangs.
            group.addTask {
                while !Task.isCancelled {
                    if let until = self.validUntil.withLock({ $0 }), ContinuousClock.now >= until {
                        self.validUntil.withLock { $0 = nil }
                        self.change(to: nil, reason: "lease not renewed in time")
                    }
                    guard (try? await Task.sleep(for: .milliseconds(100))) != nil else { return }
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    let started = ContinuousClock.now
                    do {
                        if let token = try await self.attempt() {
                            self.validUntil.withLock { $0 = started + .milliseconds(Int64(self.leaseSeconds * 1000)) }
                            self.change(to: Leadership.Term(token: token), reason: "lease held")
                        } else {
                            self.validUntil.withLock { $0 = nil }
                            self.change(to: nil, reason: "another replica holds the lease")
                        }
                    } catch {
                        self.logger.warning("leader lease attempt failed", metadata: ["error": "\(error)"])
                    }
                    guard (try? await Task.sleep(for: .milliseconds(Int64(self.attemptSeconds * 1000)))) != nil
                    else { return }
                }
            }
            await group.next()
            group.cancelAll()
        }
        self.change(to: nil, reason: "stopping")
        // In a task of its own: this one is cancelled by now, and a cancelled query would not reach the server.
        await Task { await self.release() }.value
    }

    private func change(to term: Leadership.Term?, reason: String) {
        guard self.leadership.set(term) else { return }
        if let term {
            self.logger.info(
                "this replica leads", metadata: ["token": "\(term.token)", "holder": "\(self.leadership.holder)"])
        } else {
            self.logger.info("this replica does not lead", metadata: ["reason": "\(reason)"])
        }
    }

    /// One attempt: the token when this replica holds the lease afterwards, nil when another one does.
    func attempt() async throws -> Int64? {
        let holder = self.leadership.holder
        let lease = self.leaseSeconds
        let logger = self.logger
        return try await self.store.wrap("leader lease") {
            let rows = try await self.store.client.query(
                """
                INSERT INTO netmon_leader AS l (name, holder, token, expires_at)
                VALUES ('singleton', \(holder), 1, extract(epoch FROM clock_timestamp()) + \(lease))
                ON CONFLICT (name) DO UPDATE SET
                    token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END,
                    holder = excluded.holder, expires_at = excluded.expires_at
                WHERE l.holder = excluded.holder OR l.expires_at < extract(epoch FROM clock_timestamp())
                RETURNING token
                """, logger: logger)
            for try await token in rows.decode(Int64.self) { return token }
            return nil
        }
    }

    /// Gives the lease up (best effort): another replica takes it at its next attempt.
    public func release() async {
        let holder = self.leadership.holder
        do {
            try await self.store.wrap("release leader lease") {
                try await self.store.client.query(
                    "UPDATE netmon_leader SET expires_at = 0 WHERE name = 'singleton' AND holder = \(holder)",
                    logger: self.logger)
            }
        } catch {
            self.logger.debug("leader lease not released", metadata: ["error": "\(error)"])
        }
    }

    /// Inside a transaction on `connection`: throws a ``StoreError`` `.notLeader` unless this replica holds the lease
    /// under its current term, and keeps the row locked (`FOR SHARE`) until the transaction ends.
    public func fence(_ connection: PostgresConnection, logger: Logger) async throws {
        guard let term = self.leadership.term else {
            throw StoreError(.notLeader, "this replica does not lead", context: "netmon_leader")
        }
        let rows = try await connection.query(
            """
            SELECT token FROM netmon_leader WHERE name = 'singleton' AND holder = \(self.leadership.holder)
            FOR SHARE
            """, logger: logger)
        var stored: Int64?
        for try await token in rows.decode(Int64.self) { stored = token }
        guard stored == term.token else {
            throw StoreError(
                .notLeader, "the lease moved on (term \(term.token) is over)", context: "netmon_leader")
        }
    }
}
