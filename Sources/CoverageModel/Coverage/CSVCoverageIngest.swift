import Foundation
import NetmonProtocol

/// Reads a CSV file of signal reports into a `CoverageAccumulator`, parsing rows on several threads.
///
/// A reading thread cuts the stream into chunks of whole records (`CSVChunker`); worker threads parse the
/// rows of a chunk and locate their cells; the calling thread takes the chunks back in file order and adds
/// them to the accumulator. The accumulator, the summary (row numbers of rejections included) and therefore
/// every figure computed from them are identical to reading with one `CSVReportReader` on one thread,
/// whatever the timing of the threads. At most `workers + 2` chunks are in memory at any time.
public enum CSVCoverageIngest {
    /// One worker per processor.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// Reads `source` into `accumulator` and returns what the import did. `workers` = 0 reads on the calling
    /// thread with a `CSVReportReader` (no threads). `progress` is called on the calling thread with the
    /// bytes consumed so far. Throws like `CSVReportReader.next()` (header, strict mode, I/O, record length),
    /// with the same row numbers; rows before the failing one are in the accumulator.
    public static func accumulate(
        source: any ByteSource, mapping: ColumnMapping = .canonical, strict: Bool = false, workers: Int,
        into accumulator: inout CoverageAccumulator, chunkSize: Int = 512 << 10,
        progress: (Int64) -> Void = { _ in }
    ) throws -> ImportSummary {
        if workers <= 0 {
            let reader = CSVReportReader(source: source, mapping: mapping, strict: strict)
            var n = 0
            while let report = try reader.next() {
                accumulator.add(report)
                n += 1
                if n & 0xFFFF == 0 { progress(reader.bytesConsumed) }
            }
            progress(reader.bytesConsumed)
            return reader.summary
        }
        return try ParallelRun(
            source: source, mapping: mapping, strict: strict, workers: workers, chunkSize: chunkSize
        ).run(into: &accumulator, progress: progress)
    }
}

/// The download/upload rates (kbit/s, NaN for none, as `SpeedSamples` keeps them) of one row of a chunk, by its
/// position in the chunk.
struct RowRates: Sendable {
    var row: Int32
    var technology: Technology
    var downloadKbps: Float
    var uploadKbps: Float
}

/// What a worker made of one chunk: the accepted rows, located, and the chunk's summary.
struct LocatedChunk: Sendable {
    var cells: [H3Index] = []
    /// Per row: 0 for no operator, else 1 + the position in `operatorCodes`.
    var operators: [UInt16] = []
    var operatorCodes: [String] = []
    /// Per row, one value per judged technology (NaN where the row gives none).
    var values: [Double] = []
    /// The rows that carry a rate for a technology judged for speed, in row order (most rows carry none).
    var rates: [RowRates] = []
    /// Rejections carry row numbers counted from the chunk's first record (1).
    var summary = ImportSummary()
    /// Records in the chunk (blank lines and the header included, as `RecordReader` counts them).
    var records = 0
    var bytes = 0
    /// The error that stopped the chunk (strict mode), its row counted from the chunk's first record.
    var error: ReportReadError?
}

private struct ParallelRun {
    let source: any ByteSource
    let mapping: ColumnMapping
    let strict: Bool
    let workers: Int
    let chunkSize: Int

    typealias Pipeline = OrderedChunkPipeline<CSVChunker.Chunk, LocatedChunk>

