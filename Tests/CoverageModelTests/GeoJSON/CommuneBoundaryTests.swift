import Foundation
import Testing

@testable import CoverageModel

@Suite struct CommuneBoundaryTests {
    @Test func readsTheHungYenCommunes() throws {
        let communes = try CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        #expect(communes.count == 104)
        #expect(Set(communes.map(\.code)).count == 104)
        #expect(communes.allSatisfy { $0.code.count == 5 })
        #expect(communes.first { $0.code == "13141" }?.name == "Xã Vũ Quý")
        #expect(communes.contains { $0.name == "Xã Nam Tiền Hải" })
        // Sơn Nam has a hole; Đông Thái Ninh is seven polygons.
        #expect(communes.first { $0.name == "Phường Sơn Nam" }?.geometry.polygons.first?.holes.count == 1)
        #expect(communes.first { $0.name == "Xã Đông Thái Ninh" }?.geometry.polygons.count == 7)
    }

    @Test func badFilesSayWhereAndWhat() {
        let bad = Data(
            #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x"},"geometry":null}]}"#
                .utf8)
        let error = #expect(throws: BoundaryReadError.self) {
            try CommuneBoundaryReader.read(data: bad, name: "b.geojson")
        }
        #expect(error?.description == "b.geojson:1:41: feature 1: has no ward_code")
    }

    @Test func ringRepairSplitsABowtieAndDropsASpike() {
        // A figure eight: two triangles meeting where the edges cross at (1, 1).
        let bowtie = [LatLng(lat: 0, lng: 0), LatLng(lat: 2, lng: 2), LatLng(lat: 0, lng: 2), LatLng(lat: 2, lng: 0)]
        let pieces = RingRepair.simpleRings(bowtie)
        #expect(pieces.count == 2)
        #expect(pieces.allSatisfy { $0.count == 3 && $0.contains(LatLng(lat: 1, lng: 1)) })
        #expect(abs(pieces.map { abs(RingOrientation.signedArea($0)) }.reduce(0, +) - 2) < 1e-9)
        // A square with a spike going out and back.
        let spiky = [
            LatLng(lat: 0, lng: 0), LatLng(lat: 0, lng: 1), LatLng(lat: 0.5, lng: 1), LatLng(lat: 0.5, lng: 3),
            LatLng(lat: 0.5, lng: 1), LatLng(lat: 1, lng: 1), LatLng(lat: 1, lng: 0),
        ]
        #expect(
            RingRepair.simpleRings(spiky) == [
                [
                    LatLng(lat: 0, lng: 0), LatLng(lat: 0, lng: 1), LatLng(lat: 0.5, lng: 1),
                    LatLng(lat: 1, lng: 1), LatLng(lat: 1, lng: 0),
                ]
            ])
    }

    @Test(.enabled(if: ExternalTools.hasOgrinfo && ExternalTools.hasShapely, "needs GDAL's ogrinfo and Python shapely"))
    func repairedCommunesAreValidForGDALAndShapely() throws {
        let communes = try CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        let path = TestData.temporaryPath(".geojson")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try AtomicFileSink(path: path)
        let writer = GeoJSONWriter(sink: sink)
        for commune in communes {
            try writer.write(
                geometry: .multiPolygon(RingRepair.repaired(commune.geometry)),
                properties: [("code", .string(commune.code)), ("name", .string(commune.name))])
        }
        try writer.finish()
        try sink.commit()
        #expect(try ExternalTools.ogrFeatureCount(path) == 104)
        let verdict = try ExternalTools.shapely(path)
        #expect(verdict.features == 104)
        #expect(verdict.invalid == [])
        #expect(verdict.clockwiseExteriors == 0)
        #expect(verdict.counterClockwiseHoles == 0)
        #expect(verdict.unclosedRings == 0)
        #expect(verdict.tooPrecise == 0)
        #expect(verdict.hasBBox && verdict.bboxMatches)
        // The repair keeps the area (the province is about 2,500 km² ≈ 0.21 square degrees here).
        let original = communes.flatMap(\.geometry.polygons).map { p in
            abs(RingOrientation.signedArea(p.exterior))
                - p.holes.map { abs(RingOrientation.signedArea($0)) }.reduce(0, +)
        }.reduce(0, +)
        #expect(abs(verdict.totalArea - original) < 1e-6)
    }
}
