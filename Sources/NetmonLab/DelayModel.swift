#if canImport(Glibc)
    import Glibc
#endif

/// How long the lab responder holds each echo request before answering: a fixed delay plus jitter.
public struct DelayModel: Sendable, Hashable {
    /// Shape of the jitter.
    public enum Distribution: String, Sendable, Hashable, CaseIterable {
        /// Uniform on [−jitter, +jitter].
        case uniform
        /// Normal with standard deviation `jitter`, cut at ±4 σ.
        case normal
    }

    /// Fixed delay, seconds.
    public var delay: Double
    /// Jitter: half-width (uniform) or standard deviation (normal), seconds.
    public var jitter: Double
    /// Shape of the jitter.
    public var distribution: Distribution

    /// Creates a model; delays below zero are clamped to zero when drawn.
    public init(delay: Double, jitter: Double = 0, distribution: Distribution = .uniform) {
        self.delay = delay
        self.jitter = jitter
        self.distribution = distribution
    }

    /// Draws one delay in seconds (never negative).
    public func draw(using generator: inout some RandomNumberGenerator) -> Double {
        guard self.jitter > 0 else { return max(0, self.delay) }
        let offset: Double
        switch self.distribution {
        case .uniform:
            offset = Double.random(in: -self.jitter...self.jitter, using: &generator)
        case .normal:
            // Box–Muller; u1 in (0, 1] so the log is finite.
            let u1 = 1 - Double.random(in: 0..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            offset = min(4, max(-4, z)) * self.jitter
        }
        return max(0, self.delay + offset)
    }
}
