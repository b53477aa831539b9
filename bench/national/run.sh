#!/usr/bin/env bash
# National-size load (issue 17): 3,300 probes × 20 targets, one round per target per minute (1,100 rounds/s), a
# day's signal reports, then every gateway emptying a 1-hour outbox at once; on SQLite and on PostgreSQL, with one
# and (PostgreSQL) two replicas. Measures server CPU per 1,000 rounds/s, p99 ingest latency, database growth per
# day, catch-up time after the outage and coverage recomputation time for one new upload.
# Usage: bench/national/run.sh   (env: SECONDS_STEADY=120 OUTAGE_MINUTES=60 COMMUNES=3300 TARGETS=20
#        REPORTS_PER_DAY=330000 ENGINES="sqlite postgres" REPLICAS="1 2" CONNECTIONS=32 BUILD=release NETMON_BIN=path)
# Everything runs on loopback; every loop is bounded (load.py stops after SECONDS_STEADY or the backlog).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_STEADY=${SECONDS_STEADY:-120}
OUTAGE_MINUTES=${OUTAGE_MINUTES:-60}
COMMUNES=${COMMUNES:-3300}
TARGETS=${TARGETS:-20}
REPORTS_PER_DAY=${REPORTS_PER_DAY:-330000}
ENGINES=${ENGINES:-sqlite postgres}
REPLICAS=${REPLICAS:-1 2}
CONNECTIONS=${CONNECTIONS:-32}
OUT=$PWD/bench/out/national
rm -rf "$OUT"; mkdir -p "$OUT"

BUILD=${BUILD:-release}
if [ -n "${NETMON_BIN:-}" ]; then BIN=$NETMON_BIN; else
    swift build -c "$BUILD" --product netmon >/dev/null
    BIN="$(swift build -c "$BUILD" --show-bin-path)/netmon"
fi
python3 bench/national/gen.py "$OUT/config" --communes "$COMMUNES" --targets "$TARGETS"
"$BIN" check "$OUT/config/sites.yaml" >/dev/null
ADMIN=$(cat "$OUT/config/admin.token")

PIDS=()
PGDIR=""
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    if [ -n "$PGDIR" ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGDIR"; fi
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done; echo $t; }
HZ=$(getconf CLK_TCK)

start_postgres() {
    PGDIR=$(mktemp -d /tmp/netmon-national-pg.XXXXXX); chown postgres:postgres "$PGDIR"; chmod 700 "$PGDIR"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
    PGPORT=$(freeport)
    # Production durability (fsync, synchronous commit on); memory sized for a small server.
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_connections=200" start >/dev/null
    runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE netmon" >/dev/null
}
database_bytes() {  # $1 engine
    if [ "$1" = sqlite ]; then du -cb "$OUT"/run.sqlite* | tail -1 | cut -f1
    else runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d netmon -Atc "SELECT pg_database_size('netmon')"; fi
}

