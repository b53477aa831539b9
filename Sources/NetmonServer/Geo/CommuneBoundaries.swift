import CoverageModel
import Foundation
import Synchronization

/// Commune boundaries read once from the GeoJSON file named in sites.yaml, keyed by GSO ward code.
struct CommuneBoundaries: Sendable {
    struct Shape: Sendable {
        /// The geometry as compact GeoJSON text: the file's, with self-intersecting rings repaired
        /// (`RingRepair`), RFC 7946 winding.
        var geometryJSON: String
        /// The geometry simplified for the dashboard (topologically, ~30 m: `ArcSimplification`), as GeoJSON
        /// text.
        var simplifiedJSON: String
        /// [west, south, east, north].
        var bbox: [Double]
        /// A point for the gateway marker: the area centroid of the largest exterior ring.
        var anchor: (lon: Double, lat: Double)
    }

    var shapes: [String: Shape]
    /// [west, south, east, north] of all shapes.
    var bbox: [Double]
    /// The communes as CoverageModel's reader gives them (unrepaired): the coverage recomputation's input, so
    /// the server reads the file once.
    var communes: [CommuneBoundary]

    static let empty = CommuneBoundaries(shapes: [:], bbox: [0, 0, 0, 0], communes: [])

    /// Boundaries already read, by path: the file is large and never changes while the process runs.
    private static let cache = Mutex<[String: CommuneBoundaries]>([:])

    /// Reads a FeatureCollection whose features carry `ward_code` (number or string); codes are 5-digit strings.
    /// `communes`: the file's communes when the caller has read them already.
    static func load(path: String, read communes: [CommuneBoundary]? = nil) throws -> CommuneBoundaries {
        if let cached = cache.withLock({ $0[path] }) { return cached }
        let loaded = try read(path: path, communes: communes)
        cache.withLock { $0[path] = loaded }
        return loaded
    }

    private static func readFile(path: String) throws -> [CommuneBoundary] {
        do {
            return try CommuneBoundaryReader.read(path: path)
        } catch {
            throw ServerSetupError("commune boundaries: \(error)")
        }
    }

    /// The dashboard's simplification tolerance in degrees (~30 m).
    static let simplifyTolerance = 0.0003

    /// Reads the file (CoverageModel's reader), repairs self-intersecting rings (as `netmon coverage export`
    /// does) and simplifies the communes topologically, so neighbours keep one border; both layers' geometry
    /// text is made here, once.
    private static func read(path: String, communes: [CommuneBoundary]?) throws -> CommuneBoundaries {
        let communes = try communes ?? Self.readFile(path: path)
        let repaired = communes.map { RingRepair.repaired($0.geometry) }
        let topology = ArcTopology(repaired)
        let simplified = topology.multiPolygons(
            arcs: ArcSimplification.simplify(topology, tolerance: Self.simplifyTolerance).arcs)
        var shapes: [String: Shape] = [:]
        var all: GeoBoundingBox?
        for (i, commune) in communes.enumerated() {
            let exteriors = repaired[i].polygons.map(\.exterior).filter { $0.count >= 3 }
            guard let largest = exteriors.max(by: { Self.area($0) < Self.area($1) }),
                let box = GeoBoundingBox(points: exteriors.joined())
            else {
                throw ServerSetupError("commune boundaries '\(path)': \(commune.code) has no usable ring")
            }
            all = all.map { $0.union(box) } ?? box
            do {
                shapes[commune.code] = Shape(
                    geometryJSON: try GeoJSONWriter.geometryText(.multiPolygon(repaired[i])),
                    simplifiedJSON: try GeoJSONWriter.geometryText(.multiPolygon(simplified[i])),
                    bbox: [box.minLng, box.minLat, box.maxLng, box.maxLat], anchor: Self.anchor(largest))
            } catch {
                throw ServerSetupError("commune boundaries '\(path)': \(commune.code): \(error)")
            }
        }
        guard let all else { return .empty }
        return CommuneBoundaries(
            shapes: shapes, bbox: [all.minLng, all.minLat, all.maxLng, all.maxLat], communes: communes)
    }

    private static func area(_ ring: [LatLng]) -> Double { abs(RingOrientation.signedArea(ring)) }

    private static func anchor(_ ring: [LatLng]) -> (lon: Double, lat: Double) {
        let c = RingCentroid.of(ring) ?? ring[0]
        return (c.lng, c.lat)
    }
}

/// A problem that stops the server from starting (bad boundaries file, TLS files, etc.).
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
