import Foundation
import NetmonLab
import TestSupport
import Testing

@testable import CoverageModel

/// Seeded random damage to three real features of the boundaries file: `CommuneBoundaryReader` gives an error with
/// a line, column and feature, or communes with finite coordinates in range; and the geometry code after it (ring
/// repair, arc topology, the H3 fill of `CommuneGrid` for small shapes) does not trap on whatever it accepts:
/// duplicate points, degenerate and collapsed rings, coordinates moved far. The seed is in the arguments.
@Suite struct BoundaryMutationTests {
    /// The three smallest communes of the real file, as one FeatureCollection (about 25 kB).
    static let sample: [UInt8] = {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: TestData.communesGeoJSON)),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let features = root["features"] as? [[String: Any]]
        else { return [] }
        let sized = features.map { ($0, (try? JSONSerialization.data(withJSONObject: $0).count) ?? 0) }
        let smallest = sized.sorted { $0.1 < $1.1 }.prefix(3).map(\.0)
        let collection: [String: Any] = ["type": "FeatureCollection", "features": smallest]
        return Array((try? JSONSerialization.data(withJSONObject: collection, options: [.sortedKeys])) ?? Data())
    }()

    static let alphabet = Array("{}[],:\"-.0123456789eE+ ".utf8) + [0x00, 0xFF, 0xC3]

    enum Outcome { case read, refused }

    /// Reads `bytes`, checks the error or the communes, and runs the geometry code on what was read.
    static func check(_ bytes: [UInt8], _ note: String) -> Outcome {
        let communes: [CommuneBoundary]
        do {
            communes = try CommuneBoundaryReader.read(data: Data(bytes), name: "sample.geojson")
        } catch {
            #expect(error.file == "sample.geojson" && !error.message.isEmpty, "\(note): \(error)")
            // A syntax or feature error says where; a document that is no FeatureCollection says what.
            #expect(
                (error.line != nil && error.column != nil) || error.message.contains("FeatureCollection"),
                "\(note): \(error) does not say where")
            return .refused
        }
        for commune in communes {
            for polygon in commune.geometry.polygons {
                for point in polygon.exterior + polygon.holes.joined() {
                    #expect(
                        point.isFinite && (-90...90).contains(point.lat) && (-180...180).contains(point.lng),
                        "\(note): \(commune.code) has \(point)")
                }
            }
        }
        Self.geometry(communes)
        return .read
    }

    /// Ring repair and the arc topology on every accepted shape; the H3 fill (resolution 7) on shapes that span
    /// less than a degree, as communes do (a coordinate moved across the globe would ask for millions of cells).
    static func geometry(_ communes: [CommuneBoundary]) {
        let repaired = communes.map {
            CommuneBoundary(code: $0.code, name: $0.name, geometry: RingRepair.repaired($0.geometry))
        }
        let topology = ArcTopology(repaired.map(\.geometry))
        _ = topology.multiPolygons(arcs: topology.arcs)
        let small = repaired.filter { commune in
            guard let box = commune.geometry.boundingBox else { return true }
            return box.maxLat - box.minLat < 1 && box.maxLng - box.minLng < 1
        }
        let grid = CommuneGrid(communes: small, resolution: 7)
        #expect(grid.cells.count == small.count)
    }

    @Test("the unmutated sample reads and fills")
    func sampleReads() throws {
        #expect(Self.sample.count > 1000)
        let communes = try CommuneBoundaryReader.read(data: Data(Self.sample), name: "sample.geojson")
        #expect(communes.count == 3)
        #expect(Self.check(Self.sample, "unmutated") == .read)
    }

    @Test("seeded byte mutations of three real features", arguments: [UInt64(51)])
    func bytes(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var outcomes: [Outcome: Int] = [:]
        for iteration in 0..<100 {
            let bytes = InputMutation.bytes(Self.sample, alphabet: Self.alphabet, using: &random)
            outcomes[Self.check(bytes, "seed \(seed) iteration \(iteration)"), default: 0] += 1
        }
        #expect((outcomes[.read] ?? 0) > 0 && (outcomes[.refused] ?? 0) > 0)
    }

    /// Where the numbers of the document are, as byte ranges.
    static func numberRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "-") || (48...57).contains(b) {
                let start = i
                while i < bytes.count, Array("-+.eE0123456789".utf8).contains(bytes[i]) { i += 1 }
                ranges.append(start..<i)
            } else {
                i += 1
            }
        }
        return ranges
    }

    @Test(
        "seeded geometry mutations: hostile coordinates, repeated, dropped and collapsed positions",
        arguments: [UInt64(52)])
    func coordinates(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let hostile = [
            "1e400", "-1e400", "1e300", "-1e300", "180.0000001", "-90.5", "0", "-0", "4.9e-324", "1e-300", "360",
            "1.7976931348623157e308", "106.5", "20.5",
        ]
        var outcomes: [Outcome: Int] = [:]
        for iteration in 0..<80 {
            var bytes = Self.sample
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let numbers = Self.numberRanges(bytes)
                guard let range = numbers.randomElement(using: &random) else { break }
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    bytes.replaceSubrange(range, with: Array((hostile.randomElement(using: &random) ?? "0").utf8))
                case 1:
                    // Repeat the position around this number ("[x,y]," → "[x,y],[x,y],").
                    guard let open = bytes[..<range.lowerBound].lastIndex(of: UInt8(ascii: "[")),
                        let close = bytes[range.upperBound...].firstIndex(of: UInt8(ascii: "]"))
                    else { continue }
                    let position = Array(bytes[open...close]) + [UInt8(ascii: ",")]
                    bytes.insert(contentsOf: position, at: open)
                case 2:
                    // Set every coordinate of a run of positions to the same value: a collapsed ring piece.
                    let value = Array(bytes[range])
                    for other in numbers.filter({ $0.lowerBound > range.upperBound }).prefix(40).reversed() {
                        bytes.replaceSubrange(other, with: value)
                    }
                default:
                    // Drop a position ("[x,y],").
                    guard let open = bytes[..<range.lowerBound].lastIndex(of: UInt8(ascii: "[")),
                        let close = bytes[range.upperBound...].firstIndex(of: UInt8(ascii: "]")),
                        close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: ",")
                    else { continue }
                    bytes.removeSubrange(open...(close + 1))
                }
            }
            outcomes[Self.check(bytes, "seed \(seed) iteration \(iteration)"), default: 0] += 1
        }
        #expect((outcomes[.read] ?? 0) > 0 && (outcomes[.refused] ?? 0) > 0)
    }
}

/// Inputs the mutation tests found, minimised.
@Suite struct BoundaryMutationRegressionTests {
    @Test("a position outside ±180/±90 (here 1e300, from a mutated coordinate) is a feature error with its place")
    func outOfRangeCoordinate() {
        let text = #"""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ward_code":"13141","name":"A"},
            "geometry":{"type":"Polygon","coordinates":[[[106.1,20.1],[106.2,1e300],[106.2,20.2],[106.1,20.1]]]}}]}
            """#
        #expect {
            try CommuneBoundaryReader.read(data: Data(text.utf8), name: "b.geojson")
        } throws: { error in
            guard let error = error as? BoundaryReadError else { return false }
            return error.feature == 1 && error.line == 1 && error.message.contains("outside")
        }
    }
}
