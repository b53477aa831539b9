/// Reads reports from CSV through a column mapping, streaming in chunks.
///
/// The header may list columns in any order; extra columns are ignored; `lat`, `lon` and `technology`
/// (as mapped) are required. Row numbers count the header as row 1.
public final class CSVReportReader: SignalReportReader {
    private let records: RecordReader
    private let mapping: ColumnMapping
    private let strict: Bool
    public private(set) var summary = ImportSummary()
    public let totalBytes: Int64?
    public var bytesConsumed: Int64 { self.records.bytesConsumed }

    private var headerRead = false
    private var headerCount = 0
    /// Column index per ReportField (by allCases position), -1 when absent.
    private var baseIndex: [Int] = []
    /// Extra (field, column) pairs for rows of a technology.
    private var technologyIndex: [Technology: [(ReportField, Int)]] = [:]
    private var technologyCache: [String: Technology] = [:]

    public init(source: any ByteSource, mapping: ColumnMapping = .canonical, strict: Bool = false) {
        self.records = RecordReader(source: source, mode: .csv(separator: mapping.separator))
        self.mapping = mapping
        self.strict = strict
        self.totalBytes = source.totalBytes
    }

    private static let fieldPosition: [ReportField: Int] = Dictionary(
        uniqueKeysWithValues: ReportField.allCases.enumerated().map { ($1, $0) })

    private func readHeader() throws {
        self.headerRead = true
        guard try self.records.next() else {
            throw ReportReadError(code: .badHeader, message: "the file is empty (no header)", file: self.records.sourceName, row: 1)
        }
        var names: [String: Int] = [:]
        for i in 0..<self.records.fields.count {
            var name = self.records.string(i).trimmingSpaces
            if i == 0 && name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            if names[name] == nil { names[name] = i }
        }
        self.headerCount = self.records.fields.count
        self.baseIndex = ReportField.allCases.map { field in
            self.mapping.columns[field].flatMap { names[$0] } ?? -1
        }
        let missing = ColumnMapping.requiredFields.filter { self.baseIndex[Self.fieldPosition[$0]!] < 0 }
        if !missing.isEmpty {
            let wanted = missing.map { "'\(self.mapping.columns[$0] ?? $0.rawValue)'" }.joined(separator: ", ")
            throw ReportReadError(
                code: .badHeader,
                message: "the header lacks \(wanted) (preset \(self.mapping.name)); it has: \(names.keys.sorted().joined(separator: ", "))",
                file: self.records.sourceName, row: 1)
        }
        for (technology, columns) in self.mapping.perTechnology {
            self.technologyIndex[technology] = columns.compactMap { field, column in
                names[column].map { (field, $0) }
            }.sorted { $0.1 < $1.1 }
        }
    }

    public func next() throws -> SignalReport? {
        if !self.headerRead { try self.readHeader() }
        while try self.records.next() {
            self.summary.rowsRead += 1
            switch self.parseRow() {
            case .success(let report):
                self.summary.accepted[report.technology, default: 0] += 1
                return report
            case .failure(let reason):
                let rejection = RowRejection(file: self.records.sourceName, row: self.records.recordNumber, reason: reason.text)
                if self.strict {
                    throw ReportReadError(code: .badRow, message: reason.text, file: rejection.file, row: rejection.row)
                }
                self.summary.reject(rejection)
            }
        }
        return nil
    }

    private struct Reason: Error { var text: String }

    @inline(__always)
    private func column(_ field: ReportField) -> Int { self.baseIndex[Self.fieldPosition[field]!] }

    private func number(_ index: Int, _ label: String) -> Result<Double?, Reason> {
        if index < 0 { return .success(nil) }
        return self.records.withField(index) { bytes in
            switch NumberParsing.parse(bytes) {
            case .empty: return .success(nil)
            case .value(let v): return .success(v)
            case .invalid:
                return .failure(Reason(text: "\(label) is not a number: '\(String(decoding: bytes.prefix(40), as: UTF8.self))'"))
            }
        }
    }

