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

/// Why reading a boundaries file failed: the file, where (line and column, byte offset, feature) and what.
public struct BoundaryReadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based feature position, if the problem is in one feature.
    public var feature: Int?
    /// 1-based line and column (in bytes) of the problem (of the feature's start for a feature that is valid
    /// JSON but not a usable boundary), if known.
    public var line: Int?
    public var column: Int?
    /// 0-based byte offset matching `line` and `column`.
    public var byteOffset: Int?
    public var message: String

    public init(
        file: String, feature: Int? = nil, line: Int? = nil, column: Int? = nil, byteOffset: Int? = nil,
        message: String
    ) {
        self.file = file
        self.feature = feature
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.message = message
    }

    public var description: String {
        var place = self.file
        if let line = self.line, let column = self.column { place += ":\(line):\(column)" }
        if let feature = self.feature { place += ": feature \(feature)" }
        return "\(place): \(self.message)"
    }
}

/// Reads commune boundaries from a GeoJSON FeatureCollection of Polygon or MultiPolygon features with
/// `ward_code` (string or number; also `code`) and `name` properties. Rings may be wound either way and
/// may be invalid; they are kept as given (containment is even-odd).
///
/// The file is read as bytes and walked feature by feature (no document tree): only the properties used
/// and the coordinates are kept, so memory stays near the size of the file.
public enum CommuneBoundaryReader {
    public static func read(path: String) throws(BoundaryReadError) -> [CommuneBoundary] {
        let bytes: [UInt8]
        do {
            bytes = try Self.readFile(path)
        } catch {
            let reason = (error as? ReportReadError)?.message ?? "\(error)"
            throw BoundaryReadError(file: path, message: "cannot read the file: \(reason)")
        }
        return try Self.read(bytes: bytes, name: path)
    }

    public static func read(data: Data, name: String) throws(BoundaryReadError) -> [CommuneBoundary] {
        try Self.read(bytes: [UInt8](data), name: name)
    }

    private static func read(bytes: [UInt8], name: String) throws(BoundaryReadError) -> [CommuneBoundary] {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BoundaryReadError) in try Self.read(bytes: raw, name: name) }
        }
        .get()
    }

    private static func readFile(_ path: String) throws -> [UInt8] {
        let source = try FileByteSource(path: path)
        var bytes = [UInt8](repeating: 0, count: max(Int(source.totalBytes ?? 0), 1 << 16))
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let n = try bytes.withUnsafeMutableBytes { raw in
                try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[count...]))
            }
            if n == 0 { break }
            count += n
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

    /// Reads a FeatureCollection from bytes; `name` is used in messages.
    public static func read(bytes: UnsafeRawBufferPointer, name: String) throws(BoundaryReadError) -> [CommuneBoundary]
    {
        var scanner = GeoJSONScanner(bytes)
        var out: [CommuneBoundary] = []
        var codes = Set<String>()
        var featureNumber = 0
        var currentFeature: Int?
        var type: String?
        var sawFeatures = false
        do throws(GeoJSONScanner.SyntaxError) {
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw scanner.error("not a JSON object (found \(scanner.describeNext()))")
            }
            try scanner.object { (scanner, key) throws(GeoJSONScanner.SyntaxError) in
                switch key {
                case "type":
                    type = scanner.peek() == UInt8(ascii: "\"") ? try scanner.string() : nil
                    if type == nil { try scanner.skipValue() }
                case "features" where scanner.peek() == UInt8(ascii: "["):
                    sawFeatures = true
                    try scanner.array { (scanner) throws(GeoJSONScanner.SyntaxError) in
                        featureNumber += 1
                        currentFeature = featureNumber
                        _ = scanner.peek()
                        let start = scanner.offset
                        let raw = try RawFeature.read(&scanner)
                        switch raw.boundary() {
                        case .success(let boundary):
                            guard codes.insert(boundary.code).inserted else {
                                throw scanner.error("ward_code \(boundary.code) appears twice", at: start)
                            }
                            out.append(boundary)
                        case .failure(let problem):
                            throw scanner.error(problem.message, at: start)
                        }
                        currentFeature = nil
                    }
                default:
                    try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
        } catch {
            let (line, column) = scanner.location(of: error.offset)
            throw BoundaryReadError(
                file: name, feature: currentFeature, line: line, column: column, byteOffset: error.offset,
                message: error.message)
        }
        guard type == "FeatureCollection", sawFeatures else {
            throw BoundaryReadError(file: name, message: "not a GeoJSON FeatureCollection")
        }
        return out
    }
}

/// What a feature holds, as read, before it is checked.
private struct RawFeature {
    enum Value {
        case string(String)
        case number(Double)
        case other
    }

    /// Coordinates as nested arrays of numbers.
    enum Coordinates {
        case number(Double)
        case list([Coordinates])
        case other
    }

    var isObject = false
    var hasProperties = false
    var wardCode: Value?
    var code: Value?
    var name: String?
    var hasGeometry = false
    var geometryType: String?
    var coordinates: Coordinates?

