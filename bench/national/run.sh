#!/usr/bin/env bash
# National-size load (issue 17): 3,300 probes × 20 targets, one round per target per minute (1,100 rounds/s), a
# day's signal reports, then every gateway emptying a 1-hour outbox at once; on SQLite and on PostgreSQL, with one
# and (PostgreSQL) two replicas. Measures server CPU per 1,000 rounds/s, p99 ingest latency, database growth per
# day, catch-up time after the outage and coverage recomputation time for one new upload.
# Usage: bench/national/run.sh   (env: SECONDS_STEADY=120 OUTAGE_MINUTES=60 COMMUNES=3300 TARGETS=20
#        REPORTS_PER_DAY=330000 ENGINES="sqlite postgres" REPLICAS="1 2" CONNECTIONS=32 LEASE=15
#        BALANCER=haproxy|client BUILD=release NETMON_BIN=path OUT=dir)
# Two replicas share one PostgreSQL, hold the leader lease (`serve --leader-lease`) and sit behind HAProxy
# (round robin per request) when it is installed (Debian: apt-get install haproxy), else load.py alternates
# between them itself (BALANCER=client forces that).
# Everything runs on loopback; every loop is bounded (load.py stops after SECONDS_STEADY or the backlog, every wait
# has a limit). Servers, the balancer and the PostgreSQL cluster are stopped and removed on any exit.
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
LEASE=${LEASE:-15}
BALANCER=${BALANCER:-$(command -v haproxy >/dev/null && echo haproxy || echo client)}
OUT=${OUT:-$PWD/bench/out/national}
rm -rf "$OUT"; mkdir -p "$OUT"

