import Foundation
import Testing

@testable import GatewayCommands

@Suite struct CNumberFormatTests {
    /// Values around rounding edges, signs, tiny and huge magnitudes, and a seeded random sweep.
    static func values() -> [Double] {
        var values: [Double] = [
            0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.0005, 0.0015, 0.00049999, 1e-7, -1e-7, 123.4565, 999.9995, 0.1 + 0.2,
            1e15, 1e22, 1.7976931348623157e308, 5e-324, 20.000_049_999, 0.05, 99.95, 100,
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let mantissa = Double(state >> 11) / Double(1 << 53)
            let exponent = Int((state >> 3) % 16) - 8
            values.append((mantissa - 0.3) * pow(10, Double(exponent)))
        }
        return values
    }

    @Test("fixed decimals print the same digits as String(format:)", arguments: [0, 1, 3, 6])
    func matchesFoundation(decimals: Int) {
        for value in Self.values() {
            let expected = String(format: "%.\(decimals)f", value)
            let actual = CNumberFormat.fixed(value, decimals: decimals)
            #expect(actual == expected, "\(value) with \(decimals) decimals")
            if actual != expected { return }
        }
    }
}