    static func read(_ scanner: inout GeoJSONScanner) throws(GeoJSONScanner.SyntaxError) -> RawFeature {
        var feature = RawFeature()
        guard scanner.peek() == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return feature
        }
        feature.isObject = true
        try scanner.object { (scanner, key) throws(GeoJSONScanner.SyntaxError) in
            switch key {
            case "properties" where scanner.peek() == UInt8(ascii: "{"):
                feature.hasProperties = true
                try scanner.object { (scanner, key) throws(GeoJSONScanner.SyntaxError) in
                    switch key {
                    case "ward_code": feature.wardCode = try Self.value(&scanner)
                    case "code": feature.code = try Self.value(&scanner)
                    case "name":
                        if case .string(let s) = try Self.value(&scanner) {
                            feature.name = s
                        } else {
                            feature.name = nil
                        }
                    default: try scanner.skipValue()
                    }
                }
            case "properties":
                feature.hasProperties = false
                try scanner.skipValue()
            case "geometry" where scanner.peek() == UInt8(ascii: "{"):
                feature.hasGeometry = true
                try scanner.object { (scanner, key) throws(GeoJSONScanner.SyntaxError) in
                    switch key {
                    case "type":
                        if case .string(let s) = try Self.value(&scanner) {
                            feature.geometryType = s
                        } else {
                            feature.geometryType = nil
                        }
                    case "coordinates": feature.coordinates = try Self.coordinates(&scanner, depth: 0)
                    default: try scanner.skipValue()
                    }
                }
            case "geometry":
                feature.hasGeometry = false
                try scanner.skipValue()
            default:
                try scanner.skipValue()
            }
        }
        return feature
    }

    private static func value(_ scanner: inout GeoJSONScanner) throws(GeoJSONScanner.SyntaxError) -> Value {
        switch scanner.peek() {
        case UInt8(ascii: "\""): return .string(try scanner.string())
        case let b? where b == UInt8(ascii: "-") || (48...57).contains(b): return .number(try scanner.number())
        default:
            try scanner.skipValue()
            return .other
        }
    }

    private static func coordinates(
        _ scanner: inout GeoJSONScanner, depth: Int
    ) throws(GeoJSONScanner.SyntaxError) -> Coordinates {
        switch scanner.peek() {
        case UInt8(ascii: "[") where depth < 8:
            var items: [Coordinates] = []
            try scanner.array { (scanner) throws(GeoJSONScanner.SyntaxError) in
                items.append(try Self.coordinates(&scanner, depth: depth + 1))
            }
            return .list(items)
        case let b? where b == UInt8(ascii: "-") || (48...57).contains(b): return .number(try scanner.number())
        default:
            try scanner.skipValue()
            return .other
        }
    }

    /// The boundary, or what is wrong with the feature (checked in a fixed order: properties, code, geometry).
    func boundary() -> Result<CommuneBoundary, FeatureProblem> {
        guard self.isObject, self.hasProperties else { return .failure("not a feature with properties") }
        let code: String
        switch self.wardCode ?? self.code {
        case .string(let s): code = s
        case .number(let n) where n.isFinite && abs(n) < 1e15: code = Self.zeroPadded(Int(n))
        default: return .failure("has no ward_code")
        }
        guard self.hasGeometry, let type = self.geometryType, case .list(let coordinates) = self.coordinates else {
            return .failure("has no geometry")
        }
        var polygons: [GeoPolygon] = []
        switch type {
        case "Polygon":
            switch Self.polygon(coordinates) {
            case .success(let p): polygons = [p]
            case .failure(let problem): return .failure(problem)
            }
        case "MultiPolygon":
            for item in coordinates {
                guard case .list(let rings) = item else { return .failure("a polygon has no exterior ring") }
                switch Self.polygon(rings) {
                case .success(let p): polygons.append(p)
                case .failure(let problem): return .failure(problem)
                }
            }
        default:
            return .failure(FeatureProblem("geometry is \(type), not Polygon or MultiPolygon"))
        }
        return .success(
            CommuneBoundary(code: code, name: self.name ?? code, geometry: GeoMultiPolygon(polygons: polygons)))
    }

    /// `%05d`: at least five digits, zero-padded (a minus sign takes one of the five places).
    private static func zeroPadded(_ n: Int) -> String {
        let digits = String(n.magnitude)
        let width = n < 0 ? 4 : 5
        let padded = String(repeating: "0", count: max(0, width - digits.count)) + digits
        return n < 0 ? "-" + padded : padded
    }

    private static func polygon(_ rings: [Coordinates]) -> Result<GeoPolygon, FeatureProblem> {
        var parsed: [[LatLng]] = []
        parsed.reserveCapacity(rings.count)
        for ring in rings {
            guard case .list(let positions) = ring else { return .failure("a ring is not an array") }
            var points: [LatLng] = []
            points.reserveCapacity(positions.count)
            for position in positions {
                guard case .list(let pair) = position, pair.count >= 2, case .number(let lng) = pair[0],
                    case .number(let lat) = pair[1]
                else { return .failure("a position is not [lon, lat]") }
                // Out of range (a coordinate moved or overflowed) would make the H3 fill walk the whole globe.
                guard (-180...180).contains(lng), (-90...90).contains(lat) else {
                    return .failure(FeatureProblem("position [\(lng), \(lat)] is outside longitude ±180, latitude ±90"))
                }
                points.append(LatLng(lat: lat, lng: lng))
            }
            if points.count > 1 && points.first == points.last { points.removeLast() }
            parsed.append(points)
        }
        guard let exterior = parsed.first, exterior.count >= 3 else {
            return .failure("a polygon has no exterior ring")
        }
        return .success(GeoPolygon(exterior: exterior, holes: parsed.dropFirst().filter { $0.count >= 3 }))
    }
}

/// Why a feature is not a usable boundary.
private struct FeatureProblem: Error, ExpressibleByStringLiteral {
    var message: String
    init(_ message: String) { self.message = message }
    init(stringLiteral value: String) { self.message = value }
}
