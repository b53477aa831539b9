import Foundation
import NetmonProtocol
import Testing

@testable import CoverageModel

/// Per-operator figures from hand-built reports: Viettel (452-04) covers two cells with 4G, MobiFone (452-01) is
/// measured below the floor in one of them and covers a third with 5G.
@Suite struct OperatorCoverageTests {
    typealias F = CoverageFixtures

    /// Cell A: Viettel 4G −90 dBm and MobiFone 4G −125 dBm (a partial not-spot for MobiFone); cell B: Viettel 4G
    /// only; cell C: MobiFone 5G −100 dBm only. All in the west commune; the east commune has no reports.
    static func scenario() -> (result: CoverageResult, a: H3Index, b: H3Index, c: H3Index) {
        let a = F.westCentre
        let ring = H3.gridDisk(a, k: 1).filter { $0 != a }.sorted()
        let b = ring[0]
        let c = ring[1]
        let reports =
            F.reports(a, .fourG, operatorCode: "452-04", [.rsrpDbm: [-90, -91, -92]])
            + F.reports(a, .fourG, operatorCode: "452-01", [.rsrpDbm: [-125, -126, -124]])
            + F.reports(b, .fourG, operatorCode: "452-04", [.rsrpDbm: [-95, -96, -97]])
            + F.reports(c, .fiveG, operatorCode: "452-01", [.nrSsRsrpDbm: [-100, -101, -99]])
        return (F.analyze(reports), a, b, c)
    }

    @Test("per commune: each operator's covered area per technology, measured area, not covering, partial")
    func communeFigures() throws {
        let (result, a, b, c) = Self.scenario()
        let west = try #require(result.communes.first { $0.code == F.west.code })
        let area = west.areaKm2
        let cellArea = Dictionary(uniqueKeysWithValues: result.cells.map { ($0.cell, $0.areaKm2) })
        let (aa, ab, ac) = (try #require(cellArea[a]), try #require(cellArea[b]), try #require(cellArea[c]))
        #expect(west.operators.map(\.code) == ["452-01", "452-04"])
        #expect(west.operators.map(\.name) == ["MobiFone", "Viettel"])

        let mobifone = west.operators[0]
        #expect(abs((mobifone.coverage[.fourG] ?? -1) - 0) < 1e-12)
        #expect(abs((mobifone.coverage[.fiveG] ?? -1) - ac / area) < 1e-12)
        #expect(abs(mobifone.measuredRatio - (aa + ac) / area) < 1e-12)
        #expect(mobifone.notCoveringCells == 1)
        #expect(mobifone.partialNotSpots == 1)

        let viettel = west.operators[1]
        #expect(abs((viettel.coverage[.fourG] ?? -1) - (aa + ab) / area) < 1e-12)
        #expect(abs((viettel.coverage[.fiveG] ?? -1) - 0) < 1e-12)
        #expect(abs(viettel.measuredRatio - (aa + ab) / area) < 1e-12)
        #expect(viettel.notCoveringCells == 0)
        #expect(viettel.partialNotSpots == 0)

        // The east commune has no reports, so no operator figures.
        #expect(result.communes.first { $0.code == F.east.code }?.operators.isEmpty == true)
    }

    @Test("per cell: each operator's own states; the cell is a partial not-spot")
    func cellStates() throws {
        let (result, a, _, c) = Self.scenario()
        let cellA = try #require(result.cells.first { $0.cell == a })
        #expect(cellA.isPartialNotSpot)
        #expect(cellA.operatorStates["452-04"]?.technologies[.fourG] == .covered)
        #expect(cellA.operatorStates["452-01"]?.technologies[.fourG] == .belowFloor)
        #expect(cellA.operatorStates["452-01"]?.technologies[.fiveG] == TechnologyCellState.noSamples)
        #expect(cellA.operatorStates["452-01"]?.isNotCovering == true)
        let cellC = try #require(result.cells.first { $0.cell == c })
        #expect(cellC.operatorStates.keys.sorted() == ["452-01"])
        #expect(cellC.operatorStates["452-01"]?.covers == true)
    }

    @Test("province: area-weighted over the communes, counts summed")
    func provinceFigures() throws {
        let (result, a, b, _) = Self.scenario()
        let cellArea = Dictionary(uniqueKeysWithValues: result.cells.map { ($0.cell, $0.areaKm2) })
        let viettel = try #require(result.province.operators.first { $0.code == "452-04" })
        let expected = (try #require(cellArea[a]) + (try #require(cellArea[b]))) / result.province.areaKm2
        #expect(abs((viettel.coverage[.fourG] ?? -1) - expected) < 1e-12)
        #expect(result.province.operators.map(\.partialNotSpots) == [1, 0])
    }

    @Test("report JSON: an operators object per commune and for the province, names from the settings")
    func reportJSON() throws {
        var settings = CoverageSettings()
        settings = settings.naming(operators: ["452-01": "MobiFone Corp"])
        var accumulator = CoverageAccumulator(settings: settings)
        let a = F.westCentre
        for r in F.reports(a, .fourG, operatorCode: "452-01", [.rsrpDbm: [-90, -90, -90]]) { accumulator.add(r) }
        let result = CoverageAnalysis.analyze(accumulator, communes: [F.west, F.east])
        var bytes: [UInt8] = []
        result.reportJSON.write(to: &bytes)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        let province = try #require(document["province"] as? [String: Any])
        let operators = try #require(province["operators"] as? [String: [String: Any]])
        #expect(operators.keys.sorted() == ["452-01"])
        #expect(operators["452-01"]?["name"] as? String == "MobiFone Corp")
        let communes = try #require(document["communes"] as? [[String: Any]])
        let west = try #require(communes.first { $0["code"] as? String == F.west.code })
        let westOperators = try #require(west["operators"] as? [String: [String: Any]])
        let coverage = try #require(westOperators["452-01"]?["coverage"] as? [String: Double])
        #expect((coverage["4G"] ?? 0) > 0)
        #expect(westOperators["452-01"]?["not_covering_cells"] as? Int == 0)
    }

    @Test("GeoJSON: an operator's cells layer holds its cells only, with its states; communes carry its figures")
    func operatorLayers() throws {
        let (result, a, _, c) = Self.scenario()
        func layer(_ l: CoverageLayer, _ code: String) throws -> [[String: Any]] {
            let sink = MemoryByteSink()
            let writer = GeoJSONWriter(sink: sink, name: "test")
            try result.write(l, forOperator: code, boundaries: [F.west, F.east], to: writer)
            try writer.finish()
            let document = try #require(try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any])
            let features = try #require(document["features"] as? [[String: Any]])
            return try features.map { try #require($0["properties"] as? [String: Any]) }
        }
        let cells = try layer(.cells, "452-01")
        #expect(cells.compactMap { $0["h3"] as? String }.sorted() == [a.description, c.description].sorted())
        let cellA = try #require(cells.first { $0["h3"] as? String == a.description })
        #expect(cellA["state_4g"] as? String == "below_floor")
        #expect(cellA["partial_not_spot"] as? Bool == true)
        #expect(cellA["operator_name"] as? String == "MobiFone")

        let communes = try layer(.communes, "452-04")
        let west = try #require(communes.first { $0["code"] as? String == F.west.code })
        #expect((west["coverage_4g"] as? Double ?? 0) > 0)
        #expect(west["operator"] as? String == "452-04")
        let east = try #require(communes.first { $0["code"] as? String == F.east.code })
        #expect(east["coverage_4g"] as? Double == 0)
    }
}
