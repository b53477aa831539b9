import Foundation

/// Polygon-to-cells with centre containment, as H3's `polygonToCells`: a cell belongs to a polygon when its
/// centre is inside the exterior ring and inside no hole, by ray casting (even-odd per ring) in radians with
/// the reference library's tie-breaking; rings crossing the antimeridian are handled as H3 does.
enum H3PolygonFill {
    /// A ring in radians with its box; `isTransmeridian` when an edge spans more than π of longitude.
    struct Loop {
        var lats: [Double]
        var lngs: [Double]
        var south = Double.infinity
        var north = -Double.infinity
        var west = Double.infinity
        var east = -Double.infinity
        var isTransmeridian = false
        /// Edges (by start vertex) whose latitude range meets each band of the box, in ring order; lets a
        /// test look at a few edges instead of all without changing its result (edges outside a point's
        /// latitude are skipped by the ray test anyway, and each band holds every edge that could touch it).
        private var bands: [[Int32]] = []
        private var bandHeight = 1.0

        init(_ ring: [LatLng]) {
            let finite = ring.filter(\.isFinite)
            self.lats = finite.map { $0.lat * H3Constants.degreesToRadians }
            self.lngs = finite.map { $0.lng * H3Constants.degreesToRadians }
            let n = self.lats.count
            guard n > 0 else { return }
            var minPosLng = Double.infinity
            var maxNegLng = -Double.infinity
            for i in 0..<n {
                let lat = self.lats[i]
                let lng = self.lngs[i]
                self.south = min(self.south, lat)
                self.north = max(self.north, lat)
                self.west = min(self.west, lng)
                self.east = max(self.east, lng)
                if lng < 0 { maxNegLng = max(maxNegLng, lng) } else { minPosLng = min(minPosLng, lng) }
                let next = self.lngs[(i + 1) % n]
                if abs(lng - next) > Double.pi { self.isTransmeridian = true }
            }
            if self.isTransmeridian {
                // The box runs east from the westernmost positive longitude to the easternmost negative one.
                self.west = minPosLng
                self.east = maxNegLng
            }
            let bandCount = max(1, min(4096, n / 4))
            self.bandHeight = max((self.north - self.south) / Double(bandCount), 1e-12)
            self.bands = Array(repeating: [], count: bandCount)
            let slack = 1e-12
            for i in 0..<n {
                let a = self.lats[i]
                let b = self.lats[(i + 1) % n]
                let lo = self.band(of: min(a, b) - slack)
                let hi = self.band(of: max(a, b) + slack)
                for k in lo...hi { self.bands[k].append(Int32(i)) }
            }
        }

        private func band(of lat: Double) -> Int {
            let x = ((lat - self.south) / self.bandHeight).rounded(.down)
            guard x >= 0 else { return 0 }
            return x < Double(self.bands.count) ? Int(x) : self.bands.count - 1
        }

        @inline(__always)
        func normalized(_ lng: Double) -> Double {
            self.isTransmeridian && lng < 0 ? lng + H3Constants.twoPi : lng
        }

        func boxContains(lat: Double, lng: Double) -> Bool {
            guard lat >= self.south && lat <= self.north else { return false }
            return self.isTransmeridian
                ? (lng >= self.west || lng <= self.east) : (lng >= self.west && lng <= self.east)
        }

