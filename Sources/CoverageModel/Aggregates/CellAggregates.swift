import NetmonProtocol

/// One cell's aggregates: everything the coverage analysis reads of the cell's reports, as counts that add up.
public struct CellHistograms: Sendable, Hashable {
    /// A judged technology and an operator code ('' for reports without one).
    public struct SignalGroup: Sendable, Hashable {
        public var technology: Technology
        public var operatorCode: String
    }

    /// Reports per operator code ('' for reports without one).
    public var operatorRows: [String: Int64] = [:]
    /// Primary-metric values per (judged technology, operator): 1 dB bin → count.
    public var signal: [SignalGroup: [Int64: Int64]] = [:]
    /// Rates per report technology: speed bucket → count.
    public var download: [Technology: [Int64: Int64]] = [:]
    public var upload: [Technology: [Int64: Int64]] = [:]
    /// Reports from gateway modems.
    public var gatewayRows: Int64 = 0

    var isEmpty: Bool {
        self.operatorRows.isEmpty && self.signal.isEmpty && self.download.isEmpty && self.upload.isEmpty
            && self.gatewayRows == 0
    }
}

/// Mergeable per-cell aggregates of signal reports (see ``CellAggregation`` for the bins and their bounds): the
/// aggregates of several sets of reports add up to those of all of them, and subtracting a set's aggregates takes
/// it out again, so coverage can follow uploads and deletes without reading every report.
///
/// ``CoverageAnalysis/analyze(_:settings:grid:)`` gives from them exactly what the analysis of the reports gives for
/// integer-dBm values (cell states, medians, ratios, dead zones, operators), and speed within the stated bound.
public struct CellAggregates: Sendable {
    public let aggregation: CellAggregation
    public private(set) var cells: [H3Index: CellHistograms] = [:]
    /// Judged technologies with their metric, in `Technology.judged` order.
    private let judged: [(Technology, SignalMetric)]
    private var locator: H3CellLocator

    public init(aggregation: CellAggregation) {
        self.aggregation = aggregation
        self.judged = Technology.judged.compactMap { t in aggregation.metrics[t].map { (t, $0) } }
        self.locator = H3CellLocator(resolution: aggregation.resolution)
    }

    /// Reports counted (every report falls in some cell).
    public var reportCount: Int { Int(self.cells.values.reduce(Int64(0)) { $0 + $1.operatorRows.values.reduce(0, +) }) }

    /// Reports from gateway modems, by cell.
    public var gatewayRows: [H3Index: Int] {
        var out: [H3Index: Int] = [:]
        for (cell, h) in self.cells where h.gatewayRows != 0 { out[cell] = Int(h.gatewayRows) }
        return out
    }

    /// Adds one report.
    public mutating func add(_ report: SignalReport) {
        let cell = self.locator.cell(for: LatLng(lat: report.lat, lng: report.lon))
        let op = report.operatorCode ?? ""
        var h = self.cells.removeValue(forKey: cell) ?? CellHistograms()
        h.operatorRows[op, default: 0] += 1
        for (technology, metric) in self.judged {
            guard CoverageSettings.counts(report.technology, for: technology), let value = report[metric],
                let bin = CellAggregation.signalBin(value)
            else { continue }
            h.signal[CellHistograms.SignalGroup(technology: technology, operatorCode: op), default: [:]][
                bin, default: 0] +=
                1
        }
        if let bucket = CellAggregation.rateBucket(SpeedSamples.kept(report.dlKbps)) {
            h.download[report.technology, default: [:]][bucket, default: 0] += 1
        }
        if let bucket = CellAggregation.rateBucket(SpeedSamples.kept(report.ulKbps)) {
            h.upload[report.technology, default: [:]][bucket, default: 0] += 1
        }
        if report.device?.hasPrefix("gateway:") == true { h.gatewayRows += 1 }
        self.cells[cell] = h
    }

    /// Adds `count` (negative: takes away) to one stored count; a count that reaches zero is dropped. A key naming
    /// a technology that is not one is ignored.
    public mutating func add(_ key: CellAggregateKey, count: Int64) {
        guard count != 0 else { return }
        var h = self.cells.removeValue(forKey: key.cell) ?? CellHistograms()
        func bump(_ dictionary: inout [Int64: Int64]) {
            let n = dictionary[key.bin, default: 0] + count
            dictionary[key.bin] = n == 0 ? nil : n
        }
        switch key.kind {
        case .rows:
            let n = h.operatorRows[key.operatorCode, default: 0] + count
            h.operatorRows[key.operatorCode] = n == 0 ? nil : n
        case .signal:
            if let t = Technology(rawValue: key.technology) {
                let group = CellHistograms.SignalGroup(technology: t, operatorCode: key.operatorCode)
                var bins = h.signal[group] ?? [:]
                bump(&bins)
                h.signal[group] = bins.isEmpty ? nil : bins
            }
        case .download, .upload:
            if let t = Technology(rawValue: key.technology) {
                var bins = (key.kind == .download ? h.download[t] : h.upload[t]) ?? [:]
                bump(&bins)
                if key.kind == .download {
                    h.download[t] = bins.isEmpty ? nil : bins
                } else {
                    h.upload[t] = bins.isEmpty ? nil : bins
                }
            }
        case .gatewayRows:
            h.gatewayRows += count
        }
        if !h.isEmpty { self.cells[key.cell] = h }
    }

    /// Adds every count of `other` (same aggregation) to these.
    public mutating func merge(_ other: CellAggregates) {
        precondition(other.aggregation == self.aggregation, "merging aggregates of another aggregation")
        for (key, n) in other.entries { self.add(key, count: n) }
    }

    /// Every count with its key, in key order (how they are stored).
    public var entries: [(key: CellAggregateKey, count: Int64)] {
        var out: [(key: CellAggregateKey, count: Int64)] = []
        for (cell, h) in self.cells {
            for (op, n) in h.operatorRows {
                out.append((CellAggregateKey(kind: .rows, cell: cell, technology: "", operatorCode: op, bin: 0), n))
            }
            for (group, bins) in h.signal {
                for (bin, n) in bins {
                    out.append(
                        (
                            CellAggregateKey(
                                kind: .signal, cell: cell, technology: group.technology.rawValue,
                                operatorCode: group.operatorCode, bin: bin), n
                        ))
                }
            }
            for (kind, rates) in [(CellAggregateKey.Kind.download, h.download), (.upload, h.upload)] {
                for (t, bins) in rates {
                    for (bin, n) in bins {
                        out.append(
                            (
                                CellAggregateKey(
                                    kind: kind, cell: cell, technology: t.rawValue, operatorCode: "", bin: bin),
                                n
                            ))
                    }
                }
            }
            if h.gatewayRows != 0 {
                out.append(
                    (
                        CellAggregateKey(kind: .gatewayRows, cell: cell, technology: "", operatorCode: "", bin: 0),
                        h.gatewayRows
                    ))
            }
        }
        out.sort { $0.key < $1.key }
        return out
    }
}
