import NetmonProtocol

/// Collects reports per H3 cell: rows per cell and operator, and the primary-metric values each report
/// gives each technology. Memory grows with the number of values kept for medians (12 bytes each: the value and
/// its slot), not with the reports.
public struct CoverageAccumulator: Sendable {
    public let settings: CoverageSettings
    /// Operator codes in first-seen order; index 0 is "unknown" (reports without an operator).
    public private(set) var operators: [String] = [Self.unknownOperator]
    private var operatorIndex: [String: Int] = [:]
    /// Cell → dense index.
    private var cellTable = CellIndexTable()
    private(set) var cellIDs: [H3Index] = []
    /// Rows per cell.
    private(set) var rows: [Int32] = []
    // Per cell, two short lists threaded through flat arrays (a cell holds a few operators and technologies, so
    // a walk is shorter than hashing a key): its (operator, rows) counts and its (technology, operator) sample
    // slots. −1 ends a list.
    private var firstOperatorRow: [Int32] = []
    private var operatorRowOperator: [UInt16] = []
    private var operatorRowCount: [Int32] = []
    private var nextOperatorRow: [Int32] = []
    private var firstSlot: [Int32] = []
    /// Per slot: its cell, technology (position in `judged`) and operator, and the next slot of its cell.
    private var slotKeys: [SampleKey] = []
    private var nextSlot: [Int32] = []
    /// Primary-metric values in the order they came, each with its slot: appending is sequential whatever
    /// cell a report falls in (one array per slot would be a cache miss per value in a shuffled file); `samples`
    /// groups them.
    private var values: [Double] = []
    private var valueSlots: [Int32] = []
    /// Values per slot.
    private var slotCounts: [Int32] = []
    /// The run of rows of one (cell, operator) not yet counted in its list.
    private var lastOperatorRow: (CellOperator, Int32)?
    /// Download/upload rates of the reports that carry them, for the technologies judged for speed.
    private(set) var speedSamples = SpeedSamples()
    /// Bit `SpeedSamples.position(t)` set for each technology t judged for speed.
    let speedMask: UInt8

    /// Rows per (cell, operator).
    var operatorRows: [CellOperator: Int32] {
        var all: [CellOperator: Int32] = [:]
        for c in self.firstOperatorRow.indices {
            var r = self.firstOperatorRow[c]
            while r >= 0 {
                all[CellOperator(cell: Int32(c), op: self.operatorRowOperator[Int(r)])] = self.operatorRowCount[Int(r)]
                r = self.nextOperatorRow[Int(r)]
            }
        }
        if let (key, n) = self.lastOperatorRow { all[key, default: 0] += n }
        return all
    }

    /// The dense index of `cell`, if a report fell in it.
    func index(of cell: H3Index) -> Int? { self.cellTable.index(of: cell) }

    private mutating func flushOperatorRow() {
        guard let (key, n) = self.lastOperatorRow else { return }
        self.lastOperatorRow = nil
        let c = Int(key.cell)
        var r = self.firstOperatorRow[c]
        while r >= 0 {
            if self.operatorRowOperator[Int(r)] == key.op {
                self.operatorRowCount[Int(r)] += n
                return
            }
            r = self.nextOperatorRow[Int(r)]
        }
        self.operatorRowOperator.append(key.op)
        self.operatorRowCount.append(n)
        self.nextOperatorRow.append(self.firstOperatorRow[c])
        self.firstOperatorRow[c] = Int32(self.operatorRowCount.count - 1)
    }

