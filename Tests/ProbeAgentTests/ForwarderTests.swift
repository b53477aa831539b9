import Foundation
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

@Suite("Forwarder")
struct ForwarderTests {
    let directory = makeTemporaryDirectory()

    func makeStore() throws -> GatewayStore {
        try GatewayStore(path: directory.appendingPathComponent("probe.sqlite").path)
    }

    func record(_ count: Int, into store: GatewayStore, from: Int = 0) async throws {
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        try await store.record(
            (from..<(from + count)).map {
                measurement(target: "t\($0 % 7)", start: start.addingTimeInterval(Double($0) * 60))
            },
            probeID: "probe-12345")
    }

    @Test("batches go out oldest first, through server errors, and leave the outbox only when acknowledged")
    func deliversInOrderThroughFailures() async throws {
        let store = try makeStore()
        try await record(230, into: store)
        let receiver = IngestReceiver(token: "s3cret-token")
        receiver.failNext(3)
        try await receiver.serving {
            #expect(await eventually { receiver.port != nil })
            let url = URL(string: "http://127.0.0.1:\((try #require(receiver.port)))")!
            let configuration = ForwarderConfiguration(
                serverURL: url, token: "s3cret-token", batchSize: 50,
                backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.2),
                pollInterval: .milliseconds(100))
            let metrics = MetricsRegistry(commune: "12345", version: "test")
            metrics.setCaptureDrops(5, interface: "eth0")
            metrics.setCaptureDrops(2, interface: "eth1")
            let forwarder = Forwarder(
                store: store, probeID: "probe-12345", configuration: configuration, metrics: metrics)
            try await withRunningService(forwarder) {
                #expect(await eventually { receiver.snapshot.accepted.count == 230 })
                // New rounds while running are picked up too.
                try await record(20, into: store, from: 230)
                forwarder.notifyNewRounds()
                #expect(await eventually { receiver.snapshot.accepted.count == 250 })
                #expect(await eventually { (try? await store.pendingCount()) == 0 })
            }
            let state = receiver.snapshot
            #expect(state.accepted == Array(1...250))
            #expect(state.duplicates == 0)
            #expect(state.requests >= 3 + 5 + 1)
            #expect(state.badBodies == 0)
            // Every batch carries the probe's health: the outbox as the batch left (itself included), the drops.
            let health = state.health.compactMap { $0 }
            #expect(health.count == state.health.count && health.count >= 5)
            #expect(health.first?.outboxPending == 230)
            #expect(health.prefix(5).map(\.outboxPending) == [230, 180, 130, 80, 30])
            #expect(health.allSatisfy { $0.captureDropsTotal == 7 })
            #expect(metrics.render().contains("netmon_forward_failures_total{commune=\"12345\"} 3"))
            #expect(metrics.render().contains("netmon_outbox_pending{commune=\"12345\"} 0"))
        }
    }

    @Test("a wrong token is refused by the server and the rounds stay in the outbox")
    func wrongTokenKeepsRounds() async throws {
        let store = try makeStore()
        try await record(10, into: store)
        let receiver = IngestReceiver(token: "right")
        try await receiver.serving {
            #expect(await eventually { receiver.port != nil })
            let configuration = ForwarderConfiguration(
                serverURL: URL(string: "http://127.0.0.1:\((try #require(receiver.port)))")!, token: "wrong",
                backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1), pollInterval: .milliseconds(100))
            let forwarder = Forwarder(store: store, probeID: "probe-12345", configuration: configuration)
            try await withRunningService(forwarder) {
                #expect(await eventually { receiver.snapshot.unauthorized >= 2 })
            }
            #expect(receiver.snapshot.accepted.isEmpty)
            #expect(try await store.pendingCount() == 10)
        }
    }

    @Test("while the server is down rounds wait; when it returns they all arrive, oldest first")
    func resumesAfterDowntime() async throws {
        let store = try makeStore()
        try await record(40, into: store)
        // Find a free port, then leave it closed: the server is "down".
        let probe = IngestReceiver(token: "t")
        try await probe.serving { #expect(await eventually { probe.port != nil }) }
        let port = try #require(probe.port)
        let configuration = ForwarderConfiguration(
            serverURL: URL(string: "http://127.0.0.1:\(port)")!, token: "t", batchSize: 16,
            backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.3), requestTimeout: .seconds(1),
            pollInterval: .milliseconds(100))
        let metrics = MetricsRegistry(commune: "12345", version: "test")
        let forwarder = Forwarder(store: store, probeID: "probe-12345", configuration: configuration, metrics: metrics)
        try await withRunningService(forwarder) {
            #expect(
                await eventually { metrics.render().contains("netmon_forward_failures_total{commune=\"12345\"} 2") })
            #expect(try await store.pendingCount() == 40)
            let receiver = IngestReceiver(token: "t")
            try await receiver.serving(port: port) {
                #expect(await eventually { receiver.snapshot.accepted.count == 40 })
                #expect(receiver.snapshot.accepted == Array(1...40))
            }
        }
        #expect(try await store.pendingCount() == 0)
    }

    @Test(
        "over HTTPS the forwarder trusts the given CA file, and refuses an unknown certificate",
        .enabled(if: SelfSignedCertificate.isAvailable, "openssl is not installed"))
    func https() async throws {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try SelfSignedCertificate.write(certificate: certificate, key: key)
        let store = try makeStore()
        try await record(30, into: store)
        let receiver = IngestReceiver(token: "tls-token")
        try await receiver.serving(certificateFile: certificate, keyFile: key) {
            #expect(await eventually { receiver.port != nil })
            let url = URL(string: "https://127.0.0.1:\((try #require(receiver.port)))")!
            // Without the CA file the self-signed certificate is refused and nothing leaves the outbox.
            let untrusting = MetricsRegistry(commune: "12345", version: "test")
            let refused = Forwarder(
                store: store, probeID: "probe-12345",
                configuration: ForwarderConfiguration(
                    serverURL: url, token: "tls-token", backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1),
                    requestTimeout: .seconds(1), pollInterval: .milliseconds(100)),
                metrics: untrusting)
            try await withRunningService(refused) {
                #expect(
                    await eventually {
                        untrusting.render().contains("netmon_forward_failures_total{commune=\"12345\"} 2")
                    })
            }
            #expect(receiver.snapshot.accepted.isEmpty)
            #expect(try await store.pendingCount() == 30)
            // With it, everything arrives.
            let trusting = Forwarder(
                store: store, probeID: "probe-12345",
                configuration: ForwarderConfiguration(
                    serverURL: url, token: "tls-token", caFile: certificate, pollInterval: .milliseconds(100)))
            try await withRunningService(trusting) {
                #expect(await eventually { receiver.snapshot.accepted.count == 30 })
            }
            #expect(receiver.snapshot.accepted == Array(1...30))
            #expect(try await store.pendingCount() == 0)
        }
    }

    @Test("the batch body is a ProbeRoundBatch built from the stored JSON")
    func batchBody() throws {
        let body = Forwarder.batchJSON(
            probeID: "probe-\"x\"",
            entries: [OutboxRound(sequence: 1, payload: "{\"a\":1}"), OutboxRound(sequence: 2, payload: "{\"b\":2}")])
        #expect(body == #"{"probe_id":"probe-\"x\"","rounds":[{"a":1},{"b":2}]}"#)
    }
}

@Suite("Backoff")
struct BackoffTests {
    @Test("ceilings double from the base up to the cap")
    func ceilings() {
        let backoff = Backoff(baseSeconds: 0.5, capSeconds: 30)
        #expect((1...8).map { backoff.ceiling(attempt: $0) } == [0.5, 1, 2, 4, 8, 16, 30, 30])
        #expect(backoff.ceiling(attempt: 10_000) == 30)
    }

    @Test("full jitter spreads delays over [0, ceiling] and honours Retry-After")
    func jitter() {
        let backoff = Backoff(baseSeconds: 1, capSeconds: 60)
        let delays = (0..<2000).map { _ in backoff.delay(attempt: 4) }
        #expect(delays.allSatisfy { $0 >= 0 && $0 <= 8 })
        #expect(delays.min()! < 1 && delays.max()! > 7)  // spread over the whole range, not clustered
        #expect((0..<100).allSatisfy { _ in backoff.delay(attempt: 1, retryAfter: 20) >= 20 })
        #expect(backoff.delay(attempt: 1, retryAfter: 1_000) == 60)
    }
}
