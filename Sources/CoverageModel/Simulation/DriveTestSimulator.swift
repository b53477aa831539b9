import NetmonProtocol

/// Simulated drive tests over a province: cell sites of several operators, a path-loss model with
/// spatially correlated log-normal shadowing, and a phone that camps on the best technology it hears.
///
/// Model:
/// - Sites of each operator sit on a jittered grid (3G every ~6 km, 4G every ~4 km, 5G every ~3 km
///   but only around a few town centres), except inside "holes": circles where no operator has a
///   site, plus "thin" circles where only some operators do (partial not-spots).
/// - Path loss (3GPP TR 36.942 macro, urban/suburban): `128.1 + 37.6·log10(d km)` at 2 GHz, +5 dB at
///   3.5 GHz for NR, −3 dB for 3G at 2.1 GHz on RSCP's scale; reference signal EIRP per resource element
///   30 dBm. Shadowing: log-normal, σ = 8 dB, fixed per 400 m square and site (so a place stays good or
///   bad), plus 3 dB of fast fading per sample.
/// - The phone reports 5G NSA when NR SS-RSRP ≥ −112 dBm (with its LTE anchor), else 4G when RSRP
///   ≥ −122, else 3G when RSCP ≥ −112, else no service.
/// - Each drive (5–15 minutes) uses one operator's phone, moves ~14 m a second with gentle turns, and stays inside
///   the province.
public struct DriveTestSimulator {
    public struct Site: Sendable, Hashable {
        public var operatorCode: String
        public var technology: Technology
        public var position: LatLng
    }

    public struct Circle: Sendable, Hashable {
        public var centre: LatLng
        public var radiusKm: Double
        /// Operators that still have sites inside (empty: a hole for everyone).
        public var operatorsKept: [String]
    }

    public static let operators = ["452-01", "452-02", "452-04"]

    public let seed: UInt64
    public let communes: [CommuneBoundary]
    public private(set) var sites: [Site] = []
    public private(set) var holes: [Circle] = []
    private let bbox: GeoBoundingBox
    /// Sites by (operator, technology, 0.05° square).
    private var grid: [GridKey: [Int]] = [:]
    private let cellDegrees = 0.05
    /// Inside-the-province raster (0.002°, about 200 m), filled lazily: 0 unknown, 1 inside, 2 outside.
    private let raster: InsideRaster

    struct GridKey: Hashable {
        var x: Int
        var y: Int
        var group: Int
    }

    public init(communes: [CommuneBoundary], seed: UInt64) {
        self.seed = seed
        self.communes = communes
        var box =
            communes.first?.geometry.boundingBox ?? GeoBoundingBox(minLat: 20, minLng: 106, maxLat: 21, maxLng: 107)
        for c in communes { if let b = c.geometry.boundingBox { box = box.union(b) } }
        self.bbox = box
        self.raster = InsideRaster(bbox: box, step: 0.002, communes: communes)
        var random = SimulationRandom(seed: seed)
        // Holes: four for everyone, three where only one operator is left.
        for i in 0..<7 {
            let centre = self.randomPointInside(&random)
            let kept = i < 4 ? [] : [Self.operators[i % 3]]
            self.holes.append(Circle(centre: centre, radiusKm: random.uniform(4.5, 6.5), operatorsKept: kept))
        }
        // Town centres for 5G.
        let towns = (0..<6).map { _ in self.randomPointInside(&random) }
        for (o, op) in Self.operators.enumerated() {
            let density = [0.85, 0.9, 1.0][o]  // Viettel (04) densest
            for (technology, spacingKm) in [(Technology.threeG, 6.0), (.fourG, 4.0 / density), (.fiveG, 3.0)] {
                let dLat = spacingKm / 111.0
                let dLng = spacingKm / (111.0 * _cos(box.minLat * .pi / 180))
                var lat = box.minLat - dLat
                while lat <= box.maxLat + dLat {
                    var lng = box.minLng - dLng
                    while lng <= box.maxLng + dLng {
                        let p = LatLng(
                            lat: lat + random.uniform(-0.35, 0.35) * dLat, lng: lng + random.uniform(-0.35, 0.35) * dLng
                        )
                        lng += dLng
                        if technology == .fiveG && !towns.contains(where: { Self.distanceKm($0, p) < 7 }) { continue }
                        if self.holes.contains(where: {
                            Self.distanceKm($0.centre, p) < $0.radiusKm && !$0.operatorsKept.contains(op)
                        }) {
                            continue
                        }
                        self.sites.append(Site(operatorCode: op, technology: technology, position: p))
                    }
                    lat += dLat
                }
            }
        }
        for (i, s) in self.sites.enumerated() {
            self.grid[self.key(s.position, group: Self.group(s.operatorCode, s.technology)), default: []].append(i)
        }
    }

