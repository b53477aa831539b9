import ModemSignal

/// The gateway's signal monitor as sites.yaml configures it for this commune: which modem to read, how often, and
/// where the gateway stands (every report is placed there).
public struct AgentSignal: Sendable, Hashable {
    /// The modem and its tool.
    public var reader: ModemReader
    /// Time between two readings.
    public var interval: Duration
    /// The gateway's location, WGS 84 degrees.
    public var lat: Double
    public var lon: Double

    public init(reader: ModemReader, interval: Duration, lat: Double, lon: Double) {
        self.reader = reader
        self.interval = interval
        self.lat = lat
        self.lon = lon
    }
}
