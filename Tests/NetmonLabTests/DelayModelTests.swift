import Testing

@testable import NetmonLab

@Suite("Delay model of the lab responder")
struct DelayModelTests {
    @Test("the same seed draws the same delays; another seed does not")
    func deterministic() {
        let model = DelayModel(delay: 0.020, jitter: 0.002)
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let first = (0..<100).map { _ in model.draw(using: &a) }
        #expect(first == (0..<100).map { _ in model.draw(using: &b) })
        #expect(first != (0..<100).map { _ in model.draw(using: &c) })
    }

    @Test("SplitMix64 reference output for seed 0")
    func splitMixReference() {
        // First outputs of SplitMix64 seeded with 0 (Vigna's reference implementation).
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("uniform jitter stays within ±jitter with the right mean and spread")
    func uniform() {
        let model = DelayModel(delay: 0.020, jitter: 0.002, distribution: .uniform)
        var generator = SplitMix64(seed: 7)
        let draws = (0..<20_000).map { _ in model.draw(using: &generator) }
        #expect(draws.allSatisfy { $0 >= 0.018 && $0 <= 0.022 })
        let mean = draws.reduce(0, +) / Double(draws.count)
        #expect(abs(mean - 0.020) < 0.0001)
        // Variance of U(−a, a) is a²/3.
        let variance = draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)
        #expect(abs(variance.squareRoot() - 0.002 / 3.0.squareRoot()) < 0.0001)
    }

    @Test("normal jitter has the requested standard deviation; delays are never negative")
    func normal() {
        let model = DelayModel(delay: 0.010, jitter: 0.001, distribution: .normal)
        var generator = SplitMix64(seed: 9)
        let draws = (0..<20_000).map { _ in model.draw(using: &generator) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let deviation = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(draws.count)).squareRoot()
        #expect(abs(mean - 0.010) < 0.00005)
        #expect(abs(deviation - 0.001) < 0.00005)
        let clamped = DelayModel(delay: 0.001, jitter: 0.005, distribution: .normal)
        #expect((0..<1000).allSatisfy { _ in clamped.draw(using: &generator) >= 0 })
        #expect(DelayModel(delay: 0.005).draw(using: &generator) == 0.005)
    }
}
