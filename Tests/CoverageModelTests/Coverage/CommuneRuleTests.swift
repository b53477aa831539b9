import Foundation
import Testing

@testable import CoverageModel

/// Commune and province figures, dead zones across borders, zone outlines with holes, targets.
@Suite struct CommuneRuleTests {
    typealias F = CoverageFixtures

    @Test func coverageIsAreaWeightedWithExactCellAreas() throws {
        let empty = F.analyze([])
        let westCells = empty.cells.filter { $0.communeCode == F.west.code }
        let covered = Array(westCells.prefix(5))
        let reports = covered.flatMap { F.reports($0.cell, .fourG, [.rsrpDbm: [-90, -90, -90]]) }
        let result = F.analyze(reports)
        let west = try #require(result.communes.first { $0.code == F.west.code })
        let area = westCells.reduce(0) { $0 + H3.cellAreaKm2($1.cell) }
        let coveredArea = covered.reduce(0) { $0 + H3.cellAreaKm2($1.cell) }
        #expect(west.cells == westCells.count)
        #expect(abs(west.areaKm2 - area) < 1e-12)
        #expect(abs((west.coverage[.fourG] ?? -1) - coveredArea / area) < 1e-12)
        #expect(abs(west.measuredRatio - coveredArea / area) < 1e-12)
        #expect(west.coverage[.fiveG] == 0)
        // The cells of a commune are polygon-to-cells of its boundary.
        #expect(Set(westCells.map(\.cell)) == Set(H3.polygonToCells(F.west.geometry, resolution: 8)))
        // Province: area-weighted over both communes.
        let east = try #require(result.communes.first { $0.code == F.east.code })
        #expect(abs(result.province.areaKm2 - (west.areaKm2 + east.areaKm2)) < 1e-9)
        #expect(abs(result.province.coverage[.fourG]! - coveredArea / result.province.areaKm2) < 1e-12)
    }

    @Test func aDeadZoneAcrossABorderCountsInBothCommunes() throws {
        let (a, b) = F.borderPair(F.analyze([]))
        // A second zone inside the west commune, not touching the first.
        let lone = F.westCentre
        #expect(!H3.gridDisk(lone, k: 2).contains(a) && !H3.gridDisk(lone, k: 2).contains(b))
        let reports = [a, b, lone].flatMap { F.reports($0, .noService, rows: 3) }
        let result = F.analyze(reports)
        #expect(result.deadZones.count == 2)
        let crossing = try #require(result.deadZones.first { $0.cells.count == 2 })
        #expect(crossing.communeCodes == [F.west.code, F.east.code])
        #expect(Set(crossing.cells) == [a, b])
        #expect(abs(crossing.areaKm2 - H3.cellAreaKm2(a) - H3.cellAreaKm2(b)) < 1e-12)
        let west = try #require(result.communes.first { $0.code == F.west.code })
        let east = try #require(result.communes.first { $0.code == F.east.code })
        #expect(west.deadZones == 2)
        #expect(west.deadCells == 2)
        #expect(east.deadZones == 1)
        #expect(east.deadCells == 1)
        #expect(result.province.deadZones == 2)
        #expect(result.province.deadCells == 3)
    }

    @Test func cellsTouchingOnlyAcrossACoveredCellAreSeparateZones() throws {
        // Two cells two steps apart, with the covered cell between them: no shared edge, two zones.
        let centre = F.westCentre
        let ring = H3.gridDisk(centre, k: 1).filter { $0 != centre }
        let a = ring[0]
        let opposite = try #require(ring.first { !H3.gridDisk(a, k: 1).contains($0) && $0 != a })
        let result = F.analyze([a, opposite].flatMap { F.reports($0, .noService, rows: 3) })
        #expect(result.deadZones.count == 2)
    }

