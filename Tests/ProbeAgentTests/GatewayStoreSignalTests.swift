import Foundation
import GRDB
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

/// The modem's signal reports in the gateway store: their own sequence, kept apart from retention; a bounded
/// outbox; retention by age.
@Suite("Gateway store: signal reports")
struct GatewayStoreSignalTests {
    let directory = makeTemporaryDirectory()
    var path: String { directory.appendingPathComponent("probe.sqlite").path }

    static func draft(at seconds: Double) -> GatewaySignalReport {
        GatewaySignalReport(
            probeID: "probe-12345", sequence: 0, storeID: nil, commune: "12345",
            time: Date(timeIntervalSince1970: seconds), lat: 20.6598, lon: 106.0639, technology: .fourG,
            metrics: [.rsrpDbm: -95])
    }

    @Test("numbers are the reports' own, never reused after retention, and the outbox holds the stored JSON")
    func numbering() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let day = RetentionPolicy.day
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let store = try GatewayStore(path: path, retention: RetentionPolicy(signalSeconds: 30 * day))
        try await store.record(
            [measurement(target: "hub", start: now.addingTimeInterval(-60))], probeID: "probe-12345")
        let old = try await store.recordSignal(Self.draft(at: now.timeIntervalSince1970 - 40 * day))
        let recent = try await store.recordSignal(Self.draft(at: now.timeIntervalSince1970 - 60))
        #expect(old.sequence == 1 && recent.sequence == 2)
        #expect(try await store.lastSequence(probeID: "probe-12345") == 1)
        let pending = try await store.pendingPayloads(probeID: "probe-12345", limit: 10, kind: .signal)
        #expect(pending.map(\.sequence) == [1, 2])
        let sent = try WireCoding.makeDecoder().decode(
            GatewaySignalReport.self, from: Data(try #require(pending.last).payload.utf8))
        #expect(sent == recent)
        #expect(sent.metrics == [.rsrpDbm: -95])

        let report = try await store.applyRetention(now: now)
        #expect(report.signalReports == 1)
        #expect(try await store.signalReports().map(\.sequence) == [2])
        // Retention never touches the outbox: an unsent report leaves only once the server has judged it.
        #expect(try await store.pendingCount(kind: .signal) == 2)
        #expect(try await store.recordSignal(Self.draft(at: now.timeIntervalSince1970)).sequence == 3)
        #expect(try await store.lastSignalSequence(probeID: "probe-12345") == 3)
    }

    @Test("a full signal outbox drops its oldest reports and counts them; the rounds' outbox is untouched")
    func boundedOutbox() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try GatewayStore(path: path, retention: RetentionPolicy(maxOutboxRounds: 2))
        try await store.record(
            [measurement(target: "hub", start: Date().addingTimeInterval(-60))], probeID: "probe-12345")
        for i in 0..<4 { try await store.recordSignal(Self.draft(at: 1_790_000_000 + Double(i))) }
        let pending = try await store.pendingPayloads(probeID: "probe-12345", limit: 10, kind: .signal)
        #expect(pending.map(\.sequence) == [3, 4])
        #expect(try await store.droppedCount(kind: .signal) == 2)
        #expect(try await store.droppedCount() == 0)
        #expect(try await store.pendingCount() == 1)
    }
}
