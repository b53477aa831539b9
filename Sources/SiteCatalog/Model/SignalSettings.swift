import ModemSignal

/// The gateway's modem as a fixed signal monitor (`signal:` under `defaults` and per commune).
///
/// A commune's settings are its own keys over the defaults' keys, as for ``CaptureSettings``. The monitor runs only
/// where the result names a `source` and is not switched off with `enabled: false`; ``SitesConfig/signal(for:)``
/// gives that answer.
public struct SignalSettings: Sendable, Hashable {
    /// The tool the reading comes from; nil: no signal monitor.
    public var source: ModemSignalSource?
    /// Time between two readings.
    public var interval: Duration
    /// The modem: ModemManager's modem index (or D-Bus path, or `any`) for mmcli, the QMI device
    /// (`/dev/cdc-wdm0`) for qmicli, the AT port (`/dev/ttyUSB2`) for quectel. Nil: `any` for mmcli.
    public var device: String?
    /// How a Quectel module writes the LTE SINR (`lte_sinr: fifths | db`).
    public var lteSINR: QuectelSINRScale
    /// False switches the monitor off for a commune even when the defaults name a source.
    public var enabled: Bool

    /// The values used for keys that neither the commune nor the defaults set: one reading every five minutes.
    public static let standard = SignalSettings(
        source: nil, interval: .seconds(300), device: nil, lteSINR: .fifthsFromMinus20, enabled: true)

    /// Creates signal settings.
    public init(
        source: ModemSignalSource?, interval: Duration, device: String?, lteSINR: QuectelSINRScale = .fifthsFromMinus20,
        enabled: Bool = true
    ) {
        self.source = source
        self.interval = interval
        self.device = device
        self.lteSINR = lteSINR
        self.enabled = enabled
    }

    /// Whether these settings start a signal monitor.
    public var isActive: Bool { self.enabled && self.source != nil }
}

extension SitesConfig {
    /// The signal monitor `commune`'s gateway runs, or nil when it runs none.
    public func signal(for commune: Commune) -> SignalSettings? {
        let settings = commune.signal ?? self.defaults.signal
        return settings.isActive ? settings : nil
    }
}
