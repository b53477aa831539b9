import NetmonProtocol

/// Seeded reports of every kind the coverage model keeps apart, for tests and benchmarks of incremental
/// coverage: three operators and reports without one, 2G/3G/4G/5G/none, integer-dBm metrics (or any values with
/// `wholeDecibels: false`), some rates and some gateway-modem reports, at the centres of `cells` (so a few hundred
/// reports judge cells) and, for one report in fifty, anywhere in `box`.
public struct MixedReports: Sendable {
    public let cells: [H3Index]
    public let box: (lat: ClosedRange<Double>, lng: ClosedRange<Double>)
    public var wholeDecibels = true
    /// Rates as whole kbit/s below 2,048 or whole Mbit/s up to 16 (kept exactly by speed buckets) when true, any
    /// positive value otherwise.
    public var exactRates = true
    private var random: SimulationRandom

    /// `cells` points drawn in `box` at H3 resolution `resolution`.
    public init(
        seed: UInt64, box: (lat: ClosedRange<Double>, lng: ClosedRange<Double>), cells count: Int, resolution: Int = 8
    ) {
        var random = SimulationRandom(seed: seed)
        var cells: [H3Index] = []
        for _ in 0..<count {
            let point = LatLng(
                lat: random.uniform(box.lat.lowerBound, box.lat.upperBound),
                lng: random.uniform(box.lng.lowerBound, box.lng.upperBound))
            cells.append(H3.latLngToCell(point, resolution: resolution))
        }
        self.cells = cells
        self.box = box
        self.random = random
    }

    private mutating func pick(_ n: Int) -> Int { Int(self.random.next() % UInt64(n)) }

    private mutating func decibels(_ low: Double, _ high: Double) -> Double {
        self.wholeDecibels
            ? Double(Int(low) + self.pick(Int(high - low) + 1)) : self.random.uniform(low, high)
    }

    private mutating func rate() -> Double {
        guard self.exactRates else { return self.random.uniform(10, 80_000) }
        return self.pick(2) == 0 ? Double(self.pick(2048)) : Double(1000 * (1 + self.pick(16)))
    }

    /// The next `n` reports.
    public mutating func next(_ n: Int) -> [SignalReport] {
        let operators: [String?] = ["452-01", "452-02", "452-04", nil]
        let technologies: [Technology] = [.fourG, .fourG, .fiveG, .threeG, .twoG, .noService]
        var out: [SignalReport] = []
        out.reserveCapacity(n)
        for _ in 0..<n {
            let position: LatLng
            // One cell in four is weak: every technology below its default floor there (dead once measured).
            var weak = false
            if self.pick(50) == 0 {
                position = LatLng(
                    lat: self.random.uniform(self.box.lat.lowerBound, self.box.lat.upperBound),
                    lng: self.random.uniform(self.box.lng.lowerBound, self.box.lng.upperBound))
            } else {
                let c = self.pick(self.cells.count)
                weak = c % 4 == 0
                position = H3.cellToLatLng(self.cells[c])
            }
            let technology = technologies[self.pick(technologies.count)]
            var r = SignalReport(
                time: 1_780_000_000 + Double(self.pick(86_400)), lat: position.lat, lon: position.lng,
                technology: technology, operatorCode: operators[self.pick(operators.count)])
            switch technology {
            case .fourG: r.rsrpDbm = weak ? self.decibels(-140, -117) : self.decibels(-135, -70)
            case .fiveG:
                r.rsrpDbm = weak ? self.decibels(-140, -117) : self.decibels(-130, -75)
                r.nrSsRsrpDbm = weak ? self.decibels(-140, -112) : self.decibels(-130, -75)
            case .threeG: r.rscpDbm = weak ? self.decibels(-120, -112) : self.decibels(-120, -60)
            case .twoG: r.rssiDbm = self.decibels(-110, -52)
            case .noService: break
            }
            if technology == .fourG || technology == .fiveG, self.pick(4) == 0 {
                r.dlKbps = self.rate()
                if self.pick(3) != 0 { r.ulKbps = self.rate() }
            }
            if self.pick(10) == 0 { r.device = "gateway:10001" }
            out.append(r)
        }
        return out
    }
}
