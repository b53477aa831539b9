import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The communes layer, whole and simplified (`?simplify=1`, what the dashboard draws), fetched from a live
/// server on the repository's boundaries (`data/boundaries`) and checked with the tools that read it: shapely
/// (OGC validity, RFC 7946 winding, neighbours neither overlapping nor leaving gaps) and GDAL's ogrinfo.
@Suite struct CommuneLayerValidityTests {
    static let hasShapely = (try? Shell.run(["python3", "-c", "import shapely"], check: false).status) == 0

    @Test(.enabled(if: Self.hasShapely, "needs python3 with shapely (scripts/setup installs it)"))
    func bothLayersAreValidAndTheSimplifiedOneTilesTheProvince() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let full = dir.appendingPathComponent("communes.geojson")
        let simplified = dir.appendingPathComponent("communes-simplified.geojson")
        let script = dir.appendingPathComponent("check.py")
        try Data(Self.check.utf8).write(to: script)
        try await withServer(testing: .live) { client, _ in
            for (uri, file) in [
                ("/api/v1/geojson/communes", full), ("/api/v1/geojson/communes?simplify=1", simplified),
            ] {
                try await client.execute(uri: uri, method: .get, headers: Fixture.headers(Fixture.viewerSecret)) {
                    #expect($0.status == .ok)
                    try Data(buffer: $0.body).write(to: file)
                }
            }
        }
        let out = try Shell.run(["python3", script.path, full.path, simplified.path], check: false)
        let verdict = try JSONDecoder().decode(Verdict.self, from: Data(out.stdout.utf8))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(verdict.problems.isEmpty, "\(verdict.problems)")
        #expect(verdict.communes == 104)
        #expect(verdict.neighbourPairs >= 250)
        // Simplification keeps about one vertex in seven and no vertex strays much beyond the ~30 m tolerance.
        #expect(verdict.verticesSimplified * 5 < verdict.verticesFull)
        #expect(verdict.maxDeviationMetres < 40)
        #expect(verdict.maxOverlapSquareMetres < 1)
        #expect(verdict.unionHolesSimplified <= verdict.unionHolesFull)
        if Shell.hasProgram("ogrinfo") {
            for file in [full, simplified] {
                let info = try Shell.run(["ogrinfo", "-ro", "-so", "-al", file.path], check: false)
                #expect(info.status == 0, "\(info.stderr)")
                #expect(info.stdout.contains("Feature Count: 104"), "\(info.stdout)")
            }
        }
    }

    @Test(.enabled(if: Self.hasShapely, "needs python3 with shapely (scripts/setup installs it)"))
    func deadZonesCellsAndProbesFollowRFC7946() async throws {
        let csv = try await offPool { try CoverageFixture.simulatedHungYen(rows: 6_000, seed: 11) }
        var configuration = Fixture.configuration()
        configuration.coverageDebounce = .milliseconds(50)
        let (store, cleanup) = try Fixture.sqliteStore()
        defer { cleanup() }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netmon-layers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let listener = UpdateCollector()
        let layers = ["dead-zones", "cells", "probes"]
        try await withCoverageServer(configuration, store: store, listener: listener) { client in
            let reply = try await client.execute(
                uri: "/api/v1/reports?format=csv", method: .post,
                headers: CoverageFixture.adminHeaders(contentType: "text/csv"), body: ByteBuffer(string: csv))
            #expect(reply.status == .created, "\(reply.text)")
            _ = try await listener.wait(reports: 6_000)
            for layer in layers {
                try await client.execute(
                    uri: "/api/v1/geojson/\(layer)", method: .get, headers: Fixture.headers(Fixture.viewerSecret)
                ) {
                    #expect($0.status == .ok)
                    try Data(buffer: $0.body).write(to: dir.appendingPathComponent("\(layer).geojson"))
                }
            }
        }
        let script = dir.appendingPathComponent("rfc7946.py")
        try Data(Self.rfc7946.utf8).write(to: script)
        let out = try Shell.run(
            ["python3", script.path] + layers.map { dir.appendingPathComponent("\($0).geojson").path }, check: false)
        #expect(out.status == 0, "\(out.stdout) \(out.stderr)")
        let counts = out.stdout.split(separator: "\n").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        // Some dead zones and cells, one point per probe: the checks above saw real geometry.
        #expect(counts.count == 3 && counts[0] != "0" && counts[1] != "0" && counts[2] == "104", "\(out.stdout)")
    }

    /// Arguments: GeoJSON files. For each prints its name and feature count; exits 1 when a geometry is
    /// invalid, an exterior is clockwise or a hole counter-clockwise, a ring is not closed, a coordinate has
    /// more than 6 decimals or the collection has a `crs`.
    static let rfc7946 = #"""
        import json, re, sys
        from shapely.geometry import shape
        from shapely.validation import explain_validity
        bad = []
        for path in sys.argv[1:]:
            text = open(path).read()
            doc = json.loads(text)
            if "crs" in doc:
                bad.append(f"{path}: has crs")
            if re.search(r"-?\d+\.\d{7,}", text):
                bad.append(f"{path}: a number has more than 6 decimals")
            for i, f in enumerate(doc["features"]):
                g = f["geometry"]
                if g is None:
                    continue
                polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"] if g["type"] == "MultiPolygon" else []
                for p in polys:
                    for k, ring in enumerate(p):
                        if ring[0] != ring[-1] or len(ring) < 4:
                            bad.append(f"{path}: feature {i}: ring {k} not closed")
                        a = sum(u[0] * v[1] - v[0] * u[1] for u, v in zip(ring, ring[1:]))
                        if (k == 0) != (a > 0):
                            bad.append(f"{path}: feature {i}: ring {k} wound against RFC 7946")
                if not shape(g).is_valid:
                    bad.append(f"{path}: feature {i}: {explain_validity(shape(g))}")
            print(path, len(doc["features"]))
        print("\n".join(bad[:20]), file=sys.stderr)
        sys.exit(1 if bad else 0)
        """#

    struct Verdict: Decodable {
        var communes: Int
        var verticesFull: Int
        var verticesSimplified: Int
        var maxDeviationMetres: Double
        var neighbourPairs: Int
        var maxOverlapSquareMetres: Double
        var unionHolesFull: Int
        var unionHolesSimplified: Int
        var problems: [String]

        enum CodingKeys: String, CodingKey {
            case communes, problems
            case verticesFull = "vertices_full"
            case verticesSimplified = "vertices_simplified"
            case maxDeviationMetres = "max_deviation_m"
            case neighbourPairs = "neighbour_pairs"
            case maxOverlapSquareMetres = "max_overlap_m2"
            case unionHolesFull = "union_holes_full"
            case unionHolesSimplified = "union_holes_simplified"
        }
    }

    /// Arguments: the whole layer and the simplified one. Prints a JSON verdict; exits 1 on any problem.
    /// Areas and distances are in metres on a local equirectangular projection (latitude 20.6°).
    static let check = #"""
        import json, math, sys
        import shapely
        from shapely.geometry import shape
        from shapely.validation import explain_validity
        from shapely.ops import unary_union
        from shapely.strtree import STRtree

        full_path, simple_path = sys.argv[1], sys.argv[2]
        LAT0 = math.radians(20.6)
        def metres(g):
            return shapely.transform(g, lambda xy: xy * [111320.0 * math.cos(LAT0), 110540.0])
        problems = []
        def load(path):
            fc = json.load(open(path))
            out = {}
            for f in fc["features"]:
                code = f["properties"]["code"]
                geo = f["geometry"]
                if geo is None:
                    problems.append(f"{path}: {code} has no geometry"); continue
                for poly in geo["coordinates"]:
                    for k, ring in enumerate(poly):
                        if ring[0] != ring[-1] or len(ring) < 4:
                            problems.append(f"{code}: ring not closed or < 4 positions")
                        a = sum(p[0] * q[1] - q[0] * p[1] for p, q in zip(ring, ring[1:]))
                        if (k == 0) != (a > 0):
                            problems.append(f"{code}: ring {k} wound against RFC 7946")
                        for p in ring:
                            for v in p:
                                if len(repr(v).split(".")[-1]) > 6 and abs(v - round(v, 6)) > 1e-12:
                                    problems.append(f"{code}: coordinate {v} has more than 6 decimals")
                g = shape(geo)
                if not g.is_valid:
                    problems.append(f"{path}: {code} invalid: {explain_validity(g)}")
                out[code] = g
            return out
        full = load(full_path)
        simple = load(simple_path)
        for layer in (full, simple):
            if "12452" not in layer or not layer["12452"].is_valid:
                problems.append("12452 missing or invalid")
        vf = sum(len(r.coords) for g in full.values() for p in g.geoms for r in [p.exterior, *p.interiors])
        vs = sum(len(r.coords) for g in simple.values() for p in g.geoms for r in [p.exterior, *p.interiors])
        # Invalid geometry is already a problem; made valid, the other checks still run.
        fm = {c: metres(shapely.make_valid(g)) for c, g in full.items()}
        sm = {c: metres(shapely.make_valid(g)) for c, g in simple.items()}
        worst = max(sm[c].hausdorff_distance(fm[c]) for c in sm)
        codes = list(sm)
        tree = STRtree([sm[c] for c in codes])
        pairs = 0
        overlap_max = 0.0
        for i, c in enumerate(codes):
            for j in tree.query(sm[c]):
                if j <= i:
                    continue
                inter = sm[c].intersection(sm[codes[j]])
                if inter.is_empty:
                    continue
                pairs += 1
                overlap_max = max(overlap_max, inter.area)
                if inter.area >= 1.0:
                    problems.append(f"{c} and {codes[j]} overlap by {inter.area:.2f} m²")
        def holes(u):
            return sum(len(p.interiors) for p in getattr(u, "geoms", [u]))
        uf = unary_union(list(fm.values()))
        us = unary_union(list(sm.values()))
        hf, hs = holes(uf), holes(us)
        if hs > hf:
            problems.append(f"union of simplified communes has {hs} holes, the unsimplified {hf}")
        outline = sum(p.exterior.length for p in getattr(uf, "geoms", [uf]))
        diff = abs(us.area - uf.area)
        if diff > outline * 30.0:
            problems.append(f"union area differs by {diff:.0f} m² (outline {outline:.0f} m)")
        print(json.dumps({"communes": len(simple), "vertices_full": vf, "vertices_simplified": vs,
            "max_deviation_m": round(worst, 1), "neighbour_pairs": pairs, "max_overlap_m2": round(overlap_max, 4),
            "union_holes_full": hf, "union_holes_simplified": hs, "union_area_difference_m2": round(diff, 1),
            "problems": problems[:20], "problem_count": len(problems)}))
        sys.exit(1 if problems else 0)
        """#
}
