import NetmonProtocol

/// How one operator alone stands in a cell: its rows and its state per judged technology, judged with the same
/// floors and `min_samples` as the cell, on that operator's values only.
public struct OperatorCellFigures: Sendable, Hashable {
    /// Rows of the operator in the cell (any technology).
    public var rows: Int
    /// Per judged technology (`noSamples` where the operator gave no value).
    public var technologies: [Technology: TechnologyCellState]
    /// At least `min_samples` rows of the operator.
    public var isMeasured: Bool

    /// Covered by this operator with some technology.
    public var covers: Bool { self.technologies.values.contains(.covered) }
    /// Measured for this operator and covered by none of its technologies.
    public var isNotCovering: Bool { self.isMeasured && !self.covers }
}

/// One operator's figures over an area (a commune or the province).
public struct OperatorCoverage: Sendable, Hashable {
    /// MCC-MNC code as in the reports (`452-04`), or `unknown` for reports without an operator.
    public var code: String
    /// Display name from `CoverageSettings.operatorNames`, the code when it has none.
    public var name: String
    /// Area this operator covers with each judged technology / area.
    public var coverage: [Technology: Double]
    /// Area where the operator has at least `min_samples` rows / area.
    public var measuredRatio: Double
    /// Cells measured for this operator and covered by none of its technologies.
    public var notCoveringCells: Int
    /// Partial not-spots this operator leaves: cells it does not cover while another operator does.
    public var partialNotSpots: Int
}

extension CoverageSettings {
    /// The three operators of Việt Nam's mobile networks (MCC 452): 452-01 MobiFone, 452-02 VinaPhone,
    /// 452-04 Viettel.
    public static let defaultOperatorNames = ["452-01": "MobiFone", "452-02": "VinaPhone", "452-04": "Viettel"]

    /// The display name of an operator code.
    public func operatorName(_ code: String) -> String { self.operatorNames[code] ?? code }
}

extension CoverageAnalysis {
    /// A cell's per-operator figures from the per-(operator, technology) states the analysis worked out and the
    /// rows per operator.
    static func operatorStates(
        _ states: [UInt16: [Technology: TechnologyCellState]], rows: [(UInt16, Int32)], judged: [Technology],
        minSamples: Int, codes: [String]
    ) -> [String: OperatorCellFigures] {
        guard !states.isEmpty || !rows.isEmpty else { return [:] }
        var rowsByOperator: [UInt16: Int] = [:]
        for (op, n) in rows { rowsByOperator[op, default: 0] += Int(n) }
        var out: [String: OperatorCellFigures] = [:]
        for op in Set(states.keys).union(rowsByOperator.keys) {
            let known = states[op] ?? [:]
            var technologies: [Technology: TechnologyCellState] = [:]
            for t in judged { technologies[t] = known[t] ?? .noSamples }
            let n = rowsByOperator[op] ?? 0
            out[codes[Int(op)]] = OperatorCellFigures(rows: n, technologies: technologies, isMeasured: n >= minSamples)
        }
        return out
    }

    /// Per-operator figures of a commune's cells.
    static func operatorFigures(
        _ cells: ArraySlice<CellCoverage>, areaKm2 area: Double, settings: CoverageSettings
    ) -> [OperatorCoverage] {
        var codes = Set<String>()
        for cell in cells { codes.formUnion(cell.operatorStates.keys) }
        return codes.sorted().map { code in
            var covered: [Technology: Double] = [:]
            var measured = 0.0
            var notCovering = 0
            var partial = 0
            for cell in cells {
                guard let figures = cell.operatorStates[code] else { continue }
                for (t, state) in figures.technologies where state == .covered {
                    covered[t, default: 0] += cell.areaKm2
                }
                if figures.isMeasured { measured += cell.areaKm2 }
                if figures.isNotCovering {
                    notCovering += 1
                    if !cell.operatorsCovering.isEmpty { partial += 1 }
                }
            }
            var coverage: [Technology: Double] = [:]
            for t in settings.judgedTechnologies { coverage[t] = area > 0 ? (covered[t] ?? 0) / area : 0 }
            return OperatorCoverage(
                code: code, name: settings.operatorName(code), coverage: coverage,
                measuredRatio: area > 0 ? measured / area : 0, notCoveringCells: notCovering, partialNotSpots: partial)
        }
    }

    /// Per-operator figures of the province: ratios area-weighted over the communes, counts summed.
    static func provinceOperatorFigures(
        _ communes: [CommuneCoverage], areaKm2 area: Double, settings: CoverageSettings
    ) -> [OperatorCoverage] {
        var byCode: [String: (covered: [Technology: Double], measured: Double, notCovering: Int, partial: Int)] = [:]
        for commune in communes {
            for o in commune.operators {
                var entry = byCode[o.code] ?? ([:], 0, 0, 0)
                for (t, r) in o.coverage { entry.covered[t, default: 0] += r * commune.areaKm2 }
                entry.measured += o.measuredRatio * commune.areaKm2
                entry.notCovering += o.notCoveringCells
                entry.partial += o.partialNotSpots
                byCode[o.code] = entry
            }
        }
        return byCode.sorted { $0.key < $1.key }.map { code, e in
            var coverage: [Technology: Double] = [:]
            for t in settings.judgedTechnologies { coverage[t] = area > 0 ? (e.covered[t] ?? 0) / area : 0 }
            return OperatorCoverage(
                code: code, name: settings.operatorName(code), coverage: coverage,
                measuredRatio: area > 0 ? e.measured / area : 0, notCoveringCells: e.notCovering,
                partialNotSpots: e.partial)
        }
    }
}

extension CoverageSettings {
    /// These settings with `names` merged over the operator names they hold.
    public func naming(operators names: [String: String]) -> CoverageSettings {
        var copy = self
        copy.operatorNames.merge(names) { _, new in new }
        return copy
    }
}
