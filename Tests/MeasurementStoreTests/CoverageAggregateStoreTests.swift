import CoverageModel
import Foundation
import MeasurementStore
import TestSupport
import Testing

/// Coverage aggregates kept beside the reports (migration `v8-coverage-cell-aggregates`), on a real SQLite file and
/// a real PostgreSQL server: after uploads, gateway batches, deletes and aborted uploads, the merged aggregates are
/// exactly those of the stored reports, and a store written without them is backfilled once.
@Suite("ProvinceStore coverage aggregates (SQLite and PostgreSQL)")
struct CoverageAggregateStoreTests {
    static let settings = CoverageSettings()
    static let aggregation = CellAggregation(settings: settings)
    static let box = (lat: 20.60...20.66, lng: 106.00...106.10)
    static let t = Date(timeIntervalSince1970: 1_790_000_000)

    /// The aggregates of every stored report, made from the reports read back.
    static func expected(_ store: any ProvinceStore) async throws -> CellAggregates {
        var a = CellAggregates(aggregation: Self.aggregation)
        for r in try await SignalReportStoreTests.readAll(store, pageSize: 997) { a.add(r) }
        return a
    }

    static func expectSame(_ merged: CellAggregates?, _ expected: CellAggregates) throws {
        let merged = try #require(merged, "the merged aggregates are current")
        #expect(merged.reportCount == expected.reportCount)
        let a = merged.entries
        let b = expected.entries
        #expect(a.count == b.count)
        #expect(a.map(\.key) == b.map(\.key))
        #expect(a.map(\.count) == b.map(\.count))
    }

    static func upload(
        _ store: any ProvinceStore, _ reports: [SignalReport], id: String, batch: Int = 700, commit: Bool = true
    ) async throws {
        var upload = ReportUpload(id: id, uploadedAt: Self.t, uploadedBy: "root", format: "jsonl", preset: "canonical")
        try await store.beginReportUpload(upload)
        var ordinal: Int64 = 0
        for start in stride(from: 0, to: reports.count, by: batch) {
            let part = Array(reports[start..<min(start + batch, reports.count)])
            try await store.appendSignalReports(part, uploadID: id, firstOrdinal: ordinal)
            ordinal += Int64(part.count)
        }
        guard commit else { return }
        upload.rowsRead = reports.count
        upload.rowsAccepted = reports.count
        try await store.commitReportUpload(upload)
    }

    static func gateway(
        _ store: any ProvinceStore, _ reports: [SignalReport], storeID: String, from first: Int64
    ) async throws -> GatewaySignalOutcome {
        let entries = reports.enumerated().map { i, r in
            var r = r
            r.device = "gateway:11953"
            return GatewaySignalEntry(storeID: storeID, sequence: first + Int64(i), report: r)
        }
        return try await store.ingestGatewaySignalReports(
            entries, probeID: "probe-11953", source: "gateway:11953", receivedAt: Self.t)
    }

