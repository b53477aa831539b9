import Foundation

/// Quantiles of the standard normal distribution, for the z of a two-sided confidence level.
public enum NormalQuantile {
    /// The z with P(|Z| ≤ z) = `confidence` for a standard normal Z (1.959964 for 0.95), or nil unless
    /// 0 < confidence < 1.
    ///
    /// Solved by bisection on the complementary error function, P(|Z| > z) = erfc(z / √2), to about 1e-12: no
    /// table of coefficients to get wrong, and cheap enough for the few levels a configuration names.
    public static func twoSided(confidence: Double) -> Double? {
        guard confidence.isFinite, confidence > 0, confidence < 1 else { return nil }
        let tail = 1 - confidence
        var low = 0.0
        var high = 40.0
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if erfc(middle / 2.0.squareRoot()) > tail { low = middle } else { high = middle }
            if high - low < 1e-13 { break }
        }
        return (low + high) / 2
    }
}