        /// Even-odd ray test; a point level with a vertex is nudged north, one on a vertex's meridian west.
        func contains(lat pointLat: Double, lng pointLng: Double) -> Bool {
            let n = self.lats.count
            guard n >= 3, self.boxContains(lat: pointLat, lng: pointLng) else { return false }
            var inside = false
            var lat = pointLat
            var lng = self.normalized(pointLng)
            for edge in self.bands[self.band(of: pointLat)] {
                let i = Int(edge)
                let j = (i + 1) % n
                var aLat = self.lats[i]
                var aLng = self.lngs[i]
                var bLat = self.lats[j]
                var bLng = self.lngs[j]
                if aLat > bLat {
                    swap(&aLat, &bLat)
                    swap(&aLng, &bLng)
                }
                if lat == aLat || lat == bLat { lat += Double.ulpOfOne }
                if lat < aLat || lat > bLat { continue }
                let na = self.normalized(aLng)
                let nb = self.normalized(bLng)
                if na == lng || nb == lng { lng -= Double.ulpOfOne }
                let ratio = (lat - aLat) / (bLat - aLat)
                let testLng = self.normalized(na + (nb - na) * ratio)
                if testLng > lng { inside.toggle() }
            }
            return inside
        }
    }

    /// A polygon in radians.
    struct Shape {
        var exterior: Loop
        var holes: [Loop]

        func contains(lat: Double, lng: Double) -> Bool {
            guard self.exterior.contains(lat: lat, lng: lng) else { return false }
            return !self.holes.contains { $0.contains(lat: lat, lng: lng) }
        }
    }

    /// The sorted, distinct cells whose centres lie in any of `polygons`.
    static func cells(in polygons: [GeoPolygon], resolution res: Int) -> [H3Index] {
        guard res >= 0 && res <= H3Constants.maxResolution else { return [] }
        var result = Set<H3Index>()
        for polygon in polygons {
            let shape = Shape(exterior: Loop(polygon.exterior), holes: polygon.holes.map(Loop.init))
            guard shape.exterior.lats.count >= 3 else { continue }
            for c in self.candidates(around: shape.exterior, resolution: res)
            where shape.contains(lat: c.lat, lng: c.lng) {
                result.insert(c.cell)
            }
        }
        return result.sorted()
    }

    /// Every cell whose centre lies in the loop's box grown by a few cell radii, with its centre in radians:
    /// a breadth-first walk over edge neighbours from the cell of the first vertex. The grown box holds every
    /// cell that touches the box, and those cells are edge-connected, so nothing inside the box is missed.
    static func candidates(around loop: Loop, resolution res: Int) -> [(cell: H3Index, lat: Double, lng: Double)] {
        let seed = H3.cell(of: Vec3(latRadians: loop.lats[0], lngRadians: loop.lngs[0]), resolution: res)
        let center = H3.centerPoint(seed)
        var radius = 0.0
        for v
            in (seed.isPentagon
            ? seed.faceIJK.pentagonBoundary(resolution: res)
            : seed.faceIJK.hexagonBoundary(resolution: res))
        {
            radius = max(radius, acos(min(1, max(-1, center.dot(v)))))
        }
        // Cells near the polygon are within a factor of ~2 of the seed's size; 3 radii is safely enough.
        let margin = 3 * radius
        let south = loop.south - margin
        let north = loop.north + margin
        let maxAbsLat = max(abs(south), abs(north))
        let lngMargin = maxAbsLat < 1.5 ? margin / cos(maxAbsLat) : Double.infinity
        let west = loop.normalized(loop.west) - lngMargin
        let east = loop.normalized(loop.east) + lngMargin

        func inGrownBox(_ lat: Double, _ lng: Double) -> Bool {
            guard lat >= south && lat <= north else { return false }
            if lngMargin.isInfinite { return true }
            var x = loop.normalized(lng)
            if loop.isTransmeridian && x < west { x += H3Constants.twoPi }
            return x >= west && x <= east
        }

        var out: [(cell: H3Index, lat: Double, lng: Double)] = []
        var seen: Set<H3Index> = [seed]
        var queue = [seed]
        var head = 0
        while head < queue.count {
            let cell = queue[head]
            head += 1
            let (lat, lng) = H3.centerRadians(cell)
            guard inGrownBox(lat, lng) || cell == seed else { continue }
            out.append((cell, lat, lng))
            for n in H3Neighbors.ring1(cell) where seen.insert(n).inserted {
                queue.append(n)
            }
        }
        return out
    }
}
