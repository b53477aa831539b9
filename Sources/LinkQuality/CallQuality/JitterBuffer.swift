/// The receiver's playout (jitter) buffer, which turns delay variation into delay.
public enum JitterBuffer: Sendable, Hashable, Codable {
    /// A buffer of fixed depth (milliseconds), whatever the delay variation.
    case fixed(depthMs: Double)
    /// An adaptive buffer that holds `multiple` × the delay variation, never less than `minimumMs`.
    case adaptive(multiple: Double, minimumMs: Double)

    /// The default: adaptive, twice the delay variation (the usual rule of thumb for adaptive playout, also used by
    /// the common simplification "effective latency = latency + 2 × jitter + 10 ms"), at least 10 ms.
    public static let standard = JitterBuffer.adaptive(multiple: 2, minimumMs: 10)

    /// The delay the buffer adds, milliseconds, for a one-way delay variation in milliseconds.
    public func delayMs(delayVariationMs: Double) -> Double {
        let variation = delayVariationMs.isFinite ? max(0, delayVariationMs) : 0
        switch self {
        case .fixed(let depthMs): return depthMs
        case .adaptive(let multiple, let minimumMs): return max(minimumMs, multiple * variation)
        }
    }
}
