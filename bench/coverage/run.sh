#!/usr/bin/env bash
# Benchmark: `netmon coverage report` vs the pandas + h3 stack on the same 1,000,000-row canonical CSV
# over the 104 communes of Hưng Yên. CPU time (user + system), wall time and peak RSS from /usr/bin/time -v,
# both tools in the same run, runs alternated (netmon, python, netmon, …) so both see the same load.
# Headline: for each tool the run with the best WALL time (what a user waits for; netmon parses on every core,
# pandas on one) with that same run's CPU time and peak RSS; the medians of all runs and every run are printed too.
# Usage: bench/coverage/run.sh [ROWS] [RUNS] [--driver]
# --driver: instead of the full `swift build -c release` of netmon (all its dependencies), compile
# Sources/CoverageModel with bench/coverage/main.swift (swiftc -O -wmo), the same pipeline without the CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RUNS=${2:-3}
WORK=$(mktemp -d /tmp/netmon-bench-coverage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

MODE=${3:-}
# sites.yaml with the boundaries path made absolute, so it works from the temporary folder.
BOUNDARIES=$(cd "$(dirname sites.yaml)" && realpath "$(sed -n 's/^ *boundaries: *\([^ #]*\).*/\1/p' sites.yaml | head -1)")
sed "s#^\( *boundaries: *\)[^ #]*#\1$BOUNDARIES#" sites.yaml >"$WORK/sites.yaml"
if [ "$MODE" = "--driver" ]; then
    # -enforce-exclusivity=unchecked: what Package.swift gives CoverageModel in release builds.
    swiftc -O -wmo -enforce-exclusivity=unchecked -module-name CoverageBench $(find Sources/CoverageModel -name '*.swift') bench/coverage/main.swift \
        -o "$WORK/coverage-driver"
    "$WORK/coverage-driver" simulate "$ROWS" 42 "$BOUNDARIES" "$WORK/reports.csv"
    REPORT=("$WORK/coverage-driver" report "$WORK/reports.csv" "$BOUNDARIES")
else
    swift build -c release --product netmon >/dev/null
    NETMON=.build/release/netmon
    $NETMON coverage simulate --config "$WORK/sites.yaml" --rows "$ROWS" --seed 42 -o "$WORK/reports.csv" 2>/dev/null
    REPORT=($NETMON coverage report --config "$WORK/sites.yaml" "$WORK/reports.csv" --json)
fi
SIZE=$(du -m "$WORK/reports.csv" | cut -f1)

measure() {  # prints "cpu_seconds wall_seconds max_rss_kib"
    /usr/bin/time -v "$@" >"$WORK/out.json" 2>"$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
    local wall rss cpu
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$WORK/time.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
    echo "$cpu $wall $rss"
}

for _ in $(seq "$RUNS"); do
    RUN=$(measure "${REPORT[@]}")
    echo "netmon $RUN" >>"$WORK/runs.txt"
    cp "$WORK/out.json" "$WORK/netmon.json"
    RUN=$(measure python3 bench/coverage/pandas_h3.py "$WORK/reports.csv" "$BOUNDARIES")
    echo "python $RUN" >>"$WORK/runs.txt"
    cp "$WORK/out.json" "$WORK/python.json"
done

best() { awk -v t="$1" '$1 == t { print $2, $3, $4 }' "$WORK/runs.txt" | sort -n -k2 | head -1; }
median() {  # median CPU and median wall of a tool's runs
    local cpu wall
    cpu=$(awk -v t="$1" '$1 == t { print $2 }' "$WORK/runs.txt" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    wall=$(awk -v t="$1" '$1 == t { print $3 }' "$WORK/runs.txt" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
    echo "$cpu $wall"
}
read -r NM_C NM_S NM_KB <<<"$(best netmon)"
read -r PY_C PY_S PY_KB <<<"$(best python)"
read -r NM_MC NM_MS <<<"$(median netmon)"
read -r PY_MC PY_MS <<<"$(median python)"
echo "rows: $ROWS ($SIZE MB), $RUNS runs each (alternated), $(nproc) processors, load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "every run (tool, cpu s, wall s, peak KiB):"
sed 's/^/  /' "$WORK/runs.txt"
echo "best run of each tool by wall time:"
printf '%-32s %8s %8s %10s\n' tool "cpu s" "wall s" "peak MiB"
printf '%-32s %8.2f %8.2f %10.1f\n' "netmon coverage report --json" "$NM_C" "$NM_S" "$(echo "$NM_KB/1024" | bc -l)"
printf '%-32s %8.2f %8.2f %10.1f\n' "pandas + h3 (python3)" "$PY_C" "$PY_S" "$(echo "$PY_KB/1024" | bc -l)"
printf 'best runs: %.1fx faster in wall time, %.1fx less CPU time; memory: %.2f of the Python peak\n' \
    "$(echo "$PY_S/$NM_S" | bc -l)" "$(echo "$PY_C/$NM_C" | bc -l)" "$(echo "$NM_KB/$PY_KB" | bc -l)"
printf 'medians:   %.1fx faster in wall time (%.2f s vs %.2f s), %.1fx less CPU time (%.2f s vs %.2f s)\n' \
    "$(echo "$PY_MS/$NM_MS" | bc -l)" "$NM_MS" "$PY_MS" "$(echo "$PY_MC/$NM_MC" | bc -l)" "$NM_MC" "$PY_MC"
python3 bench/coverage/compare.py "$WORK/netmon.json" "$WORK/python.json"
