import CoverageModel
import Foundation
import MeasurementStore
import TestSupport
import Testing

/// A gateway modem's signal reports in the province store, on a real SQLite file and a real PostgreSQL server:
/// identity (probe, store id, sequence) is idempotent, content conflicts are named, and the reports count for
/// coverage as a complete upload told apart by its source.
@Suite("ProvinceStore gateway signal reports (SQLite and PostgreSQL)")
struct GatewaySignalStoreTests {
    static func report(_ rsrp: Double, at seconds: Double) -> SignalReport {
        SignalReport(
            time: seconds, lat: 20.6465, lon: 106.0512, technology: .fourG, operatorCode: "452-04", rsrpDbm: rsrp,
            rsrqDb: -9, device: "gateway:11953")
    }

    @Test("repeats are duplicates, other content is a conflict, a new store id is new", arguments: Backend.allCases)
    func identity(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            let first = (1...3).map {
                GatewaySignalEntry(
                    storeID: "store-a", sequence: Int64($0), report: Self.report(-90 - Double($0), at: 1_790_000_000))
            }
            let outcome = try await store.ingestGatewaySignalReports(
                first, probeID: "probe-11953", source: "gateway:11953", receivedAt: t)
            #expect(outcome == GatewaySignalOutcome(accepted: 3, duplicates: 0, conflicting: []))
            // Sent again after a lost acknowledgement, with one changed report (a restored gateway database) and
            // a repeat inside the batch.
            var again = first
            again[1].report.rsrpDbm = -70
            again.append(first[0])
            let second = try await store.ingestGatewaySignalReports(
                again, probeID: "probe-11953", source: "gateway:11953", receivedAt: t)
            #expect(second == GatewaySignalOutcome(accepted: 0, duplicates: 3, conflicting: [1]))
            // The same numbers from a rebuilt gateway store are other reports.
            let rebuilt = [
                GatewaySignalEntry(storeID: "store-b", sequence: 1, report: Self.report(-100, at: 1_790_000_060))
            ]
            #expect(
                try await store.ingestGatewaySignalReports(
                    rebuilt, probeID: "probe-11953", source: "gateway:11953", receivedAt: t
                ).accepted == 1)

            #expect(try await store.signalReportCount() == 4)
            #expect(try await store.gatewaySignalReportCount() == 4)
            let uploads = try await store.reportUploads()
            #expect(uploads.map(\.id).sorted() == ["gateway:probe-11953:store-a", "gateway:probe-11953:store-b"])
            #expect(uploads.allSatisfy { $0.source == "gateway:11953" && $0.state == .complete })
            #expect(uploads.first { $0.id.hasSuffix("store-a") }?.rowsAccepted == 3)
            // Coverage reads them back exactly (the conflicting report kept its first content).
            let back = try await SignalReportStoreTests.readAll(store, pageSize: 2)
            #expect(back == first.map(\.report) + rebuilt.map(\.report))
        }
    }

    @Test("uploaded and gateway reports are counted apart", arguments: Backend.allCases)
    func countedApart(_ backend: Backend) async throws {
        try await withStore(backend) { store in
            let t = Date(timeIntervalSince1970: 1_790_000_000)
            let upload = ReportUpload(
                id: ReportUpload.makeID(at: t), uploadedAt: t, uploadedBy: "root", format: "csv", preset: "canonical",
                rowsRead: 2, rowsAccepted: 2)
            try await store.beginReportUpload(upload)
            try await store.appendSignalReports(
                [Self.report(-95, at: 1_790_000_000), Self.report(-96, at: 1_790_000_001)], uploadID: upload.id,
                firstOrdinal: 0)
            try await store.commitReportUpload(upload)
            _ = try await store.ingestGatewaySignalReports(
                [GatewaySignalEntry(storeID: "s", sequence: 1, report: Self.report(-90, at: 1_790_000_002))],
                probeID: "probe-11953", source: "gateway:11953", receivedAt: t)
            #expect(try await store.signalReportCount() == 3)
            #expect(try await store.gatewaySignalReportCount() == 1)
            let sources = try await store.reportUploads().map(\.source).sorted()
            #expect(sources == ["gateway:11953", "upload"])
        }
    }
}
