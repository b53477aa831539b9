/// Topological simplification: Douglas–Peucker on each arc of an ``ArcTopology`` once, its end points (the
/// junctions) kept, so that every ring along an arc gets the same simplified border and neighbours keep
/// neither gaps nor overlaps between them.
///
/// Validity guard: after simplifying, no two segments of the arcs may cross, touch or overlap (other than
/// consecutive ones at their common vertex), every ring keeps at least three distinct vertices and its
/// winding, holes stay inside their exterior and the polygons of a shape outside each other. An arc with a simplified segment involved in a problem is simplified again with half its
/// tolerance, until the problems are gone; below 1/64 of the tolerance the arc is kept whole. Contacts
/// already in the source (between two segments simplification did not make) are left as they are.
///
/// Two arcs that differ in the source (neighbours whose vertices disagree for a stretch) and that simplify to
/// the same chain, walked in opposite directions by their two rings, become one border: that is allowed.
public enum ArcSimplification {
    public typealias Point = ArcTopology.Point

    /// The simplified arcs and what it took.
    public struct Result: Sendable {
        /// The arcs, index for index with the topology's.
        public var arcs: [[Point]]
        /// Vertices in all arcs before and after (shared borders counted once).
        public var verticesBefore: Int
        public var verticesAfter: Int
        /// Arcs whose tolerance had to be lowered (or that were kept whole) to keep the rings valid.
        public var refinedArcs: Int
        /// Checking rounds run.
        public var rounds: Int
    }

    /// Simplifies every arc with `tolerance` (degrees: the largest distance a dropped vertex may lie from the
    /// simplified border, measured in the longitude–latitude plane). A tolerance that is not a finite positive
    /// number keeps every vertex.
    public static func simplify(_ topology: ArcTopology, tolerance: Double) -> Result {
        let arcs = topology.arcs
        let scaled = tolerance / topology.grid
        let full = scaled.isFinite && scaled > 0 ? scaled : 0
        var tolerances = [Double](repeating: full, count: arcs.count)
        var kept = arcs.map { Self.douglasPeucker($0, tolerance: full) }
        var refined = Set<Int>()
        let rings = topology.shapes.flatMap { $0.flatMap { $0 } }
        let signs = rings.map { Self.signedArea(ArcTopology.points(of: $0, arcs: arcs)).sign }
        let placements = topology.shapes.map { Self.placement($0, arcs) }
        // Which rings walk each arc and in which direction.
        var uses = [[(ring: Int, reversed: Bool)]](repeating: [], count: arcs.count)
        for (r, ring) in rings.enumerated() {
            for use in ring { uses[use.arc].append((r, use.reversed)) }
        }
        var rounds = 0
        while true {
            rounds += 1
            let simplified = zip(arcs, kept).map { chain, idx in idx.map { chain[$0] } }
            var retry = Set<Int>()
            for (r, ring) in rings.enumerated() {
                let points = ArcTopology.points(of: ring, arcs: simplified)
                if points.count < 4 || Self.signedArea(points) == 0 || Self.signedArea(points).sign != signs[r] {
                    for use in ring where tolerances[use.arc] > 0 { retry.insert(use.arc) }
                }
            }
            for (shape, before) in zip(topology.shapes, placements) {
                for (now, was) in zip(Self.placement(shape, simplified), before) where now.inside != was.inside {
                    for use in now.rings.joined() where tolerances[use.arc] > 0 { retry.insert(use.arc) }
                }
            }
            for (s, t) in SegmentContacts.pairs(in: simplified) {
                if s.arc != t.arc, Self.sameBorder(s.arc, t.arc, simplified, uses) { continue }
                for segment in [s, t] where kept[segment.arc][segment.index + 1] - kept[segment.arc][segment.index] > 1
                {
                    retry.insert(segment.arc)
                }
            }
            if retry.isEmpty { break }
            for a in retry {
                refined.insert(a)
                tolerances[a] = tolerances[a] / 2 < full / 64 ? 0 : tolerances[a] / 2
                kept[a] = Self.douglasPeucker(arcs[a], tolerance: tolerances[a])
            }
        }
        let result = zip(arcs, kept).map { chain, idx in idx.map { chain[$0] } }
        return Result(
            arcs: result, verticesBefore: arcs.reduce(0) { $0 + $1.count },
            verticesAfter: result.reduce(0) { $0 + $1.count }, refinedArcs: refined.count, rounds: rounds)
    }

