import Foundation
import GRDB
import Hummingbird
import Logging
import MeasurementStore
import NetmonLab
import NetmonProtocol
import NetmonServer
import Synchronization
import TestSupport
import Testing

@testable import ProbeAgent

/// The gateway's forwarder against the real provincial server (in process, on loopback, over a real SQLite file):
/// rounds are never lost to a rebuilt or restored gateway store, and one bad round never blocks the outbox.
@Suite("Forwarder and server: no round lost")
struct ServerDeliveryTests {
    let directory = makeTemporaryDirectory()
    static let probeID = "probe-12345"
    static let token = "gateway-token-0123456789"

    /// The server's view: one commune (the fixtures' 12345) whose probe sends the fixtures' targets.
    static func configuration() -> ServerConfiguration {
        let levels = ServerTarget.Levels(warn: 50, critical: 150)
        let loss = ServerTarget.Levels(warn: 0.02, critical: 0.1)
        return ServerConfiguration(
            provinceName: "Test",
            communes: [
                ServerCommune(
                    code: "12345", name: "Xã Thử", probeID: probeID, gateway: "127.0.0.1",
                    targets: (["hub"] + (0..<7).map { "t\($0)" }).map {
                        ServerTarget(name: $0, address: "127.0.0.1", latencyMs: levels, lossRatio: loss)
                    })
            ], boundariesPath: nil)
    }

    /// Runs `body` with the real server listening on a free loopback port.
    func withServer(_ body: @Sendable (URL, any ProvinceStore) async throws -> Void) async throws {
        let store = try SQLiteProvinceStore(path: directory.appendingPathComponent("province.sqlite").path)
        let port = Mutex<Int?>(nil)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let app = try buildApplication(
            configuration: Self.configuration(), store: store, port: 0,
            tokens: [TokenGrant(name: Self.probeID, role: .probe, probeID: Self.probeID, secret: Self.token)],
            logger: logger, onServerRunning: { p in port.withLock { $0 = p } })
        try await withRunningService(app) {
            #expect(await eventually(timeout: .seconds(30)) { port.withLock { $0 } != nil })
            let listening = try #require(port.withLock { $0 })
            let url = try #require(URL(string: "http://127.0.0.1:\(listening)"))
            try await body(url, store)
        }
    }

