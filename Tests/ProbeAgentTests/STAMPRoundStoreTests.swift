import Foundation
import GRDB
import NetmonProtocol
import TestSupport
import Testing

@testable import ProbeAgent

/// STAMP rounds in the gateway store: the `v4` migration (kind `stamp`, the `directions` column) and the breakdown
/// kept in the raw round and in the outbox's wire JSON.
@Suite("Gateway store: STAMP rounds")
struct STAMPRoundStoreTests {
    let directory = makeTemporaryDirectory()
    var path: String { directory.appendingPathComponent("probe.sqlite").path }

    static let directions = RoundDirections(
        forward: DirectionFigures(
            sent: 10, lost: 1, delayMinSeconds: 0.002, delayMedianSeconds: 0.0021, delayMaxSeconds: 0.003,
            pdvSeconds: 0.0009, ipdvMeanSeconds: 0.0001, ipdvP99Seconds: 0.0004, reordered: 0, duplicates: 0),
        reverse: DirectionFigures(
            sent: 9, lost: 0, delayWithheld: "the clocks' combined error bound ±1.0 ms is more than 10 % of the delay",
            pdvSeconds: 0.0002, reordered: 1, duplicates: 1),
        unattributedLoss: 0, reflectorMode: "stateful")

    @Test("a database of schema v3 keeps its rounds and takes stamp rounds with their breakdown")
    func upgradeAndRecord() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let old = try DatabasePool(path: path)
            try StoreSchema.makeMigrator().migrate(old, upTo: "v3: signal reports of the gateway's modem")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO round (probe_id, sequence, commune, target, address, kind, start, step_seconds, sent,
                                           received, rtt_seconds, jitter_seconds, median_seconds, store_id)
                        VALUES ('probe-1', 1, '12345', 'hub', '127.0.0.1', 'icmp', 1780000000, 60, 2, 1, '[0.01]',
                                NULL, 0.01, 'abc')
                        """)
                try db.execute(sql: "INSERT INTO sequence_counter (probe_id, last_sequence) VALUES ('probe-1', 1)")
                // The old table refuses the new kind: what the migration must change.
                #expect(throws: (any Error).self) {
                    try db.execute(
                        sql: """
                            INSERT INTO round (probe_id, sequence, commune, target, address, kind, start, step_seconds,
                                               sent, received, rtt_seconds)
                            VALUES ('probe-1', 2, '12345', 'meet', '127.0.0.1', 'stamp', 1780000060, 60, 0, 0, '[]')
                            """)
                }
            }
            try old.close()
        }
        let store = try GatewayStore(path: path)
        let kept = try await store.rounds()
        #expect(kept.map(\.sequence) == [1] && kept.first?.rttSeconds == [0.01] && kept.first?.storeID == "abc")
        let measurement = RoundMeasurement(
            commune: "12345", target: "meet", address: "127.0.0.1", kind: "stamp",
            start: Date(timeIntervalSince1970: 1_780_000_060), stepSeconds: 60, sent: 10, received: 9,
            rttSeconds: Array(repeating: 0.004, count: 9), jitterSeconds: 0.0001, directions: Self.directions)
        let recorded = try await store.record([measurement], probeID: "probe-1")
        #expect(recorded.first?.directions == Self.directions)
        let stored = try await store.rounds(from: Date(timeIntervalSince1970: 1_780_000_060))
        #expect(stored == recorded)
        // The outbox holds the wire JSON, breakdown included, as the server will read it.
        let payloads = try await store.pendingPayloads(probeID: "probe-1", limit: 10)
        let payload = try #require(payloads.last?.payload)
        let sent = try WireCoding.makeDecoder().decode(ProbeRound.self, from: Data(payload.utf8))
        #expect(sent.kind == "stamp" && sent.directions == Self.directions)
        #expect(payload.contains(#""directions":{"forward":{"#))
    }
}
