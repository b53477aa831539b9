import Foundation
import MeasurementStore
import Synchronization

/// The features of stored GeoJSON snapshots (cells, dead zones) with their extents, split once per snapshot version
/// so that bbox queries cost a filter, not a parse of the whole layer. Feature text is kept exactly as stored.
final class SnapshotFeatureIndex: Sendable {
    struct Feature: Sendable {
        /// [west, south, east, north].
        var bbox: [Double]
        var json: String
    }

    private struct Entry: Sendable {
        var createdAt: Date
        var length: Int
        var features: [Feature]
    }

    private let cache = Mutex<[String: Entry]>([:])

    /// The features of `snapshot`, from the cache when it is the same version.
    func features(of snapshot: CoverageSnapshot) async throws -> [Feature] {
        let length = snapshot.json.utf8.count
        if let hit = cache.withLock({ $0[snapshot.kind] }), hit.createdAt == snapshot.createdAt, hit.length == length {
            return hit.features
        }
        let json = snapshot.json
        let features = try await WorkerThread.run("netmon-geojson-index") { Self.split(json) }
        cache.withLock { $0[snapshot.kind] = Entry(createdAt: snapshot.createdAt, length: length, features: features) }
        return features
    }

    /// The elements of the top-level `features` array, as text slices with their extents (features without
    /// coordinates are left out).
    static func split(_ json: String) -> [Feature] {
        let bytes = Array(json.utf8)
        var out: [Feature] = []
        var depth = 0
        var inString = false
        var escaped = false
        var stringStart = 0
        var lastString = ""
        var inFeatures = false
        var finished = false
        var elementStart = -1
        for i in bytes.indices where !finished {
            let b = bytes[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 { lastString = String(decoding: bytes[stringStart..<i], as: UTF8.self) }
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""):
                inString = true
                stringStart = i + 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if b == UInt8(ascii: "["), depth == 1, lastString == "features", !inFeatures { inFeatures = true }
                if inFeatures, depth == 2, b == UInt8(ascii: "{") { elementStart = i }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if inFeatures, depth == 2, b == UInt8(ascii: "}"), elementStart >= 0 {
                    let text = String(decoding: bytes[elementStart...i], as: UTF8.self)
                    if let box = extent(text) { out.append(Feature(bbox: box, json: text)) }
                    elementStart = -1
                }
                if inFeatures, depth == 1 { finished = true }
            default:
                break
            }
        }
        return out
    }

    /// [W, S, E, N] of a feature's geometry.
    static func extent(_ featureJSON: String) -> [Double]? {
        guard let feature = try? JSONSerialization.jsonObject(with: Data(featureJSON.utf8)) as? [String: Any],
            let geometry = feature["geometry"] as? [String: Any], let coordinates = geometry["coordinates"]
        else { return nil }
        var box = [Double.infinity, .infinity, -Double.infinity, -Double.infinity]
        func walk(_ v: Any) {
            guard let a = v as? [Any] else { return }
            if a.count >= 2, let x = (a[0] as? NSNumber)?.doubleValue, let y = (a[1] as? NSNumber)?.doubleValue,
                !(a[0] is [Any])
            {
                box = [min(box[0], x), min(box[1], y), max(box[2], x), max(box[3], y)]
            } else {
                a.forEach(walk)
            }
        }
        walk(coordinates)
        return box[0].isFinite ? box : nil
    }
}
