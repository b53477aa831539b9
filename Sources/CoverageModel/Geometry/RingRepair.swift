/// Turns rings that cross or touch themselves into simple rings, so polygons written out are valid
/// (OGC simple features: rings simple, holes inside their exterior).
///
/// Method: coordinates are snapped to a grid (1e-6° by default: GeoJSON's 6 decimals), the ring is noded
/// at every crossing or touching of two of its segments, and the noded ring is cut into loops wherever a
/// vertex repeats. Loops with (almost) no area are dropped (spikes, slivers); the others are kept as
/// separate rings. Even-odd containment, which the rest of the model uses, sees the same area before and
/// after, up to the snapping and the dropped slivers.
public enum RingRepair {
    /// Rings thinner than this (square degrees, ≈ 1 m² here) are dropped.
    public static let minimumArea = 1e-10

    /// The simple rings a ring consists of (open: the first vertex is not repeated at the end).
    public static func simpleRings(_ ring: [LatLng], grid: Double = 1e-6) -> [[LatLng]] {
        var rings = [Self.clean(ring.map { Self.snap($0, grid) })]
        // Snapping an inserted crossing point can create a new crossing; a few passes settle it.
        for _ in 0..<4 {
            var changed = false
            var next: [[LatLng]] = []
            for r in rings where r.count >= 3 {
                let noded = Self.node(r, grid: grid)
                changed = changed || noded.changed
                next.append(contentsOf: Self.cutLoops(noded.ring))
            }
            rings = next
            if !changed { break }
        }
        var done: [[LatLng]] = []
        for r in rings {
            let c = Self.clean(r)
            if c.count >= 3 && abs(RingOrientation.signedArea(c)) >= Self.minimumArea { done.append(c) }
        }
        return done
    }

    /// A polygon set with simple rings: every piece of an exterior becomes an exterior (counter-clockwise),
    /// every piece of a hole a hole (clockwise) of the piece that contains it.
    public static func repaired(_ multi: GeoMultiPolygon, grid: Double = 1e-6) -> GeoMultiPolygon {
        var result: [GeoPolygon] = []
        for polygon in multi.polygons {
            let exteriors = Self.simpleRings(polygon.exterior, grid: grid).map {
                RingOrientation.wound($0, counterClockwise: true)
            }
            var pieces = exteriors.map { GeoPolygon(exterior: $0) }
            for hole in polygon.holes {
                for piece in Self.simpleRings(hole, grid: grid) {
                    let cw = RingOrientation.wound(piece, counterClockwise: false)
                    if let owner = pieces.indices.first(where: {
                        GeoRing.contains(pieces[$0].exterior, Self.interiorPoint(of: cw))
                    }) {
                        pieces[owner].holes.append(cw)
                    }
                }
            }
            result.append(contentsOf: pieces)
        }
        return GeoMultiPolygon(polygons: result)
    }

    /// A point just inside a simple ring (near the midpoint of its longest edge, on the left of a CCW ring
    /// or the right of a CW one); used to decide which exterior holds a hole.
    static func interiorPoint(of ring: [LatLng]) -> LatLng {
        guard ring.count >= 3 else { return ring.first ?? LatLng(lat: 0, lng: 0) }
        // Any vertex strictly inside the exterior tells; a hole touching the exterior at a vertex would
        // not, so take the midpoint of the first edge nudged toward the ring's centroid.
        var cx = 0.0
        var cy = 0.0
        for p in ring {
            cx += p.lng
            cy += p.lat
        }
        cx /= Double(ring.count)
        cy /= Double(ring.count)
        let a = ring[0]
        let b = ring[1]
        let mx = (a.lng + b.lng) / 2
        let my = (a.lat + b.lat) / 2
        return LatLng(lat: my + (cy - my) * 1e-3, lng: mx + (cx - mx) * 1e-3)
    }

    @inline(__always)
    static func snap(_ p: LatLng, _ grid: Double) -> LatLng {
        LatLng(lat: (p.lat / grid).rounded() * grid, lng: (p.lng / grid).rounded() * grid)
    }

    /// Open ring without consecutive duplicates and without back-and-forth spikes (a → b → a).
    static func clean(_ ring: [LatLng]) -> [LatLng] {
        var out: [LatLng] = []
        out.reserveCapacity(ring.count)
        for p in ring {
            if let last = out.last, last == p { continue }
            if out.count >= 2 && out[out.count - 2] == p {
                out.removeLast()
                continue
            }
            out.append(p)
        }
        while out.count >= 2 && out.first == out.last { out.removeLast() }
        // Spikes across the closing point.
        var changed = true
        while changed && out.count >= 3 {
            changed = false
            if out[out.count - 2] == out[0] {
                out.removeLast()
                changed = true
            } else if out[1] == out[out.count - 1] {
                out.removeFirst()
                changed = true
            }
            while out.count >= 2 && out.first == out.last {
                out.removeLast()
                changed = true
            }
        }
        return out
    }

