import CoverageModel
import Foundation
import MeasurementStore
import NetmonProtocol

/// The history points of one recomputation: the province's and each commune's figures, all dated `computedAt`.
enum CoverageHistoryPoints {
    static func make(_ result: CoverageResult, reports: Int, computedAt: Date) -> [CoverageHistoryPoint] {
        let judged = Set(result.settings.judgedTechnologies)
        func ratio(_ values: [Technology: Double], _ t: Technology) -> Double? {
            judged.contains(t) ? values[t] ?? 0 : nil
        }
        let p = result.province
        var points = [
            CoverageHistoryPoint(
                computedAt: computedAt, commune: nil, reports: reports,
                threeGAreaRatio: ratio(p.coverage, .threeG), fourGAreaRatio: ratio(p.coverage, .fourG),
                fiveGAreaRatio: ratio(p.coverage, .fiveG), measuredRatio: p.measuredRatio, deadCells: p.deadCells,
                deadZones: p.deadZones,
                communesWithFourG: result.communes.filter { ($0.coverage[.fourG] ?? 0) > 0 }.count,
                communes: result.communes.count)
        ]
        for c in result.communes {
            points.append(
                CoverageHistoryPoint(
                    computedAt: computedAt, commune: c.code, reports: reports,
                    threeGAreaRatio: ratio(c.coverage, .threeG), fourGAreaRatio: ratio(c.coverage, .fourG),
                    fiveGAreaRatio: ratio(c.coverage, .fiveG), measuredRatio: c.measuredRatio,
                    deadCells: c.deadCells, deadZones: c.deadZones,
                    communesWithFourG: (c.coverage[.fourG] ?? 0) > 0 ? 1 : 0, communes: 1))
        }
        return points
    }
}
