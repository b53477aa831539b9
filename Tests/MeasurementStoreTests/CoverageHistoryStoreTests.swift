import Foundation
import MeasurementStore
import Testing

/// Coverage history points on a real SQLite file and a real PostgreSQL server: round trip, scopes, range, order,
/// and thinning to the last point of each province-local day after 90 days.
@Suite("ProvinceStore coverage history (SQLite and PostgreSQL)")
struct CoverageHistoryStoreTests {
    static func point(_ t: Date, _ commune: String?, fiveG: Double, zones: Int) -> CoverageHistoryPoint {
        CoverageHistoryPoint(
            computedAt: t, commune: commune, reports: 1234, threeGAreaRatio: nil, fourGAreaRatio: 0.75,
            fiveGAreaRatio: fiveG, measuredRatio: 0.8, deadCells: zones * 2, deadZones: zones,
            communesWithFourG: commune == nil ? 3 : 1, communes: commune == nil ? 4 : 1)
    }

    @Test("points read back exactly, per scope, oldest first, within from…until", arguments: Backend.allCases)
    func roundTrip(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_790_000_000.25)
            for i in 0..<3 {
                let t = t0.addingTimeInterval(Double(i) * 600)
                try await store.appendCoverageHistory(
                    [
                        Self.point(t, nil, fiveG: 0.1 * Double(i), zones: i),
                        Self.point(t, "12345", fiveG: 0.5, zones: 0),
                    ],
                    now: t)
            }
            let province = try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 100)
            #expect(province.count == 3)
            #expect(province.map(\.computedAt) == (0..<3).map { t0.addingTimeInterval(Double($0) * 600) })
            #expect(province[2] == Self.point(t0.addingTimeInterval(1200), nil, fiveG: 0.2, zones: 2))
            #expect(province[0].threeGAreaRatio == nil)
            #expect(province[0].speedAreaRatio == nil)
            let commune = try await store.coverageHistory(commune: "12345", from: nil, until: nil, limit: 100)
            #expect(commune.map(\.commune) == ["12345", "12345", "12345"])
            let ranged = try await store.coverageHistory(
                commune: nil, from: t0.addingTimeInterval(600), until: t0.addingTimeInterval(1200), limit: 100)
            #expect(ranged.map(\.deadZones) == [1, 2])
            let limited = try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 2)
            #expect(limited.map(\.deadZones) == [0, 1])
            #expect(try await store.coverageHistory(commune: "99999", from: nil, until: nil, limit: 10).isEmpty)
            // A second recomputation at the same instant (a frozen clock) replaces that point.
            let last = t0.addingTimeInterval(1200)
            try await store.appendCoverageHistory([Self.point(last, nil, fiveG: 0.9, zones: 7)], now: last)
            let replaced = try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 100)
            #expect(replaced.count == 3)
            #expect(replaced.last == Self.point(last, nil, fiveG: 0.9, zones: 7))
        }
    }

    @Test(
        "points older than 90 days are thinned to the last of each day (UTC+07:00); newer ones all kept",
        arguments: Backend.allCases)
    func thinning(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // 2026-01-10T00:00:00+07:00, then points at 06:00, 12:00, 18:00 local and 23:30 local; the next day too.
            let dayStart = Date(timeIntervalSince1970: 1_767_978_000)
            var old: [Date] = []
            for day in 0..<2 {
                for hours in [6.0, 12, 18, 23.5] {
                    old.append(dayStart.addingTimeInterval(Double(day) * 86_400 + hours * 3600))
                }
            }
            for t in old { try await store.appendCoverageHistory([Self.point(t, nil, fiveG: 0.3, zones: 0)], now: t) }
            #expect(try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 100).count == 8)
            // 100 days later a new point arrives: the old days keep their last point (23:30 local) only.
            let later = dayStart.addingTimeInterval(100 * 86_400)
            try await store.appendCoverageHistory([Self.point(later, nil, fiveG: 0.6, zones: 0)], now: later)
            let kept = try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 100)
            #expect(kept.map(\.computedAt) == [old[3], old[7], later])
            // Within 90 days nothing is thinned.
            let soon = later.addingTimeInterval(600)
            try await store.appendCoverageHistory([Self.point(soon, nil, fiveG: 0.6, zones: 0)], now: soon)
            #expect(try await store.coverageHistory(commune: nil, from: nil, until: nil, limit: 100).count == 4)
        }
    }
}
