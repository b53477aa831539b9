/// A point on the WGS 84 ellipsoid treated as a sphere, in degrees.
///
/// `lat` is the latitude (−90…90), `lng` the longitude (−180…180). GeoJSON writes the pair as `[lng, lat]`.
public struct LatLng: Sendable, Hashable {
    /// Latitude in degrees, positive north.
    public var lat: Double
    /// Longitude in degrees, positive east.
    public var lng: Double

    /// Creates a point from a latitude and a longitude in degrees.
    public init(lat: Double, lng: Double) {
        self.lat = lat
        self.lng = lng
    }

    /// Whether both coordinates are finite numbers.
    public var isFinite: Bool { self.lat.isFinite && self.lng.isFinite }
}