PIDS=()        # netmon serve replicas
LB_PID=""      # haproxy
CHILD=""       # the load generator or observer running now
PGDIR=""
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
stop_servers() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    PIDS=()
    if [ -n "$LB_PID" ]; then kill "$LB_PID" 2>/dev/null || true; wait "$LB_PID" 2>/dev/null || true; LB_PID=""; fi
}
stop_postgres() {
    if [ -n "$PGDIR" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
        rm -rf "$PGDIR"; PGDIR=""
    fi
}
cleanup() {
    if [ -n "$CHILD" ]; then kill "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
    stop_servers; stop_postgres
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
# Runs a long step in the background and waits for it, so a signal stops the run at once (bash runs traps only
# between foreground commands).
run_child() { "$@" & CHILD=$!; wait "$CHILD"; CHILD=""; }

BUILD=${BUILD:-release}
if [ -n "${NETMON_BIN:-}" ]; then BIN=$NETMON_BIN; else
    swift build -c "$BUILD" --product netmon >/dev/null
    BIN="$(swift build -c "$BUILD" --show-bin-path)/netmon"
fi
python3 bench/national/gen.py "$OUT/config" --communes "$COMMUNES" --targets "$TARGETS"
"$BIN" check "$OUT/config/sites.yaml" >/dev/null

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# User + system CPU ticks of the given processes (0 for one that is gone).
cpu_ticks() {
    local t=0 p v
    for p in "$@"; do v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0); t=$((t + ${v:-0})); done
    echo $t
}
# The PostgreSQL cluster's CPU: the postmaster, its live children (backends, WAL writer, checkpointer, …) and the
# children it has already reaped (cutime + cstime).
pg_ticks() {
    [ -n "$PGDIR" ] || { echo 0; return; }
    local pm kids own
    pm=$(head -1 "$PGDIR/data/postmaster.pid")
    kids=$(cpu_ticks $(pgrep -P "$pm" || true))
    own=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat")
    echo $((kids + own))
}
HZ=$(getconf CLK_TCK)
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

start_postgres() {
    PGDIR=$(mktemp -d /tmp/netmon-national-pg.XXXXXX); chown postgres:postgres "$PGDIR"; chmod 700 "$PGDIR"
    runuser -u postgres -- "$PGBIN/initdb" -D "$PGDIR/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
    PGPORT=$(freeport)
    # Production durability (fsync, synchronous commit on); memory sized for a small server.
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=512MB -c max_connections=200" start >/dev/null
    runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -qc "CREATE DATABASE netmon" >/dev/null
}
psql_netmon() { runuser -u postgres -- "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d netmon -Atc "$1"; }
database_bytes() {  # $1 engine
    if [ "$1" = sqlite ]; then du -cb "$OUT"/run.sqlite* | tail -1 | cut -f1
    else psql_netmon "SELECT pg_database_size('netmon')"; fi
}
stored_rounds() {  # $1 engine: rows in probe_round, read from the database itself
    if [ "$1" = sqlite ]; then
        python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("SELECT count(*) FROM probe_round").fetchone()[0])' "$OUT/run.sqlite"
    else psql_netmon "SELECT count(*) FROM probe_round"; fi
}
start_balancer() {  # HAProxy in front of URLS, round robin per request; sets LB_URL
    local port cfg i=0 u
    port=$(freeport); cfg="$OUT/haproxy.cfg"
    {
        printf 'global\n    maxconn 4096\n    nbthread 1\n'
        printf 'defaults\n    mode http\n    option http-keep-alive\n    timeout connect 5s\n'
        printf '    timeout client 120s\n    timeout server 120s\n'
        printf 'frontend national\n    bind 127.0.0.1:%s\n    default_backend replicas\n' "$port"
        printf 'backend replicas\n    balance roundrobin\n    option httpchk GET /healthz\n'
        for u in "${URLS[@]}"; do i=$((i + 1)); printf '    server r%s %s check inter 2s\n' "$i" "${u#http://}"; done
    } > "$cfg"
    haproxy -db -f "$cfg" 2> "$OUT/haproxy.log" &
    LB_PID=$!; LB_URL="http://127.0.0.1:$port"
    for _ in $(seq 100); do curl -fs "$LB_URL/healthz" >/dev/null && return 0; sleep 0.2; done
    echo "haproxy did not start: $(tail -5 "$OUT/haproxy.log")" >&2; exit 1
}

RESULTS="$OUT/results.jsonl"; : > "$RESULTS"
for engine in $ENGINES; do
    if [ "$engine" = postgres ] && [ -z "$PGBIN" ]; then echo "postgres: no initdb, skipped" >&2; continue; fi
    for replicas in $REPLICAS; do
        if [ "$engine" = sqlite ] && [ "$replicas" != 1 ]; then continue; fi   # one file, one server
        run="$engine-$replicas"
        PIDS=(); URLS=()
        rm -f "$OUT"/run.sqlite*
        stop_postgres
        if [ "$engine" = postgres ]; then
            start_postgres; DB="postgres://postgres@127.0.0.1:$PGPORT/netmon?sslmode=disable"
            LEASE_ARGS=(--leader-lease "$LEASE")
        else DB="sqlite:$OUT/run.sqlite"; LEASE_ARGS=(); fi
        for r in $(seq "$replicas"); do
            port=$(freeport)
            "$BIN" serve --config "$OUT/config/sites.yaml" --database "$DB" --listen "127.0.0.1:$port" \
                --tokens "$OUT/config/tokens.txt" --no-alerts --rate-limit 1000000 --max-body-bytes 16777216 \
                "${LEASE_ARGS[@]}" 2> "$OUT/serve-$run-$r.log" &
            PIDS+=($!); URLS+=("http://127.0.0.1:$port")
            for _ in $(seq 600); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
            curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "replica $r did not start" >&2; exit 1; }
        done
        TARGET_URLS=("${URLS[@]}"); balancer=direct
        if [ "$replicas" -gt 1 ]; then
            if [ "$BALANCER" = haproxy ]; then start_balancer; TARGET_URLS=("$LB_URL"); balancer=haproxy
            else balancer=client; fi
        fi
        # Warm-up: the first computation builds the communes' cell grid once, as a server does once after start.
        run_child python3 bench/national/observe.py coverage "$OUT/config" "${URLS[@]}" --upload "${TARGET_URLS[0]}" \
            --timeout 900 > "$OUT/warmup-$run.json"
        load0=$(loadavg)
        bytes0=$(database_bytes "$engine"); rows0=$(stored_rounds "$engine")
        ticks0=$(cpu_ticks "${PIDS[@]}"); pg0=$(pg_ticks); lb0=$(cpu_ticks $LB_PID)
        run_child python3 bench/national/load.py steady "$OUT/config" "${TARGET_URLS[@]}" --seconds "$SECONDS_STEADY" \
            --connections "$CONNECTIONS" --reports-per-day "$REPORTS_PER_DAY" \
            > "$OUT/steady-$run.json" 2> "$OUT/steady-reports-$run.json"
        ticks1=$(cpu_ticks "${PIDS[@]}"); pg1=$(pg_ticks); lb1=$(cpu_ticks $LB_PID)
        run_child python3 bench/national/load.py burst "$OUT/config" "${TARGET_URLS[@]}" --outage-minutes "$OUTAGE_MINUTES" \
            --connections "$CONNECTIONS" > "$OUT/burst-$run.json"
        ticks2=$(cpu_ticks "${PIDS[@]}"); pg2=$(pg_ticks); lb2=$(cpu_ticks $LB_PID)
        bytes2=$(database_bytes "$engine"); rows2=$(stored_rounds "$engine")
        python3 bench/national/observe.py ingested "$OUT/config" "${URLS[@]}" > "$OUT/ingested-$run.json"
        # One new upload into the store the run has filled: how long its recomputation takes.
        run_child python3 bench/national/observe.py coverage "$OUT/config" "${URLS[@]}" --upload "${TARGET_URLS[0]}" \
            --timeout 900 > "$OUT/recompute-$run.json"
        load1=$(loadavg)
        rss=$(for p in "${PIDS[@]}"; do awk '/VmHWM/ {print $2}' "/proc/$p/status"; done | paste -sd, -)
        python3 - "$engine" "$replicas" "$balancer" "$OUT" "$run" "$HZ" "$SECONDS_STEADY" \
            "$ticks0,$ticks1,$ticks2" "$pg0,$pg1,$pg2" "$lb0,$lb1,$lb2" "$bytes0" "$bytes2" "$rows0" "$rows2" \
            "$load0" "$load1" "$rss" >> "$RESULTS" <<'PY'
