import NetmonProtocol

/// What the analysis reads of one cell's reports.
struct CellSamples {
    /// Reports in the cell.
    var rows: Int
    /// Reports per operator (index into the source's `operatorCodes`).
    var operatorRows: [(op: UInt16, rows: Int)]
    /// Per (judged technology position, operator): the values' count and, when the count is at least
    /// `min_samples`, their median.
    var groups: [(technology: UInt8, op: UInt16, count: Int, median: Double?)]
    /// Per judged technology position: the count and median of all operators' values together.
    var all: [UInt8: (count: Int, median: Double)]
}

/// Where the analysis reads reports from: the reports themselves (``CoverageAccumulator``) or their mergeable
/// aggregates (``CellAggregates``). Both give the same figures for integer-dBm values.
protocol CellSampleSource {
    var settings: CoverageSettings { get }
    /// Operator codes by index; index 0 is "unknown" (reports without an operator).
    var operatorCodes: [String] { get }
    /// Reports counted, inside the province or not.
    var reportCount: Int { get }
    /// The cell's samples; nil when no report fell in it.
    func samples(in cell: H3Index, minSamples: Int) -> CellSamples?
    /// Counts and medians (kbit/s) of the cell's rates for a technology judged for speed; nil when none.
    func speedMedians(in cell: H3Index, technology: Technology) -> SpeedSamples.SlotMedians?
}

/// The accumulator's values regrouped per cell for the analysis.
struct AccumulatorSamples: CellSampleSource {
    let accumulator: CoverageAccumulator
    /// cell index → (technology position, operator, values).
    private let byCell: [Int32: [(UInt8, UInt16, [Double])]]
    private let opRows: [Int32: [(UInt16, Int32)]]
    private let speedMedians: [SpeedSamples.SlotMedians]
    private let speedSlot: [SpeedSamples.SpeedKey: Int]

    init(_ accumulator: CoverageAccumulator) {
        self.accumulator = accumulator
        var byCell: [Int32: [(UInt8, UInt16, [Double])]] = [:]
        for (key, values) in accumulator.samples {
            byCell[key.cell, default: []].append((key.technology, key.op, values))
        }
        var opRows: [Int32: [(UInt16, Int32)]] = [:]
        for (key, n) in accumulator.operatorRows { opRows[key.cell, default: []].append((key.op, n)) }
        self.byCell = byCell
        self.opRows = opRows
        if accumulator.settings.speedTechnologies.isEmpty {
            self.speedMedians = []
            self.speedSlot = [:]
        } else {
            let samples = accumulator.speedSamples
            let medians = samples.medians()
            self.speedMedians = medians
            self.speedSlot = Dictionary(uniqueKeysWithValues: zip(samples.slotKeys, medians.indices))
        }
    }

    var settings: CoverageSettings { self.accumulator.settings }
    var operatorCodes: [String] { self.accumulator.operators }
    var reportCount: Int { self.accumulator.reportCount }

    func samples(in cell: H3Index, minSamples: Int) -> CellSamples? {
        guard let index = self.accumulator.index(of: cell) else { return nil }
        let i = Int32(truncatingIfNeeded: index)
        var groups: [(technology: UInt8, op: UInt16, count: Int, median: Double?)] = []
        var all: [UInt8: (count: Int, median: Double)] = [:]
        let mine = self.byCell[i] ?? []
        for t in Set(mine.map(\.0)) {
            var values: [Double] = []
            var groupCount = 0
            // With one operator's values only, their median (if worked out) is also the cell's.
            var onlyGroupMedian: Double?
            for (gt, op, list) in mine where gt == t {
                groupCount += 1
                if groupCount == 1 { values = list } else { values.append(contentsOf: list) }
                let median = list.count >= minSamples ? CoverageAnalysis.median(list) : nil
                onlyGroupMedian = median
                groups.append((t, op, list.count, median))
            }
            if let m = (groupCount == 1 ? onlyGroupMedian : nil) ?? CoverageAnalysis.median(values) {
                all[t] = (values.count, m)
            }
        }
        return CellSamples(
            rows: Int(self.accumulator.rows[index]),
            operatorRows: (self.opRows[i] ?? []).map { ($0.0, Int($0.1)) }, groups: groups, all: all)
    }

    func speedMedians(in cell: H3Index, technology: Technology) -> SpeedSamples.SlotMedians? {
        guard let index = self.accumulator.index(of: cell) else { return nil }
        let key = SpeedSamples.SpeedKey(cell: Int32(truncatingIfNeeded: index), technology: technology)
        return self.speedSlot[key].map { self.speedMedians[$0] }
    }
}
