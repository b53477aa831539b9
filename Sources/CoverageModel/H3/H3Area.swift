import Foundation

/// Exact cell areas: the signed spherical area of the boundary polygon, summed edge by edge with Cagnoli's
/// formula and compensated (Kahan) summation, as the reference library does.
enum H3Area {
    /// Area of a cell on the unit sphere (steradians).
    static func cellAreaRadians2(_ c: H3Index) -> Double {
        let verts = H3.boundaryRadians(c)
        var sum = 0.0
        var compensation = 0.0
        func add(_ x: Double) {
            let y = x - compensation
            let t = sum + y
            compensation = (t - sum) - y
            sum = t
        }
        for i in 0..<verts.count {
            let a = verts[i]
            let b = verts[(i + 1) % verts.count]
            add(self.cagnoli(a, b))
        }
        if sum < 0 { add(4.0 * Double.pi) }
        return sum
    }

    /// Cagnoli's term for the edge from `x` to `y` (radians).
    private static func cagnoli(_ x: (lat: Double, lng: Double), _ y: (lat: Double, lng: Double)) -> Double {
        let xl = x.lat / 2.0 + Double.pi / 4.0
        let yl = y.lat / 2.0 + Double.pi / 4.0
        let sa = sin(xl) * sin(yl)
        let ca = cos(xl) * cos(yl)
        let d = y.lng - x.lng
        return -2.0 * atan2(sa * sin(d), sa * cos(d) + ca)
    }
}