    private static func group(_ op: String, _ technology: Technology) -> Int {
        (Self.operators.firstIndex(of: op) ?? 0) * 8 + (Technology.allCases.firstIndex(of: technology) ?? 0)
    }

    private func key(_ p: LatLng, group: Int) -> GridKey {
        GridKey(
            x: Int((p.lng / self.cellDegrees).rounded(.down)), y: Int((p.lat / self.cellDegrees).rounded(.down)),
            group: group)
    }

    func isInside(_ p: LatLng) -> Bool { self.raster.isInside(p) }

    private func randomPointInside(_ random: inout SimulationRandom) -> LatLng {
        for _ in 0..<10_000 {
            let p = LatLng(
                lat: random.uniform(self.bbox.minLat, self.bbox.maxLat),
                lng: random.uniform(self.bbox.minLng, self.bbox.maxLng))
            if self.isInside(p) { return p }
        }
        return LatLng(lat: (self.bbox.minLat + self.bbox.maxLat) / 2, lng: (self.bbox.minLng + self.bbox.maxLng) / 2)
    }

    static func distanceKm(_ a: LatLng, _ b: LatLng) -> Double {
        let dLat = (a.lat - b.lat) * 111.195
        let dLng = (a.lng - b.lng) * 111.195 * _cos((a.lat + b.lat) / 2 * .pi / 180)
        return (dLat * dLat + dLng * dLng).squareRoot()
    }

    /// Strongest received reference-signal power (dBm) from the operator's sites of a technology.
    func bestSignal(
        at p: LatLng, operatorCode: String, technology: Technology, fading: inout SimulationRandom
    ) -> Double? {
        let k = self.key(p, group: Self.group(operatorCode, technology))
        var best: Double?
        for dx in -1...1 {
            for dy in -1...1 {
                guard let ids = self.grid[GridKey(x: k.x + dx, y: k.y + dy, group: k.group)] else { continue }
                for i in ids {
                    let s = self.sites[i]
                    let d = max(Self.distanceKm(p, s.position), 0.03)
                    var loss = 128.1 + 37.6 * _log10(d)
                    switch technology {
                    case .fiveG: loss += 5
                    case .threeG: loss -= 3
                    default: break
                    }
                    // Shadowing fixed per 400 m square and site.
                    let sx = Int64((p.lng / 0.004).rounded(.down))
                    let sy = Int64((p.lat / 0.004).rounded(.down))
                    let u1 = max(SimulationRandom.hashUnit(self.seed &+ UInt64(i), sx, sy), 1e-12)
                    let u2 = SimulationRandom.hashUnit(self.seed &+ UInt64(i) &+ 7, sy, sx)
                    let shadow = 8 * (-2 * _log(u1)).squareRoot() * _cos(2 * .pi * u2)
                    let rx = 30 - loss + shadow
                    if best == nil || rx > best! { best = rx }
                }
            }
        }
        guard let best else { return nil }
        return best + 3 * fading.normal()
    }

