import Foundation
import Testing

@testable import CoverageModel

/// Every export layer over the real 104 communes and simulated drive tests, read back by GDAL and shapely.
@Suite(.serialized) struct CoverageLayerTests {
    static var result: CoverageResult { SimulatedProvince.result }
    static var communes: [CommuneBoundary] { SimulatedProvince.communes }

    private func export(_ layer: CoverageLayer) throws -> (String, Int) {
        let path = TestData.temporaryPath("-\(layer.rawValue).geojson")
        let sink = try AtomicFileSink(path: path)
        let writer = GeoJSONWriter(sink: sink, name: layer.rawValue)
        try Self.result.write(layer, boundaries: Self.communes, to: writer)
        try writer.finish()
        try sink.commit()
        return (path, writer.count)
    }

    @Test(
        .enabled(if: ExternalTools.hasOgrinfo && ExternalTools.hasShapely, "needs GDAL's ogrinfo and Python shapely"),
        arguments: CoverageLayer.allCases)
    func layerIsValidRFC7946(_ layer: CoverageLayer) throws {
        let (path, count) = try self.export(layer)
        defer { try? FileManager.default.removeItem(atPath: path) }
        switch layer {
        case .communes: #expect(count == 104)
        case .cells: #expect(count == Self.result.cells.count)
        case .deadZones:
            #expect(count == Self.result.deadZones.count)
            #expect(count > 0, "the simulation has holes, so some dead zones")
        }
        #expect(try ExternalTools.ogrFeatureCount(path) == count)
        let verdict = try ExternalTools.shapely(path)
        #expect(verdict.features == count)
        #expect(verdict.invalid == [])
        #expect(verdict.clockwiseExteriors == 0)
        #expect(verdict.counterClockwiseHoles == 0)
        #expect(verdict.unclosedRings == 0)
        #expect(verdict.tooPrecise == 0)
        #expect(verdict.hasBBox && verdict.bboxMatches)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("NaN") && !text.contains("Infinity"))
    }

    @Test func deadZoneOutlinesHaveTheAreaOfTheirCells() throws {
        for zone in Self.result.deadZones {
            let outline = CellOutline.multiPolygon(of: zone.cells)
            let planar = outline.polygons.reduce(0.0) { sum, p in
                sum + RingOrientation.signedArea(p.exterior) + p.holes.reduce(0) { $0 + RingOrientation.signedArea($1) }
            }
            let cells = zone.cells.reduce(0.0) { $0 + RingOrientation.signedArea(H3.cellToBoundary($1)) }
            #expect(abs(planar - cells) < 1e-9 * Double(zone.cells.count))
            // Every cell centre lies inside the outline.
            #expect(zone.cells.allSatisfy { outline.contains(H3.cellToLatLng($0)) })
        }
    }

    @Test func provinceFiguresAreConsistent() {
        let r = Self.result
        #expect(r.communes.count == 104)
        #expect(r.province.cells == r.cells.count)
        #expect(r.province.areaKm2 > 2_400 && r.province.areaKm2 < 2_700)
        #expect(
            r.communes.allSatisfy { c in
                c.coverage.values.allSatisfy { (0...1).contains($0) } && (0...1).contains(c.measuredRatio)
            })
        #expect(r.province.deadCells == r.communes.reduce(0) { $0 + $1.deadCells })
        // Zones crossing borders are counted by every commune they touch, so the communes' sum is at least the province's.
        #expect(r.communes.reduce(0) { $0 + $1.deadZones } >= r.province.deadZones)
        #expect(Set(r.operators).isSuperset(of: DriveTestSimulator.operators))
    }
}
