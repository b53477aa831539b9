import Foundation
import Testing

@testable import CoverageModel

/// Topological simplification on small hand-made partitions: neighbours must keep one identical border.
@Suite struct ArcSimplificationTests {
    typealias Point = ArcTopology.Point

    /// A point in units of 1e-4° (so the 0.0003° tolerance is 3 units).
    static func p(_ x: Double, _ y: Double) -> LatLng { LatLng(lat: y * 1e-4, lng: x * 1e-4) }
    static func g(_ x: Int64, _ y: Int64) -> Point { Point(x: x * 100, y: y * 100) }
    static let tolerance = 0.0003

    /// A border from (x, 0) up to (x, 100) with vertices every 10 units wiggling ±1 unit (less than the
    /// tolerance) and one bump of 20 units at y = 50 (more than it), without its end points.
    static func wigglyBorder(x: Double) -> [LatLng] {
        stride(from: 10.0, through: 90.0, by: 10.0).map { y in
            y == 50 ? Self.p(x + 20, y) : Self.p(x + (Int(y / 10) % 2 == 0 ? 1 : -1), y)
        }
    }

    /// The simplified rings of every shape, closed, on the grid.
    static func rings(_ topology: ArcTopology, _ arcs: [[Point]]) -> [[[Point]]] {
        topology.shapes.map { polygons in polygons.flatMap { $0.map { ArcTopology.points(of: $0, arcs: arcs) } } }
    }

    struct Edge: Hashable {
        var from: Point
        var to: Point
    }

    /// Checks that rings tile the box [0, w] × [0, h] (grid units) without gaps or overlaps: every edge is
    /// either on the box's outline (walked once) or walked once in each direction by two rings, and no two
    /// distinct edges cross or touch.
    static func expectPartition(_ rings: [[Point]], width w: Int64, height h: Int64) {
        var walked: [Edge: Int] = [:]
        for ring in rings {
            for (a, b) in zip(ring, ring.dropFirst()) { walked[Edge(from: a, to: b), default: 0] += 1 }
        }
        for (edge, count) in walked {
            #expect(count == 1, "edge \(edge) walked \(count) times the same way")
            let back = walked[Edge(from: edge.to, to: edge.from)] ?? 0
            let a = edge.from
            let b = edge.to
            let onOutline =
                (a.x == 0 && b.x == 0) || (a.x == w && b.x == w) || (a.y == 0 && b.y == 0) || (a.y == h && b.y == h)
            #expect(back == 1 || onOutline, "edge \(edge) borders a gap or an overlap")
        }
        var distinct = Set<Edge>()
        for edge in walked.keys where !distinct.contains(Edge(from: edge.to, to: edge.from)) { distinct.insert(edge) }
        let contacts = SegmentContacts.pairs(in: distinct.map { [$0.from, $0.to] })
        #expect(contacts.isEmpty, "\(contacts.count) edges cross or touch")
    }

    @Test func twoSquaresKeepOneBorder() {
        let a = GeoPolygon(
            exterior: [Self.p(0, 0), Self.p(50, 1), Self.p(100, 0)] + Self.wigglyBorder(x: 100) + [
                Self.p(100, 100), Self.p(0, 100),
            ])
        let b = GeoPolygon(
            exterior: [Self.p(100, 0), Self.p(200, 0), Self.p(200, 100), Self.p(100, 100)]
                + Self.wigglyBorder(x: 100).reversed())
        let topology = ArcTopology([GeoMultiPolygon(polygons: [a]), GeoMultiPolygon(polygons: [b])])
        // The border, A's outer part and B's outer part.
        #expect(topology.arcs.count == 3)
        let shared = Set(topology.shapes[0][0][0].map(\.arc)).intersection(topology.shapes[1][0][0].map(\.arc))
        #expect(shared.count == 1)
        let result = ArcSimplification.simplify(topology, tolerance: Self.tolerance)
        guard let border = shared.first else { return }
        let simplified = result.arcs[border]
        // Junctions kept, the bump kept, wiggles dropped, nothing farther than the tolerance from the border.
        #expect(Set([simplified.first, simplified.last]) == [Self.g(100, 0), Self.g(100, 100)])
        #expect(simplified.contains(Self.g(120, 50)))
        #expect(simplified.count < topology.arcs[border].count - 3)
        for q in topology.arcs[border] {
            let nearest = zip(simplified, simplified.dropFirst()).map {
                ArcSimplification.squaredDistance(q, $0, $1)
            }.min()
            #expect((nearest ?? .infinity) <= 300 * 300)
        }
        // A's bottom lost its 1-unit bend.
        #expect(!result.arcs.joined().contains(Self.g(50, 1)))
        #expect(result.verticesAfter < result.verticesBefore)
        // No usable tolerance: nothing dropped.
        for bad in [0, -1, .infinity, .nan] {
            #expect(ArcSimplification.simplify(topology, tolerance: bad).arcs == topology.arcs)
        }
        Self.expectPartition(Self.rings(topology, result.arcs).flatMap { $0 }, width: 20_000, height: 10_000)
    }