    @Test(
        "uploads, gateway batches, deletes and aborts keep the merged aggregates those of the stored reports",
        arguments: Backend.allCases)
    func incremental(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            store.keepCoverageAggregates(Self.aggregation)
            // A fresh store: nothing to read, the aggregates become current.
            #expect(try await store.backfillCoverageAggregates(pageSize: 500) == .init(rebuilt: true))
            try await Self.expectSame(store.coverageCellAggregates(), Self.expected(store))
            var source = MixedReports(seed: 8, box: Self.box, cells: 30)
            try await Self.upload(store, source.next(2_000), id: "u1")
            try await Self.upload(store, source.next(1_500), id: "u2")
            #expect(try await Self.gateway(store, source.next(300), storeID: "a", from: 1).accepted == 300)
            // A repeat (lost acknowledgement) with new reports after it: only the new ones count.
            let more = source.next(200)
            #expect(try await Self.gateway(store, more, storeID: "a", from: 301).accepted == 200)
            #expect(try await Self.gateway(store, more, storeID: "a", from: 301).duplicates == 200)
            #expect(try await Self.gateway(store, source.next(100), storeID: "b", from: 1).accepted == 100)
            try await Self.expectSame(store.coverageCellAggregates(), Self.expected(store))
            // An upload still arriving counts for nothing; aborted, it leaves nothing.
            try await Self.upload(store, source.next(900), id: "u3", commit: false)
            try await Self.expectSame(store.coverageCellAggregates(), Self.expected(store))
            try await store.abortReportUpload(id: "u3")
            try await Self.upload(store, source.next(400), id: "u4", commit: false)
            #expect(try await store.discardIncompleteReportUploads() == 1)
            // Deleting a complete upload takes its counts away.
            try await store.abortReportUpload(id: "u2")
            try await Self.upload(store, source.next(1_000), id: "u5", batch: 333)
            let merged = try await store.coverageCellAggregates()
            let expected = try await Self.expected(store)
            try Self.expectSame(merged, expected)
            #expect(expected.reportCount == 2_000 + 600 + 1_000)
            // Nothing needed backfilling along the way.
            #expect(try await store.backfillCoverageAggregates(pageSize: 500) == .init())
            // And the analysis of the merged aggregates is that of the reports, cell by cell.
            let grid = CommuneGrid(
                communes: [
                    CommuneBoundary(
                        code: "11953", name: "Xã A",
                        geometry: GeoMultiPolygon(polygons: [
                            GeoPolygon(exterior: [
                                LatLng(lat: 20.60, lng: 106.00), LatLng(lat: 20.60, lng: 106.10),
                                LatLng(lat: 20.66, lng: 106.10), LatLng(lat: 20.66, lng: 106.00),
                            ])
                        ]))
                ], resolution: Self.settings.resolution)
            var accumulator = CoverageAccumulator(settings: Self.settings)
            for r in try await SignalReportStoreTests.readAll(store, pageSize: 5_000) { accumulator.add(r) }
            let full = CoverageAnalysis.analyze(accumulator, grid: grid)
            let incremental = CoverageAnalysis.analyze(try #require(merged), settings: Self.settings, grid: grid)
            #expect(full.cells == incremental.cells)
            #expect(full.communes == incremental.communes && full.province == incremental.province)
            #expect(full.province.deadCells > 0 && full.cells.contains { $0.isCovered(by: .fourG) })
        }
    }

    @Test(
        "a store written without aggregates is backfilled once, in pages; then gateway growth is incremental",
        arguments: Backend.allCases)
    func backfill(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            // Written as a server before v8 (or one keeping no aggregates) would: no aggregates.
            var source = MixedReports(seed: 9, box: Self.box, cells: 25)
            try await Self.upload(store, source.next(1_200), id: "old-1")
            try await Self.upload(store, source.next(800), id: "old-2")
            #expect(try await Self.gateway(store, source.next(150), storeID: "a", from: 1).accepted == 150)
            store.keepCoverageAggregates(Self.aggregation)
            #expect(try await store.coverageCellAggregates() == nil)
            let done = try await store.backfillCoverageAggregates(pageSize: 100)
            #expect(done == .init(rebuilt: true, uploads: 3, reports: 2_150))
            try await Self.expectSame(store.coverageCellAggregates(), Self.expected(store))
            // Once only.
            #expect(try await store.backfillCoverageAggregates(pageSize: 100) == .init())
            // The backfilled gateway upload now grows incrementally.
            #expect(try await Self.gateway(store, source.next(120), storeID: "a", from: 151).accepted == 120)
            try await store.abortReportUpload(id: "old-1")
            try await Self.expectSame(store.coverageCellAggregates(), Self.expected(store))
            #expect(try await store.backfillCoverageAggregates(pageSize: 100) == .init())
        }
    }

    @Test("another aggregation (a new resolution) rebuilds the stored aggregates", arguments: Backend.allCases)
    func otherAggregationRebuilds(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            store.keepCoverageAggregates(Self.aggregation)
            _ = try await store.backfillCoverageAggregates(pageSize: 500)
            var source = MixedReports(seed: 10, box: Self.box, cells: 20)
            try await Self.upload(store, source.next(600), id: "u1")
            var finer = Self.settings
            finer.resolution = 9
            let aggregation = CellAggregation(settings: finer)
            store.keepCoverageAggregates(aggregation)
            #expect(try await store.coverageCellAggregates() == nil)
            #expect(
                try await store.backfillCoverageAggregates(pageSize: 500)
                    == .init(rebuilt: true, uploads: 1, reports: 600))
            let merged = try #require(try await store.coverageCellAggregates())
            #expect(merged.aggregation == aggregation)
            #expect(merged.cells.keys.allSatisfy { $0.resolution == 9 })
            #expect(merged.reportCount == 600)
        }
    }
}
