import LinkQuality

/// `call_quality:` (the meeting score's assumptions and colours) and `alerts.rules.loss` (how loss is judged).
extension SitesDecoder {
    func decodeCallQuality(_ located: Located?) -> CallQualitySettings? {
        guard
            let fields = self.context.fields(
                located, "call_quality", required: [],
                optional: ["target", "window", "codec", "packet_ms", "jitter_buffer", "levels"])
        else { return nil }
        let defaults = CallQualitySettings.standard
        var target: String? = defaults.target
        if let targetLocated = fields["target"] {
            target = self.context.string(targetLocated)
            self.callQualityTarget = targetLocated
        }
        var window: Double? = defaults.windowSeconds
        if let windowLocated = fields["window"], let duration = self.context.duration(windowLocated) {
            let seconds = DurationText.seconds(duration)
            if seconds < 60 || seconds > 86_400 {
                self.context.report(
                    "`call_quality.window` must be between 1m and 24h (rounds pooled for the score)", at: windowLocated)
                window = nil
            } else {
                window = seconds
            }
        } else if fields.has("window") {
            window = nil
        }
        var codec: CallCodec? = defaults.codec
        if fields.has("codec") { codec = self.context.choice(fields["codec"], CallCodec.self) }
        var packetMs: Double? = defaults.packetMs
        if fields.has("packet_ms") {
            packetMs = self.context.number(fields["packet_ms"], in: 5...200, rangeText: "between 5 and 200 ms")
        }
        var buffer: JitterBuffer? = defaults.jitterBuffer
        if fields.has("jitter_buffer") { buffer = self.decodeJitterBuffer(fields["jitter_buffer"]) }
        var levels: CallQualityLevels? = defaults.levels
        if fields.has("levels") { levels = self.decodeCallQualityLevels(fields["levels"]) }
        guard let target, let window, let codec, let packetMs, let buffer, let levels else { return nil }
        return CallQualitySettings(
            codec: codec, packetMs: packetMs, jitterBuffer: buffer, levels: levels, target: target,
            windowSeconds: window)
    }

    /// `{ mode: adaptive, multiple: 2, min_ms: 10 }` or `{ mode: fixed, depth_ms: 60 }`.
    private func decodeJitterBuffer(_ located: Located?) -> JitterBuffer? {
        guard
            let fields = self.context.fields(
                located, "jitter_buffer", required: ["mode"], optional: ["multiple", "min_ms", "depth_ms"])
        else { return nil }
        guard let modeLocated = fields["mode"], let mode = self.context.string(modeLocated) else { return nil }
        switch mode {
        case "adaptive":
            if let key = fields.keyNode("depth_ms") {
                self.context.report("`depth_ms` is for `mode: fixed`; an adaptive buffer takes `multiple`", at: key)
                return nil
            }
            var multiple: Double? = 2
            if fields.has("multiple") {
                multiple = self.context.number(fields["multiple"], in: 0...20, rangeText: "between 0 and 20")
            }
            var minimum: Double? = 10
            if fields.has("min_ms") {
                minimum = self.context.number(fields["min_ms"], in: 0...1000, rangeText: "between 0 and 1000 ms")
            }
            guard let multiple, let minimum else { return nil }
            return .adaptive(multiple: multiple, minimumMs: minimum)
        case "fixed":
            for key in ["multiple", "min_ms"] {
                if let keyNode = fields.keyNode(key) {
                    self.context.report(
                        "`\(key)` is for `mode: adaptive`; a fixed buffer takes `depth_ms`", at: keyNode)
                    return nil
                }
            }
            guard let depthLocated = fields["depth_ms"] else {
                self.context.report("a fixed jitter buffer needs `depth_ms`", at: modeLocated)
                return nil
            }
            return self.context.number(depthLocated, in: 0...1000, rangeText: "between 0 and 1000 ms").map {
                .fixed(depthMs: $0)
            }
        default:
            var message = "`\(mode)` is not one of `adaptive`, `fixed` for `\(modeLocated.path)`"
            if let suggestion = EditDistance.suggestion(for: mode, among: ["adaptive", "fixed"]) {
                message += "; did you mean `\(suggestion)`?"
            }
            self.context.report(message, at: modeLocated)
            return nil
        }
    }

    /// `{ good: 80, fair: 70, poor: 60 }`: R levels, 0–100, each below the one before.
    private func decodeCallQualityLevels(_ located: Located?) -> CallQualityLevels? {
        guard
            let fields = self.context.fields(
                located, "call_quality levels", required: ["good", "fair", "poor"])
        else { return nil }
        let range = "an R between 0 and 100"
        let good = self.context.number(fields["good"], in: 0...100, rangeText: range)
        let fair = self.context.number(fields["fair"], in: 0...100, rangeText: range)
        let poor = self.context.number(fields["poor"], in: 0...100, rangeText: range)
        guard let good, let fair, let poor else { return nil }
        guard good > fair, fair > poor else {
            if let located {
                self.context.report(
                    "call_quality levels must fall: good > fair > poor, found good \(DecodeContext.format(good)), "
                        + "fair \(DecodeContext.format(fair)), poor \(DecodeContext.format(poor))",
                    at: located)
            }
            return nil
        }
        return CallQualityLevels(good: good, fair: fair, poor: poor)
    }

    /// `call_quality.target` must be a target some commune probes.
    func checkCallQualityTarget(_ settings: CallQualitySettings, network: Network, communes: [Commune]) {
        let defaults = ["hub"] + network.datacenter.services.map(\.name)
        var names = Set(communes.compactMap(\.targets).flatMap { $0.map(\.name) })
        if communes.contains(where: { $0.targets == nil }) { names.formUnion(defaults) }
        guard !names.contains(settings.target) else { return }
        let known = names.sorted()
        var message = "no commune probes `\(settings.target)`, the call_quality target"
        if let suggestion = EditDistance.suggestion(for: settings.target, among: known) {
            message += "; did you mean `\(suggestion)`?"
        } else {
            message += " (targets: \(known.map { "`\($0)`" }.joined(separator: ", ")))"
        }
        if let located = self.callQualityTarget { self.context.report(message, at: located) }
    }

    /// `{ window_probes: 100, clear_window_probes: 400, confidence: 0.95 }`.
    func decodeLossJudgement(_ located: Located?) -> LossJudgement? {
        guard
            let fields = self.context.fields(
                located, "loss rule", required: [], optional: ["window_probes", "clear_window_probes", "confidence"])
        else { return nil }
        let defaults = LossJudgement.standard
        var window: Int? = defaults.windowProbes
        if fields.has("window_probes") { window = self.context.int(fields["window_probes"], in: 1...1_000_000) }
        var clearWindow: Int? = defaults.clearWindowProbes
        if fields.has("clear_window_probes") {
            clearWindow = self.context.int(fields["clear_window_probes"], in: 1...1_000_000)
        }
        var confidence: Double? = defaults.confidence
        if fields.has("confidence") {
            confidence = self.context.number(
                fields["confidence"], in: 0.5...0.9999, rangeText: "a level between 0.5 and 0.9999 (e.g. 0.95)")
        }
        guard let window, let clearWindow, let confidence else { return nil }
        return LossJudgement(windowProbes: window, clearWindowProbes: clearWindow, confidence: confidence)
    }
}
