/// Collects reports per H3 cell: rows per cell and operator, and the primary-metric values each report
/// gives each technology. Memory grows with the number of values kept for medians (8 bytes each), not
/// with the reports.
public struct CoverageAccumulator: Sendable {
    public let settings: CoverageSettings
    /// Operator codes in first-seen order; index 0 is "unknown" (reports without an operator).
    public private(set) var operators: [String] = [Self.unknownOperator]
    private var operatorIndex: [String: Int] = [:]
    /// Cell → dense index.
    private(set) var cellIndex: [H3Index: Int] = [:]
    private(set) var cellIDs: [H3Index] = []
    /// Rows per cell.
    private(set) var rows: [Int32] = []
    /// Rows per (cell, operator).
    private(set) var operatorRows: [CellOperator: Int32] = [:]
    /// Primary-metric values per (cell, technology, operator).
    private(set) var samples: [SampleKey: [Double]] = [:]
    /// Reports added.
    public private(set) var reportCount = 0
    private let judged: [(Technology, SignalMetric, UInt8)]

    /// How a report without an operator is listed.
    public static let unknownOperator = "unknown"

    struct CellOperator: Hashable {
        var cell: Int32
        var op: UInt16
    }

    struct SampleKey: Hashable {
        var cell: Int32
        var technology: UInt8
        var op: UInt16
    }

    public init(settings: CoverageSettings) {
        self.settings = settings
        self.judged = settings.judgedTechnologies.enumerated().map { i, t in (t, settings.floors[t]!.metric, UInt8(i)) }
    }

    /// Adds one report.
    public mutating func add(_ report: SignalReport) {
        self.reportCount += 1
        let cell = H3.latLngToCell(LatLng(lat: report.lat, lng: report.lon), resolution: self.settings.resolution)
        let c: Int
        if let i = self.cellIndex[cell] {
            c = i
        } else {
            c = self.cellIDs.count
            self.cellIndex[cell] = c
            self.cellIDs.append(cell)
            self.rows.append(0)
        }
        self.rows[c] += 1
        let op: UInt16
        if let code = report.operatorCode {
            if let i = self.operatorIndex[code] {
                op = UInt16(i)
            } else if self.operators.count < Int(UInt16.max) {
                op = UInt16(self.operators.count)
                self.operatorIndex[code] = self.operators.count
                self.operators.append(code)
            } else {
                op = 0
            }
        } else {
            op = 0
        }
        self.operatorRows[CellOperator(cell: Int32(c), op: op), default: 0] += 1
        for (technology, metric, t) in self.judged where self.settings.counts(report.technology, for: technology) {
            if let value = report[metric] {
                self.samples[SampleKey(cell: Int32(c), technology: t, op: op), default: []].append(value)
            }
        }
    }

    /// Index of a judged technology in `settings.judgedTechnologies`.
    func technologyIndex(_ technology: Technology) -> UInt8? {
        self.judged.first { $0.0 == technology }.map { $0.2 }
    }
}