    @Test func threePolygonsKeepTheirJunction() {
        // A: left half; B: bottom right; C: top right. All three meet at (100, 100).
        let ab = Self.wigglyBorder(x: 100)
        let ac = Self.wigglyBorder(x: 100).map { LatLng(lat: $0.lat + 0.01, lng: $0.lng) }
        let bc = stride(from: 110.0, through: 190.0, by: 10.0).map { x in
            Self.p(x, 100 + (Int(x / 10) % 2 == 0 ? 1 : -1))
        }
        let a = GeoPolygon(
            exterior: [Self.p(0, 0), Self.p(100, 0)] + ab + [Self.p(100, 100)] + ac + [
                Self.p(100, 200), Self.p(0, 200),
            ])
        let b = GeoPolygon(
            exterior: [Self.p(100, 0), Self.p(200, 0), Self.p(200, 100)] + bc.reversed() + [Self.p(100, 100)]
                + ab.reversed())
        let c = GeoPolygon(
            exterior: [Self.p(100, 100)] + bc + [Self.p(200, 100), Self.p(200, 200), Self.p(100, 200)]
                + ac.reversed())
        let topology = ArcTopology([a, b, c].map { GeoMultiPolygon(polygons: [$0]) })
        let result = ArcSimplification.simplify(topology, tolerance: Self.tolerance)
        let rings = Self.rings(topology, result.arcs).flatMap { $0 }
        for ring in rings { #expect(ring.contains(Self.g(100, 100))) }
        // The B|C border has no bump: it is straight now.
        #expect(!result.arcs.joined().contains { $0.y != 10_000 && $0.x > 10_000 && abs($0.y - 10_000) <= 100 })
        Self.expectPartition(rings, width: 20_000, height: 20_000)
    }

    @Test func aHoleAndItsIslandKeepOneBorder() {
        // A square with a round hole (wiggling ±1 unit), filled by an island commune.
        let circle = (0..<36).map { k in
            let angle = Double(k) * 10 * Double.pi / 180
            let r = 50.0 + (k % 2 == 0 ? 1 : -1)
            return Self.p(100 + r * cos(angle), 100 + r * sin(angle))
        }
        let outer = GeoPolygon(
            exterior: [Self.p(0, 0), Self.p(200, 0), Self.p(200, 200), Self.p(0, 200)], holes: [circle.reversed()])
        let island = GeoPolygon(exterior: circle)
        let topology = ArcTopology([GeoMultiPolygon(polygons: [outer]), GeoMultiPolygon(polygons: [island])])
        #expect(topology.arcs.count == 2)
        let result = ArcSimplification.simplify(topology, tolerance: Self.tolerance)
        let rings = Self.rings(topology, result.arcs)
        let hole = rings[0][1]
        let islandRing = rings[1][0]
        #expect(hole.count < 37 && hole.count >= 4)
        #expect(Set(hole) == Set(islandRing))
        #expect(hole.count == islandRing.count)
        Self.expectPartition(rings.flatMap { $0 }, width: 20_000, height: 20_000)
    }

    @Test func aHoleNearTheBorderStaysInside() {
        // The square's bottom dips 2.5 units (less than the tolerance) around a small hole: dropping the dip
        // would leave the hole outside, and the hole itself would collapse to a line.
        let exterior = [
            Self.p(0, 0), Self.p(40, 0), Self.p(50, -2.5), Self.p(60, 0), Self.p(100, 0), Self.p(100, 100),
            Self.p(0, 100),
        ]
        let hole = [Self.p(49, -1.5), Self.p(50, -0.5), Self.p(51, -1.5)]
        let topology = ArcTopology([GeoMultiPolygon(polygons: [GeoPolygon(exterior: exterior, holes: [hole])])])
        let result = ArcSimplification.simplify(topology, tolerance: Self.tolerance)
        let rings = Self.rings(topology, result.arcs)[0]
        #expect(result.refinedArcs == 2)
        #expect(rings[0].contains(Point(x: 5_000, y: -250)))
        #expect(rings[1].count == 4)
        #expect(rings[1].allSatisfy { ArcSimplification.inside($0, rings[0]) })
    }

    @Test func hungYenCommunesShareTheirBorders() throws {
        let communes = try CommuneBoundaryReader.read(path: TestData.communesGeoJSON)
        let topology = ArcTopology(communes.map { RingRepair.repaired($0.geometry) })
        var users = [Set<Int>](repeating: [], count: topology.arcs.count)
        for (c, shape) in topology.shapes.enumerated() {
            for use in shape.joined().joined() { users[use.arc].insert(c) }
        }
        // Borders between two communes, used by both; none used by three.
        let shared = users.filter { $0.count == 2 }.count
        #expect(users.allSatisfy { $0.count == 1 || $0.count == 2 })
        let result = ArcSimplification.simplify(topology, tolerance: Self.tolerance)
        // Contacts left are the source's own (neighbours whose vertices disagree), between unsimplified edges,
        let original = Set(topology.arcs.flatMap { zip($0, $0.dropFirst()).map { [$0, $1] } })
        let contacts = SegmentContacts.pairs(in: result.arcs)
        func ends(_ seg: SegmentContacts.Segment) -> Set<Point> {
            [result.arcs[seg.arc][seg.index], result.arcs[seg.arc][seg.index + 1]]
        }
        // Or two stretches that disagreed in the source and became the same segment: one border now.
        let fromSource = contacts.filter { s, t in
            ends(s) == ends(t)
                || [s, t].allSatisfy { seg in
                    let a = result.arcs[seg.arc][seg.index]
                    let b = result.arcs[seg.arc][seg.index + 1]
                    return original.contains([a, b]) || original.contains([b, a])
                }
        }
        #expect(
            fromSource.count == contacts.count && shared > 250 && result.verticesAfter * 5 < result.verticesBefore
                && result.refinedArcs > 0,
            """
            arcs \(topology.arcs.count), shared \(shared), vertices \(result.verticesBefore) → \(result.verticesAfter), \
            refined \(result.refinedArcs), rounds \(result.rounds), contacts \(contacts.count) (\(fromSource.count) in the source)
            """)
    }
}
