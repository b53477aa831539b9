import Foundation
import HummingbirdTesting
import MeasurementStore
import NetmonProtocol
import NetmonServer
import TestSupport
import Testing

/// Issue 17 §4: a series over more than 90 days (or reaching past the raw rounds' retention) reads the hourly
/// rollups, says so (`resolution`), and agrees with the raw series where both exist. SQLite and real PostgreSQL.
@Suite("Link series from hourly rollups (SQLite and PostgreSQL)")
struct SeriesRollupTests {
    enum Engine: String, CaseIterable, Sendable { case sqlite, postgres }

    struct Series: Decodable {
        struct P: Decodable {
            var start: String
            var rounds: Int
            var sent: Int
            var received: Int
            var median_ms: Double?
            var p95_ms: Double?
            var min_ms: Double?
            var max_ms: Double?
            var smoke_ms: [Double]
        }
        var resolution: String
        var step_seconds: Double
        var from: String
        var points: [P]
    }

    static let day: Double = 86400
    /// The end of the ranges: the last whole day before the fixture's clock.
    static let end = (Fixture.now.timeIntervalSince1970 / 86400).rounded(.down) * 86400

    /// Three rounds an hour for 121 days on 11953 → hub, RTTs varying by round and by day.
    static func rounds() -> [ProbeRound] {
        let first = end - 121 * day
        return (0..<(121 * 24 * 3)).map { i in
            let start = first + Double(i) * 1200
            let dayShift = Double((i / 72) % 9) * 0.8
            let rtts = (0..<10).map { j in 11 + dayShift + Double((j * 7 + i) % 13) * 0.4 }
            return Fixture.round(
                sequence: Int64(i + 1), start: Date(timeIntervalSince1970: start), sent: 12,
                rttMs: Array(rtts.prefix(10 - i % 3)))
        }
    }

    static func withEngine(
        _ engine: Engine, _ body: @Sendable (any TestClientProtocol, any ProvinceStore) async throws -> Void
    ) async throws {
        switch engine {
        case .sqlite:
            try await withServer { client, store in try await body(client, store) }
        case .postgres:
            let url: String
            do {
                url = try await PostgresCluster.shared.makeDatabase()
            } catch {
                try Test.cancel("PostgreSQL could not be started: \(error)")
            }
            let store = try StoreLocation(parsing: url).open()
            let app = try buildApplication(
                configuration: Fixture.configuration(), store: store, port: 0, tokens: Fixture.grants)
            try await app.test(.router) { client in try await body(client, store) }
        }
    }

    @Test("120 days come from rollups and match the raw series day by day", arguments: Engine.allCases)
    func longRange(_ engine: Engine) async throws {
        try await Self.withEngine(engine) { client, store in
            let all = Self.rounds()
            var at = 0
            while at < all.count {
                let batch = Array(all[at..<min(at + 1000, all.count)])
                _ = try await store.ingest(batch, probeID: "probe-11953", receivedAt: Fixture.now)
                at += batch.count
            }
            func series(_ query: String) async throws -> Series {
                try await client.execute(
                    uri: "/api/v1/links/11953/hub/series?\(query)", method: .get,
                    headers: Fixture.headers(Fixture.viewerSecret)
                ) { r in
                    #expect(r.status == .ok, "\(r.text)")
                    return try r.decode(Series.self)
                }
            }
            let end = Int(Self.end)
            let long = try await series("from=\(end - 120 * 86400)&to=\(end)&step=1d")
            #expect(long.resolution == "hourly" && long.step_seconds == 86400 && long.points.count == 120)
            #expect(long.points.allSatisfy { $0.rounds == 72 && $0.sent == 72 * 12 && $0.smoke_ms.count == 20 })
            let raw = try await series("from=\(end - 30 * 86400)&to=\(end)&step=1d")
            #expect(raw.resolution == "raw" && raw.points.count == 30)
            for (h, r) in zip(long.points.suffix(30), raw.points) {
                #expect(h.start == r.start)
                #expect(h.rounds == r.rounds && h.sent == r.sent && h.received == r.received)
                #expect(h.min_ms == r.min_ms && h.max_ms == r.max_ms)
                // Percentiles from the histograms: within 1 % of the raw ones (the bins' bound).
                for (x, y) in [(h.median_ms, r.median_ms), (h.p95_ms, r.p95_ms)] {
                    let (a, b) = (try #require(x), try #require(y))
                    #expect(abs(a - b) <= b * 0.01 + 1e-9, "\(h.start): \(a) vs \(b)")
                }
                for (a, b) in zip(h.smoke_ms, r.smoke_ms) { #expect(abs(a - b) <= b * 0.01 + 1e-9) }
            }
            // A step under an hour is raised to an hour; a start inside an hour moves to the hour's start.
            let coarse = try await series("from=\(end - 100 * 86400 + 600)&to=\(end)&step=5m")
            #expect(coarse.resolution == "hourly" && coarse.step_seconds == 3600)
            #expect(coarse.points.first?.rounds == 3)
            try await client.execute(
                uri: "/api/v1/links/11953/hub/smoke.svg?from=\(end - 120 * 86400)&to=\(end)", method: .get,
                headers: Fixture.headers(Fixture.viewerSecret)
            ) { r in
                #expect(r.status == .ok)
                #expect(r.text.contains("fill-opacity"))
                #expect(r.text.contains("from hourly rollups"))
            }
        }
    }

    @Test("a range reaching past the raw retention reads rollups even when short; one inside it reads raw rounds")
    func pastRawRetention() async throws {
        var configuration = Fixture.configuration()
        configuration.roundRetention = try RoundRetention(rawSeconds: 20 * 86400, rollupSeconds: 400 * 86400)
        try await withServer(configuration) { client, store in
            let recent = Self.rounds().filter { $0.start.timeIntervalSince1970 >= Self.end - 30 * Self.day }
            _ = try await store.ingest(recent, probeID: "probe-11953", receivedAt: Fixture.now)
            let end = Int(Self.end)
            for (days, resolution) in [(30, "hourly"), (10, "raw")] {
                try await client.execute(
                    uri: "/api/v1/links/11953/hub/series?from=\(end - days * 86400)&to=\(end)&step=1d", method: .get,
                    headers: Fixture.headers(Fixture.viewerSecret)
                ) { r in
                    #expect(r.status == .ok, "\(r.text)")
                    let s = try r.decode(Series.self)
                    #expect(s.resolution == resolution && s.points.count == days)
                    #expect(s.points.allSatisfy { $0.rounds == 72 })
                }
            }
        }
    }
}
