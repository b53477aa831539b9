import ModemSignal

/// The `signal` and `location` blocks: `defaults.signal` / `defaults.location` and each commune's own, merged key
/// by key over the defaults as `capture` is. What depends on the merged result (a device for the source, a
/// location for the reports) is checked per commune by ``checkSignal(_:commune:signal:location:)``.
extension SitesDecoder {
    static let signalKeys = ["source", "interval", "device", "lte_sinr", "enabled"]
    static let locationKeys = ["lat", "lon"]

    /// The shortest and longest time between two readings.
    static let signalIntervals: ClosedRange<Duration> = .seconds(10) ... .seconds(86_400)

    /// Reads a `signal` mapping; keys left out come from `base`. Nil (reported) when any key is wrong.
    func decodeSignal(_ located: Located?, base: SignalSettings) -> SignalSettings? {
        guard let fields = self.context.fields(located, "signal", required: [], optional: Self.signalKeys) else {
            return nil
        }
        var settings = base
        var failed = false
        if fields.has("source") {
            if let source = self.context.choice(fields["source"], ModemSignalSource.self) {
                settings.source = source
            } else {
                failed = true
            }
        }
        if let intervalLocated = fields["interval"] {
            if let interval = self.context.duration(intervalLocated) {
                if Self.signalIntervals.contains(interval) {
                    settings.interval = interval
                } else {
                    self.context.report(
                        "`\(intervalLocated.path)` must be between 10s and 24h, found \(DurationText.format(interval))",
                        at: intervalLocated)
                    failed = true
                }
            } else {
                failed = true
            }
        }
        if let deviceLocated = fields["device"] {
            if deviceLocated.node.tagName == .int, let number = deviceLocated.node.int, number >= 0 {
                // `device: 0`: the ModemManager modem index written as a number.
                settings.device = String(number)
            } else if let device = self.context.string(deviceLocated) {
                if device.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
                    self.context.report(
                        "`\(deviceLocated.path)` must be one word: a modem index such as 0, or a device such as "
                            + "/dev/cdc-wdm0", at: deviceLocated)
                    failed = true
                } else {
                    settings.device = device
                }
            } else {
                failed = true
            }
        }
        if fields.has("lte_sinr") {
            if let scale = self.context.choice(fields["lte_sinr"], QuectelSINRScale.self) {
                settings.lteSINR = scale
            } else {
                failed = true
            }
        }
        if fields.has("enabled") {
            if let value = self.context.bool(fields["enabled"]) {
                settings.enabled = value
            } else {
                failed = true
            }
        }
        return failed ? nil : settings
    }

    /// Reads a `location` mapping; keys left out come from `base`. Nil (reported) when a value is wrong or the
    /// merged result lacks `lat` or `lon`.
    func decodeLocation(_ located: Located?, base: GatewayLocation?) -> GatewayLocation? {
        guard let located,
            let fields = self.context.fields(located, "location", required: [], optional: Self.locationKeys)
        else { return nil }
        var lat = base?.lat
        var lon = base?.lon
        var failed = false
        if fields.has("lat") {
            if let value = self.context.number(
                fields["lat"], in: -90...90, rangeText: "a latitude between -90 and 90 degrees")
            {
                lat = value
            } else {
                failed = true
            }
        }
        if fields.has("lon") {
            if let value = self.context.number(
                fields["lon"], in: -180...180, rangeText: "a longitude between -180 and 180 degrees")
            {
                lon = value
            } else {
                failed = true
            }
        }
        guard !failed else { return nil }
        guard let lat, let lon else {
            let missing = lat == nil ? "lat" : "lon"
            self.context.report(
                "`\(located.path)` needs both `lat` and `lon` (WGS 84 degrees); `\(missing)` is missing, e.g. "
                    + "location: { lat: 20.65, lon: 106.05 }", at: located)
            return nil
        }
        return GatewayLocation(lat: lat, lon: lon)
    }

    /// Checks a commune's merged signal settings: the source has the device it needs, in the form it needs, and
    /// the gateway has a location to place its reports at. Problems are reported at the commune's own `signal`
    /// block when it has one, else at the defaults' one.
    func checkSignal(_ commune: Located, code: String, signal: SignalSettings?, location: GatewayLocation?) {
        guard let signal, signal.isActive, let source = signal.source else { return }
        let at = self.communeSignalBlock(commune) ?? self.signalDefaultsBlock ?? commune
        switch source {
        case .mmcli:
            if let device = signal.device, !Self.isModemManagerModem(device) {
                self.context.report(
                    "commune \(code): `device` `\(device)` is not a ModemManager modem for mmcli: write its index "
                        + "(e.g. 0, as `mmcli -L` lists it), its D-Bus path or any", at: at)
            }
        case .qmicli, .quectel:
            let example = source == .qmicli ? "/dev/cdc-wdm0" : "/dev/ttyUSB2"
            if let device = signal.device {
                if !device.hasPrefix("/dev/") || device.count <= 5 {
                    self.context.report(
                        "commune \(code): `device` `\(device)` must be a device path for \(source.rawValue), e.g. "
                            + example, at: at)
                }
            } else {
                self.context.report(
                    "commune \(code): `signal.source: \(source.rawValue)` needs `device` (e.g. \(example))", at: at)
            }
        }
        if location == nil {
            self.context.report(
                "commune \(code) runs a signal monitor but has no `location`: its reports need the gateway's place; "
                    + "add location: { lat, lon } to the commune (or set `enabled: false` in its `signal`)", at: at)
        }
    }

    private func communeSignalBlock(_ commune: Located) -> Located? {
        guard case .mapping(let mapping) = commune.node else { return nil }
        for (key, value) in mapping where key.string == "signal" {
            return Located(node: value, path: commune.appending(key: "signal"))
        }
        return nil
    }

    /// What mmcli's `-m` takes: a modem index, a D-Bus object path, or `any`.
    static func isModemManagerModem(_ text: String) -> Bool {
        if text == "any" { return true }
        if !text.isEmpty, text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
        return text.hasPrefix("/org/freedesktop/ModemManager1/Modem/")
    }
}
