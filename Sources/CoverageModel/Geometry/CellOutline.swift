/// The outline of a set of H3 cells as polygons with holes kept.
///
/// Every cell contributes its boundary edges counter-clockwise; an edge shared by two cells of the set
/// appears once in each direction and cancels. The edges left form closed rings: counter-clockwise
/// ones are exteriors, clockwise ones holes, each hole given to the smallest exterior containing it.
/// Vertices shared by neighbouring cells are matched within 1e-9° (H3 computes each cell's vertices on
/// its own, so shared vertices agree only to rounding).
public enum CellOutline {
    /// The outline of `cells` (duplicates ignored), exteriors counter-clockwise, holes clockwise, rings open.
    public static func multiPolygon<S: Sequence>(of cells: S) -> GeoMultiPolygon where S.Element == H3Index {
        var vertices = VertexTable(tolerance: 1e-9)
        var edges: [Edge: Int] = [:]  // directed edge → count (net)
        var seen = Set<H3Index>()
        for cell in cells where seen.insert(cell).inserted {
            let boundary = H3.cellToBoundary(cell)
            guard boundary.count >= 3 else { continue }
            let ids = boundary.map { vertices.id(for: $0) }
            for i in 0..<ids.count {
                let a = ids[i]
                let b = ids[(i + 1) % ids.count]
                if a == b { continue }
                let reverse = Edge(from: b, to: a)
                if let n = edges[reverse] {
                    if n == 1 { edges[reverse] = nil } else { edges[reverse] = n - 1 }
                } else {
                    edges[Edge(from: a, to: b), default: 0] += 1
                }
            }
        }
        // Trace rings.
        var outgoing: [Int: [Int]] = [:]
        for (edge, count) in edges {
            for _ in 0..<count { outgoing[edge.from, default: []].append(edge.to) }
        }
        var rings: [[LatLng]] = []
        for start in outgoing.keys.sorted() {
            while let first = outgoing[start]?.popLast() {
                var ring = [vertices.point(start)]
                var current = first
                var guardCount = 0
                while current != start && guardCount < 10_000_000 {
                    ring.append(vertices.point(current))
                    guard let next = outgoing[current]?.popLast() else { break }
                    current = next
                    guardCount += 1
                }
                if ring.count >= 3 { rings.append(ring) }
            }
        }
        var exteriors: [(ring: [LatLng], area: Double, holes: [[LatLng]])] = []
        var holes: [[LatLng]] = []
        for ring in rings {
            let area = RingOrientation.signedArea(ring)
            if area > 0 { exteriors.append((ring, area, [])) } else if area < 0 { holes.append(ring) }
        }
        for hole in holes {
            let probe = hole[0]
            var best: Int?
            for (i, e) in exteriors.enumerated() where GeoRing.contains(e.ring, probe) {
                if best == nil || e.area < exteriors[best!].area { best = i }
            }
            if let best { exteriors[best].holes.append(hole) }
        }
        exteriors.sort { ($0.ring.first!.lng, $0.ring.first!.lat) < ($1.ring.first!.lng, $1.ring.first!.lat) }
        return GeoMultiPolygon(polygons: exteriors.map { GeoPolygon(exterior: $0.ring, holes: $0.holes) })
    }

    struct Edge: Hashable {
        var from: Int
        var to: Int
    }

    /// Matches points within a tolerance by bucketing on a grid of that size and searching the 3×3
    /// neighbouring buckets.
    struct VertexTable {
        let tolerance: Double
        var points: [LatLng] = []
        var buckets: [Key: [Int]] = [:]

        struct Key: Hashable {
            var x: Int64
            var y: Int64
        }

        init(tolerance: Double) { self.tolerance = tolerance }

        mutating func id(for p: LatLng) -> Int {
            let x = Int64((p.lng / self.tolerance).rounded(.down))
            let y = Int64((p.lat / self.tolerance).rounded(.down))
            for dx in -1...1 {
                for dy in -1...1 {
                    guard let ids = self.buckets[Key(x: x + Int64(dx), y: y + Int64(dy))] else { continue }
                    for id in ids {
                        let q = self.points[id]
                        if abs(q.lat - p.lat) <= self.tolerance && abs(q.lng - p.lng) <= self.tolerance { return id }
                    }
                }
            }
            let id = self.points.count
            self.points.append(p)
            self.buckets[Key(x: x, y: y), default: []].append(id)
            return id
        }

        func point(_ id: Int) -> LatLng { self.points[id] }
    }
}