    /// One simulated sample.
    func sample(
        at p: LatLng, operatorCode: String, time: Double, device: String, random: inout SimulationRandom
    ) -> SignalReport {
        var report = SignalReport(
            time: time, lat: p.lat, lon: p.lng, technology: .noService, operatorCode: operatorCode, device: device)
        let nr = self.bestSignal(at: p, operatorCode: operatorCode, technology: .fiveG, fading: &random)
        let lte = self.bestSignal(at: p, operatorCode: operatorCode, technology: .fourG, fading: &random)
        func clamp(_ v: Double, _ r: ClosedRange<Double>) -> Double {
            min(max(v.rounded(), r.lowerBound), r.upperBound)
        }
        if let nr, nr >= -112, let lte, lte >= -125 {
            report.technology = .fiveG
            report.nrSsRsrpDbm = clamp(nr, -156 ... -31)
            report.nrSsSinrDb = clamp((nr + 112) / 2.2 + random.normal() * 2, -23...40)
            report.nrSsRsrqDb = clamp(-11 + (nr + 90) / 8 + random.normal(), -43...20)
            report.rsrpDbm = clamp(lte, -140 ... -44)
            report.rsrqDb = clamp(-10 + (lte + 95) / 10 + random.normal(), -34...2.5)
            report.sinrDb = clamp((lte + 120) / 2.5 + random.normal() * 2, -23...40)
            report.dlKbps = max(0, ((nr + 125) * 6000 * random.uniform(0.6, 1.2)).rounded())
            report.ulKbps = max(0, ((nr + 125) * 600 * random.uniform(0.6, 1.2)).rounded())
        } else if let lte, lte >= -122 {
            report.technology = .fourG
            report.rsrpDbm = clamp(lte, -140 ... -44)
            report.rsrqDb = clamp(-10 + (lte + 95) / 10 + random.normal(), -34...2.5)
            report.sinrDb = clamp((lte + 120) / 2.5 + random.normal() * 2, -23...40)
            report.dlKbps = max(0, ((lte + 125) * 1200 * random.uniform(0.6, 1.2)).rounded())
            report.ulKbps = max(0, ((lte + 125) * 200 * random.uniform(0.6, 1.2)).rounded())
        } else if let rscp = self.bestSignal(at: p, operatorCode: operatorCode, technology: .threeG, fading: &random),
            rscp >= -112
        {
            report.technology = .threeG
            report.rscpDbm = clamp(rscp, -120 ... -25)
            report.ecioDb = clamp(-6 + (rscp + 90) / 6 + random.normal(), -24...0)
            report.dlKbps = max(0, ((rscp + 115) * 150 * random.uniform(0.6, 1.2)).rounded())
            report.ulKbps = max(0, ((rscp + 115) * 40 * random.uniform(0.6, 1.2)).rounded())
        }
        return report
    }

    /// Generates `rows` reports, calling `emit` for each, deterministically for the seed.
    ///
    /// The phone reports once every `reportEvery` seconds of driving (1: a report a second, as drive-test tools
    /// log; larger values spread the same number of rows over more road, so fewer rows cover the province).
    public func run(
        rows: Int, reportEvery: Int = 1, startTime: Double = 1_767_574_800, emit: (SignalReport) throws -> Void
    ) rethrows {
        precondition(reportEvery >= 1, "reportEvery must be at least 1 s")
        var random = SimulationRandom(seed: self.seed &+ 0xD1B5)
        var produced = 0
        var drive = 0
        var time = startTime
        while produced < rows {
            drive += 1
            let op = Self.operators[drive % Self.operators.count]
            let device = "sim-\(op.suffix(2))-\(drive)"
            var p = self.randomPointInside(&random)
            var heading = random.uniform(0, 2 * .pi)
            let length = min(rows - produced, Int(random.uniform(300, 900)))
            for _ in 0..<length {
                try emit(self.sample(at: p, operatorCode: op, time: time, device: device, random: &random))
                produced += 1
                for _ in 0..<reportEvery {
                    time += 1
                    self.advance(&p, heading: &heading, random: &random)
                }
            }
            time += 600
        }
    }

    /// One second of driving: a gentle turn and 8–20 m ahead, turning away from the province's edge (or jumping to a
    /// fresh start point when boxed in).
    private func advance(_ p: inout LatLng, heading: inout Double, random: inout SimulationRandom) {
        heading += random.normal() * 0.08
        let stepKm = random.uniform(0.008, 0.02)
        var next = LatLng(
            lat: p.lat + stepKm / 111.195 * _sin(heading),
            lng: p.lng + stepKm / (111.195 * _cos(p.lat * .pi / 180)) * _cos(heading))
        var tries = 0
        while !self.isInside(next) && tries < 12 {
            heading += .pi / 2 + random.uniform(0, .pi)
            next = LatLng(
                lat: p.lat + stepKm / 111.195 * _sin(heading),
                lng: p.lng + stepKm / (111.195 * _cos(p.lat * .pi / 180)) * _cos(heading))
            tries += 1
        }
        if tries < 12 { p = next } else { p = self.randomPointInside(&random) }
    }
}
