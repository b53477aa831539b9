import Foundation
import MeasurementStore
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

/// The signal outbox against servers old and new: a server without `/api/v1/ingest/signal` (404) keeps the reports
/// queued while rounds flow; the real server takes them once it is there.
extension ServerDeliveryTests {
    /// A signal report of the fixtures' commune, `minutesAgo` old.
    static func signalDraft(minutesAgo: Double, rsrp: Double) -> GatewaySignalReport {
        let time = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - minutesAgo * 60).rounded(.down))
        return GatewaySignalReport(
            probeID: probeID, sequence: 0, storeID: nil, commune: "12345", time: time, lat: 20.6598, lon: 106.0639,
            technology: .fourG, radioAccess: "4G", operatorCode: "452-04", modemTool: "qmicli",
            metrics: [.rsrpDbm: rsrp, .rsrqDb: -9])
    }

    @Test("an older server without the signal endpoint: rounds are delivered, signal reports wait for a newer one")
    func olderServerKeepsSignalReportsQueued() async throws {
        let store = try GatewayStore(path: directory.appendingPathComponent("gateway.sqlite").path)
        try await record(3, into: store, minutesAgo: 30)
        let first = try await store.recordSignal(Self.signalDraft(minutesAgo: 20, rsrp: -89))
        try await store.recordSignal(Self.signalDraft(minutesAgo: 10, rsrp: -97))
        let storeID = try await store.storeID()
        #expect(first.sequence == 1 && first.storeID == storeID)
        let metrics = MetricsRegistry(commune: "12345", version: "test")
        let receiver = IngestReceiver(token: Self.token)
        try await receiver.serving {
            #expect(await eventually { receiver.port != nil })
            let port = try #require(receiver.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let signal = Forwarder(
                store: store, probeID: Self.probeID,
                configuration: ForwarderConfiguration(
                    serverURL: url, token: Self.token, backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1),
                    pollInterval: .milliseconds(100)),
                metrics: metrics, kind: .signal)
            try await withRunningService(signal) {
                try await withRunningService(forwarder(store, url)) {
                    #expect(await eventually(timeout: .seconds(30)) { receiver.snapshot.accepted.count == 3 })
                    #expect(await eventually(timeout: .seconds(30)) { (try? await store.pendingCount()) == 0 })
                    // The signal forwarder kept trying (each 404 a failure) and kept every report.
                    let failures = "netmon_forward_failures_total{commune=\"12345\"} "
                    #expect(
                        await eventually(timeout: .seconds(30)) {
                            let line = metrics.render().split(separator: "\n").first { $0.hasPrefix(failures) }
                            return (line.flatMap { Double($0.dropFirst(failures.count)) } ?? 0) >= 3
                        })
                }
            }
        }
        #expect(try await store.pendingCount(kind: .signal) == 2)
        #expect(try await store.counter("signal_reports_rejected") == 0)

        // The server now has the endpoint: the queue drains, each report once, counted as the gateway's.
        try await withServer { url, province in
            try await withRunningService(forwarder(store, url)) {
                let signal = Forwarder(
                    store: store, probeID: Self.probeID,
                    configuration: ForwarderConfiguration(
                        serverURL: url, token: Self.token, backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1),
                        pollInterval: .milliseconds(100)),
                    metrics: metrics, kind: .signal)
                try await withRunningService(signal) {
                    #expect(
                        await eventually(timeout: .seconds(30)) {
                            (try? await store.pendingCount(kind: .signal)) == 0
                        })
                }
            }
            #expect(try await province.gatewaySignalReportCount() == 2)
            let uploads = try await province.reportUploads()
            #expect(uploads.map(\.source) == ["gateway:12345"])
            #expect(uploads.first?.id == "gateway:\(Self.probeID):\(storeID)")
            #expect(metrics.render().contains("netmon_forwarded_signal_reports_total{commune=\"12345\"} 2"))
            #expect(metrics.render().contains("netmon_signal_outbox_pending{commune=\"12345\"} 0"))
        }
    }

    @Test("the server refuses a report for good (another commune's source): it is set aside, the next one goes")
    func refusedSignalReportSetAside() async throws {
        try await withServer { url, province in
            let store = try GatewayStore(path: directory.appendingPathComponent("gateway.sqlite").path)
            var stray = Self.signalDraft(minutesAgo: 20, rsrp: -89)
            stray.source = "gateway:99999"
            try await store.recordSignal(stray)
            try await store.recordSignal(Self.signalDraft(minutesAgo: 10, rsrp: -97))
            let signal = Forwarder(
                store: store, probeID: Self.probeID,
                configuration: ForwarderConfiguration(
                    serverURL: url, token: Self.token, backoff: Backoff(baseSeconds: 0.05, capSeconds: 0.1),
                    pollInterval: .milliseconds(100)),
                kind: .signal)
            try await withRunningService(signal) {
                #expect(
                    await eventually(timeout: .seconds(30)) { (try? await store.pendingCount(kind: .signal)) == 0 })
            }
            #expect(try await province.gatewaySignalReportCount() == 1)
            #expect(try await store.counter("signal_reports_rejected") == 1)
            let reason = try await store.pool.read { db in
                try String.fetchOne(db, sql: "SELECT reason FROM rejected_signal WHERE sequence = 1")
            }
            #expect(reason?.contains("source: must be 'gateway:12345'") == true)
        }
    }
}
