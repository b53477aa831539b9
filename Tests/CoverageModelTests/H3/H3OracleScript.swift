/// The Python program that asks the reference H3 library (PyPI `h3` 4.x) for the expected answers.
///
/// Arguments: output file, communes GeoJSON, number of random points over Viet Nam. Output lines:
/// `V lat lng c6…c10` (points over Viet Nam), `G lat lng c0…c15` (points over the sphere and along
/// icosahedron edges), `B cell lat lng areaKm2 n lat lng…` (centre, area, boundary), `U cell res parent`,
/// `H cell res n children…`, `D cell k n disk…`, `A a b 0|1` (areNeighborCells), `R code poly ring n lat lng…`
/// (commune rings), `Y code res n cells…` (polygonToCells), `END`.
enum H3OracleScript {
    static let source = #"""
        import json, math, os, random, sys
        import h3

        out = open(sys.argv[1], "w")
        communes_path = sys.argv[2]
        n_points = int(sys.argv[3])
        rng = random.Random(20251129)
        w = out.write

        def cell_record(c):
            lat, lng = h3.cell_to_latlng(c)
            b = h3.cell_to_boundary(c)
            w("B %s %r %r %r %d %s\n" % (c, lat, lng, h3.cell_area(c, unit="km^2"), len(b),
                                         " ".join("%r %r" % p for p in b)))

        # 1. Random points over Viet Nam, resolutions 6-10.
        detail = set()
        for n in range(n_points):
            lat = rng.uniform(8.5, 23.4)
            lng = rng.uniform(102.1, 109.5)
            cells = [h3.latlng_to_cell(lat, lng, r) for r in range(6, 11)]
            w("V %r %r %s\n" % (lat, lng, " ".join(cells)))
            if n < 400:
                detail.update(cells)

        # 2. Points over the whole sphere and along the icosahedron edges, resolutions 0-15.
        def sphere_point():
            z = rng.uniform(-1, 1)
            t = rng.uniform(-math.pi, math.pi)
            return math.degrees(math.asin(z)), math.degrees(t)

        def to_vec(lat, lng):
            a, b = math.radians(lat), math.radians(lng)
            return (math.cos(a) * math.cos(b), math.cos(a) * math.sin(b), math.sin(a))

        def to_latlng(v):
            n = math.sqrt(sum(x * x for x in v))
            return math.degrees(math.asin(v[2] / n)), math.degrees(math.atan2(v[1], v[0]))

        global_points = [sphere_point() for _ in range(1500)]
        vertices = [to_vec(*h3.cell_to_latlng(p)) for p in h3.get_pentagons(0)]
        for a in range(12):
            for b in range(a + 1, 12):
                dot = sum(x * y for x, y in zip(vertices[a], vertices[b]))
                if dot > 0.4:  # adjacent icosahedron vertices: an edge of the icosahedron
                    for s in range(1, 12):
                        t = s / 12 + rng.uniform(-1e-3, 1e-3)
                        v = tuple(vertices[a][i] * (1 - t) + vertices[b][i] * t for i in range(3))
                        global_points.append(to_latlng(v))
        for lat, lng in global_points:
            cells = [h3.latlng_to_cell(lat, lng, r) for r in range(16)]
            w("G %r %r %s\n" % (lat, lng, " ".join(cells)))
        for lat, lng in global_points[::7] + global_points[1500::2]:
            for r in range(16):
                detail.add(h3.latlng_to_cell(lat, lng, r))

        # 3. Every base cell, every pentagon at every resolution.
        detail.update(h3.get_res0_cells())
        pentagons = [p for r in range(16) for p in h3.get_pentagons(r)]
        detail.update(pentagons)

        for c in sorted(detail):
            cell_record(c)
            res = h3.get_resolution(c)
            if res > 0:
                for pr in sorted({res - 1, max(0, res - 3), 0}):
                    w("U %s %d %s\n" % (c, pr, h3.cell_to_parent(c, pr)))
            for cr in ((res + 1, res + 2) if h3.is_pentagon(c) or res <= 1 else (res + 1,)):
                if cr <= 15:
                    ch = h3.cell_to_children(c, cr)
                    w("H %s %d %d %s\n" % (c, cr, len(ch), " ".join(sorted(ch))))
            ks = (1, 2) if h3.is_pentagon(c) or res <= 1 else (1,)
            for k in ks:
                d = sorted(h3.grid_disk(c, k))
                w("D %s %d %d %s\n" % (c, k, len(d), " ".join(d)))
                if k == 2:
                    for o in d:
                        w("A %s %s %d\n" % (c, o, 1 if h3.are_neighbor_cells(c, o) else 0))

        # 4. Polygon-to-cells on real communes (one self-intersecting, one with a hole, multi-part ones).
        wanted = ["Phường Trần Hưng Đạo", "Xã Nam Tiền Hải", "Xã Đông Thái Ninh", "Xã Đông Tiền Hải", "Phường Sơn Nam"]
        data = json.load(open(communes_path)) if os.path.exists(communes_path) else {"features": []}
        for f in data["features"]:
            name = f["properties"]["name"]
            if name not in wanted:
                continue
            code = str(f["properties"]["ward_code"])
            polys = f["geometry"]["coordinates"]
            for pi, poly in enumerate(polys):
                for ri, ring in enumerate(poly):
                    w("R %s %d %d %d %s\n" % (code, pi, ri, len(ring), " ".join("%r %r" % (lat, lng) for lng, lat in ring)))
            shape = h3.LatLngMultiPoly(*[
                h3.LatLngPoly([(lat, lng) for lng, lat in poly[0]], *[[(lat, lng) for lng, lat in h] for h in poly[1:]])
                for poly in polys])
            for r in (7, 8, 9, 10):
                cells = sorted(h3.h3shape_to_cells(shape, r))
                w("Y %s %d %d %s\n" % (code, r, len(cells), " ".join(cells)))
        # 5. Synthetic shapes: a polygon with real holes, a bow tie, one across the antimeridian, one near a pentagon.
        synthetic = {
            "hole": [[(20.5, 105.9), (20.5, 106.4), (20.9, 106.4), (20.9, 105.9)],
                     [(20.6, 106.0), (20.8, 106.05), (20.75, 106.2), (20.62, 106.15)],
                     [(20.55, 106.25), (20.58, 106.35), (20.65, 106.3)]],
            "bowtie": [[(20.5, 105.9), (20.9, 106.4), (20.9, 105.9), (20.5, 106.4)]],
            "antimeridian": [[(-16.5, 178.8), (-16.2, -179.6), (-17.4, -179.8), (-17.6, 179.1)]],
            "pentagon": [[(64.3, 9.8), (64.3, 11.3), (65.1, 11.3), (65.1, 9.8)]],
        }
        for code, rings in synthetic.items():
            for ri, ring in enumerate(rings):
                w("R %s 0 %d %d %s\n" % (code, ri, len(ring), " ".join("%r %r" % p for p in ring)))
            shape = h3.LatLngPoly(rings[0], *rings[1:])
            for r in ((4, 5, 6, 7) if code in ("antimeridian", "pentagon") else (6, 7, 8)):
                cells = sorted(h3.h3shape_to_cells(shape, r))
                w("Y %s %d %d %s\n" % (code, r, len(cells), " ".join(cells)))
        w("END\n")
        out.close()
        """#
}
