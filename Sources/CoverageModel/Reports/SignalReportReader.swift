import NetmonProtocol

/// Reads signal reports one at a time from a stream, keeping constant memory.
///
/// Bad rows are rejected into `summary` (row number and reason) and reading goes on, unless the reader
/// is strict, in which case the first bad row throws `ReportReadError` with code `.badRow`.
public protocol SignalReportReader: AnyObject {
    /// The next accepted report, or nil at the end.
    func next() throws -> SignalReport?
    /// What the import did so far.
    var summary: ImportSummary { get }
    /// Bytes consumed so far, and the total if known (for a progress bar).
    var bytesConsumed: Int64 { get }
    var totalBytes: Int64? { get }
}

/// The formats reports are read from.
public enum ReportFormat: String, Sendable, CaseIterable {
    case csv
    case jsonLines = "jsonl"
    case geoJSON = "geojson"

    /// Guesses the format from a file name: `.jsonl`/`.ndjson` → JSON Lines, `.geojson`/`.json` → GeoJSON,
    /// anything else → CSV.
    public init(path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".jsonl") || lower.hasSuffix(".ndjson") || lower.hasSuffix(".geojsonl")
            || lower.hasSuffix(".geojsons")
        {
            self = .jsonLines
        } else if lower.hasSuffix(".geojson") || lower.hasSuffix(".json") {
            self = .geoJSON
        } else {
            self = .csv
        }
    }
}

/// Opens the right reader for a file.
public func makeReportReader(
    path: String, format: ReportFormat? = nil, mapping: ColumnMapping = .canonical, strict: Bool = false
) throws -> any SignalReportReader {
    let source = try FileByteSource(path: path)
    return makeReportReader(
        source: source, format: format ?? ReportFormat(path: path), mapping: mapping, strict: strict)
}

/// Bounds on what one report may take.
public enum ReportLimits {
    /// The longest CSV record, JSON line or GeoJSON feature a reader accepts, in bytes (1 MiB: a report is a few
    /// hundred bytes, so this only stops a runaway record, such as an unterminated quote or one giant feature).
    public static let maxRecordBytes = 1 << 20
}

/// Opens the right reader for a byte source (an upload, memory). The mapping applies to CSV only.
public func makeReportReader(
    source: any ByteSource, format: ReportFormat, mapping: ColumnMapping = .canonical, strict: Bool = false
) -> any SignalReportReader {
    switch format {
    case .csv: return CSVReportReader(source: source, mapping: mapping, strict: strict)
    case .jsonLines: return JSONLinesReportReader(source: source, strict: strict)
    case .geoJSON: return GeoJSONPointReportReader(source: source, strict: strict)
    }
}

/// Validation shared by the readers.
enum ReportValidation {
    static func checkLatLon(lat: Double, lon: Double) -> String? {
        if !(-90.0...90.0).contains(lat) { return "lat \(lat) is outside −90…90" }
        if !(-180.0...180.0).contains(lon) { return "lon \(lon) is outside −180…180" }
        return nil
    }

    /// Applies sentinels and the valid range; counts what it drops.
    @inline(__always)
    static func accept(
        _ value: Double, metric: SignalMetric, sentinels: some Collection<Double>, summary: inout ImportSummary
    ) -> Double? {
        if !sentinels.isEmpty && sentinels.contains(value) {
            summary.sentinelValues[metric, default: 0] += 1
            return nil
        }
        if !metric.validRange.contains(value) {
            summary.droppedOutOfRange[metric, default: 0] += 1
            return nil
        }
        return value
    }

    /// `45204` → `452-04`; a name in `names` (lower-cased keys) → its code; anything else is kept trimmed.
    static func normalizeOperator(_ text: String, names: [String: String]) -> String? {
        guard let code = Self.normalizeOperator(text) else { return nil }
        return names.isEmpty ? code : names[code.lowercased()] ?? code
    }

    /// `45204` → `452-04`; anything else is kept trimmed.
    static func normalizeOperator(_ text: String) -> String? {
        let t = text.trimmingSpaces
        if t.isEmpty { return nil }
        if (t.count == 5 || t.count == 6) && t.allSatisfy(\.isASCIIDigitCharacter) {
            return String(t.prefix(3)) + "-" + String(t.dropFirst(3))
        }
        return t
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { self >= "0" && self <= "9" }
}
