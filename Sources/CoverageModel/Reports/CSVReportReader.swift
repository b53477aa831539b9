import NetmonProtocol

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads reports from CSV through a column mapping, streaming in chunks.
///
/// The header may list columns in any order; extra columns are ignored; `lat`, `lon` and `technology`
/// (as mapped) are required. Row numbers count the header as row 1.
public final class CSVReportReader: SignalReportReader {
    private var records: RecordReader
    private let mapping: ColumnMapping
    private let strict: Bool
    /// The mapping's sentinel values as a list: a handful, compared directly (no hashing per value).
    private let sentinels: [Double]
    /// The mapping's time zone and fixed operator, kept apart so rows do not copy the mapping to read them.
    private let timeZone: TimeZoneRule
    private let fixedOperator: String?
    /// The mapping's "no value" texts as bytes (looked at only for fields that are not numbers).
    private let noValueTexts: [[UInt8]]
    private let timeFormat: ColumnMapping.TimeFormat
    /// What the import did so far (accepted rows are counted per technology in a flat array while reading).
    public var summary: ImportSummary {
        var summary = self.partialSummary
        for (i, t) in Technology.allCases.enumerated() where self.acceptedPerTechnology[i] > 0 {
            summary.accepted[t, default: 0] += self.acceptedPerTechnology[i]
        }
        return summary
    }
    private var partialSummary = ImportSummary()
    // The tables read for every row live in memory of the reader's own (plain pointers), so rows do not
    // retain and release arrays to read them.
    /// Rows accepted per technology (by `position(of:)`).
    private let acceptedPerTechnology = UnsafeMutablePointer<Int>.allocate(capacity: 5)
    public let totalBytes: Int64?
    public var bytesConsumed: Int64 { self.records.bytesConsumed }

    private var headerRead = false
    private var headerCount = 0
    /// Column index per ReportField (by allCases position), -1 when absent.
    private var baseIndex: [Int] = []
    /// Extra (field, column) pairs for rows of a technology.
    private var technologyIndex: [Technology: [(ReportField, Int)]] = [:]
    /// Technology spellings seen so far, as bytes (a handful): no String per row.
    private var technologyCache: [([UInt8], Technology)] = []
    /// The spellings of at most eight bytes among them, packed into an integer, with their length.
    private let shortTechnologyCache = UnsafeMutablePointer<(UInt64, Int, Technology)>.allocate(capacity: 8)
    private var shortTechnologyCount = 0
    private var latColumn = -1, lonColumn = -1, technologyColumn = -1, timeColumn = -1
    private var operatorColumn = -1, deviceColumn = -1, dlColumn = -1, ulColumn = -1
    /// The metrics the header has columns for, with their columns, in `SignalMetric.allCases` order.
    private let baseMetrics = UnsafeMutablePointer<(SignalMetric, Int)>.allocate(capacity: SignalMetric.allCases.count)
    private var baseMetricCount = 0
    /// Whether the mapping has sentinel values (most have none: one test less per value).
    private let hasSentinels: Bool
    private var technologyMetrics: [Technology: [(SignalMetric, Int)]] = [:]
    private var technologyKbps: [Technology: [(ReportField, Int)]] = [:]
    /// Operator fields of up to eight bytes met so far, with their codes.
    private var operatorCodes: OperatorCodeMemo
    /// The last longer operator text and the last device text, reused while rows repeat them.
    private var lastOperatorBytes: [UInt8] = []
    private var lastOperator: String?
    private var lastDeviceBytes: [UInt8] = []
    private var lastDevice: String?
    private var dateCache = TimestampParsing.DateCache()

