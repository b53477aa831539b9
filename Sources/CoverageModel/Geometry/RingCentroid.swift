/// The area centroid of a ring in the longitude–latitude plane (shoelace; fine for commune-sized rings).
public enum RingCentroid {
    /// The centroid of an open or closed ring; its first vertex when the ring has no area, nil when empty.
    public static func of(_ ring: [LatLng]) -> LatLng? {
        guard let o = ring.first else { return nil }
        var twiceArea = 0.0
        var cx = 0.0
        var cy = 0.0
        // Relative to the first vertex, for precision.
        for i in ring.indices {
            let p = ring[i]
            let q = ring[(i + 1) % ring.count]
            let (px, py, qx, qy) = (p.lng - o.lng, p.lat - o.lat, q.lng - o.lng, q.lat - o.lat)
            let f = px * qy - qx * py
            twiceArea += f
            cx += (px + qx) * f
            cy += (py + qy) * f
        }
        guard abs(twiceArea) > 2e-12 else { return o }
        return LatLng(lat: o.lat + cy / (3 * twiceArea), lng: o.lng + cx / (3 * twiceArea))
    }
}
