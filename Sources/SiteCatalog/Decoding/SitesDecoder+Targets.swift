import NetworkAddress
import Yams

/// Defaults, thresholds and probe targets.
extension SitesDecoder {
    func decodeDefaults(_ located: Located?) -> Defaults? {
        guard
            let fields = self.context.fields(
                located, "defaults", required: ["probe", "thresholds"], optional: ["capture", "signal", "location"])
        else {
            return nil
        }
        let probe = self.decodeProbeSettings(fields["probe"])
        let thresholds = self.decodeThresholds(fields["thresholds"], base: nil)
        var capture: CaptureSettings? = .standard
        if fields.has("capture") {
            capture = self.decodeCapture(fields["capture"], base: .standard)
            self.captureDefaults = capture ?? .standard
        }
        var signal: SignalSettings? = .standard
        if fields.has("signal") {
            self.signalDefaultsBlock = fields["signal"]
            signal = self.decodeSignal(fields["signal"], base: .standard)
            self.signalDefaults = signal ?? .standard
        }
        var location: GatewayLocation?? = .some(nil)
        if fields.has("location") {
            location = self.decodeLocation(fields["location"], base: nil).map { .some($0) }
            self.locationDefaults = location ?? nil
        }
        guard let probe, let thresholds, let capture, let signal, let location else { return nil }
        return Defaults(probe: probe, thresholds: thresholds, capture: capture, signal: signal, location: location)
    }

    func decodeProbeSettings(_ located: Located?) -> ProbeSettings? {
        guard
            let fields = self.context.fields(
                located, "probe defaults", required: ["probes", "step", "timeout", "interval"],
                optional: ["payload_bytes"])
        else { return nil }
        let probes = self.context.int(fields["probes"], in: 1...10_000)
        let step = self.context.duration(fields["step"])
        let timeout = self.context.duration(fields["timeout"])
        let interval = self.context.duration(fields["interval"])
        var payload: Int? = 56
        if fields.has("payload_bytes") { payload = self.context.int(fields["payload_bytes"], in: 0...65_000) }
        guard let probes, let step, let timeout, let interval, let payload else { return nil }
        // A round must end before the next one starts: (probes − 1) × interval + timeout ≤ step.
        let round = interval * (probes - 1) + timeout
        if round > step {
            self.context.report(
                "a round of \(probes) probes \(DurationText.format(interval)) apart with a \(DurationText.format(timeout)) timeout "
                    + "takes \(DurationText.format(round)), longer than `step` \(DurationText.format(step)); "
                    + "lengthen `step` or send fewer probes",
                at: fields["step"]!)
            return nil
        }
        return ProbeSettings(probes: probes, step: step, timeout: timeout, interval: interval, payloadBytes: payload)
    }

    /// Thresholds: with `base` nil every level is required (the defaults); with a base, an override in which any
    /// key may be left out and is taken from the base.
    func decodeThresholds(_ located: Located?, base: Thresholds?) -> Thresholds? {
        let required = base == nil ? ["latency_ms", "loss_ratio"] : []
        let optional = base == nil ? [] : ["latency_ms", "loss_ratio"]
        let what = base == nil ? "thresholds" : "threshold overrides"
        guard let fields = self.context.fields(located, what, required: required, optional: optional) else {
            return nil
        }
        let latency = self.decodeLevels(
            fields["latency_ms"], name: "latency_ms", base: base?.latencyMs, isRatio: false)
        let loss = self.decodeLevels(
            fields["loss_ratio"], name: "loss_ratio", base: base?.lossRatio, isRatio: true)
        guard let latency, let loss else { return nil }
        return Thresholds(latencyMs: latency, lossRatio: loss)
    }

    /// One set of levels; absent in an override means "the base's".
    private func decodeLevels(
        _ located: Located?, name: String, base: ThresholdLevels?, isRatio: Bool
    ) -> ThresholdLevels? {
        guard let located else { return base }
        let keys = ["warn", "critical", "clear"]
        guard
            let fields = self.context.fields(
                located, "`\(name)` thresholds", required: base == nil ? keys : [], optional: base == nil ? [] : keys)
        else { return nil }
        let range: ClosedRange<Double> = isRatio ? 0...1 : 0...600_000
        let rangeText = isRatio ? "a ratio between 0 and 1" : "between 0 and 600000 ms"
        func level(_ key: String, _ fallback: Double?) -> Double?? {
            guard fields.has(key) else { return .some(fallback) }
            guard let value = self.context.number(fields[key], in: range, rangeText: rangeText) else { return .none }
            return .some(value)
        }
        guard let warn = level("warn", base?.warn), let critical = level("critical", base?.critical),
            let clear = level("clear", base?.clear), let warn, let critical, let clear
        else { return nil }
        guard clear < warn, warn < critical else {
            let f = DecodeContext.format
            let inherited = base != nil && keys.contains { !fields.has($0) } ? " (with the defaults filled in)" : ""
            self.context.report(
                "`\(name)` thresholds must be ordered clear < warn < critical, found clear \(f(clear)), warn \(f(warn)), "
                    + "critical \(f(critical))\(inherited)",
                at: located)
            return nil
        }
        return ThresholdLevels(warn: warn, critical: critical, clear: clear)
    }

