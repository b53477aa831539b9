/// Even-odd point-in-ring test shared by the polygon types.
///
/// A ring is a list of vertices; it may be closed (last == first) or not, wound either way, and may cross
/// itself: a point is inside when a ray from it crosses the ring's edges an odd number of times.
enum GeoRing {
    /// Whether `p` is inside `ring` by the even-odd rule. Points exactly on an edge may go either way.
    static func contains(_ ring: [LatLng], _ p: LatLng) -> Bool {
        let n = ring.count
        guard n >= 3 else { return false }
        var inside = false
        var j = n - 1
        for i in 0..<n {
            let a = ring[j]
            let b = ring[i]
            // Half-open rule on latitude so a vertex is never counted twice.
            if (a.lat > p.lat) != (b.lat > p.lat) {
                let t = (p.lat - a.lat) / (b.lat - a.lat)
                let x = a.lng + t * (b.lng - a.lng)
                if p.lng < x { inside.toggle() }
            }
            j = i
        }
        return inside
    }
}
