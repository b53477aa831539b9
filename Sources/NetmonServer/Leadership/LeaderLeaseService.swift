import MeasurementStore
import ServiceLifecycle

/// Keeps the PostgreSQL leader lease (``PostgresLeaderLease``) for as long as the server runs, and releases it at
/// graceful shutdown so that another replica takes over at its next attempt. It starts once the store is migrated
/// (``storeIsReady()``): the lease row is one of the migrated tables.
struct LeaderLeaseService: Service {
    let lease: PostgresLeaderLease
    private let ready: AsyncStream<Void>
    private let readyContinuation: AsyncStream<Void>.Continuation

    init(lease: PostgresLeaderLease) {
        self.lease = lease
        (self.ready, self.readyContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Lets `run()` take the lease (called once migrations are applied).
    func storeIsReady() {
        self.readyContinuation.yield()
        self.readyContinuation.finish()
    }

    func run() async throws {
        for await _ in self.ready.cancelOnGracefulShutdown() { break }
        guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
        await cancelWhenGracefulShutdown { await self.lease.run() }
    }
}
