import Testing

@testable import CoverageModel

/// Cases checked without Python: values from the reference library and invariants of the grid.
@Suite("H3 hand-picked cases")
struct H3HandPickedTests {
    private let hungYen = LatLng(lat: 20.6, lng: 106.1)

    @Test func knownIndexesAtResolutions0_8_15() {
        #expect(H3.latLngToCell(self.hungYen, resolution: 0).description == "8041fffffffffff")
        #expect(H3.latLngToCell(self.hungYen, resolution: 8).description == "884143544dfffff")
        #expect(H3.latLngToCell(self.hungYen, resolution: 15).description == "8f4143544ca0819")
        let area = H3.cellAreaKm2(H3.latLngToCell(self.hungYen, resolution: 8))
        #expect(abs(area - 0.8088045764534333) < 1e-12)
    }

    @Test func everyResolutionRoundTripsThroughItsCentreAndParents() throws {
        let finest = H3.latLngToCell(self.hungYen, resolution: 15)
        for res in 0...15 {
            let cell = H3.latLngToCell(self.hungYen, resolution: res)
            #expect(cell.resolution == res)
            #expect(cell.isValid)
            #expect(H3.latLngToCell(H3.cellToLatLng(cell), resolution: res) == cell)
            #expect(H3.cellToParent(finest, resolution: res) == cell)
            #expect(
                H3.cellToChildren(cell, resolution: min(res + 1, 15)).contains(
                    res == 15 ? cell : H3.latLngToCell(self.hungYen, resolution: res + 1)))
            #expect(H3Index(string: cell.description) == cell)
        }
        #expect(H3.cellToParent(finest, resolution: 16) == nil)
        #expect(H3.cellToParent(H3.latLngToCell(self.hungYen, resolution: 3), resolution: 5) == nil)
        #expect(H3.cellToChildren(finest, resolution: 16).isEmpty)
    }

    @Test func pentagons() throws {
        let pentagon = try #require(H3Index(string: "8009fffffffffff"))
        #expect(pentagon.isPentagon)
        let center = H3.cellToLatLng(pentagon)
        #expect(abs(center.lat - 64.70000012793487) < 1e-12 && abs(center.lng - 10.536199075467685) < 1e-12)
        #expect(abs(H3.cellAreaKm2(pentagon) - 2562182.162955504) < 1e-6)
        #expect(H3.cellToBoundary(pentagon).count == 5)
        #expect(
            H3.gridDisk(pentagon, k: 1).map(\.description) == [
                "8001fffffffffff", "8007fffffffffff", "8009fffffffffff", "8011fffffffffff", "8019fffffffffff",
                "801ffffffffffff",
            ])
        // Class III pentagons cross an icosahedron edge on every side: 10 vertices.
        let res1 = try #require(H3Index(string: "81083ffffffffff"))
        #expect(res1.isPentagon && H3.cellToBoundary(res1).count == 10)
        // A pentagon has 6 children (the k-axis child is deleted), 1 + 5·(7²−1)/6 = 41 grandchildren.
        #expect(H3.cellToChildren(pentagon, resolution: 1).count == 6)
        #expect(H3.cellToChildren(pentagon, resolution: 2).count == 41)
        #expect(H3.cellToChildren(pentagon, resolution: 2).filter(\.isPentagon).count == 1)
        #expect(H3.neighbors(pentagon).count == 5)
        // The centre child chain of a pentagon stays a pentagon down to resolution 15.
        var p = pentagon
        for res in 1...15 {
            p = H3.cellToChildren(p, resolution: res)[0]
            #expect(p.isPentagon && H3.cellToBoundary(p).count == (res % 2 == 1 ? 10 : 5))
        }
    }

    @Test func baseCellsTileTheSphere() {
        var cells: [H3Index] = []
        for b in 0..<122 { cells.append(H3Index.make(resolution: 0, baseCell: b, digit: 0)) }
        #expect(cells.allSatisfy { $0.isValid })
        #expect(cells.filter(\.isPentagon).count == 12)
        let total = cells.reduce(0) { $0 + H3.cellAreaKm2($1) }
        let sphere = 4 * Double.pi * H3Constants.earthRadiusKm * H3Constants.earthRadiusKm
        #expect(abs(total - sphere) < 1e-9 * sphere)
        #expect(abs(total - 510065621.72408795) < 1e-6 * 510065621.72408795)
        // Every base cell's neighbours are mutual.
        for c in cells {
            for n in H3.neighbors(c) { #expect(H3.areNeighborCells(n, c)) }
        }
    }

    @Test func cellCrossingAFaceEdgeHasADistortionVertex() throws {
        let cell = try #require(H3Index(string: "850b6047fffffff"))
        let boundary = H3.cellToBoundary(cell)
        #expect(!cell.isPentagon && boundary.count == 7)
        #expect(abs(boundary[0].lat - 68.86156979629314) < 1e-9 && abs(boundary[0].lng - 67.2912877216652) < 1e-9)
    }

    @Test func gridDiskSizesAndNeighbours() {
        let cell = H3.latLngToCell(self.hungYen, resolution: 9)
        #expect(H3.gridDisk(cell, k: 0) == [cell])
        #expect(H3.gridDisk(cell, k: 1).count == 7)
        #expect(H3.gridDisk(cell, k: 2).count == 19)
        #expect(H3.gridDisk(cell, k: -1).isEmpty)
        let ring = H3.neighbors(cell)
        #expect(ring.count == 6 && ring.allSatisfy { H3.areNeighborCells(cell, $0) && H3.areNeighborCells($0, cell) })
        #expect(!H3.areNeighborCells(cell, cell))
        let far = H3.gridDisk(cell, k: 2).filter { !ring.contains($0) && $0 != cell }
        #expect(far.count == 12 && far.allSatisfy { !H3.areNeighborCells(cell, $0) })
        #expect(!H3.areNeighborCells(cell, H3.cellToParent(cell, resolution: 8)!))
    }

    @Test func polygonToCellsUsesCentres() {
        // A square around one resolution-8 cell's centre, smaller than the cell: exactly that cell.
        let cell = H3.latLngToCell(self.hungYen, resolution: 8)
        let c = H3.cellToLatLng(cell)
        let d = 0.001
        let square = GeoPolygon(exterior: [
            LatLng(lat: c.lat - d, lng: c.lng - d), LatLng(lat: c.lat - d, lng: c.lng + d),
            LatLng(lat: c.lat + d, lng: c.lng + d), LatLng(lat: c.lat + d, lng: c.lng - d),
        ])
        #expect(H3.polygonToCells(square, resolution: 8) == [cell])
        // A hole around that centre removes it.
        let holed = GeoPolygon(
            exterior: square.exterior.map {
                LatLng(lat: c.lat + ($0.lat - c.lat) * 20, lng: c.lng + ($0.lng - c.lng) * 20)
            },
            holes: [square.exterior])
        let cells = H3.polygonToCells(holed, resolution: 8)
        #expect(!cells.isEmpty && !cells.contains(cell))
        // Every returned centre is inside; empty and degenerate input give nothing.
        #expect(cells.allSatisfy { holed.contains(H3.cellToLatLng($0)) })
        #expect(H3.polygonToCells(GeoPolygon(exterior: []), resolution: 8).isEmpty)
        #expect(H3.polygonToCells(GeoPolygon(exterior: Array(square.exterior.prefix(2))), resolution: 8).isEmpty)
        #expect(H3.polygonToCells(square, resolution: 16).isEmpty)
        let twice = GeoMultiPolygon(polygons: [square, square])
        #expect(H3.polygonToCells(twice, resolution: 8) == [cell])
    }
}

