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
        // The speed ratio of the history is 4G's (the generation every commune must have): the area whose cells
        // meet sites.yaml's 4G speed threshold; nil when 4G is not judged for speed.
        func speed(_ figures: [Technology: SpeedAreaFigures]) -> Double? {
            result.settings.speed[.fourG] == nil ? nil : figures[.fourG]?.coveredRatio ?? 0
        }
        let p = result.province
        var points = [
            CoverageHistoryPoint(
                computedAt: computedAt, commune: nil, reports: reports,
                threeGAreaRatio: ratio(p.coverage, .threeG), fourGAreaRatio: ratio(p.coverage, .fourG),
                fiveGAreaRatio: ratio(p.coverage, .fiveG), speedAreaRatio: speed(p.speed),
                measuredRatio: p.measuredRatio,
                deadCells: p.deadCells,
                deadZones: p.deadZones,
                communesWithFourG: result.communes.filter { ($0.coverage[.fourG] ?? 0) > 0 }.count,
                communes: result.communes.count)
        ]
        for c in result.communes {
            points.append(
                CoverageHistoryPoint(
                    computedAt: computedAt, commune: c.code, reports: reports,
                    threeGAreaRatio: ratio(c.coverage, .threeG), fourGAreaRatio: ratio(c.coverage, .fourG),
                    fiveGAreaRatio: ratio(c.coverage, .fiveG), speedAreaRatio: speed(c.speed),
                    measuredRatio: c.measuredRatio,
                    deadCells: c.deadCells, deadZones: c.deadZones,
                    communesWithFourG: (c.coverage[.fourG] ?? 0) > 0 ? 1 : 0, communes: 1))
        }
        return points
    }
}
