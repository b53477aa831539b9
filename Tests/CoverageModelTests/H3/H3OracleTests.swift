import Foundation
import Testing

@testable import CoverageModel

/// Compares the Swift H3 with the reference library (PyPI `h3` 4.x) on the same inputs.
@Suite(
    "H3 against the reference library",
    .enabled(if: H3Oracle.isAvailable, "python3 with the h3 4.x package (pip install h3) is not available")
)
struct H3OracleTests {
    private func oracle() throws -> H3Oracle {
        switch H3Oracle.shared {
        case .success(let o): return o
        case .failure(let e): throw e
        }
    }

    private static func close(_ a: LatLng, _ b: LatLng, _ tolerance: Double = 1e-9) -> Bool {
        abs(a.lat - b.lat) <= tolerance && abs(a.lng - b.lng) <= tolerance
    }

    @Test("100,000 random points over Viet Nam index identically at resolutions 6–10")
    func indexesOverVietNam() throws {
        let o = try self.oracle()
        #expect(o.vietNamPoints.count >= 100_000)
        var mismatches: [String] = []
        var compared = 0
        for (p, expected) in o.vietNamPoints {
            for (i, e) in expected.enumerated() {
                let got = H3.latLngToCell(p, resolution: 6 + i)
                compared += 1
                if got != e && mismatches.count < 10 { mismatches.append("\(p) res \(6 + i): \(got) ≠ \(e)") }
            }
        }
        #expect(compared == 5 * o.vietNamPoints.count)
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("Points over the sphere and along icosahedron edges index identically at resolutions 0–15")
    func indexesOverSphere() throws {
        let o = try self.oracle()
        #expect(o.globalPoints.count > 1000)
        var mismatches: [String] = []
        for (p, expected) in o.globalPoints {
            for (res, e) in expected.enumerated() {
                let got = H3.latLngToCell(p, resolution: res)
                if got != e && mismatches.count < 10 { mismatches.append("\(p) res \(res): \(got) ≠ \(e)") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("Centres and boundaries within 1e-9°, areas within 1e-9 relative (pentagons, base cells, face edges)")
    func centresBoundariesAreas() throws {
        let o = try self.oracle()
        #expect(o.cells.count > 1000)
        #expect(o.cells.contains { $0.cell.isPentagon && $0.cell.resolution == 15 })
        #expect(o.cells.contains { $0.boundary.count > 6 && !$0.cell.isPentagon }, "no face-crossing cell tested")
        var failures: [String] = []
        for r in o.cells {
            let center = H3.cellToLatLng(r.cell)
            if !Self.close(center, r.center) { failures.append("centre \(r.cell): \(center) vs \(r.center)") }
            let boundary = H3.cellToBoundary(r.cell)
            if boundary.count != r.boundary.count || !zip(boundary, r.boundary).allSatisfy({ Self.close($0, $1) }) {
                failures.append("boundary \(r.cell): \(boundary) vs \(r.boundary)")
            }
            let area = H3.cellAreaKm2(r.cell)
            if abs(area - r.areaKm2) > 1e-9 * r.areaKm2 { failures.append("area \(r.cell): \(area) vs \(r.areaKm2)") }
            if failures.count > 10 { break }
        }
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("Parents and children")
    func hierarchy() throws {
        let o = try self.oracle()
        #expect(!o.parents.isEmpty && !o.children.isEmpty)
        for (c, res, parent) in o.parents {
            #expect(H3.cellToParent(c, resolution: res) == parent, "\(c) → res \(res)")
        }
        for (c, res, kids) in o.children {
            let got = H3.cellToChildren(c, resolution: res)
            #expect(got == kids, "\(c) → res \(res): \(got.count) vs \(kids.count)")
            if got != kids { break }
        }
    }

    @Test("gridDisk and areNeighborCells, pentagons included")
    func gridDisk() throws {
        let o = try self.oracle()
        #expect(o.disks.contains { $0.0.isPentagon && $0.1 == 2 })
        for (c, k, disk) in o.disks {
            let got = H3.gridDisk(c, k: k)
            #expect(got == disk, "\(c) k=\(k)")
            if got != disk { break }
        }
        #expect(o.neighborPairs.contains { $0.2 })
        for (a, b, expected) in o.neighborPairs {
            #expect(H3.areNeighborCells(a, b) == expected, "\(a) \(b)")
        }
    }

    @Test(
        "polygonToCells: real communes (self-intersecting, multi-part), holes, bow tie, antimeridian, pentagon, either winding"
    )
    func polygonToCells() throws {
        let o = try self.oracle()
        try #require(!o.polygonCells.isEmpty, "communes file not found at \(H3Oracle.communesPath)")
        #expect(o.polygonCells.count >= 30)
        #expect(o.polygonCells.contains { $0.0 == "hole" } && o.polygonCells.contains { $0.0 == "antimeridian" })
        for (code, res, expected) in o.polygonCells {
            let commune = o.commune(code)
            let got = H3.polygonToCells(commune, resolution: res)
            #expect(got == expected, "commune \(code) res \(res): \(got.count) cells vs \(expected.count)")
            // The same commune with every ring reversed gives the same cells.
            let reversed = GeoMultiPolygon(
                polygons: commune.polygons.map {
                    GeoPolygon(exterior: $0.exterior.reversed(), holes: $0.holes.map { $0.reversed() })
                })
            #expect(H3.polygonToCells(reversed, resolution: res) == expected, "reversed commune \(code) res \(res)")
        }
    }
}