@Suite("H3 on bad input")
struct H3BadInputTests {
    @Test func invalidIndexesGiveEmptyResultsNotCrashes() {
        for raw: UInt64 in [0, 0x80f5fffffffffff, 0x8865b54cb5ffff0, .max] {
            let bad = H3Index(rawValue: raw)
            #expect(!H3.isValidCell(bad))
            #expect(H3.cellToBoundary(bad).isEmpty)
            #expect(H3.gridDisk(bad, k: 1).isEmpty)
            #expect(H3.neighbors(bad).isEmpty)
            #expect(H3.cellToParent(bad, resolution: 0) == nil)
            #expect(H3.cellToChildren(bad, resolution: 15).isEmpty)
            #expect(H3.cellAreaKm2(bad) == 0)
            #expect(H3.cellToLatLng(bad).lat.isNaN)
        }
    }

    @Test func outOfRangeInputIsClamped() {
        #expect(H3.latLngToCell(LatLng(lat: 20.6, lng: 106.1), resolution: 99).resolution == 15)
        #expect(H3.latLngToCell(LatLng(lat: 20.6, lng: 106.1), resolution: -3).resolution == 0)
        #expect(H3.latLngToCell(LatLng(lat: .nan, lng: 1), resolution: 8).isValid)
        // Latitudes past the poles and longitudes past ±180 wrap like the reference library's.
        #expect(H3.latLngToCell(LatLng(lat: 20.6, lng: 106.1 + 360), resolution: 8).description == "884143544dfffff")
    }
}

@Suite("H3 lattice arithmetic")
struct CoordIJKTests {
    @Test func integerDivisionBy7RoundsLikeTheReference() {
        // The reference rounds n · (1/7) in floating point with lround; the integer version must agree.
        var n = -300_000
        while n <= 300_000 {
            let reference = Int((Double(n) * H3Constants.oneSeventh).rounded())
            if CoordIJK.divideBy7Rounded(n) != reference {
                Issue.record("n = \(n): \(CoordIJK.divideBy7Rounded(n)) ≠ \(reference)")
                return
            }
            n += 1
        }
        for n in [Int(Int32.max) / 2, -(Int(Int32.max) / 2), 11_529_602 * 3, -11_529_602 * 3] {
            #expect(CoordIJK.divideBy7Rounded(n) == Int((Double(n) * H3Constants.oneSeventh).rounded()))
        }
    }

    @Test func unitDigitsAndRotations() {
        for d in 0..<7 { #expect(CoordIJK.unitVectors[d].unitDigit == d) }
        #expect(CoordIJK(1, 1, 1).normalized.unitDigit == 0)
        #expect(CoordIJK(2, 0, 0).unitDigit == 7)
        for d in 1..<7 {
            var v = CoordIJK.unitVectors[d]
            v.rotate60ccw()
            #expect(v.unitDigit == H3Digit.ccw[d])
            v.rotate60cw()
            v.rotate60cw()
            #expect(v.unitDigit == H3Digit.cw[d])
        }
    }
}
