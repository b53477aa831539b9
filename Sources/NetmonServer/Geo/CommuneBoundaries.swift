import Foundation

/// Commune boundaries read once from the GeoJSON file named in sites.yaml, keyed by GSO ward code.
struct CommuneBoundaries: Sendable {
    struct Shape: Sendable {
        /// The geometry as compact GeoJSON text (passed through unchanged).
        var geometryJSON: String
        /// The geometry simplified for the dashboard (Douglas–Peucker, ~30 m), as GeoJSON text.
        var simplifiedJSON: String
        /// [west, south, east, north].
        var bbox: [Double]
        /// A point for the gateway marker: the area centroid of the largest exterior ring.
        var anchor: (lon: Double, lat: Double)
        /// Exterior rings as [lon, lat] pairs, for server-drawn maps.
        var rings: [[(Double, Double)]]
    }

    var shapes: [String: Shape]
    /// [west, south, east, north] of all shapes.
    var bbox: [Double]

    static let empty = CommuneBoundaries(shapes: [:], bbox: [0, 0, 0, 0])

    /// Reads a FeatureCollection whose features carry `ward_code` (number or string); codes are 5-digit strings.
    static func load(path: String) throws -> CommuneBoundaries {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ServerSetupError("cannot read commune boundaries '\(path)': \(error.localizedDescription)")
        }
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw ServerSetupError("commune boundaries '\(path)' are not JSON: \(error)")
        }
        guard let features = root["features"]?.array else {
            throw ServerSetupError("commune boundaries '\(path)' are not a GeoJSON FeatureCollection")
        }
        let encoder = JSONEncoder()
        var shapes: [String: Shape] = [:]
        var all = [Double.infinity, .infinity, -Double.infinity, -Double.infinity]
        for (i, f) in features.enumerated() {
            let codeValue = f["properties"]?["ward_code"]
            let code: String
            if let n = codeValue?.number {
                code = String(format: "%05d", Int(n))
            } else if let s = codeValue?.string {
                code = s
            } else {
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) has no ward_code property")
            }
            guard let geometry = f["geometry"], let type = geometry["type"]?.string,
                let coords = geometry["coordinates"]
            else {
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) (\(code)) has no geometry")
            }
            let polygons: [[[(Double, Double)]]]
            switch type {
            case "Polygon": polygons = [rings(coords)]
            case "MultiPolygon": polygons = coords.array?.map(rings) ?? []
            default:
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) (\(code)) is a \(type), not a polygon")
            }
            let exteriors = polygons.compactMap(\.first).filter { $0.count >= 4 }
            guard !exteriors.isEmpty else {
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) (\(code)) has no ring")
            }
            var box = [Double.infinity, .infinity, -Double.infinity, -Double.infinity]
            for ring in exteriors {
                for (x, y) in ring {
                    box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
                }
            }
            all = [min(all[0], box[0]), min(all[1], box[1]), max(all[2], box[2]), max(all[3], box[3])]
            let largest = exteriors.max { abs(area($0)) < abs(area($1)) }!
            let simplified = polygons.map { poly in poly.map { simplify($0, tolerance: 0.0003) } }
                .filter { ($0.first?.count ?? 0) >= 4 }
            let simplifiedGeometry = JSONValue.object([
                "type": .string("MultiPolygon"),
                "coordinates": .array(simplified.map { .array($0.map { .array($0.map { p in .array([.number(p.0), .number(p.1)]) }) }) }),
            ])
            shapes[code] = Shape(
                geometryJSON: String(decoding: try encoder.encode(geometry), as: UTF8.self),
                simplifiedJSON: String(decoding: try encoder.encode(simplifiedGeometry), as: UTF8.self),
                bbox: box, anchor: centroid(largest), rings: exteriors)
        }
        return CommuneBoundaries(shapes: shapes, bbox: all)
    }

    private static func rings(_ value: JSONValue) -> [[(Double, Double)]] {
        (value.array ?? []).map { ring in
            (ring.array ?? []).compactMap { p in
                guard let a = p.array, a.count >= 2, let x = a[0].number, let y = a[1].number else { return nil }
                return (x, y)
            }
        }
    }

    private static func area(_ ring: [(Double, Double)]) -> Double {
        var s = 0.0
        for i in 0..<(ring.count - 1) { s += ring[i].0 * ring[i + 1].1 - ring[i + 1].0 * ring[i].1 }
        return s / 2
    }

    private static func centroid(_ ring: [(Double, Double)]) -> (lon: Double, lat: Double) {
        let a = area(ring)
        guard abs(a) > 1e-12 else { return ring[0] }
        var cx = 0.0
        var cy = 0.0
        for i in 0..<(ring.count - 1) {
            let f = ring[i].0 * ring[i + 1].1 - ring[i + 1].0 * ring[i].1
            cx += (ring[i].0 + ring[i + 1].0) * f
            cy += (ring[i].1 + ring[i + 1].1) * f
        }
        return (cx / (6 * a), cy / (6 * a))
    }

    /// Douglas–Peucker on a closed ring, keeping it closed with at least 4 positions when possible.
    static func simplify(_ ring: [(Double, Double)], tolerance: Double) -> [(Double, Double)] {
        guard ring.count > 8 else { return ring }
        var keep = [Bool](repeating: false, count: ring.count)
        keep[0] = true
        keep[ring.count - 1] = true
        // Split at the farthest point from the start so the closed ring does not collapse.
        var far = 1
        var best = -1.0
        for i in 1..<(ring.count - 1) {
            let d = pow(ring[i].0 - ring[0].0, 2) + pow(ring[i].1 - ring[0].1, 2)
            if d > best { best = d; far = i }
        }
        keep[far] = true
        var stack = [(0, far), (far, ring.count - 1)]
        while let (a, b) = stack.popLast() {
            guard b > a + 1 else { continue }
            let (ax, ay) = ring[a]
            let (bx, by) = ring[b]
            let dx = bx - ax
            let dy = by - ay
            let len = max((dx * dx + dy * dy).squareRoot(), 1e-15)
            var idx = -1
            var maxD = 0.0
            for i in (a + 1)..<b {
                let d = abs(dy * ring[i].0 - dx * ring[i].1 + bx * ay - by * ax) / len
                if d > maxD { maxD = d; idx = i }
            }
            if maxD > tolerance, idx > 0 {
                keep[idx] = true
                stack.append((a, idx))
                stack.append((idx, b))
            }
        }
        let out = ring.indices.filter { keep[$0] }.map { (($0 == 0 ? ring[0] : ring[$0])) }
        return out.count >= 4 ? out.map { (($0.0 * 1e6).rounded() / 1e6, ($0.1 * 1e6).rounded() / 1e6) } : ring
    }
}

/// A problem that stops the server from starting (bad boundaries file, TLS files, etc.).
public struct ServerSetupError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
