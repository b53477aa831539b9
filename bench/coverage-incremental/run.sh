#!/usr/bin/env bash
# Incremental coverage (issue 17, section 3): how long the coverage recomputation after one new 100-row upload takes
# in a SQLite store holding REPORTS reports, with the recomputation that reads every report (BEFORE, a netmon binary
# from before the cell aggregates) and with the one that reads the merged cell aggregates (AFTER). The AFTER binary
# first makes the aggregates from the stored reports once (backfill, logged); that one-time cost is shown apart.
# Usage: bench/coverage-incremental/run.sh   (env: REPORTS=10000000 BEFORE=path AFTER=path UPLOADS_AFTER=3
#        FILLED=path: a store this script filled before, copied instead of filling again)
# Everything runs on loopback; every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPORTS=${REPORTS:-10000000}
UPLOADS_AFTER=${UPLOADS_AFTER:-3}
BEFORE=${BEFORE:?a netmon binary without cell aggregates}
AFTER=${AFTER:?a netmon binary with cell aggregates}
OUT=$PWD/bench/out/coverage-incremental
rm -rf "$OUT"; mkdir -p "$OUT"
ADMIN="bench-admin-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "admin bench-admin $ADMIN" > "$OUT/tokens.txt"; chmod 600 "$OUT/tokens.txt"
sed -e "s|^  boundaries: |  boundaries: $PWD/|" sites.yaml > "$OUT/sites.yaml"
DB="$OUT/store.sqlite"
SERVER=""
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT

serve() {  # $1 binary, $2 log
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    "$1" serve --config "$OUT/sites.yaml" --database "sqlite:$DB" --listen "127.0.0.1:$PORT" --tokens "$OUT/tokens.txt" \
        --no-alerts --rate-limit 100000 2> "$2" &
    SERVER=$!
    for _ in $(seq 600); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && return; sleep 0.2; done
    echo "server did not start" >&2; exit 1
}
stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }
# The recomputation's counters from /metrics (GET /api/v1/reports counts every stored report: not polled here).
metric() {  # $1 series name (with labels); prints its value or 0
    curl -fs -H "Authorization: Bearer $ADMIN" "http://127.0.0.1:$PORT/metrics" \
        | awk -v k="$1" 'index($0, k " ") == 1 {print $2; found=1} END {if (!found) print 0}'
}
generation() { metric 'netmon_server_coverage_recomputations_total{result="ok"}' | cut -d. -f1; }
# Waits (at most 2 hours) for a computation after generation $1; prints its seconds.
wait_generation() {
    for _ in $(seq 14400); do
        [ "$(generation)" -gt "$1" ] && { metric netmon_server_coverage_recomputation_duration_seconds; return; }
        sleep 0.5
    done
    echo "no recomputation within 2 hours" >&2; exit 1
}
upload_one() {  # 100 rows in one spot of the province
    printf 'time,lat,lon,technology,operator,rsrp_dbm\n' > "$OUT/one.csv"
    for k in $(seq 100); do printf '2026-01-05T08:%02d:00+07:00,20.8%02d,106.0%02d,4G,452-04,-9%d\n' $((k % 60)) "$k" "$k" $((k % 10)) >> "$OUT/one.csv"; done
    curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/csv' --data-binary @"$OUT/one.csv" \
        "http://127.0.0.1:$PORT/api/v1/reports?format=csv" >/dev/null
}

# The schema as the BEFORE binary makes it, then the reports.
if [ -n "${FILLED:-}" ]; then
    cp "$FILLED" "$DB"
else
    serve "$BEFORE" "$OUT/migrate.log"; stop
    python3 bench/coverage-incremental/fill.py "$DB" "$REPORTS"
fi
echo "store: $(du -cb "$DB"* | tail -1 | cut -f1) bytes"

serve "$BEFORE" "$OUT/before.log"
start_before=$(wait_generation 0)
upload_one; before=$(wait_generation 1)
echo "before: start-up computation ${start_before} s, after one upload ${before} s"
stop

serve "$AFTER" "$OUT/after.log"
start_after=$(wait_generation 0)
backfill=$(grep 'coverage aggregates made from stored reports' "$OUT/after.log" | grep -o 'seconds=[0-9.]*' | head -1 || true)
after=()
for i in $(seq "$UPLOADS_AFTER"); do g=$(generation); upload_one; after+=("$(wait_generation "$g")"); done
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
echo "after: start-up computation ${start_after} s (backfill once: ${backfill:-none logged}), after one upload ${after[*]} s, peak RSS ${rss_kb} kB"
rows=$(python3 -c "import sqlite3; d=sqlite3.connect('$DB'); print(d.execute('SELECT COUNT(*) FROM coverage_cell_aggregate').fetchone()[0], d.execute('SELECT COUNT(*) FROM coverage_upload_aggregate').fetchone()[0])")
echo "aggregate rows (merged, per upload): $rows"
stop
