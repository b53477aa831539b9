# The same phases with the reference H3 (PyPI h3, C library underneath), one call per item as a data
# engineer's loop would make them.
import json, random, sys, time
import h3

n = int(sys.argv[1])
rng = random.Random(7)
points = [(rng.uniform(8.5, 23.4), rng.uniform(102.1, 109.5)) for _ in range(n)]

def timed(f):
    t = time.process_time()  # CPU time: the machine is shared
    r = f()
    return time.process_time() - t, r

t_index, cells = timed(lambda: [h3.latlng_to_cell(a, b, 8) for a, b in points])
sample = list(set(cells[:100000]))
t_center, _ = timed(lambda: [h3.cell_to_latlng(c) for c in sample])
t_boundary, _ = timed(lambda: [h3.cell_to_boundary(c) for c in sample])
t_area, _ = timed(lambda: [h3.cell_area(c, unit="km^2") for c in sample])
t_disk, _ = timed(lambda: [h3.grid_disk(c, 1) for c in sample])
data = json.load(open(sys.argv[2]))
shapes = [h3.geo_to_h3shape(f["geometry"]) for f in data["features"]]
t_fill, r8 = timed(lambda: sum(len(h3.h3shape_to_cells(s, 8)) for s in shapes))
t_fill10, r10 = timed(lambda: sum(len(h3.h3shape_to_cells(s, 10)) for s in shapes))
print("latlng_to_cell res8 %d points: %f s" % (n, t_index))
print("cell_to_latlng %d cells: %f s" % (len(sample), t_center))
print("cell_to_boundary %d cells: %f s" % (len(sample), t_boundary))
print("cell_area %d cells: %f s" % (len(sample), t_area))
print("grid_disk k=1 %d cells: %f s" % (len(sample), t_disk))
print("h3shape_to_cells res8 %d communes (%d cells): %f s" % (len(shapes), r8, t_fill))
print("h3shape_to_cells res10 %d communes (%d cells): %f s" % (len(shapes), r10, t_fill10))
