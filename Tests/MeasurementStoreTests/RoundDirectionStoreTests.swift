import Foundation
import MeasurementStore
import NetmonProtocol
import Testing

/// The `v7-round-directions` table: STAMP rounds' per-direction figures stored with the round, on both backends.
@Suite("Round directions in the province store", .serialized)
struct RoundDirectionStoreTests {
    /// A STAMP round with a known breakdown: 3 of 100 lost forward, 1 of 97 reverse, one-way delay published
    /// forward and withheld reverse.
    static func stampRound(sequence: Int64, start: Date, storeID: String? = "a1") -> ProbeRound {
        var round = makeRound(sequence: sequence, target: "meet", start: start, sent: 100, rtts: [0.010, 0.011, 0.012])
        round.kind = "stamp"
        round.storeID = storeID
        round.received = 3
        round.directions = RoundDirections(
            forward: DirectionFigures(
                sent: 100, lost: 3, delayMinSeconds: 0.003, delayMedianSeconds: 0.0031 + Double(sequence) * 1e-5,
                delayMaxSeconds: 0.004, pdvSeconds: 0.0008, ipdvMeanSeconds: 0.0002, ipdvP99Seconds: 0.0007,
                reordered: 1, duplicates: 0),
            reverse: DirectionFigures(
                sent: 97, lost: 1, delayWithheld: "the reflector reports an unsynchronised clock",
                pdvSeconds: 0.0005, ipdvMeanSeconds: 0.0001, ipdvP99Seconds: 0.0004, reordered: 0, duplicates: 2),
            unattributedLoss: 0, reflectorMode: "stateful")
        return round
    }

    @Test(
        "retention removes the breakdowns of expired rounds with them and keeps the rest", arguments: Backend.allCases)
    func retention(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let now = Date(timeIntervalSince1970: (1_790_000_000 / 86400).rounded(.down) * 86400 + 43200)
            let old = Self.stampRound(sequence: 1, start: now.addingTimeInterval(-40 * 86400))
            let recent = Self.stampRound(sequence: 2, start: now.addingTimeInterval(-10 * 86400))
            _ = try await store.ingest([old, recent], probeID: "probe-11953", receivedAt: now)
            let retention = try RoundRetention(rawSeconds: 30 * 86400, rollupSeconds: 400 * 86400)
            let report = try await store.maintainRounds(now: now, retention: retention)
            #expect(report.directionsDeleted == 2, "one row per direction of the expired round")
            let kept = try await store.roundDirections(
                commune: "11953", target: "meet", from: now.addingTimeInterval(-100 * 86400), to: now, limit: 100)
            #expect(kept.map(\.sequence) == [2])
            #expect(try await store.maintainRounds(now: now, retention: retention).directionsDeleted == 0)
        }
    }

    @Test("per-direction figures read back exactly, by link and time, oldest first", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            let rounds = (1...3).map { Self.stampRound(sequence: $0, start: start.addingTimeInterval(Double($0) * 60)) }
            // An ICMP round of the same probe has no directions and adds no rows.
            let plain = makeRound(sequence: 4, start: start)
            let outcome = try await store.ingest(
                rounds.reversed() + [plain], probeID: "probe-11953", receivedAt: start.addingTimeInterval(600))
            #expect(outcome.accepted == 4)
            let stored = try await store.roundDirections(
                commune: "11953", target: "meet", from: start, to: start.addingTimeInterval(3600), limit: 100)
            #expect(stored.map(\.sequence) == [1, 2, 3])
            #expect(stored.map(\.directions) == rounds.map { $0.directions! })
            #expect(stored.first?.storeID == "a1")
            #expect(stored.first?.start == rounds[0].start && stored.first?.stepSeconds == 60)
            // The range is [from, to) on the round start, and the limit counts rounds.
            let middle = try await store.roundDirections(
                commune: "11953", target: "meet", from: rounds[1].start, to: rounds[2].start, limit: 100)
            #expect(middle.map(\.sequence) == [2])
            let first = try await store.roundDirections(
                commune: "11953", target: "meet", from: start, to: start.addingTimeInterval(3600), limit: 1)
            #expect(first.map(\.sequence) == [1])
            #expect(
                try await store.roundDirections(
                    commune: "11953", target: "hub", from: start, to: start.addingTimeInterval(3600), limit: 100
                ).isEmpty)
            // The same round sent again, with or without its breakdown (a server that stored it before knowing
            // directions), is a duplicate and adds nothing.
            var bare = rounds[0]
            bare.directions = nil
            let again = try await store.ingest(
                [rounds[0], bare], probeID: "probe-11953", receivedAt: start.addingTimeInterval(700))
            #expect(again.accepted == 0 && again.duplicates == 2 && again.conflictingRounds.isEmpty)
            #expect(
                try await store.roundDirections(
                    commune: "11953", target: "meet", from: start, to: start.addingTimeInterval(3600), limit: 100
                ).count == 3)
            // The round itself reads back as before (its breakdown lives in its own table).
            let round = try #require(
                try await store.rounds(
                    commune: "11953", target: "meet", from: start, to: start.addingTimeInterval(3600), limit: 10
                ).first)
            #expect(round.round.kind == "stamp" && round.round.rttSeconds == [0.010, 0.011, 0.012])
        }
    }

    @Test("a direction row the table refuses rolls the whole batch back, rounds included", arguments: Backend.allCases)
    func atomic(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let start = Date(timeIntervalSince1970: 1_790_000_000)
            var broken = Self.stampRound(sequence: 2, start: start.addingTimeInterval(60))
            broken.directions?.reverse.lost = -1  // violates the CHECK on round_direction (the caller validates)
            await #expect(throws: StoreError.self) {
                _ = try await store.ingest(
                    [Self.stampRound(sequence: 1, start: start), broken, makeRound(sequence: 3, start: start)],
                    probeID: "probe-11953", receivedAt: start.addingTimeInterval(600))
            }
            let count = try await store.roundCount()
            let left = try await store.roundDirections(
                commune: "11953", target: "meet", from: start, to: start.addingTimeInterval(3600), limit: 100)
            #expect(count == 0)
            #expect(left.isEmpty)
        }
    }
}