    private func parseRow() -> Result<SignalReport, Reason> {
        let fieldCount = self.records.fields.count
        if fieldCount != self.headerCount {
            return .failure(Reason(text: "row has \(fieldCount) fields, the header has \(self.headerCount)"))
        }
        // Technology first: it decides which columns apply.
        let techText = self.records.string(self.column(.technology)).trimmingSpaces
        if techText.isEmpty { return .failure(Reason(text: "technology is empty")) }
        let technology: Technology
        if let t = self.technologyCache[techText] {
            technology = t
        } else if let t = self.mapping.technology(named: techText) {
            if self.technologyCache.count < 64 { self.technologyCache[techText] = t }
            technology = t
        } else {
            return .failure(Reason(text: "unknown technology '\(techText.prefix(40))'"))
        }
        let lat: Double
        let lon: Double
        switch (self.number(self.column(.lat), "lat"), self.number(self.column(.lon), "lon")) {
        case (.failure(let r), _), (_, .failure(let r)): return .failure(r)
        case (.success(nil), _): return .failure(Reason(text: "lat is missing"))
        case (_, .success(nil)): return .failure(Reason(text: "lon is missing"))
        case (.success(let a?), .success(let b?)):
            lat = a
            lon = b
        }
        if let problem = ReportValidation.checkLatLon(lat: lat, lon: lon) { return .failure(Reason(text: problem)) }
        var report = SignalReport(lat: lat, lon: lon, technology: technology)
        let timeIndex = self.column(.time)
        if timeIndex >= 0 {
            let parsed = self.records.withField(timeIndex) { TimestampParsing.parse($0, zone: self.mapping.timeZone) }
            switch parsed {
            case .empty: break
            case .value(let t): report.time = t
            case .invalid(let why): return .failure(Reason(text: why))
            }
        }
        if let fixed = self.mapping.fixedOperator {
            report.operatorCode = fixed
        } else {
            let i = self.column(.operatorCode)
            if i >= 0 { report.operatorCode = ReportValidation.normalizeOperator(self.records.string(i)) }
        }
        let deviceIndex = self.column(.device)
        if deviceIndex >= 0 {
            let d = self.records.string(deviceIndex).trimmingSpaces
            if !d.isEmpty { report.device = d }
        }
        for metric in SignalMetric.allCases {
            let field = ReportField(rawValue: metric.rawValue)!
            if let failure = self.readMetric(field, metric, self.column(field), into: &report) { return .failure(failure) }
        }
        if let extra = self.technologyIndex[technology] {
            for (field, index) in extra {
                if let metric = field.metric {
                    if let failure = self.readMetric(field, metric, index, into: &report) { return .failure(failure) }
                } else {
                    switch self.number(index, field.rawValue) {
                    case .failure(let r): return .failure(r)
                    case .success(let v):
                        if field == .dlKbps { report.dlKbps = v } else if field == .ulKbps { report.ulKbps = v }
                    }
                }
            }
        }
        for field in [ReportField.dlKbps, .ulKbps] {
            switch self.number(self.column(field), field.rawValue) {
            case .failure(let r): return .failure(r)
            case .success(let v):
                guard let v else { continue }
                let kept: Double? = v >= 0 ? v : nil
                if field == .dlKbps { report.dlKbps = kept } else { report.ulKbps = kept }
            }
        }
        return .success(report)
    }

    private func readMetric(_ field: ReportField, _ metric: SignalMetric, _ index: Int, into report: inout SignalReport) -> Reason? {
        if index < 0 { return nil }
        switch self.number(index, field.rawValue) {
        case .failure(let r): return r
        case .success(nil): return nil
        case .success(let v?):
            report[metric] = ReportValidation.accept(v, metric: metric, sentinels: self.mapping.sentinels, summary: &self.summary)
            return nil
        }
    }
}
