import Foundation
import Testing

@testable import GatewayCommands

@Suite("Six-decimal number text (netmon ping --json)")
struct SixDecimalsTests {
    /// What the JSON writer wrote before: `%.6f`, trailing zeros and point dropped, `-0` as `0`.
    static func reference(_ value: Double) -> String {
        var text = String(format: "%.6f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    @Test("hand-worked values, exact ties rounded to even")
    func handWorked() {
        #expect(SixDecimals.text(0) == "0")
        #expect(SixDecimals.text(-0.0) == "0")
        #expect(SixDecimals.text(1) == "1")
        #expect(SixDecimals.text(20.0004) == "20.0004")
        #expect(SixDecimals.text(0.05) == "0.05")
        #expect(SixDecimals.text(-1.25) == "-1.25")
        #expect(SixDecimals.text(-0.0000004) == "0")
        #expect(SixDecimals.text(0.0000005) == "0")  // the double is 4.99999…e-7, just below half a millionth
        // 1/128 = 0.0078125 and 3/128 = 0.0234375 are exact: ties go to the even millionth.
        #expect(SixDecimals.text(1.0 / 128) == "0.007812")
        #expect(SixDecimals.text(3.0 / 128) == "0.023438")
        #expect(SixDecimals.text(0.9999996) == "1")
        #expect(SixDecimals.text(1234567.8912345) == "1234567.891235")  // the double is …8912345001
        #expect(SixDecimals.text(.nan) == "null")
        #expect(SixDecimals.text(.infinity) == "null")
    }

    @Test("agrees with %.6f on ties, near-ties and random values of every magnitude")
    func agreesWithFormat() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [1e10, -3e12, 4_294_967_295.9999995, 5e-7, 1.5e-6, 2.5e-6, 0.1, 0.7, 123.456]
        for k in 0..<2_000 {
            // Exact ties: odd multiples of 1/128 millionths… of every size.
            let tie = Double(2 * k + 1) / 128
            values += [tie, -tie, tie * 1_000, tie.nextUp, tie.nextDown]
        }
        for _ in 0..<20_000 {
            let scale = Double.random(in: -8...10, using: &generator)
            let value = Double.random(in: 0..<1, using: &generator) * pow(10, scale)
            values += [value, -value, (value * 1e6).rounded() / 1e6, ((value * 1e6).rounded() + 0.5) / 1e6]
        }
        var mismatches: [String] = []
        for value in values where SixDecimals.text(value) != Self.reference(value) {
            mismatches.append("\(value): \(SixDecimals.text(value)) vs \(Self.reference(value))")
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
