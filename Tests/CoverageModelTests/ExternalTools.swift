import Foundation
import TestSupport

/// Runs the real GIS tools the GeoJSON output is checked with (GDAL's ogrinfo, Python shapely).
enum ExternalTools {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readToEndRetryingInterrupts()
        let errData = err.fileHandleForReading.readToEndRetryingInterrupts()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    static func available(_ executable: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(executable)"]).status) == 0
    }

    static let hasOgrinfo = available("ogrinfo")
    static let hasShapely = (try? run("python3", ["-c", "import shapely"]).status) == 0

    /// What shapely says about every feature of a GeoJSON file.
    struct ShapelyVerdict: Decodable {
        var features: Int
        var invalid: [String]
        var clockwiseExteriors: Int
        var counterClockwiseHoles: Int
        var unclosedRings: Int
        var tooPrecise: Int
        var hasBBox: Bool
        var bboxMatches: Bool
        var geometryTypes: [String]
        var totalArea: Double

        enum CodingKeys: String, CodingKey {
            case features, invalid, clockwiseExteriors = "cw_exteriors", counterClockwiseHoles = "ccw_holes"
            case unclosedRings = "unclosed", tooPrecise = "too_precise", hasBBox = "has_bbox"
            case bboxMatches = "bbox_matches", geometryTypes = "types", totalArea = "area"
        }
    }

    private static let shapelyScript = #"""
        import json, re, sys
        from shapely.geometry import shape
        from shapely.validation import explain_validity
        text = open(sys.argv[1]).read()
        doc = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        inv, cw, ccwh, unclosed, types, area = [], 0, 0, 0, set(), 0.0
        xs, ys = [], []
        for i, f in enumerate(doc["features"]):
            assert "properties" in f and "geometry" in f
            g = f["geometry"]
            if g is None:
                continue
            types.add(g["type"])
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []
            for p in polys:
                for k, ring in enumerate(p):
                    if ring[0] != ring[-1] or len(ring) < 4:
                        unclosed += 1
                    xs += [c[0] for c in ring]; ys += [c[1] for c in ring]
                s = shape({"type": "Polygon", "coordinates": p})
                if not s.exterior.is_ccw:
                    cw += 1
                ccwh += sum(1 for h in s.interiors if h.is_ccw)
            if g["type"] == "Point":
                xs.append(g["coordinates"][0]); ys.append(g["coordinates"][1])
            s = shape(g)
            if not s.is_valid:
                inv.append("%d: %s" % (i, explain_validity(s)))
            area += s.area
        too_precise = len(re.findall(r"-?\d+\.\d{7,}", text))
        bbox = doc.get("bbox")
        matches = bbox is not None and len(xs) > 0 and all(abs(a - b) < 1e-9 for a, b in zip(bbox, [min(xs), min(ys), max(xs), max(ys)]))
        print(json.dumps({"features": len(doc["features"]), "invalid": inv, "cw_exteriors": cw, "ccw_holes": ccwh,
            "unclosed": unclosed, "too_precise": too_precise, "has_bbox": bbox is not None, "bbox_matches": matches,
            "types": sorted(types), "area": area}))
        """#

    static func shapely(_ path: String) throws -> ShapelyVerdict {
        let out = try run("python3", ["-c", shapelyScript, path])
        guard out.status == 0 else { throw ToolFailure(message: "shapely check failed: \(out.stderr)") }
        return try JSONDecoder().decode(ShapelyVerdict.self, from: Data(out.stdout.utf8))
    }

    /// Feature count as GDAL's ogrinfo reports it, or a failure with its message.
    static func ogrFeatureCount(_ path: String) throws -> Int {
        let out = try run("ogrinfo", ["-ro", "-so", "-al", path])
        guard out.status == 0 else { throw ToolFailure(message: "ogrinfo failed: \(out.stderr)") }
        guard let line = out.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Feature Count:") }),
            let n = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces))
        else { throw ToolFailure(message: "ogrinfo printed no feature count: \(out.stdout)") }
        return n
    }

    struct ToolFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { self.message }
    }
}
