#!/usr/bin/env bash
# Benchmark: `netmon coverage report` vs the pandas + h3 stack on the same 1,000,000-row CSV over the 104 communes
# of Hưng Yên, for several input shapes. CPU time (user + system), wall time and peak RSS from /usr/bin/time -v,
# both tools in the same run, runs alternated (netmon, python, netmon, …) so both see the same load.
# Headline per shape: the medians of the runs (wall and CPU) and their ratios; the best run by wall time and every
# run are printed too. Each shape's figures are then compared (compare.py): they must agree.
#
# Usage: bench/coverage/run.sh [ROWS] [RUNS] [--driver]
#   SHAPES (env): the input shapes, default "simulated outside operators unsorted cork":
#     simulated  `netmon coverage simulate --seed 42` (our own simulator's file)
#     outside, operators, unsorted, cork  bench/coverage/shapes.py (seed 42), see its description; they take their
#                radio values from the Cork drive test in the shared reference data (NETMON_SHARED_DATA, else
#                ../shared/data beside the checkout)
# --driver: instead of the full `swift build -c release` of netmon (all its dependencies), compile
# Sources/CoverageModel with bench/coverage/main.swift (swiftc -O -wmo), the same pipeline without the CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RUNS=${2:-3}
MODE=${3:-}
SHAPES=${SHAPES:-simulated outside operators unsorted cork}
SHARED=${NETMON_SHARED_DATA:-$(realpath -m ../shared/data)}
CORK="$SHARED/drive-tests/cork_5g_download_driving.csv"
WORK=$(mktemp -d /tmp/netmon-bench-coverage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# sites.yaml with the boundaries path made absolute, so it works from the temporary folder.
BOUNDARIES=$(cd "$(dirname sites.yaml)" && realpath "$(sed -n 's/^ *boundaries: *\([^ #]*\).*/\1/p' sites.yaml | head -1)")
sed "s#^\( *boundaries: *\)[^ #]*#\1$BOUNDARIES#" sites.yaml >"$WORK/sites.yaml"
if [ "$MODE" = "--driver" ]; then
    # The report vocabulary (Technology, SignalMetric) is NetmonProtocol's: built first as a module, as SwiftPM does.
    (cd "$WORK" && swiftc -O -wmo -parse-as-library -module-name NetmonProtocol -emit-module -emit-library -static \
        -o "$WORK/libNetmonProtocol.a" "$OLDPWD"/Sources/NetmonProtocol/*.swift)
    # -enforce-exclusivity=unchecked: what Package.swift gives CoverageModel in release builds.
    swiftc -O -wmo -enforce-exclusivity=unchecked -module-name CoverageBench -I "$WORK" -L "$WORK" -lNetmonProtocol \
        $(find Sources/CoverageModel -name '*.swift') bench/coverage/main.swift -o "$WORK/coverage-driver"
    simulate() { "$WORK/coverage-driver" simulate "$ROWS" 42 "$BOUNDARIES" "$1"; }
    report() { REPORT=("$WORK/coverage-driver" report "$1" "$BOUNDARIES" -1 "$2"); }
else
    swift build -c release --product netmon >/dev/null
    NETMON=.build/release/netmon
    simulate() { $NETMON coverage simulate --config "$WORK/sites.yaml" --rows "$ROWS" --seed 42 -o "$1" 2>/dev/null; }
    report() { REPORT=($NETMON coverage report --config "$WORK/sites.yaml" "$1" --preset "$2" --json); }
fi

measure() {  # prints "cpu_seconds wall_seconds max_rss_kib"
    /usr/bin/time -v "$@" >"$WORK/out.json" 2>"$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
    local wall rss cpu
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$WORK/time.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
    echo "$cpu $wall $rss"
}
median() {  # median of column $2 of tool $1's runs
    awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$WORK/runs.txt" | sort -n |
        awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
best() { awk -v t="$1" '$1 == t { print $2, $3, $4 }' "$WORK/runs.txt" | sort -n -k2 | head -1; }

echo "rows: $ROWS, $RUNS runs of each tool per shape (alternated), $(nproc) processors, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %7s %15s %15s %9s %9s %14s\n' shape "CSV MB" "netmon cpu/wall" "pandas cpu/wall" "wall x" "cpu x" "netmon MiB"
for SHAPE in $SHAPES; do
    CSV="$WORK/$SHAPE.csv"
    PRESET=canonical
    case $SHAPE in
    simulated) simulate "$CSV" ;;
    cork) PRESET=cork-5g ;;&
    *) python3 bench/coverage/shapes.py "$SHAPE" "$ROWS" 42 "$BOUNDARIES" "$CORK" "$CSV" ;;
    esac
    report "$CSV" "$PRESET"
    : >"$WORK/runs.txt"
    for _ in $(seq "$RUNS"); do
        echo "netmon $(measure "${REPORT[@]}")" >>"$WORK/runs.txt"
        cp "$WORK/out.json" "$WORK/netmon.json"
        echo "python $(measure python3 bench/coverage/pandas_h3.py "$CSV" "$BOUNDARIES" "$PRESET")" >>"$WORK/runs.txt"
        cp "$WORK/out.json" "$WORK/python.json"
    done
    NM_C=$(median netmon 2) NM_S=$(median netmon 3) PY_C=$(median python 2) PY_S=$(median python 3)
    read -r _ _ NM_KB <<<"$(best netmon)"
    printf '%-10s %7d %7.2f/%-7.2f %7.2f/%-7.2f %8.1fx %8.1fx %14.1f\n' "$SHAPE" "$(du -m "$CSV" | cut -f1)" \
        "$NM_C" "$NM_S" "$PY_C" "$PY_S" "$(echo "$PY_S/$NM_S" | bc -l)" "$(echo "$PY_C/$NM_C" | bc -l)" \
        "$(echo "$NM_KB/1024" | bc -l)"
    {
        echo "$SHAPE: every run (tool, cpu s, wall s, peak KiB):"
        sed 's/^/  /' "$WORK/runs.txt"
        echo "  best wall: netmon $(best netmon), python $(best python)"
        echo "  $(python3 bench/coverage/compare.py "$WORK/netmon.json" "$WORK/python.json")"
    } >>"$WORK/details.txt"
    rm -f "$CSV"
done
echo "medians of the runs; x = pandas / netmon. Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$WORK/details.txt"
