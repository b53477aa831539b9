#!/usr/bin/env bash
# Benchmark: `netmon coverage report` vs the pandas + h3 stack on the same 1,000,000-row canonical CSV
# over the 104 communes of Hưng Yên. Wall time and peak RSS from /usr/bin/time -v, both in the same run,
# best of RUNS. Usage: bench/coverage/run.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-1000000}
RUNS=${2:-3}
WORK=$(mktemp -d /tmp/netmon-bench-coverage.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

swift build -c release --product netmon >/dev/null
NETMON=.build/release/netmon
# sites.yaml with the boundaries path made absolute, so it works from the temporary folder.
BOUNDARIES=$(cd "$(dirname sites.yaml)" && realpath "$(sed -n 's/^ *boundaries: *\([^ #]*\).*/\1/p' sites.yaml | head -1)")
sed "s#^\( *boundaries: *\)[^ #]*#\1$BOUNDARIES#" sites.yaml >"$WORK/sites.yaml"

$NETMON coverage simulate --config "$WORK/sites.yaml" --rows "$ROWS" --seed 42 -o "$WORK/reports.csv" 2>/dev/null
SIZE=$(du -m "$WORK/reports.csv" | cut -f1)

measure() {  # prints "seconds max_rss_kib"
    /usr/bin/time -v "$@" >"$WORK/out.json" 2>"$WORK/time.txt" || { cat "$WORK/time.txt" >&2; exit 1; }
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
    echo "$wall $rss"
}

best() { sort -n -k1 | head -1; }
NM=$(for _ in $(seq "$RUNS"); do measure $NETMON coverage report --config "$WORK/sites.yaml" "$WORK/reports.csv" --json; done | best)
cp "$WORK/out.json" "$WORK/netmon.json"
PY=$(for _ in $(seq "$RUNS"); do measure python3 bench/coverage/pandas_h3.py "$WORK/reports.csv" "$BOUNDARIES"; done | best)
cp "$WORK/out.json" "$WORK/python.json"

read -r NM_S NM_KB <<<"$NM"
read -r PY_S PY_KB <<<"$PY"
echo "rows: $ROWS ($SIZE MB), best of $RUNS"
printf 'netmon coverage report --json   %6.2f s  %7.1f MiB\n' "$NM_S" "$(echo "$NM_KB/1024" | bc -l)"
printf 'pandas + h3 (python3)           %6.2f s  %7.1f MiB\n' "$PY_S" "$(echo "$PY_KB/1024" | bc -l)"
printf 'speed-up: %.1fx   memory: %.2f of the Python peak\n' "$(echo "$PY_S/$NM_S" | bc -l)" "$(echo "$NM_KB/$PY_KB" | bc -l)"
python3 bench/coverage/compare.py "$WORK/netmon.json" "$WORK/python.json"
