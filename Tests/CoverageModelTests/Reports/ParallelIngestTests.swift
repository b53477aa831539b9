import Foundation
import Testing

@testable import CoverageModel

/// `CSVCoverageIngest` on several threads gives exactly what one `CSVReportReader` on one thread gives: the same
/// accumulator (so the same figures), the same summary with the same row numbers, the same errors.
@Suite struct ParallelIngestTests {
    /// A simulated drive-test CSV of the province (20,000 rows), made once.
    static let simulatedCSV: String = {
        let sink = MemoryByteSink()
        let writer = CanonicalCSVWriter(sink: sink)
        try! DriveTestSimulator(communes: SimulatedProvince.communes, seed: 11).run(rows: 20_000) {
            try writer.write($0)
        }
        try! writer.finish()
        return String(decoding: sink.bytes, as: UTF8.self)
    }()

    struct Outcome: Equatable {
        var summary: ImportSummary?
        var error: ReportReadError?
        var reportCount: Int
        var operators: [String]
        var cells: [H3Index]
        var rows: [Int32]
        var samples: [CoverageAccumulator.SampleKey: [Double]]
        var operatorRows: [CoverageAccumulator.CellOperator: Int32]
        var speed: [SpeedSamples.SpeedKey: SpeedSamples.Rates]
        var lastProgress: Int64
    }

