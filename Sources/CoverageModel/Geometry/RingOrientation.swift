/// Winding of rings in the plane of longitude (x) and latitude (y), as RFC 7946 means it.
public enum RingOrientation {
    /// Twice-free shoelace area in square degrees: positive when counter-clockwise. Works on open or
    /// closed rings.
    public static func signedArea(_ ring: [LatLng]) -> Double {
        let n = ring.count
        guard n >= 3 else { return 0 }
        var sum = 0.0
        // Relative to the first vertex, for precision.
        let o = ring[0]
        var prev = ring[n - 1]
        for p in ring {
            sum += (prev.lng - o.lng) * (p.lat - o.lat) - (p.lng - o.lng) * (prev.lat - o.lat)
            prev = p
        }
        return sum / 2
    }

    /// Whether the ring winds counter-clockwise (positive area).
    public static func isCounterClockwise(_ ring: [LatLng]) -> Bool { Self.signedArea(ring) > 0 }

    /// The ring wound counter-clockwise (`true`) or clockwise (`false`).
    public static func wound(_ ring: [LatLng], counterClockwise: Bool) -> [LatLng] {
        Self.isCounterClockwise(ring) == counterClockwise ? ring : ring.reversed()
    }

    /// The polygon with a counter-clockwise exterior and clockwise holes (RFC 7946).
    public static func rfc7946(_ polygon: GeoPolygon) -> GeoPolygon {
        GeoPolygon(
            exterior: Self.wound(polygon.exterior, counterClockwise: true),
            holes: polygon.holes.map { Self.wound($0, counterClockwise: false) })
    }
}
