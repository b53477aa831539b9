import Foundation
import NetmonProtocol
import Testing

@testable import CoverageModel

@Suite struct SimulationTests {
    static var communes: [CommuneBoundary] { SimulatedProvince.communes }

    private func csv(seed: UInt64, rows: Int) throws -> String {
        let sink = MemoryByteSink()
        let writer = CanonicalCSVWriter(sink: sink)
        try DriveTestSimulator(communes: Self.communes, seed: seed).run(rows: rows) { try writer.write($0) }
        try writer.finish()
        return sink.text
    }

    @Test func sameSeedSameDataOtherSeedOtherData() throws {
        let a = try self.csv(seed: 3, rows: 1_000)
        let b = try self.csv(seed: 3, rows: 1_000)
        let c = try self.csv(seed: 4, rows: 1_000)
        #expect(a == b)
        #expect(a != c)
        #expect(a.split(separator: "\n").count == 1_001)
    }

    @Test func outputReadsBackThroughTheCanonicalReaderWithoutRejections() throws {
        let text = try self.csv(seed: 5, rows: 2_000)
        let reader = CSVReportReader(source: MemoryByteSource(text))
        var operators = Set<String>()
        var technologies = Set<Technology>()
        var inside = 0
        var n = 0
        while let r = try reader.next() {
            n += 1
            operators.insert(r.operatorCode ?? "")
            technologies.insert(r.technology)
            let p = LatLng(lat: r.lat, lng: r.lon)
            if Self.communes.contains(where: { $0.geometry.boundingBox?.contains(p) == true && $0.geometry.contains(p) }
            ) {
                inside += 1
            }
            if r.technology == .fiveG { #expect(r.nrSsRsrpDbm != nil && r.rsrpDbm != nil) }
        }
        #expect(n == 2_000)
        #expect(reader.summary.rejectedCount == 0)
        #expect(reader.summary.droppedCount == 0)
        #expect(operators == ["452-01", "452-02", "452-04"])
        #expect(technologies.isSuperset(of: [.threeG, .fourG, .fiveG, .noService]))
        #expect(Double(inside) / Double(n) > 0.97)
    }

    @Test func holesHaveNoSitesAndBecomeDeadZones() throws {
        let simulator = SimulatedProvince.data
        let everyoneGone = simulator.holes.filter { $0.operatorsKept.isEmpty }
        #expect(everyoneGone.count == 4)
        for hole in everyoneGone {
            #expect(
                !simulator.sites.contains { DriveTestSimulator.distanceKm($0.position, hole.centre) < hole.radiusKm })
        }
        let result = SimulatedProvince.result
        #expect(result.province.deadZones > 0)
        // Dead cells lie mostly in the holes (for everyone, or for the operators whose sites are gone).
        let dead = result.cells.filter(\.isDead)
        let inHoles = dead.filter { c in
            simulator.holes.contains {
                DriveTestSimulator.distanceKm(H3.cellToLatLng(c.cell), $0.centre) < $0.radiusKm + 3
            }
        }
        #expect(Double(inHoles.count) >= 0.6 * Double(dead.count))
    }
}
