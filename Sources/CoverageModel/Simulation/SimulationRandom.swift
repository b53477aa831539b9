/// A small, fast, seedable generator (SplitMix64) so a seed gives the same drive tests everywhere.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { self.state = seed ^ 0x9E37_79B9_7F4A_7C15 }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(self.next() >> 11) * 0x1.0p-53 }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + (b - a) * self.unit() }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(self.unit(), 1e-300)
        let v = self.unit()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// A stateless hash of integers to [0, 1): spatially fixed noise.
    static func hashUnit(_ seed: UInt64, _ a: Int64, _ b: Int64) -> Double {
        var r = SimulationRandom(
            seed: seed &+ UInt64(bitPattern: a) &* 0x1000_0000_01B3 &+ UInt64(bitPattern: b) &* 0xC2B2_AE3D_27D4_EB4F)
        _ = r.next()
        return r.unit()
    }
}

#if canImport(Glibc)
    import Glibc
    @inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
    @inline(__always) func _sin(_ x: Double) -> Double { Glibc.sin(x) }
    @inline(__always) func _log10(_ x: Double) -> Double { Glibc.log10(x) }
#else
    import Darwin
    @inline(__always) func _log(_ x: Double) -> Double { Darwin.log(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Darwin.cos(x) }
    @inline(__always) func _sin(_ x: Double) -> Double { Darwin.sin(x) }
    @inline(__always) func _log10(_ x: Double) -> Double { Darwin.log10(x) }
#endif
