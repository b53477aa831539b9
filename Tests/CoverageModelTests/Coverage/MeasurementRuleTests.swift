import Foundation
import NetmonProtocol
import Testing

@testable import CoverageModel

/// Communes measured too little are "not measured enough", never "below target".
@Suite struct MeasurementRuleTests {
    typealias F = CoverageFixtures

    /// The west commune's cells, nearest the centre first, and how many of them make at least 30 % of its area.
    static func westCellsAndThirtyPercent() -> (cells: [H3Index], count: Int, area: Double) {
        let empty = F.analyze([])
        let cells = empty.cells.filter { $0.communeCode == F.west.code }.map(\.cell).sorted()
        let area = cells.reduce(0) { $0 + H3.cellAreaKm2($1) }
        var measured = 0.0
        for (i, cell) in cells.enumerated() {
            measured += H3.cellAreaKm2(cell)
            if measured / area >= 0.30 { return (cells, i + 1, area) }
        }
        return (cells, cells.count, area)
    }

    @Test func aCommuneJustBelowTheMinimumIsNotMeasuredEnough() throws {
        let (cells, count, area) = Self.westCellsAndThirtyPercent()
        var settings = CoverageSettings()
        settings.targets.minMeasuredRatio = 0.30
        // Measured and dead (no service): below target once enough is measured.
        let enough = F.analyze(cells.prefix(count).flatMap { F.reports($0, .noService, rows: 3) }, settings: settings)
        let west = try #require(enough.communes.first { $0.code == F.west.code })
        #expect(west.measuredRatio >= 0.30)
        #expect(west.status == .belowTarget)
        // One cell less: about 29 % measured, too little to call it below target.
        let fewer = F.analyze(
            cells.prefix(count - 1).flatMap { F.reports($0, .noService, rows: 3) }, settings: settings)
        let thin = try #require(fewer.communes.first { $0.code == F.west.code })
        let ratio = cells.prefix(count - 1).reduce(0) { $0 + H3.cellAreaKm2($1) } / area
        #expect(abs(thin.measuredRatio - ratio) < 1e-12)
        #expect(thin.measuredRatio < 0.30 && thin.measuredRatio > 0.25)
        #expect(thin.status == .notMeasuredEnough)
        // The east commune, with nothing measured, is not measured enough either.
        #expect(fewer.communes.first { $0.code == F.east.code }?.status == .notMeasuredEnough)
        #expect(fewer.communes(.notMeasuredEnough) == [F.west.code, F.east.code])
    }

    @Test func aMeasuredCommuneWithFourGMeetsItsTargets() throws {
        let (cells, count, _) = Self.westCellsAndThirtyPercent()
        let reports = cells.prefix(count).flatMap { F.reports($0, .fourG, [.rsrpDbm: [-90, -90, -90]]) }
        let result = F.analyze(reports)
        #expect(result.communes.first { $0.code == F.west.code }?.status == .meets)
        // With no commune targets set, a measured commune meets them.
        var settings = CoverageSettings()
        settings.targets.fourGEveryCommune = false
        let dead = F.analyze(cells.prefix(count).flatMap { F.reports($0, .noService, rows: 3) }, settings: settings)
        #expect(dead.communes.first { $0.code == F.west.code }?.status == .meets)
        // 3G in every commune, when set, is a commune target too.
        settings.targets.threeGEveryCommune = true
        let noThreeG = F.analyze(reports, settings: settings)
        #expect(noThreeG.communes.first { $0.code == F.west.code }?.status == .belowTarget)
    }

    @Test func theReportCountsCommunesByStatus() throws {
        let (cells, count, _) = Self.westCellsAndThirtyPercent()
        let result = F.analyze(cells.prefix(count).flatMap { F.reports($0, .noService, rows: 3) })
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.reportJSON.text.utf8)) as? [String: Any])
        let province = try #require(object["province"] as? [String: Any])
        let measurement = try #require(province["measurement"] as? [String: Any])
        #expect(measurement["min_measured_ratio"] as? Double == 0.3)
        #expect(measurement["communes_meeting"] as? Int == 0)
        #expect(measurement["communes_below_target"] as? Int == 1)
        #expect(measurement["communes_not_measured_enough"] as? Int == 1)
        #expect(measurement["not_measured_enough"] as? [String] == [F.east.code])
        let measured = try #require(measurement["measured_ratio"] as? Double)
        #expect(abs(measured + (measurement["unmeasured_ratio"] as? Double ?? -1) - 1) < 2e-6)
        let communes = try #require(object["communes"] as? [[String: Any]])
        #expect(communes.map { $0["status"] as? String } == ["below_target", "not_measured_enough"])
    }
}
