/// A geometry to write.
public enum GeoJSONGeometry: Sendable {
    case point(LatLng)
    case polygon(GeoPolygon)
    case multiPolygon(GeoMultiPolygon)
}

/// Writes an RFC 7946 FeatureCollection feature by feature, flushing to the sink in 64 KiB pieces.
///
/// Positions are `[lon, lat]` with at most 6 decimals; exteriors are written counter-clockwise and holes
/// clockwise whatever their input winding; rings are closed; rings with fewer than 4 positions after
/// rounding are left out (a polygon without a usable exterior is written with no geometry: `null`);
/// non-finite numbers never appear (properties become `null`, coordinates are an error). The collection's
/// `bbox` (`[W, S, E, N]`) is written after the features, once it is known.
public final class GeoJSONWriter {
    private let sink: any ByteSink
    private var buffer: [UInt8] = []
    private var featureCount = 0
    private var bbox: GeoBoundingBox?
    private var finished = false
    private static let flushSize = 1 << 16

    public init(sink: any ByteSink, name: String? = nil) {
        self.sink = sink
        self.buffer.reserveCapacity(Self.flushSize * 2)
        self.buffer.append(contentsOf: #"{"type":"FeatureCollection","#.utf8)
        if let name {
            self.buffer.append(contentsOf: #""name":"#.utf8)
            JSONValue.writeString(name, to: &self.buffer)
            self.buffer.append(UInt8(ascii: ","))
        }
        self.buffer.append(contentsOf: #""features":["#.utf8)
    }

    /// Number of features written so far.
    public var count: Int { self.featureCount }

    /// Writes one feature.
    public func write(geometry: GeoJSONGeometry?, properties: [(String, JSONValue)]) throws {
        precondition(!self.finished, "GeoJSONWriter used after finish()")
        if self.featureCount > 0 { self.buffer.append(UInt8(ascii: ",")) }
        self.featureCount += 1
        self.buffer.append(contentsOf: #"{"type":"Feature","geometry":"#.utf8)
        if let geometry {
            try self.writeGeometry(geometry)
        } else {
            self.buffer.append(contentsOf: "null".utf8)
        }
        self.buffer.append(contentsOf: #","properties":"#.utf8)
        JSONValue.object(properties).write(to: &self.buffer)
        self.buffer.append(UInt8(ascii: "}"))
        if self.buffer.count >= Self.flushSize { try self.flush() }
    }

    /// Closes the collection, writes the bbox and flushes.
    public func finish() throws {
        guard !self.finished else { return }
        self.finished = true
        self.buffer.append(UInt8(ascii: "]"))
        if let b = self.bbox {
            self.buffer.append(contentsOf: #","bbox":["#.utf8)
            for (i, v) in [b.minLng, b.minLat, b.maxLng, b.maxLat].enumerated() {
                if i > 0 { self.buffer.append(UInt8(ascii: ",")) }
                Self.appendCoordinate(v, to: &self.buffer)
            }
            self.buffer.append(UInt8(ascii: "]"))
        }
        self.buffer.append(contentsOf: "}\n".utf8)
        try self.flush()
    }

    private func flush() throws {
        guard !self.buffer.isEmpty else { return }
        try self.sink.write(self.buffer)
        self.buffer.removeAll(keepingCapacity: true)
    }

    // MARK: Geometry

    private func writeGeometry(_ geometry: GeoJSONGeometry) throws {
        var box = self.bbox
        try Self.append(geometry, to: &self.buffer, bbox: &box)
        self.bbox = box
    }

    /// The geometry alone as GeoJSON text, written as `write(geometry:properties:)` writes it (6 decimals,
    /// counter-clockwise exteriors, clockwise holes, closed rings); `null` when no exterior is usable.
    public static func geometryText(_ geometry: GeoJSONGeometry) throws -> String {
        var buffer: [UInt8] = []
        var box: GeoBoundingBox?
        try Self.append(geometry, to: &buffer, bbox: &box)
        return String(decoding: buffer, as: UTF8.self)
    }

    private static func append(
        _ geometry: GeoJSONGeometry, to buffer: inout [UInt8], bbox: inout GeoBoundingBox?
    )
        throws
    {
        func extend(_ p: LatLng) {
            if bbox == nil {
                bbox = GeoBoundingBox(minLat: p.lat, minLng: p.lng, maxLat: p.lat, maxLng: p.lng)
            } else {
                bbox!.extend(with: p)
            }
        }
        /// Rounded, closed, correctly wound rings; nil when the exterior is unusable.
        func prepare(_ polygon: GeoPolygon) throws -> [[LatLng]]? {
            guard let exterior = try Self.ring(polygon.exterior, counterClockwise: true) else { return nil }
            var rings = [exterior]
            for hole in polygon.holes {
                if let h = try Self.ring(hole, counterClockwise: false) { rings.append(h) }
            }
            for p in exterior { extend(p) }
            return rings
        }
        switch geometry {
        case .point(let p):
            let q = try Self.rounded(p)
            extend(q)
            buffer.append(contentsOf: #"{"type":"Point","coordinates":"#.utf8)
            Self.appendPosition(q, to: &buffer)
            buffer.append(UInt8(ascii: "}"))
        case .polygon(let polygon):
            guard let rings = try prepare(polygon) else {
                buffer.append(contentsOf: "null".utf8)
                return
            }
            buffer.append(contentsOf: #"{"type":"Polygon","coordinates":"#.utf8)
            Self.appendPolygon(rings, to: &buffer)
            buffer.append(UInt8(ascii: "}"))
        case .multiPolygon(let multi):
            let polygons = try multi.polygons.compactMap { try prepare($0) }
            guard !polygons.isEmpty else {
                buffer.append(contentsOf: "null".utf8)
                return
            }
            buffer.append(contentsOf: #"{"type":"MultiPolygon","coordinates":["#.utf8)
            for (i, rings) in polygons.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                Self.appendPolygon(rings, to: &buffer)
            }
            buffer.append(contentsOf: "]}".utf8)
        }
    }

    static func ring(_ input: [LatLng], counterClockwise: Bool) throws -> [LatLng]? {
        var ring: [LatLng] = []
        ring.reserveCapacity(input.count + 1)
        for p in input {
            let q = try Self.rounded(p)
            if ring.last != q { ring.append(q) }
        }
        while ring.count > 1 && ring.first == ring.last { ring.removeLast() }
        guard ring.count >= 3, RingOrientation.signedArea(ring) != 0 else { return nil }
        ring = RingOrientation.wound(ring, counterClockwise: counterClockwise)
        ring.append(ring[0])
        return ring
    }

    static func rounded(_ p: LatLng) throws -> LatLng {
        guard p.isFinite else {
            throw OutputError(path: "<geojson>", message: "a coordinate is not a finite number")
        }
        return LatLng(lat: (p.lat * 1e6).rounded() / 1e6, lng: (p.lng * 1e6).rounded() / 1e6)
    }

    private static func appendPolygon(_ rings: [[LatLng]], to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
        for (i, ring) in rings.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(UInt8(ascii: "["))
            for (j, p) in ring.enumerated() {
                if j > 0 { buffer.append(UInt8(ascii: ",")) }
                Self.appendPosition(p, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        }
        buffer.append(UInt8(ascii: "]"))
    }

    private static func appendPosition(_ p: LatLng, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "["))
        Self.appendCoordinate(p.lng, to: &buffer)
        buffer.append(UInt8(ascii: ","))
        Self.appendCoordinate(p.lat, to: &buffer)
        buffer.append(UInt8(ascii: "]"))
    }

    /// Fixed-point with up to 6 decimals, trailing zeros trimmed (`106.5`, `-8.388186`).
    static func appendCoordinate(_ value: Double, to out: inout [UInt8]) {
        var micro = Int64((value * 1e6).rounded())
        if micro < 0 {
            out.append(UInt8(ascii: "-"))
            micro = -micro
        }
        let whole = micro / 1_000_000
        var fraction = micro % 1_000_000
        out.append(contentsOf: String(whole).utf8)
        guard fraction != 0 else { return }
        out.append(UInt8(ascii: "."))
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let text = String(fraction)
        for _ in 0..<(digits - text.utf8.count) { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: text.utf8)
    }
}
