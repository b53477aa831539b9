/// A polygon: one exterior ring and any number of holes, in degrees.
///
/// Rings may be closed or open, wound either way, and may self-intersect; containment is even-odd per ring:
/// a point is inside when it is inside the exterior and inside no hole.
public struct GeoPolygon: Sendable, Hashable {
    /// The outer ring.
    public var exterior: [LatLng]
    /// The holes, each a ring.
    public var holes: [[LatLng]]

    /// Creates a polygon from its exterior ring and holes.
    public init(exterior: [LatLng], holes: [[LatLng]] = []) {
        self.exterior = exterior
        self.holes = holes
    }

    /// Whether `p` is inside the exterior (even-odd) and inside no hole.
    public func contains(_ p: LatLng) -> Bool {
        guard GeoRing.contains(self.exterior, p) else { return false }
        for hole in self.holes where GeoRing.contains(hole, p) {
            return false
        }
        return true
    }

    /// The box around the exterior ring, or `nil` when the exterior is empty.
    public var boundingBox: GeoBoundingBox? {
        GeoBoundingBox(points: self.exterior)
    }
}
