import Testing

@testable import NetMonitor

@Suite("Statistics: summary, percentiles, jitter, PDV, loss")
struct StatisticsTests {
    // Worked by hand: sorted 10 11 12 13 15; mean 61/5 = 12.2; squared deviations 4.84 + 0.04 + 1.44 + 7.84 + 0.64
    // = 14.8; population variance 2.96, sample variance 3.7.
    let series: [Double] = [10, 12, 11, 15, 13]

    @Test("summary of an odd count")
    func oddSummary() throws {
        let summary = try #require(SampleSummary(self.series))
        #expect(summary.count == 5)
        #expect(summary.min == 10)
        #expect(summary.max == 15)
        #expect(summary.median == 12)
        #expect(abs(summary.mean - 12.2) < 1e-12)
        #expect(abs(summary.standardDeviation - 2.96.squareRoot()) < 1e-12)
        #expect(abs(summary.sampleStandardDeviation! - 3.7.squareRoot()) < 1e-12)
        #expect(summary.p95 == 15)  // rank ⌈0.95·5⌉ = 5
        #expect(summary.sorted == [10, 11, 12, 13, 15])
    }

    @Test("median of an even count is the mean of the two middle values")
    func evenMedian() throws {
        #expect(try #require(SampleSummary([4, 1, 3, 2])).median == 2.5)
        #expect(try #require(SampleSummary([7, 7])).median == 7)
    }

    @Test("one sample: everything is that sample, stddev 0, no sample stddev")
    func single() throws {
        let summary = try #require(SampleSummary([3.5]))
        #expect(summary.min == 3.5 && summary.max == 3.5 && summary.median == 3.5 && summary.p95 == 3.5)
        #expect(summary.standardDeviation == 0)
        #expect(summary.sampleStandardDeviation == nil)
        #expect(SampleSummary([]) == nil)
    }

    @Test("nearest-rank percentiles on 1…20 (RFC 2330 §11.3)")
    func percentiles() {
        let values = (1...20).map(Double.init)
        #expect(Percentile.nearestRank(95, sorted: values) == 19)  // ⌈19⌉ = 19
        #expect(Percentile.nearestRank(99, sorted: values) == 20)  // ⌈19.8⌉ = 20
        #expect(Percentile.nearestRank(50, sorted: values) == 10)  // not interpolated to 10.5
        #expect(Percentile.nearestRank(0, sorted: values) == 1)
        #expect(Percentile.nearestRank(100, sorted: values) == 20)
        #expect(Percentile.nearestRank(96, of: values.reversed()) == 20)  // ⌈19.2⌉ = 20
        #expect(Percentile.nearestRank(95, sorted: []) == nil)
        let hundred = (1...100).map(Double.init)
        #expect(Percentile.nearestRank(99, sorted: hundred) == 99)
        #expect(Percentile.nearestRank(99.9, sorted: (1...1000).map(Double.init)) == 999)
    }

    @Test("RFC 3550 jitter on 10 12 11 15 13: 0.125, 0.1796875, 0.41845703125, 0.517303466796875")
    func jitter() throws {
        var jitter = InterarrivalJitter()
        let expected = [0, 0.125, 0.1796875, 0.41845703125, 0.517303466796875]
        for (sample, value) in zip(self.series, expected) {
            jitter.add(sample)
            #expect(abs(jitter.value - value) < 1e-15)
        }
        #expect(InterarrivalJitter.of(self.series) == jitter.value)
        #expect(InterarrivalJitter.of([5]) == nil)
        #expect(InterarrivalJitter.of([5, 5, 5]) == 0)
    }

    @Test("RFC 5481 PDV = p99 − min")
    func pdv() throws {
        #expect(PacketDelayVariation.of(self.series) == 5)
        let hundred = (1...100).map { Double($0) / 10 }  // 0.1 … 10.0, p99 = 9.9
        #expect(abs(PacketDelayVariation.of(hundred)! - 9.8) < 1e-12)
        #expect(PacketDelayVariation.of([]) == nil)
        let stats = RoundTripStatistics(rttsInSendOrder: self.series)
        #expect(stats.pdv == 5)
        #expect(stats.jitter == InterarrivalJitter.of(self.series))
        #expect(stats.summary?.median == 12)
        #expect(RoundTripStatistics(rttsInSendOrder: []).summary == nil)
    }

    @Test("loss ratio: duplicates do not make up for lost probes")
    func loss() {
        let counts = ProbeCounts(sent: 20, received: 19, duplicates: 3)
        #expect(counts.lost == 1)
        #expect(counts.lossRatio == 0.05)
        #expect(ProbeCounts().lossRatio == 0)
        #expect(ProbeCounts(sent: 4, received: 0).lossRatio == 1)
    }

    @Test("mean and stddev stay exact around a large offset (numerical stability)")
    func stability() throws {
        let summary = try #require(SampleSummary([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]))
        #expect(summary.mean == 1e9 + 10)
        #expect(abs(summary.sampleStandardDeviation! - 30.0.squareRoot()) < 1e-6)
    }
}
