import ArgumentParser
import Foundation

/// A duration on the command line: a number with a unit (`20ms`, `1.5s`, `500us`, `2m`), or a bare number in
/// the option's default unit (milliseconds for fping-style options such as `--period 50`).
public struct DurationArgument: Sendable, Hashable, CustomStringConvertible {
    /// The duration in seconds.
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// Parses `text`; bare numbers are taken in `defaultUnitSeconds` (0.001 = milliseconds).
    public init?(parsing text: String, defaultUnitSeconds: Double = 0.001) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value.isFinite, value >= 0 else { return nil }
            self.seconds = value * scale
            return
        }
        guard let value = Double(trimmed), value.isFinite, value >= 0 else { return nil }
        self.seconds = value * defaultUnitSeconds
    }

    public var description: String {
        self.seconds >= 1 ? "\(self.seconds)s" : "\(self.seconds * 1000)ms"
    }
}

extension DurationArgument: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}
