import Foundation

/// Reads reports from JSON Lines: one JSON object per line with the canonical property names, or one
/// GeoJSON Point feature per line (GeoJSON text sequences). Streams line by line.
public final class JSONLinesReportReader: SignalReportReader {
    private let lines: RecordReader
    private let strict: Bool
    public private(set) var summary = ImportSummary()
    public let totalBytes: Int64?
    public var bytesConsumed: Int64 { self.lines.bytesConsumed }

    /// `maxLineBytes`: the longest line accepted (longer: `.recordTooLong` naming the line).
    public init(source: any ByteSource, strict: Bool = false, maxLineBytes: Int = ReportLimits.maxRecordBytes) {
        self.lines = RecordReader(
            source: source, mode: .lines, chunkSize: min(1 << 20, maxLineBytes), maxRecordBytes: maxLineBytes)
        self.strict = strict
        self.totalBytes = source.totalBytes
    }

    public func next() throws -> SignalReport? {
        while try self.lines.next() {
            var bytes = self.lines.withField(0) { Data($0) }
            // GeoJSON text sequences start records with RS (0x1E).
            if bytes.first == 0x1E { bytes.removeFirst() }
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            self.summary.rowsRead += 1
            let result: Result<SignalReport, JSONReportDecoding.Reason>
            do {
                let object = try JSONSerialization.jsonObject(with: bytes, options: [])
                result = JSONReportDecoding.report(from: object, summary: &self.summary)
            } catch {
                result = .failure(JSONReportDecoding.Reason(text: "not valid JSON"))
            }
            switch result {
            case .success(let report):
                self.summary.accepted[report.technology, default: 0] += 1
                return report
            case .failure(let reason):
                let rejection = RowRejection(
                    file: self.lines.sourceName, row: self.lines.recordNumber, reason: reason.text)
                if self.strict {
                    throw ReportReadError(code: .badRow, message: reason.text, file: rejection.file, row: rejection.row)
                }
                self.summary.reject(rejection)
            }
        }
        return nil
    }
}
