import CoverageModel
import Foundation
import MeasurementStore
import TestSupport
import Testing

/// Signal report uploads, run against a real SQLite file and a real PostgreSQL server.
@Suite("ProvinceStore signal reports (SQLite and PostgreSQL)")
struct SignalReportStoreTests {
    /// The first 6,000 accepted rows of the real Cork drive test (shared reference data, see ``RepositoryData``),
    /// read with the cork-5g preset (3G, 4G and 5G rows, sentinels and missing values among them).
    static let corkReports: [SignalReport] = {
        let path = RepositoryData.shared("drive-tests/cork_5g_download_driving.csv")
        guard let reader = try? makeReportReader(path: path, mapping: .cork5G) else { return [] }
        var out: [SignalReport] = []
        while out.count < 6_000, let r = try? reader.next() { out.append(r) }
        return out
    }()

    static func readAll(_ store: any ProvinceStore, pageSize: Int) async throws -> [SignalReport] {
        var out: [SignalReport] = []
        var cursor: SignalReportCursor?
        repeat {
            let page = try await store.signalReports(after: cursor, limit: pageSize)
            out += page.reports
            cursor = page.next
        } while cursor != nil
        return out
    }

    @Test(
        "an upload's rows count only once it is committed, and read back exactly",
        .enabled(if: RepositoryData.hasSharedData, "\(RepositoryData.sharedDataSkipReason)"),
        arguments: Backend.allCases)
    func uploadRoundTrip(_ backend: Backend) async throws {
        let cork = Self.corkReports
        try #require(cork.count == 6_000, "the Cork drive test in shared/data/drive-tests is needed")
        #expect(Set(cork.map(\.technology)).isSuperset(of: [.threeG, .fourG, .fiveG]))
        try await withStore(backend) { store in
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            var upload = ReportUpload(
                id: ReportUpload.makeID(at: t), uploadedAt: t, uploadedBy: "root", format: "csv", preset: "cork-5g")
            try await store.beginReportUpload(upload)
            var ordinal: Int64 = 0
            for start in stride(from: 0, to: cork.count, by: 2500) {
                let batch = Array(cork[start..<min(start + 2500, cork.count)])
                try await store.appendSignalReports(batch, uploadID: upload.id, firstOrdinal: ordinal)
                ordinal += Int64(batch.count)
            }
            // Not committed yet: invisible.
            #expect(try await store.signalReportCount() == 0)
            #expect(try await store.signalReports(after: nil, limit: 10).reports.isEmpty)
            #expect(try await store.reportUploads().isEmpty)
            upload.rowsRead = cork.count + 2
            upload.rowsAccepted = cork.count
            upload.rowsRejected = 2
            try await store.commitReportUpload(upload)
            #expect(try await store.signalReportCount() == cork.count)
            let back = try await Self.readAll(store, pageSize: 1500)
            #expect(back.count == cork.count)
            #expect(back == cork)
            let uploads = try await store.reportUploads()
            #expect(uploads.count == 1)
            #expect(uploads.first?.rowsRejected == 2)
            #expect(uploads.first?.state == .complete)
            #expect(uploads.first?.preset == "cork-5g")
            // A committed upload takes no more rows and cannot be committed twice.
            await #expect(throws: StoreError.self) {
                try await store.appendSignalReports([cork[0]], uploadID: upload.id, firstOrdinal: ordinal)
            }
            await #expect(throws: StoreError.self) { try await store.commitReportUpload(upload) }
        }
    }

    @Test("aborted and unfinished uploads leave nothing behind", arguments: Backend.allCases)
    func abortAndDiscard(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            let text = SignalReport(
                time: 1_767_574_800.5, lat: 20.65, lon: 106.05, technology: .fiveG, operatorCode: "452-04",
                rsrpDbm: -95, nrSsRsrpDbm: -101.25, device: "Điện thoại đo kiểm — Hưng Yên")
            let sparse = SignalReport(lat: -33.5, lon: -70.25, technology: .noService)
            let kept = ReportUpload(
                id: "a-kept", uploadedAt: t, uploadedBy: "root", format: "jsonl", preset: "canonical")
            let aborted = ReportUpload(
                id: "b-aborted", uploadedAt: t, uploadedBy: "root", format: "csv", preset: "canonical")
            let lost = ReportUpload(
                id: "c-lost", uploadedAt: t, uploadedBy: "root", format: "geojson", preset: "canonical")
            for u in [kept, aborted, lost] {
                try await store.beginReportUpload(u)
                try await store.appendSignalReports([text, sparse], uploadID: u.id, firstOrdinal: 0)
            }
            try await store.commitReportUpload(
                ReportUpload(
                    id: kept.id, uploadedAt: t, uploadedBy: "root", format: "jsonl", preset: "canonical", rowsRead: 2,
                    rowsAccepted: 2))
            try await store.abortReportUpload(id: aborted.id)
            #expect(try await store.discardIncompleteReportUploads() == 1)
            #expect(try await store.discardIncompleteReportUploads() == 0)
            #expect(try await store.signalReportCount() == 2)
            #expect(try await Self.readAll(store, pageSize: 1) == [text, sparse])
            #expect(try await store.reportUploads().map(\.id) == ["a-kept"])
            // The aborted id is free again: its rows are gone too.
            try await store.beginReportUpload(aborted)
            try await store.appendSignalReports([sparse], uploadID: aborted.id, firstOrdinal: 0)
        }
    }

    @Test("replicas on PostgreSQL discard only the unfinished uploads started before a cutoff")
    func discardOldUnfinishedUploads() async throws {
        try await withStore(.postgres) { store in
            let postgres = try #require(store as? PostgresProvinceStore)
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            let report = SignalReport(lat: 20.65, lon: 106.05, technology: .fourG)
            for (id, start) in [("a-abandoned", t - 7 * 3600), ("b-arriving", t - 60)] {
                try await store.beginReportUpload(
                    ReportUpload(id: id, uploadedAt: start, uploadedBy: "root", format: "csv", preset: "canonical"))
                try await store.appendSignalReports([report], uploadID: id, firstOrdinal: 0)
            }
            #expect(try await postgres.discardIncompleteReportUploads(startedBefore: t - 6 * 3600) == 1)
            #expect(try await postgres.discardIncompleteReportUploads(startedBefore: t - 6 * 3600) == 0)
            // The one still arriving completes with its row.
            try await store.commitReportUpload(
                ReportUpload(
                    id: "b-arriving", uploadedAt: t - 60, uploadedBy: "root", format: "csv", preset: "canonical",
                    rowsRead: 1, rowsAccepted: 1))
            #expect(try await store.reportUploads().map(\.id) == ["b-arriving"])
            #expect(try await store.signalReportCount() == 1)
        }
    }

    @Test("several coverage snapshots are saved together", arguments: Backend.allCases)
    func snapshotsTogether(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            try await store.saveCoverageSnapshots([
                CoverageSnapshot(kind: "summary", createdAt: t, json: #"{"a":1}"#),
                CoverageSnapshot(kind: "communes", createdAt: t, json: #"{"Xã Nam Tiền Hải":2}"#),
            ])
            try await store.saveCoverageSnapshots([
                CoverageSnapshot(kind: "summary", createdAt: t + 1, json: #"{"a":3}"#)
            ])
            #expect(try await store.coverageSnapshot(kind: "summary")?.json == #"{"a":3}"#)
            #expect(try await store.coverageSnapshot(kind: "communes")?.json == #"{"Xã Nam Tiền Hải":2}"#)
        }
    }
}
