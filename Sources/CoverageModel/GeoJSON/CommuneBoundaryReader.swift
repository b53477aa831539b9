import Foundation

/// A commune (or ward) and its boundary.
public struct CommuneBoundary: Sendable, Hashable {
    /// GSO ward code as a 5-digit string (`"12345"`).
    public var code: String
    public var name: String
    public var geometry: GeoMultiPolygon

    public init(code: String, name: String, geometry: GeoMultiPolygon) {
        self.code = code
        self.name = name
        self.geometry = geometry
    }
}

/// Why reading a boundaries file failed.
public struct BoundaryReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based feature position, if the problem is in one feature.
    public var feature: Int?
    public var message: String
    public var description: String {
        self.feature.map { "\(self.file): feature \($0): \(self.message)" } ?? "\(self.file): \(self.message)"
    }
}

/// Reads commune boundaries from a GeoJSON FeatureCollection of Polygon or MultiPolygon features with
/// `ward_code` (string or number; also `code`) and `name` properties. Rings may be wound either way and
/// may be invalid; they are kept as given (containment is even-odd).
public enum CommuneBoundaryReader {
    public static func read(path: String) throws -> [CommuneBoundary] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BoundaryReadError(file: path, message: "cannot read the file: \(error.localizedDescription)")
        }
        return try Self.read(data: data, name: path)
    }

    public static func read(data: Data, name: String) throws -> [CommuneBoundary] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BoundaryReadError(file: name, message: "not a JSON object")
        }
        guard (root["type"] as? String) == "FeatureCollection", let features = root["features"] as? [Any] else {
            throw BoundaryReadError(file: name, message: "not a GeoJSON FeatureCollection")
        }
        var out: [CommuneBoundary] = []
        var codes = Set<String>()
        for (i, item) in features.enumerated() {
            func fail(_ message: String) -> BoundaryReadError {
                BoundaryReadError(file: name, feature: i + 1, message: message)
            }
            guard let feature = item as? [String: Any], let properties = feature["properties"] as? [String: Any] else {
                throw fail("not a feature with properties")
            }
            let rawCode = properties["ward_code"] ?? properties["code"]
            let code: String
            switch rawCode {
            case let s as String: code = s
            case let n as NSNumber: code = String(format: "%05d", n.intValue)
            default: throw fail("has no ward_code")
            }
            guard codes.insert(code).inserted else { throw fail("ward_code \(code) appears twice") }
            let communeName = properties["name"] as? String ?? code
            guard let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                let coordinates = geometry["coordinates"] as? [Any]
            else { throw fail("has no geometry") }
            var polygons: [GeoPolygon] = []
            switch type {
            case "Polygon":
                polygons = [try Self.polygon(coordinates, fail)]
            case "MultiPolygon":
                polygons = try coordinates.map { try Self.polygon($0 as? [Any] ?? [], fail) }
            default:
                throw fail("geometry is \(type), not Polygon or MultiPolygon")
            }
            out.append(CommuneBoundary(code: code, name: communeName, geometry: GeoMultiPolygon(polygons: polygons)))
        }
        return out
    }

    private static func polygon(_ rings: [Any], _ fail: (String) -> BoundaryReadError) throws -> GeoPolygon {
        let parsed = try rings.map { try Self.ring($0, fail) }
        guard let exterior = parsed.first, exterior.count >= 3 else { throw fail("a polygon has no exterior ring") }
        return GeoPolygon(exterior: exterior, holes: Array(parsed.dropFirst()).filter { $0.count >= 3 })
    }

    private static func ring(_ value: Any, _ fail: (String) -> BoundaryReadError) throws -> [LatLng] {
        guard let positions = value as? [Any] else { throw fail("a ring is not an array") }
        var ring: [LatLng] = []
        ring.reserveCapacity(positions.count)
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