    /// A list of targets (services or a commune's own), checking that names are unique within it.
    func decodeTargets(_ located: Located?, what: String, owner: String, thresholds: Thresholds) -> [ProbeTarget]? {
        guard let items = self.context.list(located, what) else { return nil }
        var targets: [ProbeTarget] = []
        var names: [String: Located] = [:]
        var failed = false
        for item in items {
            guard
                let target = self.decodeTarget(
                    item, what: what == "services" ? "service" : "target", thresholds: thresholds)
            else {
                failed = true
                continue
            }
            let nameLocated = item.node.mapping.flatMap { _ in self.context.fieldsQuietly(item)?["name"] } ?? item
            if let first = names[target.name] {
                self.context.report(
                    "duplicate \(what == "services" ? "service" : "target") name `\(target.name)` in \(owner)\(Self.firstUse(first))",
                    at: nameLocated)
                failed = true
            } else {
                names[target.name] = nameLocated
            }
            targets.append(target)
        }
        return failed ? nil : targets
    }

    func decodeTarget(_ located: Located, what: String, thresholds: Thresholds) -> ProbeTarget? {
        guard
            let fields = self.context.fields(
                located, what, required: ["name", "address", "kind"],
                optional: ["port", "thresholds"] + Self.stampOnlyKeys)
        else { return nil }
        let name = self.context.string(fields["name"])
        let address = self.context.address(fields["address"])
        let kindText = self.context.string(fields["kind"])
        var kind: TargetKind?
        if kindText != "stamp" {
            // STAMP's own keys on another kind are mistakes, not silently ignored settings.
            for key in Self.stampOnlyKeys {
                guard let node = fields.keyNode(key) else { continue }
                self.context.report(
                    "`\(key)` applies to stamp targets only; remove it or use `kind: stamp`", at: node)
                return nil
            }
        }
        switch kindText {
        case "icmp":
            if let port = fields.keyNode("port") {
                self.context.report(
                    "`port` applies to tcp and stamp targets only; remove it or use `kind: tcp`", at: port)
            } else {
                kind = .icmp
            }
        case "tcp":
            if fields.has("port") {
                if let port = self.context.int(fields["port"], in: 1...65_535) { kind = .tcp(port: UInt16(port)) }
            } else {
                self.context.report(
                    "missing required key `port` in \(what) (a tcp target needs one)", at: located.mark,
                    field: located.appending(key: "port"))
            }
        case "stamp":
            kind = self.decodeSTAMPSettings(fields).map { .stamp($0) }
        case let text?:
            var message = "`\(text)` is not a target kind: use `icmp`, `tcp` or `stamp`"
            if let suggestion = EditDistance.suggestion(for: text, among: ["icmp", "tcp", "stamp"]) {
                message = "`\(text)` is not a target kind; did you mean `\(suggestion)`?"
            }
            self.context.report(message, at: fields["kind"]!)
        case nil:
            break
        }
        var resolved: Thresholds? = thresholds
        if fields.has("thresholds") { resolved = self.decodeThresholds(fields["thresholds"], base: thresholds) }
        guard let name, let address, let kind, let resolved else { return nil }
        return ProbeTarget(
            name: name, address: address, kind: kind,
            thresholds: resolved)
    }

    /// ` (first at line L, column C)` for messages about repeated values.
    static func firstUse(_ located: Located) -> String {
        guard let mark = located.mark else { return "" }
        return " (first at line \(mark.line), column \(mark.column))"
    }
}

extension DecodeContext {
    /// The fields of a mapping without reporting anything (used to find a key's position after a full read).
    func fieldsQuietly(_ located: Located) -> Fields? {
        guard case .mapping(let mapping) = located.node else { return nil }
        var entries: [String: (key: Node, value: Node)] = [:]
        var ordered: [String] = []
        for (key, value) in mapping {
            guard let text = key.string else { continue }
            entries[text] = (key, value)
            ordered.append(text)
        }
        return Fields(located: located, what: "", entries: entries, orderedKeys: ordered)
    }

    /// The items of a list without reporting anything (empty when it is not a list).
    func fieldsQuietlyList(_ located: Located?) -> [Located] {
        guard let located, case .sequence(let sequence) = located.node else { return [] }
        return sequence.enumerated().map { Located(node: $1, path: located.appending(index: $0)) }
    }
}