    @Test(.enabled(if: ExternalTools.hasShapely && ExternalTools.hasOgrinfo, "needs Python shapely and GDAL's ogrinfo"))
    func aRingOfDeadCellsIsOneZoneWithAHole() throws {
        let centre = F.westCentre
        let ring = H3.gridDisk(centre, k: 1).filter { $0 != centre }
        #expect(ring.count == 6)
        let reports =
            ring.flatMap { F.reports($0, .noService, rows: 3) }
            + F.reports(centre, .fourG, [.rsrpDbm: [-90, -90, -90]])
        let result = F.analyze(reports)
        #expect(result.deadZones.count == 1)
        let zone = result.deadZones[0]
        #expect(zone.cells.count == 6)
        let outline = CellOutline.multiPolygon(of: zone.cells)
        #expect(outline.polygons.count == 1)
        #expect(outline.polygons[0].holes.count == 1)
        #expect(outline.polygons[0].exterior.count == 18)
        #expect(outline.polygons[0].holes[0].count == 6)
        #expect(RingOrientation.isCounterClockwise(outline.polygons[0].exterior))
        #expect(!RingOrientation.isCounterClockwise(outline.polygons[0].holes[0]))
        // The hole is the covered cell: its centre is outside the zone, the dead cells' centres inside.
        #expect(!outline.contains(H3.cellToLatLng(centre)))
        #expect(ring.allSatisfy { outline.contains(H3.cellToLatLng($0)) })
        // Written out, GDAL and shapely agree it is one valid polygon with a hole.
        let path = TestData.temporaryPath(".geojson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try AtomicFileSink(path: path)
        let writer = GeoJSONWriter(sink: sink)
        try result.write(.deadZones, boundaries: [F.west, F.east], to: writer)
        try writer.finish()
        try sink.commit()
        #expect(try ExternalTools.ogrFeatureCount(path) == 1)
        let verdict = try ExternalTools.shapely(path)
        #expect(verdict.invalid == [])
        #expect(verdict.geometryTypes == ["Polygon"])
        #expect(verdict.clockwiseExteriors == 0 && verdict.counterClockwiseHoles == 0)
    }

    @Test func targetsAreJudged() throws {
        let empty = F.analyze([])
        let westCells = empty.cells.filter { $0.communeCode == F.west.code }.map(\.cell)
        let eastCells = empty.cells.filter { $0.communeCode == F.east.code }.map(\.cell)
        // 5G everywhere in the west, 4G in one east cell, one dead cell in the east.
        let reports =
            westCells.flatMap { F.reports($0, .fiveG, [.rsrpDbm: [-90, -90, -90], .nrSsRsrpDbm: [-95, -95, -95]]) }
            + F.reports(eastCells[0], .fourG, [.rsrpDbm: [-100, -100, -100]])
            + F.reports(eastCells[eastCells.count / 2], .noService, rows: 4)
        let result = F.analyze(reports)
        let targets = Dictionary(uniqueKeysWithValues: result.province.targets.map { ($0.name, $0) })
        #expect(targets["4g_every_commune"]?.isMet == true)
        #expect(targets["3g_every_commune"]?.isMet == true)  // not required by default
        let ratio = result.province.coverage[.fiveG]!
        #expect(targets["5g_area_ratio"]?.value == .ratio(ratio))
        #expect(targets["5g_area_ratio"]?.isMet == (ratio >= 0.6))
        #expect(ratio > 0.4 && ratio < 0.6)
        #expect(targets["max_dead_zones"]?.value == .count(1))
        #expect(targets["max_dead_zones"]?.isMet == false)
        // Without the east 4G cell, the east commune fails 4G.
        let without = F.analyze(westCells.flatMap { F.reports($0, .fourG, [.rsrpDbm: [-90, -90, -90]]) })
        let t2 = without.province.targets.first { $0.name == "4g_every_commune" }
        #expect(t2?.value == .communes([F.east.code]))
        #expect(t2?.isMet == false)
    }

    @Test func reportJSONHasTheDocumentedShape() throws {
        let result = F.analyze(F.reports(F.westCentre, .noService, rows: 3))
        let text = result.reportJSON.text
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["resolution", "province", "communes"])
        let province = try #require(object["province"] as? [String: Any])
        #expect(
            Set(province.keys) == [
                "area_km2", "coverage", "dead_cells", "dead_zones", "targets", "speed", "measurement", "operators",
            ])
        #expect(Set((province["coverage"] as? [String: Any])?.keys ?? [:].keys) == ["3G", "4G", "5G"])
        let communes = try #require(object["communes"] as? [[String: Any]])
        #expect(communes.count == 2)
        #expect(
            Set(communes[0].keys) == [
                "code", "name", "cells", "area_km2", "coverage", "measured_ratio", "dead_cells", "dead_zones",
                "status", "unmeasured_ratio", "speed", "operators",
            ])
        // The reports carry Viettel's code (the fixture's default): one operator, measured, covering nothing.
        let operators = try #require(communes[0]["operators"] as? [String: [String: Any]])
        #expect(operators.keys.sorted() == ["452-04"])
        #expect(operators["452-04"]?["not_covering_cells"] as? Int == 1)
        #expect(communes[0]["code"] as? String == F.west.code)
        #expect(text.hasPrefix(#"{"resolution":8,"province":{"area_km2":"#))
    }
}
