/// Where the segments of a set of chains (the arcs of an ``ArcTopology``) meet other than end to end: they
/// cross, one's vertex lies on the other, they overlap along a line, or two segments are the same. Two
/// segments sharing one end point are fine unless they fold onto each other. Exact: points are integers on
/// the topology's grid.
enum SegmentContacts {
    /// A segment: from `arcs[arc][index]` to `arcs[arc][index + 1]`.
    struct Segment: Hashable {
        var arc: Int
        var index: Int
    }

    typealias Point = ArcTopology.Point

    /// Every pair of segments of `arcs` in contact, each pair once.
    static func pairs(in arcs: [[Point]]) -> [(Segment, Segment)] {
        var all: [Segment] = []
        var box = (minX: Int64.max, minY: Int64.max, maxX: Int64.min, maxY: Int64.min)
        for (a, chain) in arcs.enumerated() {
            for (i, p) in chain.enumerated() {
                box = (min(box.minX, p.x), min(box.minY, p.y), max(box.maxX, p.x), max(box.maxY, p.y))
                if i + 1 < chain.count { all.append(Segment(arc: a, index: i)) }
            }
        }
        guard all.count > 1 else { return [] }
        // A uniform grid of about one segment per cell on average.
        let extent = max(box.maxX - box.minX, box.maxY - box.minY, 1)
        let side = max(Int64(Double(all.count).squareRoot()), 1)
        let cell = max(extent / side, 1)
        let columns = extent / cell + 2
        var cells: [Int64: [Int]] = [:]
        for (s, segment) in all.enumerated() {
            let (p, q) = Self.ends(segment, arcs)
            let x0 = (min(p.x, q.x) - box.minX) / cell
            let x1 = (max(p.x, q.x) - box.minX) / cell
            let y0 = (min(p.y, q.y) - box.minY) / cell
            let y1 = (max(p.y, q.y) - box.minY) / cell
            for x in x0...x1 {
                for y in y0...y1 { cells[x * columns + y, default: []].append(s) }
            }
        }
        var found = Set<[Int]>()
        var out: [(Segment, Segment)] = []
        for members in cells.values where members.count > 1 {
            for i in 0..<(members.count - 1) {
                let s = members[i]
                let (a, b) = Self.ends(all[s], arcs)
                for t in members[(i + 1)...] {
                    let (c, d) = Self.ends(all[t], arcs)
                    guard Self.touch(a, b, c, d), found.insert([s, t]).inserted else { continue }
                    out.append((all[s], all[t]))
                }
            }
        }
        return out
    }

    static func ends(_ s: Segment, _ arcs: [[Point]]) -> (Point, Point) {
        (arcs[s.arc][s.index], arcs[s.arc][s.index + 1])
    }

    /// Whether segments ab and cd meet other than at one shared end point with different directions.
    static func touch(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
        if (a == c && b == d) || (a == d && b == c) { return true }
        if a == c { return Self.folds(a, b, d) }
        if a == d { return Self.folds(a, b, c) }
        if b == c { return Self.folds(b, a, d) }
        if b == d { return Self.folds(b, a, c) }
        let o1 = Self.orientation(a, b, c)
        let o2 = Self.orientation(a, b, d)
        let o3 = Self.orientation(c, d, a)
        let o4 = Self.orientation(c, d, b)
        if o1 * o2 < 0 && o3 * o4 < 0 { return true }
        return (o1 == 0 && Self.within(a, b, c)) || (o2 == 0 && Self.within(a, b, d))
            || (o3 == 0 && Self.within(c, d, a)) || (o4 == 0 && Self.within(c, d, b))
    }

    /// Whether segments sp and sq, sharing s, lie along each other.
    static func folds(_ s: Point, _ p: Point, _ q: Point) -> Bool {
        Self.orientation(s, p, q) == 0 && (p.x - s.x) * (q.x - s.x) + (p.y - s.y) * (q.y - s.y) > 0
    }

    /// −1, 0 or 1: the side of line ab that c is on (1: left).
    static func orientation(_ a: Point, _ b: Point, _ c: Point) -> Int {
        let v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
        return v > 0 ? 1 : (v < 0 ? -1 : 0)
    }

    /// Whether p, on line ab, lies within the segment.
    static func within(_ a: Point, _ b: Point, _ p: Point) -> Bool {
        p.x >= min(a.x, b.x) && p.x <= max(a.x, b.x) && p.y >= min(a.y, b.y) && p.y <= max(a.y, b.y)
    }
}
