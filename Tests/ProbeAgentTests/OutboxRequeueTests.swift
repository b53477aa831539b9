import Foundation
import NetmonProtocol
import ProbeAgent
import TestSupport
import Testing

/// Rounds the server refused for good are kept aside; `netmon outbox` shows them and `netmon outbox requeue` puts
/// them back in the outbox exactly as they were sent.
@Suite("Refused rounds: shown and put back in the outbox")
struct OutboxRequeueTests {
    let directory = makeTemporaryDirectory("netmon-outbox")

    /// A store with five rounds of which the server refused 2 and 4.
    func storeWithRefusals() async throws -> (GatewayStore, String, [Int64: String]) {
        let path = self.directory.appendingPathComponent("gateway.sqlite").path
        let store = try GatewayStore(path: path)
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        try await store.record(
            (0..<5).map { measurement(target: "t\($0)", start: start.addingTimeInterval(Double($0) * 60)) },
            probeID: "probe-12345")
        let sent = try await store.pendingPayloads(probeID: "probe-12345", limit: 10)
        let payloads = Dictionary(uniqueKeysWithValues: sent.map { ($0.sequence, $0.payload) })
        try await store.settle(
            probeID: "probe-12345",
            BatchSettlement(
                delivered: [1, 3, 5],
                rejected: [
                    .init(sequence: 2, reason: "unknown target t1"), .init(sequence: 4, reason: "unknown target t3"),
                ]
            ))
        return (store, path, payloads)
    }

    @Test("requeue puts the chosen refused rounds back with their sequence and JSON unchanged, in one transaction")
    func requeueChosen() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (store, _, payloads) = try await storeWithRefusals()
        #expect(try await store.pendingCount() == 0)
        #expect(try await store.rejectedCount() == 2)
        #expect(try await store.requeueRejected(sequences: [4, 99]) == 1)
        let back = try await store.pendingPayloads(probeID: "probe-12345", limit: 10)
        #expect(back.map(\.sequence) == [4])
        #expect(back.first?.payload == payloads[4], "the JSON as it was first sent")
        #expect(try await store.rejectedRounds().map(\.sequence) == [2])
        #expect(try await store.requeueRejected(sequences: nil) == 1)
        #expect(try await store.pendingPayloads(probeID: "probe-12345", limit: 10).map(\.sequence) == [2, 4])
        #expect(try await store.rejectedCount() == 0)
        #expect(try await store.counter("rounds_requeued") == 2)
        #expect(try await store.counter("rounds_rejected") == 2, "what was refused stays counted")
    }

    @Test(
        "netmon outbox shows the counts and the refused rounds with their reasons; requeue takes --all or sequences",
        .enabled(if: NetmonBinary.built != nil, "the netmon executable is not built (run swift build first)"))
    func command() async throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let (_, path, _) = try await storeWithRefusals()
        let shown = try Shell.run([NetmonBinary.path, "outbox", "--database", path, "--json"])
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any], "\(shown.stdout)")
        #expect(document["outbox_pending"] as? Int == 0)
        #expect(document["rejected_kept"] as? Int == 2)
        let refused = try #require(document["rejected"] as? [[String: Any]])
        #expect(Set(refused.compactMap { $0["sequence"] as? Int }) == [2, 4])
        #expect(refused.contains { $0["reason"] as? String == "unknown target t3" })

        let table = try Shell.run([NetmonBinary.path, "outbox", "--database", path])
        #expect(table.stdout.contains("refused by the server and kept aside: 2"), "\(table.stdout)")
        #expect(table.stdout.contains("probe-12345 #4") && table.stdout.contains("unknown target t3"))

        let neither = try Shell.run([NetmonBinary.path, "outbox", "requeue", "--database", path], check: false)
        #expect(neither.status == 64 && neither.stderr.contains("--all"), "\(neither.stderr)")
        let partly = try Shell.run(
            [NetmonBinary.path, "outbox", "requeue", "--database", path, "2", "7"], check: false)
        #expect(partly.status == 1 && partly.stdout.contains("put 1 refused rounds back"), "\(partly.stdout)")
        let rest = try Shell.run([NetmonBinary.path, "outbox", "requeue", "--database", path, "--all"])
        #expect(rest.stdout.contains("put 1 refused rounds back in the outbox; 0 still kept aside"), "\(rest.stdout)")
        let after = try Shell.run([NetmonBinary.path, "outbox", "--database", path, "--json"])
        #expect(after.stdout.contains("\"outbox_pending\" : 2"), "\(after.stdout)")

        let missing = try Shell.run(
            [NetmonBinary.path, "outbox", "--database", directory.appendingPathComponent("none.sqlite").path],
            check: false)
        #expect(missing.status != 0 && missing.stderr.contains("No gateway store at"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("none.sqlite").path))
    }
}
