import NetmonProtocol

/// Turns accumulated reports and commune boundaries into cell states, commune and province figures and
/// dead zones.
public enum CoverageAnalysis {
    /// The cells of each commune (polygon-to-cells of its boundary, centre containment). A cell claimed by
    /// two communes (overlapping boundaries) stays with the first in code order.
    public static func communeCells(
        _ communes: [CommuneBoundary], resolution: Int
    ) -> (cells: [[H3Index]], overlapping: Int) {
        var owner = Set<H3Index>()
        var overlapping = 0
        var out: [[H3Index]] = []
        for commune in communes {
            var mine: [H3Index] = []
            for cell in H3.polygonToCells(commune.geometry, resolution: resolution) {
                if owner.insert(cell).inserted { mine.append(cell) } else { overlapping += 1 }
            }
            out.append(mine)
        }
        return (out, overlapping)
    }

    /// Median of values (mean of the two middle values when the count is even).
    /// Found by selection (the values are partly reordered in a copy, not sorted): the same value as sorting
    /// and taking the middle.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        var copy = values
        let mid = copy.count / 2
        return copy.withUnsafeMutableBufferPointer { a in
            MedianSelection.select(a, mid)
            if a.count % 2 == 1 { return a[mid] }
            // Everything before `mid` is at most a[mid]: the lower middle value is their maximum.
            var lower = a[0]
            for i in 1..<mid where a[i] > lower { lower = a[i] }
            return (lower + a[mid]) / 2
        }
    }

    /// Runs the analysis. `communes` are sorted by code first.
    public static func analyze(
        _ accumulator: CoverageAccumulator, communes unsorted: [CommuneBoundary]
    ) -> CoverageResult {
        Self.analyze(accumulator, grid: CommuneGrid(communes: unsorted, resolution: accumulator.settings.resolution))
    }

    /// Runs the analysis over communes whose cells are already known (the grid's resolution must be the
    /// settings' resolution).
    public static func analyze(_ accumulator: CoverageAccumulator, grid: CommuneGrid) -> CoverageResult {
        Self.analyze(AccumulatorSamples(accumulator), grid: grid)
    }

    /// The analysis over any source of cell samples.
    static func analyze(_ source: some CellSampleSource, grid: CommuneGrid) -> CoverageResult {
        let settings = source.settings
        precondition(grid.resolution == settings.resolution, "CommuneGrid resolution differs from the settings'")
        let communes = grid.communes
        let communeCells = grid.cells
        let overlapping = grid.overlapping
        let judged = settings.judgedTechnologies
        let minSamples = settings.minSamples
        let codes = source.operatorCodes

        var cells: [CellCoverage] = []
        var provinceRows = 0
        for (ci, commune) in communes.enumerated() {
            for cell in communeCells[ci].sorted() {
                let samples = source.samples(in: cell, minSamples: minSamples)
                let rows = samples?.rows ?? 0
                provinceRows += rows
                var technologies: [Technology: TechnologyCellFigures] = [:]
                var perOperatorCovered = Set<UInt16>()
                var operatorStates: [UInt16: [Technology: TechnologyCellState]] = [:]
                for (t, technology) in judged.enumerated() {
                    let floor = settings.floors[technology]!
                    for group in samples?.groups ?? [] where group.technology == UInt8(t) {
                        var state: TechnologyCellState = group.count == 0 ? .noSamples : .tooFewSamples
                        if group.count >= minSamples, let m = group.median {
                            if m >= floor.dbm { perOperatorCovered.insert(group.op) }
                            state = m >= floor.dbm ? .covered : .belowFloor
                        }
                        operatorStates[group.op, default: [:]][technology] = state
                    }
                    if let all = samples?.all[UInt8(t)], all.count > 0 {
                        let state: TechnologyCellState =
                            all.count < minSamples ? .tooFewSamples : (all.median >= floor.dbm ? .covered : .belowFloor)
                        technologies[technology] = TechnologyCellFigures(
                            samples: all.count, median: all.median, state: state)
                    } else {
                        technologies[technology] = TechnologyCellFigures(samples: 0, median: nil, state: .noSamples)
                    }
                }
                let measured = rows >= minSamples
                let covered = technologies.values.contains { $0.state == .covered }
                let cellOperatorRows = (samples?.operatorRows ?? []).map { ($0.op, Int32(clamping: $0.rows)) }
                let measuredOperators = cellOperatorRows.filter { $0.1 >= Int32(minSamples) }.map(\.0)
                let notCovering = Set(measuredOperators).subtracting(perOperatorCovered)
                cells.append(
                    CellCoverage(
                        cell: cell, communeCode: commune.code, areaKm2: H3.cellAreaKm2(cell), rows: rows,
                        technologies: technologies, isMeasured: measured, isDead: measured && !covered, deadZone: nil,
                        operatorsCovering: perOperatorCovered.map { codes[Int($0)] }.sorted(),
                        operatorsNotCovering: notCovering.map { codes[Int($0)] }.sorted(),
                        operatorStates: Self.operatorStates(
                            operatorStates, rows: cellOperatorRows, judged: judged, minSamples: minSamples,
                            codes: codes)))
            }
        }

        // Dead zones: edge-connected components of dead cells, over the whole province.
        var position: [H3Index: Int] = [:]
        for (i, c) in cells.enumerated() { position[c.cell] = i }
        var zones: [DeadZone] = []
        for start in cells.indices where cells[start].isDead && cells[start].deadZone == nil {
            let id = zones.count
            var queue = [start]
            cells[start].deadZone = id
            var head = 0
            while head < queue.count {
                let current = queue[head]
                head += 1
                for neighbour in H3.gridDisk(cells[current].cell, k: 1) {
                    guard let j = position[neighbour], cells[j].isDead, cells[j].deadZone == nil else { continue }
                    cells[j].deadZone = id
                    queue.append(j)
                }
            }
            let members = queue.map { cells[$0] }
            zones.append(
                DeadZone(
                    id: id, cells: members.map(\.cell).sorted(), areaKm2: members.reduce(0) { $0 + $1.areaKm2 },
                    communeCodes: Array(Set(members.map(\.communeCode))).sorted()))
        }

        // Commune figures.
        var communeFigures: [CommuneCoverage] = []
        var start = 0
        for (ci, commune) in communes.enumerated() {
            let mine = cells[start..<(start + communeCells[ci].count)]
            start += communeCells[ci].count
            let area = mine.reduce(0) { $0 + $1.areaKm2 }
            var coverage: [Technology: Double] = [:]
            for technology in judged {
                let covered = mine.filter { $0.isCovered(by: technology) }.reduce(0) { $0 + $1.areaKm2 }
                coverage[technology] = area > 0 ? covered / area : 0
            }
            let measuredArea = mine.filter(\.isMeasured).reduce(0) { $0 + $1.areaKm2 }
            communeFigures.append(
                CommuneCoverage(
                    code: commune.code, name: commune.name, cells: mine.count, areaKm2: area, coverage: coverage,
                    measuredRatio: area > 0 ? measuredArea / area : 0, deadCells: mine.filter(\.isDead).count,
                    deadZones: Set(mine.compactMap(\.deadZone)).count,
                    partialNotSpots: mine.filter(\.isPartialNotSpot).count,
                    operators: Self.operatorFigures(mine, areaKm2: area, settings: settings)))
        }

        // Province figures: area-weighted over the communes.
        let area = communeFigures.reduce(0) { $0 + $1.areaKm2 }
        var coverage: [Technology: Double] = [:]
        for technology in judged {
            let covered = communeFigures.reduce(0) { $0 + ($1.coverage[technology] ?? 0) * $1.areaKm2 }
            coverage[technology] = area > 0 ? covered / area : 0
        }
        let measured = communeFigures.reduce(0) { $0 + $1.measuredRatio * $1.areaKm2 }
        var targets: [TargetResult] = []
        for (technology, required) in [
            (Technology.threeG, settings.targets.threeGEveryCommune), (.fourG, settings.targets.fourGEveryCommune),
        ] {
            let failing = required ? communeFigures.filter { ($0.coverage[technology] ?? 0) <= 0 }.map(\.code) : []
            targets.append(
                TargetResult(
                    name: "\(technology.rawValue.lowercased())_every_commune", target: .bool(required),
                    value: .communes(failing), isMet: failing.isEmpty))
        }
        if let ratio = settings.targets.fiveGAreaRatio {
            let value = coverage[.fiveG] ?? 0
            targets.append(
                TargetResult(name: "5g_area_ratio", target: .number(ratio), value: .ratio(value), isMet: value >= ratio)
            )
        }
        if let maxZones = settings.targets.maxDeadZones {
            targets.append(
                TargetResult(
                    name: "max_dead_zones", target: .int(maxZones), value: .count(zones.count),
                    isMet: zones.count <= maxZones))
        }
        let province = ProvinceCoverage(
            areaKm2: area, cells: cells.count, coverage: coverage, measuredRatio: area > 0 ? measured / area : 0,
            deadCells: cells.filter(\.isDead).count, deadZones: zones.count,
            partialNotSpots: cells.filter(\.isPartialNotSpot).count, targets: targets,
            operators: Self.provinceOperatorFigures(communeFigures, areaKm2: area, settings: settings))
        var result = CoverageResult(
            settings: settings, province: province, communes: communeFigures, cells: cells, deadZones: zones,
            reportsOutsideProvince: source.reportCount - provinceRows, overlappingCells: overlapping,
            operators: codes)
        Self.judgeSpeed(&result, source: source)
        Self.judgeMeasurement(&result)
        return result
    }
}