    func forwarder(_ store: GatewayStore, _ url: URL, metrics: MetricsRegistry? = nil) -> Forwarder {
        Forwarder(
            store: store, probeID: Self.probeID,
            configuration: ForwarderConfiguration(
                serverURL: url, token: Self.token, batchSize: 50, backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.2),
                pollInterval: .milliseconds(100)),
            metrics: metrics)
    }

    /// `count` rounds ending before now, `minutesAgo` for the first, one minute apart.
    func record(_ count: Int, into store: GatewayStore, minutesAgo: Double, target: String = "hub") async throws {
        let now = Date()
        try await store.record(
            (0..<count).map {
                measurement(target: target, start: now.addingTimeInterval((Double($0) - minutesAgo) * 60))
            },
            probeID: Self.probeID)
    }

    /// Issue 14, reproduction 3: the server deduplicated on (probe, sequence), so a gateway whose database was
    /// rebuilt had its new rounds 1, 2, 3 taken for duplicates and deleted from its outbox, undelivered.
    @Test("a gateway whose database was wiped delivers its new rounds, which reuse the old numbers")
    func wipedGatewayDatabase() async throws {
        try await withServer { url, province in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            do {
                let store = try GatewayStore(path: path)
                try await record(3, into: store, minutesAgo: 30)
                try await withRunningService(forwarder(store, url)) {
                    #expect(await eventually(timeout: .seconds(30)) { (try? await province.roundCount()) == 3 })
                    #expect(await eventually(timeout: .seconds(30)) { (try? await store.pendingCount()) == 0 })
                }
            }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let rebuilt = try GatewayStore(path: path)
            try await record(3, into: rebuilt, minutesAgo: 10)
            #expect(try await rebuilt.lastSequence(probeID: Self.probeID) == 3)
            try await withRunningService(forwarder(rebuilt, url)) {
                #expect(await eventually(timeout: .seconds(30)) { (try? await rebuilt.pendingCount()) == 0 })
            }
            #expect(try await province.roundCount() == 6)
            let stores = Set(try await province.latestRounds().map { $0.round.storeID })
            #expect(stores == [try await rebuilt.storeID()])
        }
    }

    /// A gateway restored from an old backup numbers new rounds with numbers the server already holds: the server
    /// reports them as conflicts, and the gateway sends them again under a new store id.
    @Test("a gateway restored from a backup re-identifies the rounds whose numbers the server already holds")
    func restoredGatewayDatabase() async throws {
        try await withServer { url, province in
            let path = directory.appendingPathComponent("gateway.sqlite").path
            let backup = directory.appendingPathComponent("backup.sqlite").path
            let store = try GatewayStore(path: path)
            try await record(2, into: store, minutesAgo: 40)
            try await store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [backup])
            }
            try await record(2, into: store, minutesAgo: 30)
            try await withRunningService(forwarder(store, url)) {
                #expect(await eventually(timeout: .seconds(30)) { (try? await store.pendingCount()) == 0 })
            }
            #expect(try await province.roundCount() == 4)
            let restored = try GatewayStore(path: backup)
            let oldID = try await restored.storeID()
            try await record(2, into: restored, minutesAgo: 10)  // numbered 3 and 4 again, other content
            try await withRunningService(forwarder(restored, url)) {
                #expect(await eventually(timeout: .seconds(30)) { (try? await restored.pendingCount()) == 0 })
            }
            #expect(try await province.roundCount() == 6)
            #expect(try await restored.storeID() != oldID)
            #expect(try await restored.counter("store_id_changes") == 1)
        }
    }

    /// Issue 14, reproduction 4: the server refused a whole batch for one invalid round and the forwarder retried
    /// the same oldest batch for ever, until the outbox filled and dropped rounds.
    @Test("rounds the server refuses for good are set aside with the reason; the others are delivered")
    func badRoundsSetAside() async throws {
        try await withServer { url, province in
            let store = try GatewayStore(path: directory.appendingPathComponent("gateway.sqlite").path)
            try await record(2, into: store, minutesAgo: 30)
            // A gateway booted without a real-time clock: 1970.
            try await store.record(
                [measurement(target: "hub", start: Date(timeIntervalSince1970: 120))], probeID: Self.probeID)
            try await record(1, into: store, minutesAgo: 20)
            // A target name `netmon check` accepts but ingest refuses (over 128 characters).
            try await record(1, into: store, minutesAgo: 19, target: String(repeating: "x", count: 129))
            try await record(2, into: store, minutesAgo: 10)
            let metrics = MetricsRegistry(commune: "12345", version: "test")
            try await withRunningService(forwarder(store, url, metrics: metrics)) {
                #expect(await eventually(timeout: .seconds(30)) { (try? await store.pendingCount()) == 0 })
            }
            #expect(try await province.roundCount() == 5)
            let aside = try await store.rejectedRounds()
            #expect(Set(aside.map(\.sequence)) == [3, 5])
            #expect(aside.contains { $0.sequence == 3 && $0.reason.contains("before 2000") })
            #expect(aside.contains { $0.sequence == 5 && $0.reason.contains("target") })
            #expect(try await store.counter("rounds_rejected") == 2)
            #expect(metrics.render().contains("netmon_outbox_rejected_total{commune=\"12345\"} 2"))
        }
    }
}

/// A 2xx that is not the server's answer for the batch (a captive portal, a misconfigured proxy in front of the
/// server) must not make the gateway forget its rounds.
@Suite("Forwarder and a 2xx without an ingest reply")
struct PortalAnswerTests {
    let directory = makeTemporaryDirectory()

    @Test("a 200 with an HTML page keeps every round in the outbox")
    func htmlPageKeepsRounds() async throws {
        let store = try GatewayStore(path: directory.appendingPathComponent("gateway.sqlite").path)
        try await store.record(
            (0..<3).map { measurement(start: Date().addingTimeInterval(Double($0 - 10) * 60)) },
            probeID: ServerDeliveryTests.probeID)
        // A captive portal: every request gets a 200 with a web page.
        let portal = try await LabHTTPReceiver(handler: { _ in
            .respond(
                status: 200, headers: [.contentType: "text/html"],
                body: Array("<html><body>Welcome to the network</body></html>".utf8))
        })
        do {
            let listening = portal.port
            let url = try #require(URL(string: "http://127.0.0.1:\(listening)"))
            let forwarder = Forwarder(
                store: store, probeID: ServerDeliveryTests.probeID,
                configuration: ForwarderConfiguration(
                    serverURL: url, token: ServerDeliveryTests.token, batchSize: 50,
                    backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1), pollInterval: .milliseconds(100)))
            try await withRunningService(forwarder) {
                #expect(await eventually(timeout: .seconds(30)) { portal.attempts >= 3 })
            }
        }
        await portal.shutdown()
        #expect(try await store.pendingCount() == 3)
    }
}
