import Foundation

/// Reads reports from a GeoJSON FeatureCollection of Point features whose properties use the canonical
/// names. Streams: the bytes are scanned in chunks and each feature is decoded on its own, so memory
/// holds one feature at a time. Row numbers are 1-based feature positions.
public final class GeoJSONPointReportReader: SignalReportReader {
    private let source: any ByteSource
    private let strict: Bool
    public private(set) var summary = ImportSummary()
    public let totalBytes: Int64?
    public private(set) var bytesConsumed: Int64 = 0

    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private var chunkCount = 0
    private var chunkPosition = 0
    private var atEOF = false
    // Scanner state.
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var keyAtTop: [UInt8] = []
    private var collectingKey = false
    private var lastTopKey = ""
    private var featuresDepth = -1
    private var element: [UInt8] = []
    private var sawTopLevel = false
    private var featureNumber = 0

    /// The longest feature accepted, in bytes (a report is a point with a few properties: a few hundred bytes).
    public let maxFeatureBytes: Int

    public init(source: any ByteSource, strict: Bool = false, maxFeatureBytes: Int = ReportLimits.maxRecordBytes) {
        self.source = source
        self.strict = strict
        self.totalBytes = source.totalBytes
        self.maxFeatureBytes = max(maxFeatureBytes, 16)
    }

    private func nextByte() throws -> UInt8? {
        if self.chunkPosition == self.chunkCount {
            if self.atEOF { return nil }
            let n = try self.chunk.withUnsafeMutableBytes { try self.source.read(into: $0) }
            if n == 0 {
                self.atEOF = true
                return nil
            }
            self.chunkCount = n
            self.chunkPosition = 0
        }
        let b = self.chunk[self.chunkPosition]
        self.chunkPosition += 1
        self.bytesConsumed += 1
        return b
    }

    /// The bytes of the next element of the top-level `features` array.
    private func nextFeatureBytes() throws -> [UInt8]? {
        while let b = try self.nextByte() {
            let collecting = self.featuresDepth >= 0 && self.depth > self.featuresDepth
            if collecting {
                self.element.append(b)
                if self.element.count > self.maxFeatureBytes {
                    throw ReportReadError(
                        code: .recordTooLong,
                        message: "feature \(self.featureNumber + 1) is longer than \(self.maxFeatureBytes) bytes",
                        file: self.source.name, row: self.featureNumber + 1)
                }
            }
            if self.inString {
                if self.escaped {
                    self.escaped = false
                } else if b == 92 {
                    self.escaped = true
                } else if b == 34 {
                    self.inString = false
                    if self.collectingKey {
                        self.collectingKey = false
                        self.lastTopKey = String(decoding: self.keyAtTop, as: UTF8.self)
                    }
                } else if self.collectingKey {
                    self.keyAtTop.append(b)
                }
                continue
            }
            switch b {
            case 34:
                self.inString = true
                if self.depth == 1 && self.featuresDepth < 0 {
                    self.collectingKey = true
                    self.keyAtTop.removeAll(keepingCapacity: true)
                }
            case 123, 91:  // { [
                if self.depth == 0 {
                    guard b == 123 else {
                        throw ReportReadError(
                            code: .badJSON, message: "GeoJSON must be a FeatureCollection object",
                            file: self.source.name)
                    }
                    self.sawTopLevel = true
                }
                if b == 91 && self.depth == 1 && self.lastTopKey == "features" && self.featuresDepth < 0 {
                    self.featuresDepth = 2
                    self.depth += 1
                    continue
                }
                if self.depth == self.featuresDepth && !collecting {
                    self.element = [b]
                }
                self.depth += 1
            case 125, 93:  // } ]
                self.depth -= 1
                if self.depth < 0 {
                    throw ReportReadError(code: .badJSON, message: "unbalanced brackets", file: self.source.name)
                }
                if self.featuresDepth >= 0 && self.depth == self.featuresDepth && collecting {
                    return self.element
                }
                if self.featuresDepth >= 0 && self.depth < self.featuresDepth {
                    self.featuresDepth = -2  // features array closed
                }
            case 44, 58:  // , :
                if self.depth == 1 && b == 44 { self.lastTopKey = "" }
            default:
                break
            }
        }
        if self.depth != 0 || !self.sawTopLevel {
            throw ReportReadError(
                code: .badJSON, message: "the GeoJSON document is truncated or empty", file: self.source.name)
        }
        return nil
    }

    public func next() throws -> SignalReport? {
        while let bytes = try self.nextFeatureBytes() {
            self.featureNumber += 1
            self.summary.rowsRead += 1
            let result: Result<SignalReport, JSONReportDecoding.Reason>
            if let object = try? JSONSerialization.jsonObject(with: Data(bytes), options: []),
                let feature = object as? [String: Any], (feature["type"] as? String) == "Feature"
            {
                result = JSONReportDecoding.report(fromFeature: feature, summary: &self.summary)
            } else {
                result = .failure(JSONReportDecoding.Reason(text: "not a GeoJSON Feature"))
            }
            switch result {
            case .success(let report):
                self.summary.accepted[report.technology, default: 0] += 1
                return report
            case .failure(let reason):
                let rejection = RowRejection(file: self.source.name, row: self.featureNumber, reason: reason.text)
                if self.strict {
                    throw ReportReadError(code: .badRow, message: reason.text, file: rejection.file, row: rejection.row)
                }
                self.summary.reject(rejection)
            }
        }
        return nil
    }
}
