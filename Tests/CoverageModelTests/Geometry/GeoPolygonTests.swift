import Testing

@testable import CoverageModel

@Suite("Geometry")
struct GeoPolygonTests {
    private let square = [
        LatLng(lat: 0, lng: 0), LatLng(lat: 0, lng: 10), LatLng(lat: 10, lng: 10), LatLng(lat: 10, lng: 0),
    ]

    @Test func containsEitherWindingClosedOrOpen() {
        let ccw = GeoPolygon(exterior: self.square)
        let cw = GeoPolygon(exterior: self.square.reversed())
        let closed = GeoPolygon(exterior: self.square + [self.square[0]])
        for polygon in [ccw, cw, closed] {
            #expect(polygon.contains(LatLng(lat: 5, lng: 5)))
            #expect(!polygon.contains(LatLng(lat: 5, lng: 11)))
            #expect(!polygon.contains(LatLng(lat: -1, lng: 5)))
        }
    }

    @Test func holesAreExcluded() {
        let hole = [LatLng(lat: 4, lng: 4), LatLng(lat: 4, lng: 6), LatLng(lat: 6, lng: 6), LatLng(lat: 6, lng: 4)]
        let polygon = GeoPolygon(exterior: self.square, holes: [hole])
        #expect(!polygon.contains(LatLng(lat: 5, lng: 5)))
        #expect(polygon.contains(LatLng(lat: 2, lng: 2)))
    }

    @Test func selfIntersectingBowTieIsEvenOdd() {
        // A bow tie: two triangles meeting at (5, 5).
        let bowTie = GeoPolygon(exterior: [
            LatLng(lat: 0, lng: 0), LatLng(lat: 10, lng: 10), LatLng(lat: 10, lng: 0), LatLng(lat: 0, lng: 10),
        ])
        #expect(bowTie.contains(LatLng(lat: 8, lng: 5)))
        #expect(bowTie.contains(LatLng(lat: 2, lng: 5)))
        #expect(!bowTie.contains(LatLng(lat: 5, lng: 1)))
        #expect(!bowTie.contains(LatLng(lat: 5, lng: 9)))
    }

    @Test func boundingBoxes() {
        let a = GeoPolygon(exterior: self.square)
        let b = GeoPolygon(exterior: [LatLng(lat: -3, lng: 20), LatLng(lat: 1, lng: 21), LatLng(lat: 2, lng: 20)])
        #expect(a.boundingBox == GeoBoundingBox(minLat: 0, minLng: 0, maxLat: 10, maxLng: 10))
        let multi = GeoMultiPolygon(polygons: [a, b])
        #expect(multi.boundingBox == GeoBoundingBox(minLat: -3, minLng: 0, maxLat: 10, maxLng: 21))
        #expect(multi.contains(LatLng(lat: 0, lng: 20.5)))
        #expect(GeoPolygon(exterior: []).boundingBox == nil)
    }
}