    /// `maxRowBytes`: the longest record accepted (longer: `.recordTooLong` naming the row).
    public init(
        source: any ByteSource, mapping: ColumnMapping = .canonical, strict: Bool = false,
        maxRowBytes: Int = ReportLimits.maxRecordBytes
    ) {
        self.records = RecordReader(
            source: source, mode: .csv(separator: mapping.separator), chunkSize: min(1 << 20, maxRowBytes),
            maxRecordBytes: maxRowBytes)
        self.mapping = mapping
        self.sentinels = Array(mapping.sentinels)
        self.timeZone = mapping.timeZone
        self.fixedOperator = mapping.fixedOperator
        self.noValueTexts = mapping.noValueTexts.sorted().map { Array($0.utf8) }
        self.timeFormat = mapping.timeFormat
        self.operatorCodes = OperatorCodeMemo(names: mapping.operatorNames)
        self.hasSentinels = !mapping.sentinels.isEmpty
        self.strict = strict
        self.acceptedPerTechnology.initialize(repeating: 0, count: 5)
        self.totalBytes = source.totalBytes
    }

    /// Goes on with the records of one chunk of the same file (the header already read from the first chunk):
    /// the summary starts again and row numbers count from the chunk's first record.
    func restart(on records: RecordReader) {
        precondition(self.headerRead, "restart(on:) needs the header read")
        self.records = records
        self.partialSummary = ImportSummary(maxKeptRejections: self.partialSummary.maxKeptRejections)
        for i in 0..<5 { self.acceptedPerTechnology[i] = 0 }
        // A new sink follows: it has no operator yet.
        self.lastOperatorKey = PackedText(bits: 0, length: 0)
    }

    /// The records the reader is on (to hand the rest of a chunk on after the header).
    var recordReader: RecordReader { self.records }

    /// A reader for another thread: the same header, mapping and strictness, over `records`.
    func copy(on records: RecordReader) -> CSVReportReader {
        let copy = CSVReportReader(records: records, mapping: self.mapping, strict: self.strict)
        copy.headerRead = self.headerRead
        copy.headerCount = self.headerCount
        copy.baseIndex = self.baseIndex
        copy.technologyIndex = self.technologyIndex
        copy.technologyCache = self.technologyCache
        copy.shortTechnologyCache.initialize(from: self.shortTechnologyCache, count: self.shortTechnologyCount)
        copy.shortTechnologyCount = self.shortTechnologyCount
        copy.latColumn = self.latColumn
        copy.lonColumn = self.lonColumn
        copy.technologyColumn = self.technologyColumn
        copy.timeColumn = self.timeColumn
        copy.operatorColumn = self.operatorColumn
        copy.deviceColumn = self.deviceColumn
        copy.dlColumn = self.dlColumn
        copy.ulColumn = self.ulColumn
        copy.baseMetrics.initialize(from: self.baseMetrics, count: self.baseMetricCount)
        copy.baseMetricCount = self.baseMetricCount
        copy.technologyMetrics = self.technologyMetrics
        copy.technologyKbps = self.technologyKbps
        copy.partialSummary = ImportSummary(maxKeptRejections: self.partialSummary.maxKeptRejections)
        return copy
    }

    deinit {
        self.acceptedPerTechnology.deallocate()
        self.shortTechnologyCache.deallocate()
        self.baseMetrics.deallocate()
    }

    init(records: RecordReader, mapping: ColumnMapping, strict: Bool) {
        self.records = records
        self.mapping = mapping
        self.sentinels = Array(mapping.sentinels)
        self.timeZone = mapping.timeZone
        self.fixedOperator = mapping.fixedOperator
        self.noValueTexts = mapping.noValueTexts.sorted().map { Array($0.utf8) }
        self.timeFormat = mapping.timeFormat
        self.operatorCodes = OperatorCodeMemo(names: mapping.operatorNames)
        self.hasSentinels = !mapping.sentinels.isEmpty
        self.strict = strict
        self.acceptedPerTechnology.initialize(repeating: 0, count: 5)
        self.totalBytes = nil
    }

    /// Reads the header now (it is otherwise read by the first `next()`).
    func readHeaderIfNeeded() throws {
        if !self.headerRead { try self.readHeader() }
    }