    /// The slot of (cell `c`, judged technology `technology`, operator `op`), made if new.
    private mutating func slot(cell c: Int, technology: UInt8, operator op: UInt16) -> Int {
        var s = self.firstSlot[c]
        while s >= 0 {
            let key = self.slotKeys[Int(s)]
            if key.technology == technology && key.op == op { return Int(s) }
            s = self.nextSlot[Int(s)]
        }
        let slot = self.slotCounts.count
        self.slotCounts.append(0)
        self.slotKeys.append(SampleKey(cell: Int32(c), technology: technology, op: op))
        self.nextSlot.append(self.firstSlot[c])
        self.firstSlot[c] = Int32(slot)
        return slot
    }
    /// Drive tests stay in one cell for many rows: the last cell, operator and slots are remembered.
    private var lastCell: H3Index?
    private var lastCellIndex = 0
    private var lastOperatorCode: String?
    private var lastOperatorIndex: UInt16 = 0
    /// The slot of each judged technology for `lastCell` and `lastSlotOperator` (−1: not looked up yet).
    private var lastSlotByJudged: [Int]
    private var lastSlotOperator: UInt16 = 0
    /// Reports added.
    public private(set) var reportCount = 0
    /// The judged technologies with their primary metric and position.
    let judged: [(Technology, SignalMetric, UInt8)]
    /// Finds report cells: drive tests and tracks stay in one cell for many rows, so most rows are answered
    /// from the previous cell's edges (identical results to `H3.latLngToCell`).
    private var locator: H3CellLocator

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
        self.locator = H3CellLocator(resolution: settings.resolution)
        self.judged = settings.judgedTechnologies.enumerated().map { i, t in (t, settings.floors[t]!.metric, UInt8(i)) }
        self.lastSlotByJudged = [Int](repeating: -1, count: self.judged.count)
        var mask: UInt8 = 0
        for t in settings.speed.keys { mask |= 1 << SpeedSamples.position(t) }
        self.speedMask = mask
    }

    /// Primary-metric values per (cell, technology, operator).
    var samples: [SampleKey: [Double]] {
        var grouped = self.slotCounts.map { n in
            var values: [Double] = []
            values.reserveCapacity(Int(n))
            return values
        }
        for (value, slot) in zip(self.values, self.valueSlots) { grouped[Int(slot)].append(value) }
        return Dictionary(uniqueKeysWithValues: zip(self.slotKeys, grouped))
    }

    /// Adds one report.
    public mutating func add(_ report: SignalReport) {
        let cell = self.locator.cell(for: LatLng(lat: report.lat, lng: report.lon))
        let op = self.operatorIndex(for: report.operatorCode)
        let judged = self.judged
        let settings = self.settings
        self.add(cell: cell, operator: op) { j in Self.judgedValue(j, of: report, judged: judged, settings: settings) }
        if report.dlKbps != nil || report.ulKbps != nil {
            self.addRates(
                technology: report.technology, downloadKbps: SpeedSamples.kept(report.dlKbps),
                uploadKbps: SpeedSamples.kept(report.ulKbps))
        }
    }

    /// Adds the download/upload rates (kbit/s, NaN for none) of the report added last, in its cell, for its
    /// technology (if that technology is judged for speed).
    @inline(__always)
    mutating func addRates(technology: Technology, downloadKbps: Float, uploadKbps: Float) {
        guard self.speedMask & (1 << SpeedSamples.position(technology)) != 0 else { return }
        self.speedSamples.add(
            cell: Int32(truncatingIfNeeded: self.lastCellIndex), technology: technology, downloadKbps: downloadKbps,
            uploadKbps: uploadKbps)
    }

    /// The dense index of an operator code (0 for none), registering it in first-seen order.
    mutating func operatorIndex(for code: String?) -> UInt16 {
        if code == self.lastOperatorCode { return self.lastOperatorIndex }
        let op: UInt16
        if let code {
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
        self.lastOperatorCode = code
        self.lastOperatorIndex = op
        return op
    }

    /// The value a report gives each judged technology (by position in `judgedTechnologies`), or nil where it
    /// gives none: what `add` keeps of a report besides its cell and operator.
    @inline(__always)
    static func judgedValue(
        _ j: Int, of report: SignalReport, judged: [(Technology, SignalMetric, UInt8)], settings: CoverageSettings
    ) -> Double? {
        let (technology, metric, _) = judged[j]
        return settings.counts(report.technology, for: technology) ? report[metric] : nil
    }

    /// Adds one report already located: its cell, operator index and `value(j)` for each judged technology j.
    @inline(__always)
    mutating func add(cell: H3Index, operator op: UInt16, value: (Int) -> Double?) {
        self.reportCount += 1
        let c: Int
        if cell == self.lastCell {
            c = self.lastCellIndex
        } else {
            let (i, inserted) = self.cellTable.indexInserting(cell)
            c = i
            if inserted {
                self.cellIDs.append(cell)
                self.rows.append(0)
                self.firstOperatorRow.append(-1)
                self.firstSlot.append(-1)
            }
            self.lastCell = cell
            self.lastCellIndex = c
            for j in self.lastSlotByJudged.indices { self.lastSlotByJudged[j] = -1 }
        }
        self.rows[c] += 1
        let cellOperator = CellOperator(cell: Int32(c), op: op)
        if let (key, n) = self.lastOperatorRow, key == cellOperator {
            self.lastOperatorRow = (key, n + 1)
        } else {
            self.flushOperatorRow()
            self.lastOperatorRow = (cellOperator, 1)
        }
        if op != self.lastSlotOperator {
            for j in self.lastSlotByJudged.indices { self.lastSlotByJudged[j] = -1 }
            self.lastSlotOperator = op
        }
        for j in 0..<self.judged.count {
            guard let value = value(j) else { continue }
            var slot = self.lastSlotByJudged[j]
            if slot < 0 {
                slot = self.slot(cell: c, technology: self.judged[j].2, operator: op)
                self.lastSlotByJudged[j] = slot
            }
            self.values.append(value)
            self.valueSlots.append(Int32(truncatingIfNeeded: slot))
            self.slotCounts[slot] += 1
        }
    }

    /// Index of a judged technology in `settings.judgedTechnologies`.
    func technologyIndex(_ technology: Technology) -> UInt8? {
        self.judged.first { $0.0 == technology }.map { $0.2 }
    }
}
