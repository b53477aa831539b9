/// Several polygons taken together (a GeoJSON MultiPolygon).
public struct GeoMultiPolygon: Sendable, Hashable {
    /// The member polygons.
    public var polygons: [GeoPolygon]

    /// Creates a multipolygon from its members.
    public init(polygons: [GeoPolygon]) {
        self.polygons = polygons
    }

    /// Whether any member polygon contains `p`.
    public func contains(_ p: LatLng) -> Bool {
        self.polygons.contains { $0.contains(p) }
    }

    /// The box around every member's exterior, or `nil` when there are none.
    public var boundingBox: GeoBoundingBox? {
        var box: GeoBoundingBox?
        for polygon in self.polygons {
            guard let b = polygon.boundingBox else { continue }
            box = box.map { $0.union(b) } ?? b
        }
        return box
    }
}
