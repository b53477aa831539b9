/// Whether points are inside any commune, answered from a lazily filled raster so a long random walk
/// does not test polygons at every step. A raster square is inside when its centre is.
///
/// A reference type holding a cache, deliberately not Sendable: one simulator, one task.
final class InsideRaster {
    private let bbox: GeoBoundingBox
    private let step: Double
    private let columns: Int
    private let rows: Int
    private var cells: [UInt8]
    private let communes: [(GeoBoundingBox, GeoMultiPolygon)]

    init(bbox: GeoBoundingBox, step: Double, communes: [CommuneBoundary]) {
        self.bbox = bbox
        self.step = step
        self.columns = Int(((bbox.maxLng - bbox.minLng) / step).rounded(.up)) + 1
        self.rows = Int(((bbox.maxLat - bbox.minLat) / step).rounded(.up)) + 1
        self.cells = [UInt8](repeating: 0, count: self.columns * self.rows)
        self.communes = communes.compactMap { c in c.geometry.boundingBox.map { ($0, c.geometry) } }
    }

    func isInside(_ p: LatLng) -> Bool {
        guard self.bbox.contains(p) else { return false }
        let x = min(self.columns - 1, Int((p.lng - self.bbox.minLng) / self.step))
        let y = min(self.rows - 1, Int((p.lat - self.bbox.minLat) / self.step))
        let i = y * self.columns + x
        if self.cells[i] == 0 {
            let centre = LatLng(
                lat: self.bbox.minLat + (Double(y) + 0.5) * self.step,
                lng: self.bbox.minLng + (Double(x) + 0.5) * self.step)
            let inside = self.communes.contains { $0.0.contains(centre) && $0.1.contains(centre) }
            self.cells[i] = inside ? 1 : 2
        }
        return self.cells[i] == 1
    }
}
