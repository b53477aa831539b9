/// Durations as written in sites.yaml: one or more `<number><unit>` parts, units `ms`, `s`, `m`, `h`, `d`
/// (`500ms`, `30s`, `5m`, `4h`, `1h30m`, `1.5s`), as in Prometheus and Alertmanager configuration.
public enum DurationText {
    /// Parses `text`; nil when it is not a duration of that form.
    public static func parse(_ text: String) -> Duration? {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var index = 0
        var total = 0.0
        while index < scalars.count {
            var number = ""
            while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." {
                number.unicodeScalars.append(scalars[index])
                index += 1
            }
            var unit = ""
            while index < scalars.count, ("a"..."z").contains(scalars[index]) {
                unit.unicodeScalars.append(scalars[index])
                index += 1
            }
            guard !number.isEmpty, let value = Double(number), let scale = Self.unitSeconds[unit] else { return nil }
            total += value * scale
        }
        guard total.isFinite, total <= Self.maximumSeconds else { return nil }
        return .nanoseconds(Int64((total * 1e9).rounded()))
    }

    /// `duration` in seconds.
    public static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A short text form that `parse` reads back: `250ms`, `30s`, `5m`, `4h`, `90s`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = (Self.seconds(duration) * 1000).rounded()
        for (unit, scale) in [("d", 86_400_000.0), ("h", 3_600_000.0), ("m", 60_000.0), ("s", 1000.0)]
        where milliseconds >= scale && milliseconds.truncatingRemainder(dividingBy: scale) == 0 {
            return "\(Int(milliseconds / scale))\(unit)"
        }
        return "\(Int(milliseconds))ms"
    }

    /// The longest duration accepted: ten years, far beyond any setting and well inside `Duration`'s nanoseconds.
    public static let maximumSeconds: Double = 10 * 366 * 86_400

    private static let unitSeconds: [String: Double] = ["ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400]
}