    private static let fieldPosition: [ReportField: Int] = Dictionary(
        uniqueKeysWithValues: ReportField.allCases.enumerated().map { ($1, $0) })

    private func readHeader() throws {
        self.headerRead = true
        guard try self.records.next() else {
            throw ReportReadError(
                code: .badHeader, message: "the file is empty (no header)", file: self.records.sourceName, row: 1)
        }
        var names: [String: Int] = [:]
        for i in 0..<self.records.fieldCount {
            var name = self.records.string(i).trimmingSpaces
            if i == 0 && name.hasPrefix("\u{FEFF}") { name.removeFirst() }
            if names[name] == nil { names[name] = i }
        }
        self.headerCount = self.records.fieldCount
        self.baseIndex = ReportField.allCases.map { field in
            self.mapping.columns[field].flatMap { names[$0] } ?? -1
        }
        let missing = ColumnMapping.requiredFields.filter { self.baseIndex[Self.fieldPosition[$0]!] < 0 }
        if !missing.isEmpty {
            let wanted = missing.map { "'\(self.mapping.columns[$0] ?? $0.rawValue)'" }.joined(separator: ", ")
            throw ReportReadError(
                code: .badHeader,
                message:
                    "the header lacks \(wanted) (preset \(self.mapping.name)); it has: \(names.keys.sorted().joined(separator: ", "))",
                file: self.records.sourceName, row: 1)
        }
        for (technology, columns) in self.mapping.perTechnology {
            self.technologyIndex[technology] = columns.compactMap { field, column in
                names[column].map { (field, $0) }
            }.sorted { $0.1 < $1.1 }
        }
        self.latColumn = self.column(.lat)
        self.lonColumn = self.column(.lon)
        self.technologyColumn = self.column(.technology)
        self.timeColumn = self.column(.time)
        self.operatorColumn = self.column(.operatorCode)
        self.deviceColumn = self.column(.device)
        self.dlColumn = self.column(.dlKbps)
        self.ulColumn = self.column(.ulKbps)
        self.baseMetricCount = 0
        for metric in SignalMetric.allCases {
            let i = self.column(ReportField(rawValue: metric.rawValue)!)
            if i >= 0 {
                (self.baseMetrics + self.baseMetricCount).initialize(to: (metric, i))
                self.baseMetricCount += 1
            }
        }
        for (technology, pairs) in self.technologyIndex {
            self.technologyMetrics[technology] = pairs.compactMap { field, i in field.metric.map { ($0, i) } }
            self.technologyKbps[technology] = pairs.filter { $0.0 == .dlKbps || $0.0 == .ulKbps }
        }
    }

    /// The technology named by the field's bytes.
    private func technology(_ bytes: UnsafeRawBufferPointer) -> Result<Technology, Reason> {
        // Spellings of up to eight bytes are compared as one integer (no array to retain per row).
        var packed: (UInt64, Int)?
        if bytes.count <= 8 {
            var key: UInt64 = 0
            withUnsafeMutableBytes(of: &key) { $0.copyMemory(from: bytes) }
            packed = (key, bytes.count)
        }
        if let (key, length) = packed {
            for i in 0..<self.shortTechnologyCount {
                let (k, l, t) = self.shortTechnologyCache[i]
                if k == key && l == length { return .success(t) }
            }
        }
        for (spelling, t) in self.technologyCache where spelling.elementsEqual(bytes) { return .success(t) }
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty { return .failure(Reason(text: "technology is empty")) }
        if self.isNoValue(bytes) { return .failure(Reason(text: "technology is missing ('\(trimmed)')")) }
        guard let t = self.mapping.technology(named: trimmed) else {
            return .failure(Reason(text: "unknown technology '\(trimmed.prefix(40))'"))
        }
        if self.technologyCache.count < 32 {
            self.technologyCache.append((Array(text.utf8), t))
            if let (key, length) = packed, self.shortTechnologyCount < 8 {
                (self.shortTechnologyCache + self.shortTechnologyCount).initialize(to: (key, length, t))
                self.shortTechnologyCount += 1
            }
        }
        return .success(t)
    }