    func run(into accumulator: inout CoverageAccumulator, progress: (Int64) -> Void) throws -> ImportSummary {
        let pipeline = Pipeline(limit: self.workers + 2)
        let name = self.source.name
        let mode = RecordReader.Mode.csv(separator: self.mapping.separator)
        let chunker = TransferredToThread(
            value: CSVChunker(source: self.source, chunkSize: self.chunkSize))
        pipeline.spawn {
            let chunker = chunker.value
            while pipeline.waitForSlot() {
                do {
                    guard let chunk = try chunker.next() else {
                        pipeline.finishProducing(error: nil)
                        return
                    }
                    pipeline.submit(chunk)
                } catch {
                    pipeline.finishProducing(error: error)
                    return
                }
            }
        }
        defer {
            pipeline.cancel()
            for chunk in pipeline.waitForThreads() { chunk.buffer.deallocate() }
        }

        // The chunk holding the header is parsed on this thread (every worker needs the header); chunks before
        // it hold only blank lines, which count as records for the row numbers.
        let settings = accumulator.settings
        let judged = accumulator.judged
        var template: CSVReportReader?
        var summary = ImportSummary()
        var recordsBefore = 0
        var bytes: Int64 = 0
        var number = 0
        while let (taken, chunk) = pipeline.takeWork() {
            number = taken
            let reader = CSVReportReader(
                records: RecordReader(chunk: chunk.buffer, count: chunk.count, name: name, mode: mode),
                mapping: self.mapping, strict: self.strict)
            if Self.isBlank(chunk) {
                while try reader.recordReader.next() {}
                recordsBefore += reader.recordReader.recordNumber
                bytes += Int64(chunk.count)
                number += 1
                pipeline.release()
                continue
            }
            try reader.readHeaderIfNeeded()
            var locator = H3CellLocator(resolution: settings.resolution)
            pipeline.deliver(
                number, Self.parse(reader, bytes: chunk.count, locator: &locator, judged: judged, settings: settings))
            template = reader
            break
        }
        if let template {
            for _ in 0..<self.workers {
                let reader = TransferredToThread(value: template.copy(on: template.recordReader))
                pipeline.spawn {
                    let reader = reader.value
                    var locator = H3CellLocator(resolution: settings.resolution)
                    while let (number, chunk) = pipeline.takeWork() {
                        reader.restart(
                            on: RecordReader(chunk: chunk.buffer, count: chunk.count, name: name, mode: mode))
                        pipeline.deliver(
                            number,
                            Self.parse(
                                reader, bytes: chunk.count, locator: &locator, judged: judged, settings: settings))
                    }
                }
            }
        }

        while true {
            switch pipeline.next(number) {
            case .end(let error?):
                if var e = error as? ReportReadError {
                    if e.code == .recordTooLong { e.row = recordsBefore + 1 }
                    throw e
                }
                throw error
            case .end(nil):
                if template == nil {
                    // Nothing but blank lines (or nothing at all): the reader's own message.
                    let empty = CSVReportReader(
                        records: RecordReader(
                            chunk: .allocate(byteCount: 16, alignment: 8), count: 0, name: name, mode: mode),
                        mapping: self.mapping, strict: self.strict)
                    try empty.readHeaderIfNeeded()
                }
                return summary
            case .output(let chunk):
                Self.add(chunk, to: &accumulator, judgedCount: judged.count)
                var chunkSummary = chunk.summary
                for i in chunkSummary.rejections.indices { chunkSummary.rejections[i].row += recordsBefore }
                summary.merge(chunkSummary)
                if var error = chunk.error {
                    error.row = error.row.map { $0 + recordsBefore }
                    throw error
                }
                recordsBefore += chunk.records
                bytes += Int64(chunk.bytes)
                progress(bytes)
                number += 1
            }
        }
    }

    /// Whether a chunk holds only line breaks (blank records).
    static func isBlank(_ chunk: CSVChunker.Chunk) -> Bool {
        for i in 0..<chunk.count where chunk.buffer[i] != 10 && chunk.buffer[i] != 13 { return false }
        return true
    }

