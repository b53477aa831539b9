import Foundation

@testable import CoverageModel

/// The boundaries reader as it was before the byte-level reader: `JSONSerialization` into Foundation objects.
/// Kept in the tests only, as the reference the byte-level reader must equal on real files.
enum FoundationBoundaryReference {
    struct Failure: Error, CustomStringConvertible {
        var feature: Int?
        var message: String
        var description: String { self.feature.map { "feature \($0): \(self.message)" } ?? self.message }
    }

    static func read(data: Data) throws -> [CommuneBoundary] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(message: "not a JSON object")
        }
        guard (root["type"] as? String) == "FeatureCollection", let features = root["features"] as? [Any] else {
            throw Failure(message: "not a GeoJSON FeatureCollection")
        }
        var out: [CommuneBoundary] = []
        var codes = Set<String>()
        for (i, item) in features.enumerated() {
            func fail(_ message: String) -> Failure { Failure(feature: i + 1, message: message) }
            guard let feature = item as? [String: Any], let properties = feature["properties"] as? [String: Any] else {
                throw fail("not a feature with properties")
            }
            let code: String
            switch properties["ward_code"] ?? properties["code"] {
            case let s as String: code = s
            case let n as NSNumber: code = String(format: "%05d", n.intValue)
            default: throw fail("has no ward_code")
            }
            guard codes.insert(code).inserted else { throw fail("ward_code \(code) appears twice") }
            let communeName = properties["name"] as? String ?? code
            guard let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                let coordinates = geometry["coordinates"] as? [Any]
            else { throw fail("has no geometry") }
            let polygons: [GeoPolygon]
            switch type {
            case "Polygon": polygons = [try Self.polygon(coordinates, fail)]
            case "MultiPolygon": polygons = try coordinates.map { try Self.polygon($0 as? [Any] ?? [], fail) }
            default: throw fail("geometry is \(type), not Polygon or MultiPolygon")
            }
            out.append(CommuneBoundary(code: code, name: communeName, geometry: GeoMultiPolygon(polygons: polygons)))
        }
        return out
    }

    private static func polygon(_ rings: [Any], _ fail: (String) -> Failure) throws -> GeoPolygon {
        let parsed = try rings.map { try Self.ring($0, fail) }
        guard let exterior = parsed.first, exterior.count >= 3 else { throw fail("a polygon has no exterior ring") }
        return GeoPolygon(exterior: exterior, holes: Array(parsed.dropFirst()).filter { $0.count >= 3 })
    }

    private static func ring(_ value: Any, _ fail: (String) -> Failure) throws -> [LatLng] {
        guard let positions = value as? [Any] else { throw fail("a ring is not an array") }
        var ring: [LatLng] = []
        for position in positions {
            guard let pair = position as? [Any], pair.count >= 2,
                let lng = (pair[0] as? NSNumber)?.doubleValue, let lat = (pair[1] as? NSNumber)?.doubleValue,
                lat.isFinite, lng.isFinite
            else { throw fail("a position is not [lon, lat]") }
            ring.append(LatLng(lat: lat, lng: lng))
        }
        if ring.count > 1 && ring.first == ring.last { ring.removeLast() }
        return ring
    }
}