    /// A field of one to eight bytes packed into an integer with its length; length 0 for any other field.
    @inline(__always)
    private static func packed(_ bytes: UnsafeRawBufferPointer) -> PackedText {
        guard bytes.count >= 1 && bytes.count <= 8 else { return PackedText(bits: 0, length: 0) }
        var bits: UInt64 = 0
        withUnsafeMutableBytes(of: &bits) { $0.copyMemory(from: bytes) }
        return PackedText(bits: bits, length: bytes.count)
    }

    private struct PackedText: Equatable {
        var bits: UInt64
        var length: Int
    }

    /// The last operator text given to a sink that keeps it, packed (length 0: none, or not packable).
    private var lastOperatorKey = PackedText(bits: 0, length: 0)

    /// Whether `bytes` holds exactly the bytes of `field`.
    @inline(__always)
    private static func equal(_ bytes: [UInt8], _ field: UnsafeRawBufferPointer) -> Bool {
        bytes.count == field.count
            && (field.isEmpty
                || bytes.withUnsafeBytes { memcmp($0.baseAddress!, field.baseAddress!, field.count) == 0 })
    }

    /// A text field, reusing the previous String while the bytes repeat.
    private func cachedText(
        _ field: UnsafeRawBufferPointer, _ lastBytes: inout [UInt8], _ last: inout String?,
        normalize: (String) -> String?
    ) -> String? {
        let same = Self.equal(lastBytes, field)
        if same && !lastBytes.isEmpty { return last }
        lastBytes = Array(field)
        last = normalize(String(decoding: lastBytes, as: UTF8.self))
        return last
    }

    public func next() throws -> SignalReport? {
        var report = SignalReport(lat: 0, lon: 0, technology: .noService)
        return try self.next(into: &report) ? report : nil
    }

    /// Reads the next accepted row into `row` (rejected rows are counted and skipped as by `next()`); false
    /// at the end. Fills the sink in place: no report value is built or returned per row.
    @inline(__always)
    func next<Sink: ReportRowSink>(into row: inout Sink) throws -> Bool {
        if !self.headerRead { try self.readHeader() }
        let records = self.records
        while try records.next() {
            if try self.take(records, into: &row) { return true }
        }
        return false
    }

    /// Reads every remaining row, calling `body` with each accepted one (filled into `row` in place), as
    /// repeated `next(into:)` calls would; the record reader is held once for all rows.
    @inline(__always)
    func forEachRow<Sink: ReportRowSink>(into row: inout Sink, _ body: (inout Sink) -> Void) throws {
        if !self.headerRead { try self.readHeader() }
        let records = self.records
        while try records.next() {
            if try self.take(records, into: &row) { body(&row) }
        }
    }

    /// Parses the record `records` is on: true if accepted, else counts the rejection (or throws in strict mode).
    @inline(__always)
    private func take<Sink: ReportRowSink>(_ records: RecordReader, into row: inout Sink) throws -> Bool {
        self.partialSummary.rowsRead += 1
        row.reset()
        switch self.parseRow(records.currentFields, into: &row) {
        case nil:
            self.acceptedPerTechnology[Self.position(of: self.rowTechnology)] += 1
            return true
        case let reason?:
            try self.reject(reason, records)
            return false
        }
    }

    @inline(never)
    private func reject(_ reason: Reason, _ records: RecordReader) throws {
        let rejection = RowRejection(file: records.sourceName, row: records.recordNumber, reason: reason.text)
        if self.strict {
            throw ReportReadError(code: .badRow, message: reason.text, file: rejection.file, row: rejection.row)
        }
        self.partialSummary.reject(rejection)
    }

    /// The technology of the row last accepted by `parseRow`.
    private var rowTechnology = Technology.noService

    private struct Reason: Error { var text: String }

