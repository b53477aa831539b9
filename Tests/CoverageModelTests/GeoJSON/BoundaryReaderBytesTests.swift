import Foundation
import Testing

@testable import CoverageModel

/// The byte-level boundaries reader: hand-built documents, malformed ones (where and what), and equality with
/// the former `JSONSerialization` reader on the real Hưng Yên file.
@Suite struct BoundaryReaderBytesTests {
    private func read(_ text: String) throws(BoundaryReadError) -> [CommuneBoundary] {
        try CommuneBoundaryReader.read(data: Data(text.utf8), name: "t.geojson")
    }

    private func failure(_ text: String) -> BoundaryReadError? {
        #expect(throws: BoundaryReadError.self) { try self.read(text) }
    }

    @Test func equalsTheFoundationReaderOnTheHungYenFile() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: TestData.communesGeoJSON))
        let bytes = try CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        let foundation = try FoundationBoundaryReference.read(data: data)
        #expect(bytes.count == 104)
        #expect(bytes == foundation)
    }

    @Test func readsPolygonsMultiPolygonsEscapesAndKeysInAnyOrder() throws {
        let text = #"""
            {"features": [
              {"geometry": {"coordinates": [[[106.1, 20.5], [106.2, 20.5], [106.2, 20.6], [106.1, 20.5]],
                                            [[106.12, 20.52], [106.13, 20.52], [106.13, 20.53]], [[1, 2]]],
                            "type": "Polygon", "bbox": [0, 0, 1, 1]},
               "properties": {"name": "X\u00e3 V\u0169 Qu\u00fd \ud83d\ude00 \"q\" \\ \/", "ward_code": 123,
                              "extra": {"nested": [true, false, null, -1.5e-3, "s"]}},
               "type": "Feature", "id": 7},
              {"type": "Feature", "properties": {"code": "00042", "name": 5},
               "geometry": {"type": "MultiPolygon", "coordinates": [
                 [[[1.5, 2.5, 9.0], [1.6, 2.5], [1.6, 2.6]]],
                 [[[3, 4], [3.1, 4], [3.1, 4.1], [3, 4]]]]}}
            ], "type": "FeatureCollection", "crs": null}
            """#
        let communes = try self.read(text)
        #expect(communes.count == 2)
        #expect(communes[0].code == "00123")
        #expect(communes[0].name == "Xã Vũ Quý 😀 \"q\" \\ /")
        // Closed rings lose their repeated last point; rings of fewer than three points are not holes.
        #expect(communes[0].geometry.polygons.count == 1)
        #expect(communes[0].geometry.polygons[0].exterior.count == 3)
        #expect(communes[0].geometry.polygons[0].exterior[1] == LatLng(lat: 20.5, lng: 106.2))
        #expect(communes[0].geometry.polygons[0].holes.count == 1)
        // A name that is not a string falls back to the code; a third coordinate is ignored.
        #expect(communes[1].code == "00042")
        #expect(communes[1].name == "00042")
        #expect(communes[1].geometry.polygons.count == 2)
        #expect(communes[1].geometry.polygons[0].exterior[0] == LatLng(lat: 2.5, lng: 1.5))
        #expect(communes[1].geometry.polygons[1].exterior.count == 3)
    }

    @Test func malformedJSONSaysLineColumnAndWhat() {
        let truncated =
            "{\"type\": \"FeatureCollection\",\n \"features\": [\n  {\"type\": \"Feature\", \"properties\": {"
        let e1 = self.failure(truncated)
        #expect(e1?.line == 3)
        #expect(e1?.feature == 1)
        #expect(e1?.message.contains("expected a key") == true)
        let leadingZero = "{\"type\": \"FeatureCollection\", \"features\": [\n{\"properties\": {\"code\": 012}}]}"
        let e2 = self.failure(leadingZero)
        #expect(e2?.description == "t.geojson:2:25: feature 1: a number has a leading zero")
        #expect(e2?.byteOffset == 68)
        let badEscape = #"{"type": "FeatureCollection", "features": [], "name": "a\qb"}"#
        #expect(self.failure(badEscape)?.description == #"t.geojson:1:57: an unknown escape '\q'"#)
        #expect(self.failure(#"{"a": 1} {"#)?.message == "unexpected '{' after the document")
        #expect(self.failure("[1, 2]")?.message == "not a JSON object (found an array)")
        #expect(self.failure("{\"a\": \"x\ny\"}")?.message == "a control character inside a string")
        #expect(self.failure(#"{"a": tru}"#)?.message == "invalid literal (expected true)")
        #expect(self.failure(#"{"a": [1 2]}"#)?.message == "expected ',' or ']' in an array, found '2'")
        #expect(self.failure(#"{"a": 1e999}"#)?.message == "a number is out of range")
        #expect(
            self.failure("{\"a\": " + String(repeating: "[", count: 300))?.message.contains("nested more than") == true)
    }

    @Test func validJSONThatIsNotABoundarySaysWhichFeature() {
        func collection(_ features: String) -> String { #"{"type": "FeatureCollection", "features": [\#(features)]}"# }
        let polygon = #"{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}"#
        #expect(
            self.failure(#"{"type": "Feature", "features": []}"#)?.description
                == "t.geojson: not a GeoJSON FeatureCollection")
        #expect(self.failure(#"{"type": "FeatureCollection"}"#)?.message == "not a GeoJSON FeatureCollection")
        #expect(self.failure(collection("1"))?.message == "not a feature with properties")
        #expect(
            self.failure(collection(#"{"properties": null, "geometry": \#(polygon)}"#))?.message
                == "not a feature with properties")
        #expect(
            self.failure(collection(#"{"properties": {"ward_code": null, "code": "1"}, "geometry": \#(polygon)}"#))?
                .message == "has no ward_code")
        let twice = collection(
            #"{"properties": {"code": "1"}, "geometry": \#(polygon)}, {"properties": {"code": "1"}, "geometry": \#(polygon)}"#
        )
        let e = self.failure(twice)
        #expect(e?.feature == 2)
        #expect(e?.message == "ward_code 1 appears twice")
        #expect(
            self.failure(
                collection(#"{"properties": {"code": "1"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}"#))?
                .message == "geometry is Point, not Polygon or MultiPolygon")
        #expect(
            self.failure(collection(#"{"properties": {"code": "1"}, "geometry": {"type": "Polygon"}}"#))?.message
                == "has no geometry")
        #expect(
            self.failure(
                collection(
                    #"{"properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"]]]}}"#
                ))?.message == "a position is not [lon, lat]")
        #expect(
            self.failure(
                collection(
                    #"{"properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]}}"#
                ))?.message == "a polygon has no exterior ring")
        #expect(
            self.failure(
                collection(#"{"properties": {"code": "1"}, "geometry": {"type": "MultiPolygon", "coordinates": [1]}}"#))?
                .message == "a polygon has no exterior ring")
        #expect(
            self.failure(
                collection(#"{"properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": [1]}}"#))?
                .message == "a ring is not an array")
    }

    @Test func aMissingFileIsAnErrorNotACrash() {
        let error = #expect(throws: BoundaryReadError.self) {
            try CommuneBoundaryReader.read(path: "/nonexistent/netmon-\(UUID().uuidString).geojson")
        }
        #expect(error?.message.hasPrefix("cannot read the file: cannot open:") == true)
    }
}
