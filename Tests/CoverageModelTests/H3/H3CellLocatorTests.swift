import Foundation
import Testing

@testable import CoverageModel

@Suite("H3CellLocator")
struct H3CellLocatorTests {
    /// A seeded generator (SplitMix64) so walks are reproducible.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A random walk from `start` with steps of about `step` degrees.
    static func walk(from start: LatLng, step: Double, count: Int, seed: UInt64) -> [LatLng] {
        var rng = SplitMix(state: seed)
        var p = start
        var out: [LatLng] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            p.lat = min(89.9, max(-89.9, p.lat + Double.random(in: -step...step, using: &rng)))
            p.lng += Double.random(in: -step...step, using: &rng)
            if p.lng > 180 { p.lng -= 360 }
            if p.lng < -180 { p.lng += 360 }
            out.append(p)
        }
        return out
    }

    @Test("Drive-like walks over Hưng Yên give exactly latLngToCell's cells, mostly from memory")
    func walksOverHungYen() {
        for res in [7, 8, 9, 10] {
            var locator = H3CellLocator(resolution: res)
            let points = Self.walk(from: LatLng(lat: 20.6, lng: 106.1), step: 0.0004, count: 20_000, seed: UInt64(res))
            var mismatches = 0
            for p in points where locator.cell(for: p) != H3.latLngToCell(p, resolution: res) {
                mismatches += 1
            }
            #expect(mismatches == 0, "res \(res)")
            #expect(locator.hits > points.count / 2, "res \(res): \(locator.hits) hits")
            #expect(locator.hits < points.count, "res \(res): the walk never left a cell")
        }
    }

    @Test("Walks around a pentagon, across icosahedron edges and the antimeridian, at every resolution")
    func walksEverywhere() {
        let starts = [
            LatLng(lat: 64.7, lng: 10.536),  // pentagon (base cell 4)
            LatLng(lat: 68.86, lng: 67.29),  // a cell crossing a face edge
            LatLng(lat: -16.8, lng: 179.99),  // antimeridian
            LatLng(lat: 89.5, lng: 0),  // near the pole
        ]
        var hits = 0
        for (i, start) in starts.enumerated() {
            for res in 0...15 {
                var locator = H3CellLocator(resolution: res)
                // About a third of a cell edge: res-0 edges are ~10°, each resolution divides by √7.
                let step = 3.0 / pow(7.0, Double(res) / 2)
                let points = Self.walk(from: start, step: step, count: 400, seed: UInt64(100 * i + res))
                for p in points {
                    let expected = H3.latLngToCell(p, resolution: res)
                    let got = locator.cell(for: p)
                    if got != expected {
                        Issue.record("start \(i) res \(res) \(p): \(got) ≠ \(expected)")
                        return
                    }
                }
                hits += locator.hits
            }
        }
        #expect(hits > 4 * 16 * 100, "the walks were answered from memory only \(hits) times")
        var locator = H3CellLocator(resolution: 8)
        #expect(
            locator.cell(for: LatLng(lat: .nan, lng: 1)) == H3.latLngToCell(LatLng(lat: .nan, lng: 1), resolution: 8))
    }

    @Test(
        "Points in no order (drive tests shuffled, devices interleaved) give latLngToCell's cells, mostly from memory")
    func shuffledPoints() {
        for res in [7, 8, 9] {
            var rng = SplitMix(state: UInt64(40 + res))
            var points: [LatLng] = []
            for k in 0..<8 {
                let start = LatLng(lat: 20.4 + 0.05 * Double(k), lng: 105.95 + 0.08 * Double(k))
                points += Self.walk(from: start, step: 0.0004, count: 5_000, seed: UInt64(100 * res + k))
            }
            points.shuffle(using: &rng)
            var locator = H3CellLocator(resolution: res)
            var mismatches = 0
            for p in points where locator.cell(for: p) != H3.latLngToCell(p, resolution: res) {
                mismatches += 1
            }
            #expect(mismatches == 0, "res \(res)")
            // Consecutive points are almost never in one cell here: the hits come from the buckets.
            #expect(locator.hits > points.count / 2, "res \(res): \(locator.hits) hits of \(points.count)")
        }
        // Scattered points over Việt Nam meet no cell twice: every answer is latLngToCell's, none from memory.
        var rng = SplitMix(state: 5)
        var locator = H3CellLocator(resolution: 8)
        var mismatches = 0
        for _ in 0..<20_000 {
            let p = LatLng(
                lat: Double.random(in: 8.5...23.4, using: &rng), lng: Double.random(in: 102.1...109.5, using: &rng))
            if locator.cell(for: p) != H3.latLngToCell(p, resolution: 8) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(locator.descriptionsWorkedOut < 100)
    }

    @Test("Cells described before are remembered, also past the memory's size, with the same answers")
    func rememberedDescriptions() {
        // A straight track out and back at resolution 13 (edges ≈ 4 m): more cells than are remembered
        // (so the memory is emptied on the way out), then every cell again on the way back.
        let res = 13
        var locator = H3CellLocator(resolution: res)
        let count = 60_000
        let out = (0..<count).map { LatLng(lat: 20.60 + Double($0) * 0.000_03, lng: 106.10 + Double($0) * 0.000_02) }
        var mismatches = 0
        for p in out + out.reversed() + out where locator.cell(for: p) != H3.latLngToCell(p, resolution: res) {
            mismatches += 1
        }
        #expect(mismatches == 0)
        let cellsOnTheWay = Set(out.map { H3.latLngToCell($0, resolution: res) }).count
        #expect(cellsOnTheWay > H3CellLocator.maxRemembered)

        // A walk over few cells, back and forth: each cell is described once.
        var small = H3CellLocator(resolution: 8)
        let walk = Self.walk(from: LatLng(lat: 20.6, lng: 106.1), step: 0.0004, count: 20_000, seed: 77)
        for p in walk where small.cell(for: p) != H3.latLngToCell(p, resolution: 8) { mismatches += 1 }
        #expect(mismatches == 0)
        let walkCells = Set(walk.map { H3.latLngToCell($0, resolution: 8) }).count
        #expect(small.descriptionsWorkedOut <= walkCells)
    }
}
