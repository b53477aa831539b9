/// Where a commune's gateway stands (`location: { lat, lon }` under `defaults` or per commune), WGS 84 degrees.
///
/// The gateway's fixed signal reports are placed here, and the server's probes layer draws the gateway here
/// instead of at the commune's centroid.
public struct GatewayLocation: Sendable, Hashable {
    /// Latitude, −90…90.
    public var lat: Double
    /// Longitude, −180…180.
    public var lon: Double

    /// Creates a location (the decoder checks the ranges; this initialiser does not).
    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }
}

extension SitesConfig {
    /// Where `commune`'s gateway stands: its own `location` merged over the defaults', nil when neither gives one.
    public func location(for commune: Commune) -> GatewayLocation? {
        commune.location ?? self.defaults.location
    }
}