    @inline(__always)
    private static func position(of technology: Technology) -> Int {
        switch technology {
        case .twoG: 0
        case .threeG: 1
        case .fourG: 2
        case .fiveG: 3
        case .noService: 4
        }
    }

    @inline(__always)
    private func column(_ field: ReportField) -> Int { self.baseIndex[Self.fieldPosition[field]!] }

    @inline(__always)
    private func number(_ fields: RecordReader.Fields, _ index: Int, _ label: StaticString) -> Result<Double?, Reason> {
        switch Self.parsedNumber(fields, index) {
        case .empty: return .success(nil)
        case .value(let v): return .success(v)
        case .invalid:
            if self.isNoValue(fields.unchecked(index)) { return .success(nil) }
            return .failure(Self.notANumber(fields[index], "\(label)"))
        }
    }

    /// Whether a field (spaces around ignored) is one of the mapping's "no value" texts.
    @inline(never)
    private func isNoValue(_ field: UnsafeRawBufferPointer) -> Bool {
        if self.noValueTexts.isEmpty { return false }
        var i = 0
        var n = field.count
        while i < n && (field[i] == 32 || field[i] == 9) { i += 1 }
        while n > i && (field[n - 1] == 32 || field[n - 1] == 9) { n -= 1 }
        let trimmed = UnsafeRawBufferPointer(rebasing: field[i..<n])
        return self.noValueTexts.contains { $0.elementsEqual(trimmed) }
    }

    @inline(__always)
    private static func parsedNumber(_ fields: RecordReader.Fields, _ index: Int) -> NumberParsing.Parsed {
        if index < 0 { return .empty }
        return NumberParsing.parse(fields.unchecked(index))
    }

    @inline(never)
    private static func notANumber(_ bytes: UnsafeRawBufferPointer, _ label: String) -> Reason {
        Reason(text: "\(label) is not a number: '\(String(decoding: bytes.prefix(40), as: UTF8.self))'")
    }

