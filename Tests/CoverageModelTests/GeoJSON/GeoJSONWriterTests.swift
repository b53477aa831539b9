import Foundation
import Testing

@testable import CoverageModel

@Suite struct GeoJSONWriterTests {
    private func square(_ x0: Double, _ y0: Double, _ size: Double, ccw: Bool) -> [LatLng] {
        let r = [
            LatLng(lat: y0, lng: x0), LatLng(lat: y0, lng: x0 + size), LatLng(lat: y0 + size, lng: x0 + size),
            LatLng(lat: y0 + size, lng: x0),
        ]
        return ccw ? r : r.reversed()
    }

    @Test func rewindsClosesRoundsAndWritesTheBBox() throws {
        let sink = MemoryByteSink()
        let writer = GeoJSONWriter(sink: sink)
        // Clockwise exterior with a counter-clockwise hole: both must be turned around.
        let polygon = GeoPolygon(
            exterior: square(106, 20, 1, ccw: false),
            holes: [square(106.25, 20.25, 0.5, ccw: true)])
        try writer.write(geometry: .polygon(polygon), properties: [("name", .string("a \"b\"")), ("x", .number(.nan))])
        try writer.write(geometry: .point(LatLng(lat: 20.123456789, lng: -8.1234565)), properties: [("n", .int(1))])
        try writer.finish()
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any])
        #expect(doc["bbox"] as? [Double] == [-8.123457, 20, 107, 21])
        let features = try #require(doc["features"] as? [[String: Any]])
        let rings = try #require((features[0]["geometry"] as? [String: Any])?["coordinates"] as? [[[Double]]])
        #expect(rings[0] == [[106, 20], [107, 20], [107, 21], [106, 21], [106, 20]])
        #expect(rings[1] == [[106.25, 20.75], [106.75, 20.75], [106.75, 20.25], [106.25, 20.25], [106.25, 20.75]])
        #expect((features[0]["properties"] as? [String: Any])?["x"] is NSNull)
        #expect((features[1]["geometry"] as? [String: Any])?["coordinates"] as? [Double] == [-8.123457, 20.123457])
        #expect(sink.text.contains(#""name":"a \"b\"""#))
    }

    @Test func nonFiniteCoordinatesAreAnError() throws {
        let writer = GeoJSONWriter(sink: MemoryByteSink())
        #expect(throws: OutputError.self) {
            try writer.write(geometry: .point(LatLng(lat: .infinity, lng: 1)), properties: [])
        }
    }

    @Test func coordinatesPrintWithAtMostSixDecimals() {
        func text(_ v: Double) -> String {
            var out: [UInt8] = []
            GeoJSONWriter.appendCoordinate(v, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(text(106.5) == "106.5")
        #expect(text(-8.388186) == "-8.388186")
        #expect(text(0.0000004) == "0")
        #expect(text(-0.000001) == "-0.000001")
        #expect(text(20.0100001) == "20.01")
        #expect(text(-180) == "-180")
    }

    @Test func abandonedAtomicFileLeavesNothingBehind() throws {
        let path = TestData.temporaryPath(".geojson")
        do {
            let sink = try AtomicFileSink(path: path)
            try sink.write(Array("{".utf8))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        let sink = try AtomicFileSink(path: path)
        try sink.write(Array("{}".utf8))
        try sink.commit()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{}")
        try FileManager.default.removeItem(atPath: path)
    }
}
