import Foundation

/// A point in a face's gnomonic plane, in units of the resolution's hexagon spacing.
struct Vec2: Sendable {
    var x: Double
    var y: Double

    var magnitude: Double { (self.x * self.x + self.y * self.y).squareRoot() }

    /// Intersection of the line p0–p1 with the line p2–p3.
    static func intersection(_ p0: Vec2, _ p1: Vec2, _ p2: Vec2, _ p3: Vec2) -> Vec2 {
        let s1 = Vec2(x: p1.x - p0.x, y: p1.y - p0.y)
        let s2 = Vec2(x: p3.x - p2.x, y: p3.y - p2.y)
        let t = (s2.x * (p0.y - p2.y) - s2.y * (p0.x - p2.x)) / (-s2.x * s1.y + s1.x * s2.y)
        return Vec2(x: p0.x + t * s1.x, y: p0.y + t * s1.y)
    }

    /// Equal within single-precision epsilon (H3's test for an intersection at a vertex).
    func isAlmostEqual(to other: Vec2) -> Bool {
        abs(self.x - other.x) < Double(Float.ulpOfOne) && abs(self.y - other.y) < Double(Float.ulpOfOne)
    }
}

/// A point in 3-D space; on the unit sphere for positions.
struct Vec3: Sendable {
    var x: Double
    var y: Double
    var z: Double

    /// The unit vector of a latitude and longitude in radians.
    init(latRadians lat: Double, lngRadians lng: Double) {
        let r = cos(lat)
        self.init(x: cos(lng) * r, y: sin(lng) * r, z: sin(lat))
    }

    init(x: Double, y: Double, z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    /// Face centre `f` from the table.
    init(faceCenter f: Int) {
        self.init(
            x: H3Tables.faceCenterPoint[3 * f], y: H3Tables.faceCenterPoint[3 * f + 1],
            z: H3Tables.faceCenterPoint[3 * f + 2])
    }

    /// a·v1 + b·v2.
    @inline(__always)
    static func combine(_ a: Double, _ v1: Vec3, _ b: Double, _ v2: Vec3) -> Vec3 {
        Vec3(x: a * v1.x + b * v2.x, y: a * v1.y + b * v2.y, z: a * v1.z + b * v2.z)
    }

    @inline(__always) func dot(_ o: Vec3) -> Double { self.x * o.x + self.y * o.y + self.z * o.z }

    func cross(_ o: Vec3) -> Vec3 {
        Vec3(x: self.y * o.z - self.z * o.y, y: self.z * o.x - self.x * o.z, z: self.x * o.y - self.y * o.x)
    }

    /// Scaled to length 1 (the zero vector stays zero).
    mutating func normalize() {
        let norm = self.dot(self).squareRoot()
        let s = norm > 0 ? 1.0 / norm : 0.0
        self.x *= s
        self.y *= s
        self.z *= s
    }

    func distanceSquared(_ o: Vec3) -> Double {
        let d = Vec3.combine(1.0, self, -1.0, o)
        return d.dot(d)
    }

    /// Latitude and longitude in radians.
    var latLngRadians: (lat: Double, lng: Double) { (asin(self.z), atan2(self.y, self.x)) }

    /// Local north and east unit directions of the tangent plane (not at the poles).
    func tangentBasis() -> (north: Vec3, east: Vec3) {
        let pole = Vec3(x: 0, y: 0, z: 1)
        var north = Vec3.combine(1.0, pole, -pole.dot(self), self)
        north.normalize()
        return (north, north.cross(self))
    }

    /// Azimuth in radians from this point to `p`.
    func azimuth(to p: Vec3) -> Double {
        let (north, east) = self.tangentBasis()
        var projected = Vec3.combine(1.0, p, -p.dot(self), self)
        projected.normalize()
        return atan2(projected.dot(east), projected.dot(north))
    }
}

/// The icosahedral gnomonic projection between the sphere and the faces' hexagon planes.
enum H3Projection {
    /// The 20 face centres as unit vectors.
    static let faceCenters: [Vec3] = (0..<20).map { Vec3(faceCenter: $0) }

    /// The closest face centre to `p` and the squared chord distance to it.
    static func closestFace(_ p: Vec3) -> (face: Int, squaredDistance: Double) {
        var face = 0
        var sqd = 5.0
        let centers = self.faceCenters
        for f in 0..<20 {
            let c = centers[f]
            let dx = c.x - p.x
            let dy = c.y - p.y
            let dz = c.z - p.z
            let d = dx * dx + dy * dy + dz * dz
            if d < sqd {
                face = f
                sqd = d
            }
        }
        return (face, sqd)
    }

    /// The face holding `p` and its position in that face's plane at resolution `res`.
    static func hex2d(of p: Vec3, resolution res: Int) -> (face: Int, point: Vec2) {
        let (face, sqd) = self.closestFace(p)
        var r = acos(1 - sqd * 0.5)
        if r < H3Constants.epsilon { return (face, Vec2(x: 0, y: 0)) }
        var theta = H3Constants.positiveAngle(
            H3Tables.faceAxesAzRadsCII[3 * face]
                - H3Constants.positiveAngle(self.faceCenters[face].azimuth(to: p)))
        if H3Constants.isClassIII(res) {
            theta = H3Constants.positiveAngle(theta - H3Constants.aperture7RotationRadians)
        }
        r = tan(r)
        r *= H3Constants.inverseRes0UnitGnomonic
        for _ in 0..<res { r *= H3Constants.sqrt7 }
        return (face, Vec2(x: r * cos(theta), y: r * sin(theta)))
    }

    /// The sphere point of a face-plane position; `substrate` marks the finer vertex grid of boundaries.
    static func point(of v: Vec2, face: Int, resolution res: Int, substrate: Bool) -> Vec3 {
        var r = v.magnitude
        let center = self.faceCenters[face]
        if r < H3Constants.epsilon { return center }
        var theta = atan2(v.y, v.x)
        for _ in 0..<res { r *= H3Constants.reciprocalSqrt7 }
        if substrate {
            r *= H3Constants.oneThird
            if H3Constants.isClassIII(res) { r *= H3Constants.reciprocalSqrt7 }
        }
        r *= H3Constants.res0UnitGnomonic
        r = atan(r)
        if !substrate && H3Constants.isClassIII(res) {
            theta = H3Constants.positiveAngle(theta + H3Constants.aperture7RotationRadians)
        }
        theta = H3Constants.positiveAngle(H3Tables.faceAxesAzRadsCII[3 * face] - theta)
        let (north, east) = center.tangentBasis()
        let dir = Vec3.combine(cos(theta), north, sin(theta), east)
        var out = Vec3.combine(cos(r), center, sin(r), dir)
        out.normalize()
        return out
    }
}
