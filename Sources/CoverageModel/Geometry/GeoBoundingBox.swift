/// An axis-aligned box in latitude and longitude (degrees). Does not wrap the antimeridian.
public struct GeoBoundingBox: Sendable, Hashable {
    /// Southern edge (minimum latitude).
    public var minLat: Double
    /// Western edge (minimum longitude).
    public var minLng: Double
    /// Northern edge (maximum latitude).
    public var maxLat: Double
    /// Eastern edge (maximum longitude).
    public var maxLng: Double

    /// Creates a box from its edges.
    public init(minLat: Double, minLng: Double, maxLat: Double, maxLng: Double) {
        self.minLat = minLat
        self.minLng = minLng
        self.maxLat = maxLat
        self.maxLng = maxLng
    }

    /// The smallest box holding every point, or `nil` for no points.
    public init?<S: Sequence>(points: S) where S.Element == LatLng {
        var box: GeoBoundingBox?
        for p in points {
            if box == nil {
                box = GeoBoundingBox(minLat: p.lat, minLng: p.lng, maxLat: p.lat, maxLng: p.lng)
            } else {
                box!.extend(with: p)
            }
        }
        guard let box else { return nil }
        self = box
    }

    /// Grows the box to hold `p`.
    public mutating func extend(with p: LatLng) {
        self.minLat = Swift.min(self.minLat, p.lat)
        self.maxLat = Swift.max(self.maxLat, p.lat)
        self.minLng = Swift.min(self.minLng, p.lng)
        self.maxLng = Swift.max(self.maxLng, p.lng)
    }

    /// The smallest box holding both boxes.
    public func union(_ other: GeoBoundingBox) -> GeoBoundingBox {
        GeoBoundingBox(
            minLat: Swift.min(self.minLat, other.minLat), minLng: Swift.min(self.minLng, other.minLng),
            maxLat: Swift.max(self.maxLat, other.maxLat), maxLng: Swift.max(self.maxLng, other.maxLng))
    }

    /// Whether `p` lies inside the box or on its edge.
    public func contains(_ p: LatLng) -> Bool {
        p.lat >= self.minLat && p.lat <= self.maxLat && p.lng >= self.minLng && p.lng <= self.maxLng
    }
}
