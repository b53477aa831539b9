#!/usr/bin/env bash
# Micro benchmark: the Swift H3 (built -O from its sources) against the PyPI h3 package, same phases and sizes.
# Usage: bench/h3/run.sh [points] — prints both tools' timings; ratios go to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
COMMUNES=${COMMUNES:-data/boundaries/hungyen_communes_2025.geojson}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
ROOT=$PWD
G=$ROOT/Sources/CoverageModel/Geometry
# Compile inside the temporary directory: swiftc leaves module files in the working directory.
(cd "$OUT" && swiftc -O -wmo -o "$OUT/h3bench" "$ROOT"/Sources/CoverageModel/H3/*.swift "$G/LatLng.swift" \
    "$G/GeoBoundingBox.swift" "$G/GeoPolygon.swift" "$G/GeoMultiPolygon.swift" "$G/GeoRing.swift" \
    "$ROOT/bench/h3/main.swift")
echo "== swift"
"$OUT/h3bench" "$N" "$COMMUNES"
echo "== python h3 $(python3 -c 'import h3; print(h3.__version__)')"
python3 bench/h3/bench.py "$N" "$COMMUNES"