RESULTS="$OUT/results.jsonl"; : > "$RESULTS"
for engine in $ENGINES; do
    if [ "$engine" = postgres ] && [ -z "$PGBIN" ]; then echo "postgres: no initdb, skipped" >&2; continue; fi
    for replicas in $REPLICAS; do
        if [ "$engine" = sqlite ] && [ "$replicas" != 1 ]; then continue; fi   # one file, one server
        PIDS=(); URLS=()
        rm -f "$OUT"/run.sqlite*
        if [ "$engine" = postgres ]; then
            [ -n "$PGDIR" ] && { runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >/dev/null; rm -rf "$PGDIR"; PGDIR=""; }
            start_postgres; DB="postgres://postgres@127.0.0.1:$PGPORT/netmon?sslmode=disable"
        else DB="sqlite:$OUT/run.sqlite"; fi
        for r in $(seq "$replicas"); do
            port=$(freeport)
            "$BIN" serve --config "$OUT/config/sites.yaml" --database "$DB" --listen "127.0.0.1:$port" \
                --tokens "$OUT/config/tokens.txt" --no-alerts --rate-limit 1000000 --max-body-bytes 16777216 \
                2> "$OUT/serve-$engine-$replicas-$r.log" &
            PIDS+=($!); URLS+=("http://127.0.0.1:$port")
            for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
            curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "replica $r did not start" >&2; exit 1; }
        done
        bytes0=$(database_bytes "$engine"); ticks0=$(cpu_ticks "${PIDS[@]}")
        python3 bench/national/load.py steady "$OUT/config" "${URLS[@]}" --seconds "$SECONDS_STEADY" \
            --connections "$CONNECTIONS" --reports-per-day "$REPORTS_PER_DAY" > "$OUT/steady.json" 2> "$OUT/steady-reports.json"
        ticks1=$(cpu_ticks "${PIDS[@]}")
        python3 bench/national/load.py burst "$OUT/config" "${URLS[@]}" --outage-minutes "$OUTAGE_MINUTES" \
            --connections "$CONNECTIONS" > "$OUT/burst.json"
        ticks2=$(cpu_ticks "${PIDS[@]}"); bytes2=$(database_bytes "$engine")
        # One new upload into the store the run has filled: how long its recomputation takes.
        gen0=$(curl -fs -H "Authorization: Bearer $ADMIN" "${URLS[0]}/api/v1/reports" | python3 -c 'import json,sys; print(json.load(sys.stdin)["coverage"]["generation"])')
        printf 'time,lat,lon,technology,operator,rsrp_dbm\n' > "$OUT/one.csv"
        for k in $(seq 100); do printf '%s,8.5%02d,102.0%02d,4G,452-04,-9%d\n' "$(date -u +%FT%TZ)" "$k" "$k" $((k % 10)) >> "$OUT/one.csv"; done
        curl -fs -H "Authorization: Bearer $ADMIN" -H 'Content-Type: text/csv' --data-binary @"$OUT/one.csv" "${URLS[0]}/api/v1/reports?format=csv" >/dev/null
        recompute=""
        for _ in $(seq 600); do
            status=$(curl -fs -H "Authorization: Bearer $ADMIN" "${URLS[0]}/api/v1/reports")
            recompute=$(echo "$status" | python3 -c "import json,sys; c=json.load(sys.stdin)['coverage']; print(c['seconds'] if c['generation']>$gen0 and not c['pending'] else '')")
            [ -n "$recompute" ] && break; sleep 0.5
        done
        reports=$(echo "$status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reports"])')
        python3 - "$engine" "$replicas" "$OUT/steady.json" "$OUT/burst.json" "$ticks0" "$ticks1" "$ticks2" "$HZ" \
            "$SECONDS_STEADY" "$bytes0" "$bytes2" "${recompute:-null}" "$reports" >> "$RESULTS" <<'PY'
import json, sys
engine, replicas, steady, burst, t0, t1, t2, hz, secs, b0, b1, recompute, reports = sys.argv[1:]
s, b = json.load(open(steady)), json.load(open(burst))
cpu_s = (int(t1) - int(t0)) / int(hz)
rate = s["rounds_accepted"] / s["seconds"]
# Growth over the steady run and the catch-up together, so a WAL file's preallocation does not dominate.
per_round = (int(b1) - int(b0)) / max(1, s["rounds_accepted"] + b["rounds_accepted"])
print(json.dumps({
    "engine": engine, "replicas": int(replicas), "steady_rounds_per_s": round(rate, 1),
    "cores_per_1000_rounds_s": round(cpu_s / s["seconds"] / (rate / 1000), 3) if rate else None,
    "steady_p99_ms": s["latency_ms"]["p99"], "steady_errors": s["errors"],
    "db_bytes_per_round": round(per_round, 1), "db_gib_per_day": round(per_round * 1100 * 86400 / 2**30, 2),
    "catch_up_rounds": b["rounds_accepted"], "catch_up_s": b["seconds"], "catch_up_rounds_per_s": b["rounds_per_second"],
    "catch_up_p99_ms": b["latency_ms"]["p99"], "catch_up_errors": b["errors"],
    "catch_up_cpu_s": round((int(t2) - int(t1)) / int(hz), 1),
    "recompute_s_one_upload": None if recompute == "null" else float(recompute), "reports_in_store": int(reports)}))
PY
        tail -1 "$RESULTS"
        for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
        PIDS=()
    done
done
echo "results: $RESULTS"
