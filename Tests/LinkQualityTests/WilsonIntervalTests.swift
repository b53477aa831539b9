import LinkQuality
import Testing

/// The Wilson score interval against published values.
@Suite("Wilson score interval")
struct WilsonIntervalTests {
    /// Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven methods",
    /// Statistics in Medicine 17:857–872, Table II, method 3 (score interval without continuity correction), 95 %.
    static let newcombe: [(events: Int, trials: Int, lower: Double, upper: Double)] = [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ]

    @Test("Newcombe's Table II examples at 95 %", arguments: 0..<4)
    func newcombeExamples(index: Int) throws {
        let row = Self.newcombe[index]
        let interval = try #require(WilsonInterval(events: row.events, trials: row.trials, confidence: 0.95))
        #expect(abs(interval.lower - row.lower) < 0.00005, "lower \(interval.lower) for \(row.events)/\(row.trials)")
        #expect(abs(interval.upper - row.upper) < 0.00005, "upper \(interval.upper) for \(row.events)/\(row.trials)")
    }

    @Test("z of the usual two-sided levels: 1.644854 (90 %), 1.959964 (95 %), 2.575829 (99 %)")
    func normalQuantiles() throws {
        let cases: [(Double, Double)] = [(0.90, 1.644_853_6), (0.95, 1.959_964_0), (0.99, 2.575_829_3)]
        for (confidence, z) in cases {
            let value = try #require(NormalQuantile.twoSided(confidence: confidence))
            #expect(abs(value - z) < 1e-6, "\(confidence): \(value)")
        }
        #expect(NormalQuantile.twoSided(confidence: 1) == nil)
        #expect(NormalQuantile.twoSided(confidence: 0) == nil)
        #expect(NormalQuantile.twoSided(confidence: .nan) == nil)
    }

    @Test("the interval stays in [0, 1], and all lost gives an upper bound of 1")
    func bounds() throws {
        let all = try #require(WilsonInterval(events: 10, trials: 10, confidence: 0.95))
        #expect(all.upper == 1)
        // 10/10 mirrors 0/10: the lower bound is 1 − 0.2775.
        let none = try #require(WilsonInterval(events: 0, trials: 10, confidence: 0.95))
        #expect(none.lower == 0)
        #expect(abs(all.lower - (1 - none.upper)) < 1e-12)
        #expect(WilsonInterval(events: 1, trials: 0, confidence: 0.95) == nil)
        #expect(WilsonInterval(events: 11, trials: 10, confidence: 0.95) == nil)
        #expect(WilsonInterval(events: -1, trials: 10, confidence: 0.95) == nil)
    }

    @Test("a window must hold z²(1−c)/c loss-free probes before its upper bound can drop below c")
    func trialsToClear() throws {
        let z = try #require(NormalQuantile.twoSided(confidence: 0.95))
        let needed = try #require(WilsonInterval.trialsToBoundBelow(0.01, z: z))
        #expect(needed == 381)
        let short = try #require(WilsonInterval(events: 0, trials: needed - 1, z: z))
        let enough = try #require(WilsonInterval(events: 0, trials: needed, z: z))
        #expect(short.upper >= 0.01)
        #expect(enough.upper < 0.01)
        #expect(WilsonInterval.trialsToBoundBelow(0, z: z) == nil)
    }
}
