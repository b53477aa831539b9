/// The shared borders of a set of polygon sets (communes of one province, say), as arcs: each border between
/// two polygons, and each stretch of outer border, is one chain of vertices between junctions, stored once
/// and used by every ring that runs along it. Changing an arc (simplifying it) changes every ring using it
/// the same way, so neighbours keep one common border.
///
/// Vertices are snapped to a grid (1e-6° by default, GeoJSON's 6 decimals) and compared exactly, as they come
/// from one source dataset. A vertex is a junction when the rings passing through it do not all have the
/// same two neighbours there (where three polygons meet, where a border meets the outer boundary, or where
/// two neighbours' vertices stop agreeing). A ring through no junction is one closed arc.
public struct ArcTopology: Sendable {
    /// A vertex on the grid, in grid units (micro-degrees by default).
    public struct Point: Sendable, Hashable, Comparable {
        public var x: Int64
        public var y: Int64

        public init(x: Int64, y: Int64) {
            self.x = x
            self.y = y
        }

        public static func < (a: Point, b: Point) -> Bool { a.x != b.x ? a.x < b.x : a.y < b.y }
    }

    /// One arc as a ring walks it.
    public struct ArcUse: Sendable, Hashable {
        /// Index into `arcs`.
        public var arc: Int
        /// Whether the ring walks the arc from its last vertex to its first.
        public var reversed: Bool
    }

    /// A ring as the arcs it walks, in order.
    public typealias RingArcs = [ArcUse]

    /// Arcs: chains of at least two vertices; a closed arc (a whole ring) ends with its first vertex.
    public var arcs: [[Point]]
    /// Each input multipolygon: its polygons, each its exterior then its holes, as arcs. Rings with fewer
    /// than three distinct vertices are left out (a polygon without a usable exterior too).
    public var shapes: [[[RingArcs]]]
    /// The grid's cell, in degrees.
    public var grid: Double

    /// Builds the arcs of `shapes` (their rings should be simple, as `RingRepair.repaired` makes them).
    public init(_ shapes: [GeoMultiPolygon], grid: Double = 1e-6) {
        self.grid = grid
        var rings: [[Point]] = []
        var layout: [[[Int]]] = []
        for multi in shapes {
            var polygons: [[Int]] = []
            for polygon in multi.polygons {
                guard
                    let exterior = Self.gridRing(
                        RingOrientation.wound(polygon.exterior, counterClockwise: true), grid: grid)
                else { continue }
                var ids = [rings.count]
                rings.append(exterior)
                for hole in polygon.holes {
                    guard let h = Self.gridRing(RingOrientation.wound(hole, counterClockwise: false), grid: grid) else {
                        continue
                    }
                    ids.append(rings.count)
                    rings.append(h)
                }
                polygons.append(ids)
            }
            layout.append(polygons)
        }
        let junctions = Self.junctions(of: rings)
        var arcs: [[Point]] = []
        var index: [[Point]: Int] = [:]
        func use(_ chain: [Point]) -> ArcUse {
            if let i = index[chain] { return ArcUse(arc: i, reversed: false) }
            if let i = index[chain.reversed()] { return ArcUse(arc: i, reversed: true) }
            index[chain] = arcs.count
            arcs.append(chain)
            return ArcUse(arc: arcs.count - 1, reversed: false)
        }
        let ringArcs: [RingArcs] = rings.map { ring in
            let n = ring.count
            let cuts = ring.indices.filter { junctions.contains(ring[$0]) }
            guard let start = cuts.first else {
                // No junction: one closed arc, starting at its least vertex so both sides find the same chain.
                let low = ring.indices.min { ring[$0] < ring[$1] } ?? 0
                let closed = (0...n).map { ring[(low + $0) % n] }
                return [use(closed)]
            }
            var uses: RingArcs = []
            var chain = [ring[start]]
            for k in 1...n {
                let p = ring[(start + k) % n]
                chain.append(p)
                if junctions.contains(p) {
                    uses.append(use(chain))
                    chain = [p]
                }
            }
            return uses
        }
        self.arcs = arcs
        self.shapes = layout.map { polygons in polygons.map { ids in ids.map { ringArcs[$0] } } }
    }

    /// The closed ring (first vertex repeated at the end) that walks `ring` through `arcs` (these arcs or
    /// simplified ones, index for index).
    public static func points(of ring: RingArcs, arcs: [[Point]]) -> [Point] {
        var out: [Point] = []
        for use in ring {
            let chain = use.reversed ? arcs[use.arc].reversed() : arcs[use.arc]
            out.append(contentsOf: out.isEmpty ? chain[...] : chain.dropFirst())
        }
        return out
    }

    /// The input shapes rebuilt from `arcs` (these or simplified ones), in degrees.
    public func multiPolygons(arcs: [[Point]]) -> [GeoMultiPolygon] {
        self.shapes.map { polygons in
            GeoMultiPolygon(
                polygons: polygons.map { rings in
                    let degrees = rings.map { ring in
                        Self.points(of: ring, arcs: arcs).map {
                            LatLng(lat: Double($0.y) * self.grid, lng: Double($0.x) * self.grid)
                        }
                    }
                    return GeoPolygon(exterior: degrees[0], holes: Array(degrees.dropFirst()))
                })
        }
    }

    /// The ring on the grid, open, without repeated consecutive vertices; nil below three vertices.
    static func gridRing(_ ring: [LatLng], grid: Double) -> [Point]? {
        var out: [Point] = []
        out.reserveCapacity(ring.count)
        for p in ring {
            guard let x = Int64(exactly: (p.lng / grid).rounded()), let y = Int64(exactly: (p.lat / grid).rounded())
            else { continue }
            let q = Point(x: x, y: y)
            if out.last != q { out.append(q) }
        }
        while out.count > 1 && out.first == out.last { out.removeLast() }
        return out.count >= 3 ? out : nil
    }

    /// Vertices where the rings passing through do not all have the same (unordered) pair of neighbours,
    /// and vertices a ring passes twice.
    static func junctions(of rings: [[Point]]) -> Set<Point> {
        var seen: [Point: (Point, Point, Int)] = [:]
        var junctions = Set<Point>()
        for (r, ring) in rings.enumerated() {
            let n = ring.count
            for i in 0..<n {
                let a = ring[(i + n - 1) % n]
                let b = ring[(i + 1) % n]
                let pair = a < b ? (a, b) : (b, a)
                if let (u, v, owner) = seen[ring[i]] {
                    if u != pair.0 || v != pair.1 || owner == r { junctions.insert(ring[i]) }
                } else {
                    seen[ring[i]] = (pair.0, pair.1, r)
                }
            }
        }
        return junctions
    }
}