    static func ingest(
        _ text: String, workers: Int, chunkSize: Int = 1 << 20, strict: Bool = false,
        mapping: ColumnMapping = .canonical
    ) -> Outcome {
        var accumulator = CoverageAccumulator(settings: CoverageSettings())
        var summary: ImportSummary?
        var error: ReportReadError?
        var lastProgress: Int64 = 0
        do {
            summary = try CSVCoverageIngest.accumulate(
                source: MemoryByteSource(text, name: "t.csv", chunkSize: 333), mapping: mapping, strict: strict,
                workers: workers, into: &accumulator, chunkSize: chunkSize
            ) { lastProgress = $0 }
        } catch let e as ReportReadError {
            error = e
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return Outcome(
            summary: summary, error: error, reportCount: accumulator.reportCount, operators: accumulator.operators,
            cells: accumulator.cellIDs, rows: accumulator.rows, samples: accumulator.samples,
            operatorRows: accumulator.operatorRows, speed: accumulator.speedSamples.grouped,
            lastProgress: error == nil ? lastProgress : 0)
    }

    @Test(arguments: [1, 2, 3])
    func simulatedDriveTestsGiveTheSameAccumulatorAndReport(workers: Int) throws {
        let text = Self.simulatedCSV
        let single = Self.ingest(text, workers: 0)
        #expect(single.summary?.rowsRead == 20_000)
        #expect(single.lastProgress == Int64(text.utf8.count))
        // Small chunks: dozens of chunks, so threads really interleave.
        let parallel = Self.ingest(text, workers: workers, chunkSize: 16 << 10)
        #expect(parallel == single)
        // The simulated rows carry download/upload rates: the parallel path keeps the same ones.
        #expect(single.speed.count > 100)
        #expect(parallel.speed == single.speed)
        // And the report built from it is byte for byte the same.
        func report(_ workers: Int) throws -> [UInt8] {
            var accumulator = CoverageAccumulator(settings: CoverageSettings())
            _ = try CSVCoverageIngest.accumulate(
                source: MemoryByteSource(text), workers: workers, into: &accumulator, chunkSize: 16 << 10)
            var bytes: [UInt8] = []
            CoverageAnalysis.analyze(accumulator, communes: SimulatedProvince.communes).reportJSON.write(to: &bytes)
            return bytes
        }
        #expect(try report(workers) == report(0))
    }

    /// Bad rows, blank lines, CR LF, quoted fields holding commas, quotes and line breaks, no final line feed;
    /// chunks far smaller than a record so that records are cut everywhere.
    static let awkwardCSV = [
        "\r\n\u{FEFF}time,lat,lon,technology,operator,rsrp_dbm,device",
        "2026-01-05T08:00:00+07:00,20.6,106.1,4G,452-04,-95,\"a, \"\"b\"\"\nc\"",
        "",
        "2026-01-05T08:00:01+07:00,20.6,106.1,4G,452-04,-96,x\r",
        "2026-01-05T08:00:02+07:00,91,106.1,4G,452-04,-96,x",
        "2026-01-05T08:00:03+07:00,20.6,106.1,6G,452-04,-96,x",
        "2026-01-05T08:00:04+07:00,20.6,106.1,5G,452-05,-20,\"multi\r\nline\"",
        "2026-01-05T08:00:05+07:00,20.6,abc,3G,,,",
        "2026-01-05T08:00:06+07:00,20.6001,106.1001,4G,45204,-97,y,extra",
        "2026-01-05T08:00:07+07:00,20.6001,106.1001,4G,45204,-97,y",
    ].joined(separator: "\n")

    @Test(arguments: [1, 2, 4])
    func awkwardFilesGiveTheSameSummaryWithTheSameRowNumbers(workers: Int) throws {
        let single = Self.ingest(Self.awkwardCSV, workers: 0)
        let rows = single.summary?.rejections.map(\.row)
        #expect(rows == [6, 7, 9, 10])
        #expect(single.summary?.accepted == [.fourG: 3, .fiveG: 1])
        #expect(single.summary?.droppedOutOfRange == [.rsrpDbm: 1])
        for chunkSize in [16, 40, 100, 1 << 20] {
            let parallel = Self.ingest(Self.awkwardCSV, workers: workers, chunkSize: chunkSize)
            #expect(parallel == single, "chunks of \(chunkSize) bytes")
        }
        // Far more chunks of blank lines before the header than chunks allowed in memory at once.
        let padded = String(repeating: "\r\n", count: 200) + Self.awkwardCSV
        let paddedSingle = Self.ingest(padded, workers: 0)
        #expect(paddedSingle.summary?.rejections.map(\.row) == [206, 207, 209, 210])
        #expect(Self.ingest(padded, workers: workers, chunkSize: 16) == paddedSingle)
    }

    /// Per-technology columns, sentinels and out-of-range values (the `cork-5g` preset): the rows the workers
    /// keep give the same accumulator and the same counts as whole reports read on one thread.
    @Test(arguments: [1, 2])
    func perTechnologyColumnsAndSentinelsGiveTheSameAccumulator(workers: Int) {
        let header =
            "timestamp_local,lat,lon,network_mode,rsrp_or_rscp_dbm,rsrq_or_ecio_db,snr_db,nr_ss_rsrp_dbm,"
            + "nr_ss_rsrq_db,rssi_dbm,dl_kbps,ul_kbps"
        var lines = [header]
        let modes = ["LTE", "5G", "HSPA+", "EDGE", "5G", "LTE"]
        for i in 0..<600 {
            let rsrp = i % 7 == 0 ? "-200" : i % 11 == 0 ? "-20" : "\(-80 - i % 30)"
            let nr = i % 5 == 0 ? "-205" : "\(-90 - i % 20)"
            let rssi = i % 13 == 0 ? "-200" : "\(-70 - i % 10)"
            let lat = 20.6 + Double(i / 10) * 0.001
            lines.append(
                "2026-01-05 08:\(10 + i / 60):\(10 + i % 40),\(lat),106.1,\(modes[i % modes.count]),\(rsrp),-9,12,"
                    + "\(nr),-11,\(rssi),\(i * 10),-1")
        }
        let text = lines.joined(separator: "\n")
        let single = Self.ingest(text, workers: 0, mapping: .cork5G)
        #expect(single.summary?.rowsRead == 600)
        #expect(single.summary?.sentinelValues[.rsrpDbm] ?? 0 > 0)
        #expect(single.summary?.sentinelValues[.nrSsRsrpDbm] ?? 0 > 0)
        #expect(single.summary?.droppedOutOfRange[.rsrpDbm] ?? 0 > 0)
        #expect(!single.samples.isEmpty)
        for chunkSize in [64, 1 << 20] {
            #expect(Self.ingest(text, workers: workers, chunkSize: chunkSize, mapping: .cork5G) == single)
        }
    }

    @Test(arguments: [1, 2])
    func strictModeStopsAtTheSameRow(workers: Int) {
        let single = Self.ingest(Self.awkwardCSV, workers: 0, strict: true)
        #expect(single.error?.code == .badRow)
        #expect(single.error?.row == 6)
        #expect(single.reportCount == 2)
        for chunkSize in [16, 100, 1 << 20] {
            #expect(Self.ingest(Self.awkwardCSV, workers: workers, chunkSize: chunkSize, strict: true) == single)
        }
    }

    @Test func emptyFilesAndMissingColumnsFailTheSameWay() {
        for text in ["", "\n\n", "time,lat,technology\n2026-01-05T08:00:00Z,20.6,4G\n"] {
            let single = Self.ingest(text, workers: 0)
            #expect(single.error?.code == .badHeader)
            #expect(Self.ingest(text, workers: 2, chunkSize: 16) == single)
        }
        let headerOnly = Self.ingest("lat,lon,technology", workers: 2)
        #expect(headerOnly.summary?.rowsRead == 0)
        #expect(headerOnly == Self.ingest("lat,lon,technology", workers: 0))
    }

    @Test func theChunkerCutsOnlyBetweenRecords() throws {
        let text = Self.awkwardCSV
        for chunkSize in [16, 33, 1 << 20] {
            let chunker = CSVChunker(source: MemoryByteSource(text, chunkSize: 5), chunkSize: chunkSize)
            var joined: [UInt8] = []
            var records = 0
            while let chunk = try chunker.next() {
                let bytes = Array(UnsafeRawBufferPointer(rebasing: chunk.buffer[0..<chunk.count]))
                let reader = RecordReader(chunk: chunk.buffer, count: chunk.count, name: "t", mode: .csv(separator: 44))
                while try reader.next() {}
                records += reader.recordNumber
                joined += bytes
            }
            #expect(joined == Array(text.utf8))
            // As many records as one reader over the whole text finds.
            let whole = RecordReader(source: MemoryByteSource(text), mode: .csv(separator: 44))
            while try whole.next() {}
            #expect(records == whole.recordNumber)
        }
    }

    @Test func medianBySelectionEqualsTheSortedMiddle() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 4, 17, 18, 100, 1001] {
            for _ in 0..<20 {
                // Few distinct values: many ties, as with whole-dBm measurements.
                let values = (0..<count).map { _ in Double(Int.random(in: -120 ... -90, using: &generator)) }
                let sorted = values.sorted()
                let mid = count / 2
                let expected = count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
                #expect(CoverageAnalysis.median(values) == expected)
            }
        }
        #expect(CoverageAnalysis.median([]) == nil)
        #expect(CoverageAnalysis.median([-100.5, -99.5]) == -100)
    }
}