    /// Where the rings of a shape lie relative to each other: for each hole whether it is inside its
    /// exterior, for each pair of polygons whether the first's exterior is inside the second's; with the two
    /// rings each answer is about. Simplification must not change an answer (an exterior that moved past a
    /// hole or a polygon crosses nothing).
    static func placement(
        _ shape: [[ArcTopology.RingArcs]], _ arcs: [[Point]]
    ) -> [(inside: Bool, rings: [ArcTopology.RingArcs])] {
        let exteriors = shape.map { ArcTopology.points(of: $0[0], arcs: arcs) }
        var out: [(inside: Bool, rings: [ArcTopology.RingArcs])] = []
        for (p, polygon) in shape.enumerated() {
            let exterior = exteriors[p]
            let onExterior = Set(exterior)
            for hole in polygon.dropFirst() {
                let points = ArcTopology.points(of: hole, arcs: arcs)
                let probe = points.first { !onExterior.contains($0) }
                out.append((probe.map { Self.inside($0, exterior) } ?? true, [polygon[0], hole]))
            }
            for (q, other) in exteriors.enumerated() where q != p {
                let onOther = Set(other)
                let probe = exterior.first { !onOther.contains($0) }
                out.append((probe.map { Self.inside($0, other) } ?? false, [polygon[0], shape[q][0]]))
            }
        }
        return out
    }

    /// Even-odd: whether p is inside the closed ring (exact on the grid; p must not be on the ring).
    static func inside(_ p: Point, _ ring: [Point]) -> Bool {
        var inside = false
        for i in 0..<(ring.count - 1) {
            let a = ring[i]
            let b = ring[i + 1]
            guard (a.y > p.y) != (b.y > p.y) else { continue }
            let lhs = (p.x - a.x) * (b.y - a.y)
            let rhs = (p.y - a.y) * (b.x - a.x)
            if b.y > a.y ? lhs < rhs : lhs > rhs { inside.toggle() }
        }
        return inside
    }

    /// Whether arcs `a` and `b` are now the same chain, each walked by one ring, in opposite directions: one
    /// border between two neighbours.
    static func sameBorder(
        _ a: Int, _ b: Int, _ arcs: [[Point]], _ uses: [[(ring: Int, reversed: Bool)]]
    ) -> Bool {
        guard uses[a].count == 1, uses[b].count == 1, uses[a][0].ring != uses[b][0].ring else { return false }
        let walkedA = uses[a][0].reversed ? arcs[a].reversed() : arcs[a]
        let walkedB = uses[b][0].reversed ? arcs[b].reversed() : arcs[b]
        return walkedA == walkedB.reversed()
    }

    /// Indices of the vertices Douglas–Peucker keeps (tolerance in grid units; 0 keeps all). The end points
    /// are kept; a closed chain also keeps the vertex farthest from its start, so it cannot collapse.
    static func douglasPeucker(_ chain: [Point], tolerance: Double) -> [Int] {
        let n = chain.count
        guard n > 2, tolerance > 0 else { return Array(0..<n) }
        var keep = [Bool](repeating: false, count: n)
        keep[0] = true
        keep[n - 1] = true
        var stack: [(Int, Int)] = []
        if chain[0] == chain[n - 1] {
            var far = 1
            var best = -1.0
            for i in 1..<(n - 1) {
                let d = Self.squared(chain[i], chain[0])
                if d > best {
                    best = d
                    far = i
                }
            }
            keep[far] = true
            stack = [(0, far), (far, n - 1)]
        } else {
            stack = [(0, n - 1)]
        }
        let limit = tolerance * tolerance
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            var index = -1
            var most = -1.0
            for i in (a + 1)..<b {
                let d = Self.squaredDistance(chain[i], chain[a], chain[b])
                if d > most {
                    most = d
                    index = i
                }
            }
            if most > limit {
                keep[index] = true
                stack.append((a, index))
                stack.append((index, b))
            }
        }
        return (0..<n).filter { keep[$0] }
    }

    static func squared(_ p: Point, _ q: Point) -> Double {
        let dx = Double(p.x - q.x)
        let dy = Double(p.y - q.y)
        return dx * dx + dy * dy
    }

    /// Squared distance from p to segment ab.
    static func squaredDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let vx = Double(b.x - a.x)
        let vy = Double(b.y - a.y)
        let wx = Double(p.x - a.x)
        let wy = Double(p.y - a.y)
        let length = vx * vx + vy * vy
        guard length > 0 else { return wx * wx + wy * wy }
        let t = min(max((wx * vx + wy * vy) / length, 0), 1)
        let dx = wx - t * vx
        let dy = wy - t * vy
        return dx * dx + dy * dy
    }

    /// Twice the signed area of a closed ring, in grid units (each term exact).
    static func signedArea(_ ring: [Point]) -> Double {
        guard let o = ring.first else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            let p = ring[i]
            let q = ring[i + 1]
            sum += Double((p.x - o.x) * (q.y - o.y) - (q.x - o.x) * (p.y - o.y))
        }
        return sum
    }
}
