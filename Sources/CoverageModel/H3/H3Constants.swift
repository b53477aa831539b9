/// Numeric constants of the H3 grid, with the values the reference library uses.
enum H3Constants {
    static let maxResolution = 15
    static let degreesToRadians = 0.0174532925199432957692369076848861271111
    static let radiansToDegrees = 57.29577951308232087679815481410517033240547
    static let twoPi = 6.28318530717958647692528676655900576839433
    static let epsilon = 0.0000000000000001
    static let sqrt3Over2 = 0.8660254037844386467637231707529361834714
    static let reciprocalSin60 = 1.1547005383792515290182975610039149112953
    static let oneThird = 0.333333333333333333333333333333333333333
    static let oneSeventh = 0.14285714285714285714285714285714285
    /// Rotation of Class III grids against Class II: asin(sqrt(3/28)).
    static let aperture7RotationRadians = 0.333473172251832115336090755351601070065900389
    static let sqrt7 = 2.6457513110645905905016157536392604257102
    static let reciprocalSqrt7 = 0.37796447300922722721451653623418006081576
    /// Gnomonic length of a resolution-0 unit, and its reciprocal.
    static let res0UnitGnomonic = 0.38196601125010500003
    static let inverseRes0UnitGnomonic = 2.61803398874989588842
    /// H3's authalic earth radius.
    static let earthRadiusKm = 6371.007180918475
    /// Largest ijk component of a resolution-0 base cell on a face.
    static let maxFaceCoord = 2
    /// Overage thresholds and unit scales per Class II resolution (index = resolution; odd entries unused).
    static let maxDimByCIIres = [
        2, -1, 14, -1, 98, -1, 686, -1, 4802, -1, 33614, -1, 235298, -1, 1647086, -1, 11529602,
    ]
    static let unitScaleByCIIres = [
        1, -1, 7, -1, 49, -1, 343, -1, 2401, -1, 16807, -1, 117649, -1, 823543, -1, 5764801,
    ]

    /// Whether a resolution is Class III (odd: rotated against the icosahedron).
    @inline(__always) static func isClassIII(_ res: Int) -> Bool { res & 1 == 1 }

    /// An angle brought into [0, 2π) the way H3 does it (one wrap at most).
    @inline(__always) static func positiveAngle(_ rads: Double) -> Double {
        var tmp = rads < 0 ? rads + twoPi : rads
        if rads >= twoPi { tmp -= twoPi }
        return tmp
    }
}