    /// Inserts every crossing or touching point of non-adjacent segments into both segments.
    static func node(_ ring: [LatLng], grid: Double) -> (ring: [LatLng], changed: Bool) {
        let n = ring.count
        guard n >= 4 else { return (ring, false) }
        struct Segment {
            var minX, maxX, minY, maxY: Double
            var index: Int
        }
        var segments: [Segment] = (0..<n).map { i in
            let a = ring[i]
            let b = ring[(i + 1) % n]
            return Segment(
                minX: min(a.lng, b.lng), maxX: max(a.lng, b.lng), minY: min(a.lat, b.lat), maxY: max(a.lat, b.lat),
                index: i)
        }
        segments.sort { $0.minX < $1.minX }
        var inserts: [Int: [(Double, LatLng)]] = [:]
        for s in 0..<n {
            let si = segments[s]
            var t = s + 1
            while t < n && segments[t].minX <= si.maxX {
                let ti = segments[t]
                t += 1
                if ti.minY > si.maxY || ti.maxY < si.minY { continue }
                let i = si.index
                let j = ti.index
                let d = abs(i - j)
                if d == 1 || d == n - 1 { continue }  // neighbours share a vertex by construction
                let a = ring[i]
                let b = ring[(i + 1) % n]
                let c = ring[j]
                let e = ring[(j + 1) % n]
                for (param, point) in Self.contacts(a, b, c, e) {
                    if param.0 > 0 && param.0 < 1 { inserts[i, default: []].append((param.0, Self.snap(point, grid))) }
                    if param.1 > 0 && param.1 < 1 { inserts[j, default: []].append((param.1, Self.snap(point, grid))) }
                }
            }
        }
        if inserts.isEmpty { return (ring, false) }
        var out: [LatLng] = []
        out.reserveCapacity(n + inserts.count * 2)
        for i in 0..<n {
            out.append(ring[i])
            if let extra = inserts[i] {
                for (_, p) in extra.sorted(by: { $0.0 < $1.0 }) where p != out.last! { out.append(p) }
            }
        }
        let cleaned = Self.clean(out)
        return (cleaned, cleaned != ring)
    }

    /// Where segments ab and ce meet: parameters along each and the point (crossing, or the end points
    /// of a collinear overlap, or an end point lying on the other segment).
    static func contacts(_ a: LatLng, _ b: LatLng, _ c: LatLng, _ e: LatLng) -> [((Double, Double), LatLng)] {
        let rx = b.lng - a.lng
        let ry = b.lat - a.lat
        let sx = e.lng - c.lng
        let sy = e.lat - c.lat
        let denom = rx * sy - ry * sx
        let qpx = c.lng - a.lng
        let qpy = c.lat - a.lat
        if denom != 0 {
            let t = (qpx * sy - qpy * sx) / denom
            let u = (qpx * ry - qpy * rx) / denom
            guard t >= 0, t <= 1, u >= 0, u <= 1 else { return [] }
            return [((t, u), LatLng(lat: a.lat + t * ry, lng: a.lng + t * rx))]
        }
        // Parallel: only collinear overlaps matter.
        guard qpx * ry - qpy * rx == 0 else { return [] }
        let rr = rx * rx + ry * ry
        let ss = sx * sx + sy * sy
        guard rr > 0, ss > 0 else { return [] }
        var out: [((Double, Double), LatLng)] = []
        func paramOnAB(_ p: LatLng) -> Double { ((p.lng - a.lng) * rx + (p.lat - a.lat) * ry) / rr }
        func paramOnCE(_ p: LatLng) -> Double { ((p.lng - c.lng) * sx + (p.lat - c.lat) * sy) / ss }
        for p in [c, e] {
            let t = paramOnAB(p)
            if t > 0 && t < 1 { out.append(((t, paramOnCE(p)), p)) }
        }
        for p in [a, b] {
            let u = paramOnCE(p)
            if u > 0 && u < 1 { out.append(((paramOnAB(p), u), p)) }
        }
        return out
    }

    /// Cuts a noded ring into loops at repeated vertices.
    static func cutLoops(_ ring: [LatLng]) -> [[LatLng]] {
        var loops: [[LatLng]] = []
        var stack: [LatLng] = []
        var position: [LatLng: Int] = [:]
        for p in ring {
            if let at = position[p] {
                let loop = Array(stack[at...])
                for q in stack[(at + 1)...] { position[q] = nil }
                stack.removeSubrange((at + 1)...)
                loops.append(loop)
            } else {
                position[p] = stack.count
                stack.append(p)
            }
        }
        loops.append(stack)
        return loops.map { Self.clean($0) }.filter { $0.count >= 3 }
    }
}
