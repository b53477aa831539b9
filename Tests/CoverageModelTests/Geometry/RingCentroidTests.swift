import Testing

@testable import CoverageModel

@Suite struct RingCentroidTests {
    @Test func squareLShapeAndDegenerateRings() throws {
        let square = [(106.0, 20.0), (106.2, 20.0), (106.2, 20.2), (106.0, 20.2)].map { LatLng(lat: $0.1, lng: $0.0) }
        let c = try #require(RingCentroid.of(square))
        #expect(abs(c.lng - 106.1) < 1e-12 && abs(c.lat - 20.1) < 1e-12)
        // Closed or open, either winding: the same point.
        let closed = try #require(RingCentroid.of(square.reversed() + [square[3]]))
        #expect(abs(closed.lng - c.lng) < 1e-12 && abs(closed.lat - c.lat) < 1e-12)
        // An L of three unit squares: (0,0)-(2,0)-(2,1)-(1,1)-(1,2)-(0,2); centroid (5/6, 5/6).
        let l = [(0.0, 0.0), (2, 0), (2, 1), (1, 1), (1, 2), (0, 2)].map { LatLng(lat: $0.1, lng: $0.0) }
        let lc = try #require(RingCentroid.of(l))
        #expect(abs(lc.lng - 5.0 / 6) < 1e-12 && abs(lc.lat - 5.0 / 6) < 1e-12)
        // No area: the first vertex; no vertex: nil.
        let line = [LatLng(lat: 1, lng: 1), LatLng(lat: 2, lng: 2), LatLng(lat: 3, lng: 3)]
        #expect(RingCentroid.of(line) == line[0])
        #expect(RingCentroid.of([]) == nil)
    }
}
