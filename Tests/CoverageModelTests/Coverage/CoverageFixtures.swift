import NetmonProtocol

@testable import CoverageModel

/// Hand-built situations on the real H3 grid: reports placed at cell centres, communes as rectangles.
enum CoverageFixtures {
    static let settings = CoverageSettings()

    /// A rectangle commune.
    static func commune(_ code: String, lng: ClosedRange<Double>, lat: ClosedRange<Double>) -> CommuneBoundary {
        let ring = [
            LatLng(lat: lat.lowerBound, lng: lng.lowerBound), LatLng(lat: lat.lowerBound, lng: lng.upperBound),
            LatLng(lat: lat.upperBound, lng: lng.upperBound), LatLng(lat: lat.upperBound, lng: lng.lowerBound),
        ]
        return CommuneBoundary(
            code: code, name: "Xã \(code)", geometry: GeoMultiPolygon(polygons: [GeoPolygon(exterior: ring)]))
    }

    /// Two communes side by side, split at longitude 106.05.
    static let west = commune("10001", lng: 106.00...106.05, lat: 20.60...20.65)
    static let east = commune("10002", lng: 106.05...106.10, lat: 20.60...20.65)

    /// Reports at the centre of `cell`.
    static func reports(
        _ cell: H3Index, _ technology: Technology, operatorCode: String? = "452-04",
        _ values: [SignalMetric: [Double]] = [:], rows: Int? = nil
    ) -> [SignalReport] {
        let centre = H3.cellToLatLng(cell)
        let count = rows ?? values.values.map(\.count).max() ?? 0
        return (0..<count).map { i in
            var r = SignalReport(lat: centre.lat, lon: centre.lng, technology: technology, operatorCode: operatorCode)
            for (metric, list) in values where i < list.count { r[metric] = list[i] }
            return r
        }
    }

    static func analyze(
        _ reports: [SignalReport], communes: [CommuneBoundary] = [west, east],
        settings: CoverageSettings = settings
    ) -> CoverageResult {
        var accumulator = CoverageAccumulator(settings: settings)
        for r in reports { accumulator.add(r) }
        return CoverageAnalysis.analyze(accumulator, communes: communes)
    }

    /// A cell well inside the west commune, and its six neighbours (all inside too).
    static var westCentre: H3Index { H3.latLngToCell(LatLng(lat: 20.625, lng: 106.025), resolution: 8) }
    static var eastCentre: H3Index { H3.latLngToCell(LatLng(lat: 20.625, lng: 106.075), resolution: 8) }

    /// A neighbouring pair of cells with one cell in each commune.
    static func borderPair(_ result: CoverageResult) -> (H3Index, H3Index) {
        let owner = Dictionary(uniqueKeysWithValues: result.cells.map { ($0.cell, $0.communeCode) })
        for c in result.cells where c.communeCode == west.code {
            for n in H3.gridDisk(c.cell, k: 1) where owner[n] == east.code { return (c.cell, n) }
        }
        fatalError("no border pair")
    }
}
