import Foundation
import MeasurementStore
import NetmonProtocol
import NetmonServer
import TestSupport
import Testing

/// The server's retention service on a real SQLite store: nothing before the store is ready, then a pass at once
/// that removes only expired rounds and keeps their rollups.
@Suite("Round retention service")
struct RoundRetentionServiceTests {
    @Test("waits for the migrated store, then deletes only expired rounds; rollups stay")
    func firstPass() async throws {
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        try await store.migrate()
        let now = Fixture.now
        let old = (1...4).map {
            Fixture.round(sequence: Int64($0), start: now.addingTimeInterval(-10 * 86400 + Double($0) * 60))
        }
        let recent = (5...7).map {
            Fixture.round(sequence: Int64($0), start: now.addingTimeInterval(-3600 + Double($0) * 60))
        }
        _ = try await store.ingest(old + recent, probeID: "probe-11953", receivedAt: now)
        let service = RoundRetentionService(
            store: store, retention: try RoundRetention(rawSeconds: 2 * 86400, rollupSeconds: 30 * 86400),
            now: { now })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            defer { group.cancelAll() }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await store.roundCount() == 7, "no pass before the store is ready")
            service.storeIsReady()
            #expect(try await eventually(timeout: .seconds(30)) { try await store.roundCount() == 3 })
            let kept = try await store.rounds(
                commune: "11953", target: "hub", from: now.addingTimeInterval(-30 * 86400), to: now, limit: 100)
            #expect(kept.map(\.round) == recent)
            let rollups = try await store.linkRollups(
                commune: "11953", target: "hub", from: now.addingTimeInterval(-30 * 86400), to: now)
            #expect(rollups.map(\.rounds).reduce(0, +) == 7)
        }
    }
}
