import Foundation
import HummingbirdTesting
import LinkQuality
import NetmonServer
import Synchronization
import Testing

/// Issue 19, section 4: the per-commune call-quality score over stored rounds (`GET /api/v1/call-quality`).
@Suite("Call quality per commune")
struct CallQualityTests {
    struct Board: Decodable {
        struct Path: Decodable {
            var grade: String
            var r: Double
            var mos: Double
            var basis: String
            var probes: Int
            var one_way_delay_ms: Double
            var delay_variation_ms: Double
            var loss_ratio: Double
            var mouth_to_ear_ms: Double
        }
        struct Commune: Decodable {
            var code: String
            var grade: String
            var target: String
            var round_trip: Path?
            var directions: [Path]
        }
        var window_seconds: Double
        var target: String
        var assumptions: [String: String]
        var levels: [String: Double]
        var counts: [String: Int]
        var communes: [Commune]
    }

    static func board(_ configuration: ServerConfiguration) async throws -> Board {
        let result = Mutex<Board?>(nil)
        try await withServer(configuration) { client, store in
            try await seed(store)
            try await client.execute(uri: "/api/v1/call-quality", method: .get) { r in
                #expect(r.status == .unauthorized)
            }
            try await client.execute(
                uri: "/api/v1/call-quality", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                let board = try r.decode(Board.self)
                result.withLock { $0 = board }
            }
        }
        return try #require(result.withLock { $0 })
    }

    /// The expected ratings were computed with a separate transcription of G.107 (Python, outside the tree) from
    /// the seeded rounds: 11953 median RTT 14.85 ms → Ta = 7.425 + 10 (buffer floor) + 20 (packet) ms, no loss;
    /// 11977 median 21.95 ms and 30 % loss; 11980 median 72.85 ms.
    @Test("each commune's link to the hub is scored from the window's rounds, with the stated assumptions")
    func scoresFromStoredRounds() async throws {
        let board = try await Self.board(Fixture.configuration())
        #expect(board.target == "hub")
        #expect(board.window_seconds == 900)
        #expect(board.levels == ["good": 80, "fair": 70, "poor": 60])
        #expect(board.assumptions["codec"] == "g711-plc")
        #expect(board.assumptions["bpl"] == "25.1")
        #expect(board.communes.count == 104)
        let byCode = Dictionary(uniqueKeysWithValues: board.communes.map { ($0.code, $0) })

        let healthy = try #require(byCode["11953"]?.round_trip)
        #expect(healthy.grade == "good")
        #expect(abs(healthy.one_way_delay_ms - 7.425) < 1e-9)
        #expect(abs(healthy.mouth_to_ear_ms - 37.425) < 1e-9)
        #expect(abs(healthy.r - 92.06) < 0.01, "\(healthy.r)")
        #expect(abs(healthy.mos - 4.386) < 0.001, "\(healthy.mos)")
        #expect(healthy.basis == "half_round_trip")
        // 15 minutes of one-minute rounds in the window (start within [now − 15 min, now]).
        #expect(healthy.probes % 20 == 0 && healthy.probes >= 14 * 20 && healthy.probes <= 16 * 20)

        let lossy = try #require(byCode["11977"]?.round_trip)
        #expect(abs(lossy.loss_ratio - 0.3) < 1e-9)
        #expect(abs(lossy.r - 40.25) < 0.01, "\(lossy.r)")
        #expect(lossy.grade == "bad")

        let slow = try #require(byCode["11980"]?.round_trip)
        #expect(abs(slow.r - 91.38) < 0.01, "\(slow.r)")

        // 11983's rounds are an hour old: nothing in the window.
        #expect(byCode["11983"]?.grade == "unknown")
        #expect(byCode["11983"]?.round_trip == nil)
        #expect(byCode["11953"]?.directions.isEmpty == true)
        #expect(board.counts["good"] == 2)
        #expect(board.counts["bad"] == 1)
        #expect(board.counts["unknown"] == 101)
    }

    @Test("the codec and target come from the configuration: G.711 without concealment, the portal link")
    func configuredAssumptions() async throws {
        var configuration = Fixture.configuration()
        configuration.callQuality = CallQualitySettings(codec: .g711, target: "portal", windowSeconds: 7200)
        let board = try await Self.board(configuration)
        #expect(board.target == "portal")
        #expect(board.assumptions["bpl"] == "4.3")
        let byCode = Dictionary(uniqueKeysWithValues: board.communes.map { ($0.code, $0) })
        let lossy = try #require(byCode["11977"]?.round_trip)
        #expect(byCode["11977"]?.target == "portal")
        // 30 % loss without concealment: Ie,eff = 95 · 30 / (30 + 4.3); R = 8.88.
        #expect(abs(lossy.r - 8.88) < 0.01, "\(lossy.r)")
        // The two-hour window reaches 11983's rounds.
        #expect(byCode["11983"]?.round_trip != nil)
    }
}