import json, sys
(engine, replicas, balancer, out, run, hz, secs, ticks, pg, lb, b0, b1, rows0, rows1, load0, load1,
 rss) = sys.argv[1:]
read = lambda name: json.load(open(f"{out}/{name}-{run}.json"))
s, b = read("steady"), read("burst")
warm, recompute, ingested = read("warmup"), read("recompute"), read("ingested")
with open(f"{out}/steady-reports-{run}.json") as f:  # empty when REPORTS_PER_DAY=0
    text = f.read().strip()
uploads = json.loads(text)["report_uploads"] if text else []
hz = int(hz)
t, p, l = ([int(x) / hz for x in v.split(",")] for v in (ticks, pg, lb))
rate = s["rounds_accepted"] / s["seconds"]
per_k = lambda cpu: round(cpu / s["seconds"] / (rate / 1000), 3) if rate else None
accepted = s["rounds_accepted"] + b["rounds_accepted"]
# Growth over the steady run and the catch-up together, so a WAL file's preallocation does not dominate.
per_round = (int(b1) - int(b0)) / max(1, accepted)
print(json.dumps({
    "engine": engine, "replicas": int(replicas), "balancer": balancer,
    "load_before": load0, "load_after": load1,
    "steady_rounds_per_s": round(rate, 1), "steady_s": s["seconds"],
    "netmon_cores_per_1000_rounds_s": per_k(t[1] - t[0]),
    "postgres_cores_per_1000_rounds_s": per_k(p[1] - p[0]) if engine == "postgres" else None,
    "haproxy_cores_per_1000_rounds_s": per_k(l[1] - l[0]) if balancer == "haproxy" else None,
    "steady_p50_ms": s["latency_ms"]["p50"], "steady_p99_ms": s["latency_ms"]["p99"],
    "steady_errors": s["errors"], "steady_error_samples": s["error_samples"],
    "report_uploads": len(uploads), "report_upload_failures": sum(1 for u in uploads if u[0] not in (200, 201)),
    "db_bytes_per_round": round(per_round, 1), "db_gib_per_day": round(per_round * 1100 * 86400 / 2**30, 2),
    "catch_up_rounds": b["rounds_accepted"], "catch_up_s": b["seconds"], "catch_up_rounds_per_s": b["rounds_per_second"],
    "catch_up_p99_ms": b["latency_ms"]["p99"], "catch_up_errors": b["errors"],
    "catch_up_error_samples": b["error_samples"],
    "catch_up_netmon_cpu_s": round(t[2] - t[1], 1),
    "catch_up_postgres_cpu_s": round(p[2] - p[1], 1) if engine == "postgres" else None,
    "catch_up_client_cpu_s": b["client_cpu_s"],
    "rounds_sent": s["rounds_sent"] + b["rounds_sent"], "rounds_accepted": accepted,
    "duplicates": s["duplicates"] + b["duplicates"], "rejected": s["rejected"] + b["rejected"],
    "rows_added": int(rows1) - int(rows0), "ingest_requests_per_replica": list(ingested.values()),
    "first_recompute_s": warm["compute_s"],
    "recompute_s_one_upload": recompute["compute_s"], "upload_to_coverage_s": recompute["wall_s"],
    "reports_in_store": recompute["reports_in_store"],
    "max_rss_mib_per_replica": [round(int(x) / 1024) for x in rss.split(",") if x]}))
PY
        tail -1 "$RESULTS"
        stop_servers
    done
done
echo "results: $RESULTS"