    private func parseRow<Sink: ReportRowSink>(_ fields: RecordReader.Fields, into report: inout Sink) -> Reason? {
        let fieldCount = fields.count
        if fieldCount != self.headerCount {
            return Reason(text: "row has \(fieldCount) fields, the header has \(self.headerCount)")
        }
        // From here on fields are read unchecked: every column index comes from the header, so it is below
        // `headerCount`, which is the row's field count.
        // Technology first: it decides which columns apply.
        let technology: Technology
        switch self.technology(fields.unchecked(self.technologyColumn)) {
        case .failure(let r): return r
        case .success(let t): technology = t
        }
        let lat: Double
        let lon: Double
        switch (self.number(fields, self.latColumn, "lat"), self.number(fields, self.lonColumn, "lon")) {
        case (.failure(let r), _), (_, .failure(let r)): return r
        case (.success(nil), _): return Reason(text: "lat is missing")
        case (_, .success(nil)): return Reason(text: "lon is missing")
        case (.success(let a?), .success(let b?)):
            lat = a
            lon = b
        }
        if let problem = ReportValidation.checkLatLon(lat: lat, lon: lon) { return Reason(text: problem) }
        report.setPosition(lat: lat, lon: lon, technology: technology)
        self.rowTechnology = technology
        if self.timeColumn >= 0 {
            let bytes = fields.unchecked(self.timeColumn)
            let parsed =
                self.timeFormat == .iso8601
                ? TimestampParsing.parse(bytes, zone: self.timeZone, cache: &self.dateCache)
                : TimestampParsing.parseGNetTrack(bytes, zone: self.timeZone, cache: &self.dateCache)
            switch parsed {
            case .empty: break
            case .value(let t): report.setTime(t)
            case .invalid(let why): if !self.isNoValue(bytes) { return Reason(text: why) }
            }
        }
        if let fixed = self.fixedOperator {
            report.setOperator(fixed)
        } else if self.operatorColumn >= 0 {
            let bytes = fields.unchecked(self.operatorColumn)
            let key = Self.packed(bytes)
            // A sink that keeps its operator already has the previous row's, the one `cachedText` would return
            // again for the same bytes (compared here as one integer).
            if !(Sink.keepsOperatorAcrossRows && key.length != 0 && key == self.lastOperatorKey) {
                if !self.noValueTexts.isEmpty && self.isNoValue(bytes) {
                    report.setOperator(nil)
                } else if key.length != 0 {
                    let (code, slot) = self.operatorCodes.code(bytes, bits: key.bits)
                    report.setOperator(code, memoSlot: slot)
                } else {
                    // Empty (no operator: what `normalizeOperator` makes of it) or longer than eight bytes.
                    report.setOperator(
                        bytes.isEmpty
                            ? nil
                            : self.cachedText(bytes, &self.lastOperatorBytes, &self.lastOperator) {
                                ReportValidation.normalizeOperator($0, names: self.mapping.operatorNames)
                            })
                }
                self.lastOperatorKey = key
            }
        }
        // Reading the device never rejects a row: sinks that do not keep it skip it.
        if Sink.keepsDevice && self.deviceColumn >= 0 {
            report.setDevice(
                self.cachedText(fields.unchecked(self.deviceColumn), &self.lastDeviceBytes, &self.lastDevice) {
                    let d = $0.trimmingSpaces
                    return d.isEmpty ? nil : d
                })
        }
        for m in 0..<self.baseMetricCount {
            let (metric, index) = self.baseMetrics[m]
            // Most metric fields of a row are empty: skipped here, without a call.
            if fields.unchecked(index).isEmpty { continue }
            if let failure = self.readMetric(fields, metric, index, into: &report) { return failure }
        }
        if !self.technologyMetrics.isEmpty, let extra = self.technologyMetrics[technology] {
            for (metric, index) in extra {
                if let failure = self.readMetric(fields, metric, index, into: &report) { return failure }
            }
        }
        if self.dlColumn >= 0, let failure = self.readKbps(fields, .dlKbps, self.dlColumn, into: &report) {
            return failure
        }
        if self.ulColumn >= 0, let failure = self.readKbps(fields, .ulKbps, self.ulColumn, into: &report) {
            return failure
        }
        if !self.technologyKbps.isEmpty, let extra = self.technologyKbps[technology] {
            for (field, index) in extra {
                if let failure = self.readKbps(fields, field, index, into: &report) { return failure }
            }
        }
        return nil
    }

    @inline(__always)
    private func readKbps<Sink: ReportRowSink>(
        _ fields: RecordReader.Fields, _ field: ReportField, _ index: Int, into report: inout Sink
    ) -> Reason? {
        switch Self.parsedNumber(fields, index) {
        case .invalid:
            if self.isNoValue(fields.unchecked(index)) { return nil }
            return Self.notANumber(fields[index], field.rawValue)
        case .empty: return nil
        case .value(let v):
            report.setKbps(field, v >= 0 ? v : nil)
            return nil
        }
    }

    @inline(__always)
    private func readMetric<Sink: ReportRowSink>(
        _ fields: RecordReader.Fields, _ metric: SignalMetric, _ index: Int, into report: inout Sink
    ) -> Reason? {
        switch Self.parsedNumber(fields, index) {
        case .invalid:
            if self.isNoValue(fields.unchecked(index)) {
                self.partialSummary.sentinelValues[metric, default: 0] += 1
                return nil
            }
            return Self.notANumber(fields[index], metric.rawValue)
        case .empty: return nil
        case .value(let v):
            if !self.hasSentinels && metric.validRange.contains(v) {
                report.setMetric(metric, v)  // what `accept` returns for it
            } else {
                report.setMetric(
                    metric,
                    ReportValidation.accept(v, metric: metric, sentinels: self.sentinels, summary: &self.partialSummary)
                )
            }
            return nil
        }
    }
}
