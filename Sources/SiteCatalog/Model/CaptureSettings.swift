/// Passive capture on a commune gateway (`capture:` under `defaults` and per commune).
///
/// A commune's settings are its own keys over the defaults' keys. Capture runs only where the result names an
/// `interface` and is not switched off with `enabled: false`; ``SitesConfig/capture(for:)`` gives that answer.
public struct CaptureSettings: Sendable, Hashable {
    /// The interface to capture on (`eth1`, `any`, …); nil: no capture.
    public var interface: String?
    /// A BPF filter expression (libpcap syntax, checked when the capture opens), or nil for every packet.
    public var filter: String?
    /// Bytes kept per packet; 128 holds every header netmon decodes.
    public var snapshotLength: Int
    /// The kernel capture buffer, MiB. A gateway keeps it small: the ring counts in the daemon's resident memory.
    public var bufferMiB: Int
    /// False switches capture off for a commune even when the defaults name an interface.
    public var enabled: Bool

    /// The values used for keys that neither the commune nor the defaults set.
    public static let standard = CaptureSettings(
        interface: nil, filter: nil, snapshotLength: 128, bufferMiB: 2, enabled: true)

    /// Creates capture settings.
    public init(interface: String?, filter: String?, snapshotLength: Int, bufferMiB: Int, enabled: Bool = true) {
        self.interface = interface
        self.filter = filter
        self.snapshotLength = snapshotLength
        self.bufferMiB = bufferMiB
        self.enabled = enabled
    }

    /// Whether these settings start a capture.
    public var isActive: Bool { self.enabled && self.interface != nil }
}

extension SitesConfig {
    /// The capture `commune`'s gateway runs, or nil when it captures nothing.
    public func capture(for commune: Commune) -> CaptureSettings? {
        let settings = commune.capture ?? self.defaults.capture
        return settings.isActive ? settings : nil
    }
}
