import Foundation
import Synchronization

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

    /// Boundaries already read, by path: the file is large and never changes while the process runs.
    private static let cache = Mutex<[String: CommuneBoundaries]>([:])

    /// Reads a FeatureCollection whose features carry `ward_code` (number or string); codes are 5-digit strings.
    static func load(path: String) throws -> CommuneBoundaries {
        if let cached = cache.withLock({ $0[path] }) { return cached }
        let loaded = try read(path: path)
        cache.withLock { $0[path] = loaded }
        return loaded
    }

    private static func read(path: String) throws -> CommuneBoundaries {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ServerSetupError("cannot read commune boundaries '\(path)': \(error.localizedDescription)")
        }
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ServerSetupError("commune boundaries '\(path)' are not JSON: \(error)")
        }
        guard let features = (root as? [String: Any])?["features"] as? [Any] else {
            throw ServerSetupError("commune boundaries '\(path)' are not a GeoJSON FeatureCollection")
        }
        var shapes: [String: Shape] = [:]
        var all = [Double.infinity, .infinity, -Double.infinity, -Double.infinity]
        for (i, feature) in features.enumerated() {
            let f = feature as? [String: Any] ?? [:]
            let properties = f["properties"] as? [String: Any] ?? [:]
            let code: String
            if let n = properties["ward_code"] as? NSNumber {
                code = String(format: "%05d", n.intValue)
            } else if let s = properties["ward_code"] as? String {
                code = s
            } else {
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) has no ward_code property")
            }
            guard let geometry = f["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                let coords = geometry["coordinates"] as? [Any]
            else {
                throw ServerSetupError("commune boundaries '\(path)': feature \(i) (\(code)) has no geometry")
            }
            let polygons: [[[(Double, Double)]]]
            switch type {
            case "Polygon": polygons = [rings(coords)]
            case "MultiPolygon": polygons = coords.map { rings($0 as? [Any] ?? []) }
            default:
                throw ServerSetupError(
                    "commune boundaries '\(path)': feature \(i) (\(code)) is a \(type), not a polygon")
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
            shapes[code] = Shape(
                geometryJSON: geometryText(type: "MultiPolygon", polygons: polygons),
                simplifiedJSON: geometryText(type: "MultiPolygon", polygons: simplified),
                bbox: box, anchor: centroid(largest), rings: exteriors)
        }
        return CommuneBoundaries(shapes: shapes, bbox: all)
    }

    /// GeoJSON geometry text with 6 decimals (the source file's precision; ~0.1 m).
    private static func geometryText(type: String, polygons: [[[(Double, Double)]]]) -> String {
        var out = "{\"type\":\"\(type)\",\"coordinates\":["
        out.reserveCapacity(polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count * 24 } } + 64)
        for (pi, poly) in polygons.enumerated() {
            out += pi == 0 ? "[" : ",["
            for (ri, ring) in poly.enumerated() {
                out += ri == 0 ? "[" : ",["
                for (k, p) in ring.enumerated() {
                    if k > 0 { out += "," }
                    out += "[" + coordinate(p.0) + "," + coordinate(p.1) + "]"
                }
                out += "]"
            }
            out += "]"
        }
        return out + "]}"
    }

    private static func coordinate(_ v: Double) -> String {
        var s = String(format: "%.6f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    private static func rings(_ value: [Any]) -> [[(Double, Double)]] {
        value.map { ring in
            (ring as? [Any] ?? []).compactMap { p in
                guard let a = p as? [Any], a.count >= 2, let x = a[0] as? NSNumber, let y = a[1] as? NSNumber
                else { return nil }
                return (x.doubleValue, y.doubleValue)
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
