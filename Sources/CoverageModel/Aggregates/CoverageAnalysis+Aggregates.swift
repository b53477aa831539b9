import NetmonProtocol

extension CoverageAnalysis {
    /// Runs the analysis over mergeable aggregates instead of reports: for integer-dBm values the result equals
    /// ``analyze(_:grid:)`` over the reports they were made from (cells, medians, ratios, dead zones, operators),
    /// with speed medians within ``CellAggregation``'s bound. `settings` must have the aggregates' resolution
    /// and metrics.
    public static func analyze(
        _ aggregates: CellAggregates, settings: CoverageSettings, grid: CommuneGrid
    )
        -> CoverageResult
    {
        precondition(
            CellAggregation(settings: settings) == aggregates.aggregation,
            "settings differ from the aggregates' resolution or metrics")
        return Self.analyze(AggregateSamples(aggregates, settings: settings), grid: grid)
    }
}

/// ``CellAggregates`` as the analysis reads them: medians from the histograms.
struct AggregateSamples: CellSampleSource {
    let aggregates: CellAggregates
    let settings: CoverageSettings
    let operatorCodes: [String]
    let reportCount: Int
    private let operatorIndex: [String: UInt16]
    private let judgedPosition: [Technology: UInt8]

    init(_ aggregates: CellAggregates, settings: CoverageSettings) {
        self.aggregates = aggregates
        self.settings = settings
        var codes = Set<String>()
        for h in aggregates.cells.values { codes.formUnion(h.operatorRows.keys) }
        codes.remove("")
        // Index 0 is reports without an operator, as in the accumulator; past UInt16's range they share it.
        var index: [String: UInt16] = ["": 0]
        var list = [CoverageAccumulator.unknownOperator]
        for code in codes.sorted() where list.count < Int(UInt16.max) {
            index[code] = UInt16(list.count)
            list.append(code)
        }
        self.operatorCodes = list
        self.operatorIndex = index
        self.reportCount = aggregates.reportCount
        var position: [Technology: UInt8] = [:]
        for (i, t) in settings.judgedTechnologies.enumerated() { position[t] = UInt8(i) }
        self.judgedPosition = position
    }

    func samples(in cell: H3Index, minSamples: Int) -> CellSamples? {
        guard let h = self.aggregates.cells[cell] else { return nil }
        var groups: [(technology: UInt8, op: UInt16, count: Int, median: Double?)] = []
        var merged: [UInt8: [Int64: Int64]] = [:]
        let dB: (Int64) -> Double? = { Double($0) }
        for (group, bins) in h.signal {
            guard let t = self.judgedPosition[group.technology] else { continue }
            let (count, median) = HistogramMedian.figures(bins, value: dB)
            guard count > 0 else { continue }
            groups.append((t, self.operatorIndex[group.operatorCode] ?? 0, count, count >= minSamples ? median : nil))
            HistogramMedian.merge(bins, into: &merged[t, default: [:]])
        }
        var all: [UInt8: (count: Int, median: Double)] = [:]
        for (t, bins) in merged {
            let (count, median) = HistogramMedian.figures(bins, value: dB)
            if let median { all[t] = (count, median) }
        }
        var operatorRows: [(op: UInt16, rows: Int)] = []
        var rows = 0
        for (code, n) in h.operatorRows where n > 0 {
            operatorRows.append((self.operatorIndex[code] ?? 0, Int(n)))
            rows += Int(n)
        }
        return CellSamples(rows: rows, operatorRows: operatorRows, groups: groups, all: all)
    }

    func speedMedians(in cell: H3Index, technology: Technology) -> SpeedSamples.SlotMedians? {
        guard let h = self.aggregates.cells[cell] else { return nil }
        let download = HistogramMedian.figures(h.download[technology] ?? [:], value: CellAggregation.rate(ofBucket:))
        let upload = HistogramMedian.figures(h.upload[technology] ?? [:], value: CellAggregation.rate(ofBucket:))
        guard download.count > 0 || upload.count > 0 else { return nil }
        return SpeedSamples.SlotMedians(
            downloads: download.count, downloadMedian: download.median, uploads: upload.count,
            uploadMedian: upload.median)
    }
}