    /// Parses every record of the reader's chunk and locates the accepted rows.
    static func parse(
        _ reader: CSVReportReader, bytes: Int, locator: inout H3CellLocator,
        judged: [(Technology, SignalMetric, UInt8)], settings: CoverageSettings
    ) -> LocatedChunk {
        var out = LocatedChunk()
        out.bytes = bytes
        // Canonical rows are 80–100 bytes: room for most chunks' rows without regrowing.
        out.cells.reserveCapacity(bytes / 64)
        out.operators.reserveCapacity(bytes / 64)
        out.values.reserveCapacity(bytes / 64 * judged.count)
        var lastIndex: UInt16 = 0
        // `lastIndex` of the reader's remembered operator codes by memo slot (0: not met in this chunk yet).
        var indexBySlot = [UInt16](repeating: 0, count: OperatorCodeMemo.capacity)
        // Per judged technology: its primary metric and which report technologies count for it (bit i for
        // `Technology.allCases[i]`; plain values, nothing to retain per row).
        let allTechnologies = Technology.allCases
        let rules = judged.map { technology, metric, _ in
            var mask: UInt8 = 0
            for (i, t) in allTechnologies.enumerated() where settings.counts(t, for: technology) { mask |= 1 << i }
            return (metric, mask)
        }
        // Which report technologies have their rates kept (bit `SpeedSamples.position(t)`).
        var speedMask: UInt8 = 0
        for t in settings.speed.keys { speedMask |= 1 << SpeedSamples.position(t) }
        var row = CompactReportRow()
        do {
            try reader.forEachRow(into: &row) { row in
                let rowNumber = Int32(truncatingIfNeeded: out.cells.count)
                out.cells.append(locator.cell(for: LatLng(lat: row.lat, lng: row.lon)))
                // The row keeps its operator until another one comes (`keepsOperatorAcrossRows`).
                if row.operatorChanged {
                    row.operatorChanged = false
                    if let code = row.operatorCode {
                        let slot = row.operatorSlot
                        if slot >= 0 && indexBySlot[slot] != 0 {
                            lastIndex = indexBySlot[slot]
                        } else {
                            if let i = out.operatorCodes.firstIndex(of: code) {
                                lastIndex = UInt16(i + 1)
                            } else {
                                out.operatorCodes.append(code)
                                lastIndex = UInt16(out.operatorCodes.count)
                            }
                            if slot >= 0 { indexBySlot[slot] = lastIndex }
                        }
                    } else {
                        lastIndex = 0
                    }
                }
                out.operators.append(lastIndex)
                let position: Int
                switch row.technology {
                case .twoG: position = 0
                case .threeG: position = 1
                case .fourG: position = 2
                case .fiveG: position = 3
                case .noService: position = 4
                }
                for (metric, mask) in rules {
                    // What `CoverageAccumulator.judgedValue` gives a report (NaN for nil).
                    out.values.append(mask & (1 << position) != 0 ? row[metric] : .nan)
                }
                if speedMask & (1 << position) != 0 && !(row.downloadKbps.isNaN && row.uploadKbps.isNaN) {
                    out.rates.append(
                        RowRates(
                            row: rowNumber, technology: row.technology,
                            downloadKbps: SpeedSamples.kept(row.downloadKbps.isNaN ? nil : row.downloadKbps),
                            uploadKbps: SpeedSamples.kept(row.uploadKbps.isNaN ? nil : row.uploadKbps)))
                }
            }
        } catch let error as ReportReadError {
            out.error = error
        } catch {
            out.error = ReportReadError(code: .io, message: "\(error)", file: reader.recordReader.sourceName)
        }
        out.summary = reader.summary
        out.records = reader.recordReader.recordNumber
        return out
    }

    /// Adds a chunk's rows in order, as `CoverageAccumulator.add` would have added the reports.
    static func add(_ chunk: LocatedChunk, to accumulator: inout CoverageAccumulator, judgedCount: Int) {
        var global: [UInt16] = [0]
        for code in chunk.operatorCodes { global.append(accumulator.operatorIndex(for: code)) }
        var nextRates = 0
        chunk.values.withUnsafeBufferPointer { values in
            for row in chunk.cells.indices {
                let base = row * judgedCount
                accumulator.add(cell: chunk.cells[row], operator: global[Int(chunk.operators[row])]) { j in
                    let v = values[base + j]
                    return v.isNaN ? nil : v
                }
                if nextRates < chunk.rates.count && Int(chunk.rates[nextRates].row) == row {
                    let r = chunk.rates[nextRates]
                    nextRates += 1
                    accumulator.addRates(
                        technology: r.technology, downloadKbps: r.downloadKbps, uploadKbps: r.uploadKbps)
                }
            }
        }
    }
}
