#!/usr/bin/env bash
# Server ingest under load: wrk posts ProbeRoundBatch bodies (BATCH rounds each, one probe per wrk thread) to
# `netmon serve` while a second wrk reads the dashboard's data. Peer in the same run: the sqlite3 CLI inserting
# the same number of rows into the identical schema in one transaction (the storage ceiling).
# Usage: bench/server/run.sh            (env: DURATION=30s BATCH=100 CONNS=4 DATABASE=sqlite|postgres-url NETMON_BIN=path)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-30s}
BATCH=${BATCH:-100}
CONNS=${CONNS:-4}
OUT=bench/out/server
mkdir -p "$OUT"
rm -f "$OUT"/bench.sqlite*

BUILD=${BUILD:-release}   # BUILD=debug reuses the test build (slower server: a pessimistic figure)
if [ -n "${NETMON_BIN:-}" ]; then   # a netmon binary built elsewhere (e.g. another checkout's release build)
    BIN=$NETMON_BIN
else
    swift build -c "$BUILD" --product netmon >/dev/null
    BIN="$(swift build -c "$BUILD" --show-bin-path)/netmon"
fi

# Four probes (first four communes of sites.yaml), their tokens and a viewer token.
mapfile -t CODES < <(grep -oE 'code: "[0-9]{5}"' sites.yaml | grep -oE '[0-9]{5}' | head -4)
: > "$OUT/tokens.txt"
PROBES=""
for c in "${CODES[@]}"; do
    secret="bench-probe-secret-$c-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "probe probe-$c $secret" >> "$OUT/tokens.txt"
    PROBES="$PROBES $c:$secret"
done
VIEWER="bench-viewer-secret-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "viewer bench-viewer $VIEWER" >> "$OUT/tokens.txt"

# Alerting runs as in production (ALERTS=0 turns it off): a copy of sites.yaml whose receivers' secret files exist
# (nothing listens at the receivers' addresses, so deliveries just fail and back off).
CONFIG=sites.yaml
ALERT_FLAGS=(--alerts-database "$OUT/alerts.sqlite")
rm -f "$OUT"/alerts.sqlite*
if [ "${ALERTS:-1}" = 1 ]; then
    head -c 24 /dev/urandom | base64 | sed 's/^/whsec_/' > "$OUT/webhook.secret"
    echo bench-password > "$OUT/smtp.password"
    sed -e "s|/etc/netmon/noc-webhook.secret|$PWD/$OUT/webhook.secret|" -e "s|/etc/netmon/smtp.password|$PWD/$OUT/smtp.password|" \
        -e "s|^  boundaries: |  boundaries: $PWD/|" sites.yaml > "$OUT/sites.yaml"
    CONFIG=$OUT/sites.yaml
else
    ALERT_FLAGS=(--no-alerts)
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DB=${DATABASE:-sqlite:$OUT/bench.sqlite}
"$BIN" serve --config "$CONFIG" --database "$DB" --listen "127.0.0.1:$PORT" --tokens "$OUT/tokens.txt" \
    --rate-limit 100000 --max-body-bytes 8388608 "${ALERT_FLAGS[@]}" 2> "$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Some history for the smoke graphs, then the measured run.
NETMON_PROBES="$PROBES" NETMON_BATCH=$BATCH wrk -t1 -c1 -d2s -s bench/server/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
before=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^netmon_server_ingest_rounds_total\{result="accepted"\}/ {print $2}')

NETMON_VIEWER="$VIEWER" NETMON_CODES="${CODES[*]}" wrk -t1 -c2 -d"$DURATION" --timeout 5s \
    -s bench/server/dashboard.lua "http://127.0.0.1:$PORT" > "$OUT/dashboard.txt" &
READER=$!
NETMON_PROBES="$PROBES" NETMON_BATCH=$BATCH wrk -t"${#CODES[@]}" -c"$CONNS" -d"$DURATION" --timeout 5s \
    -s bench/server/ingest.lua "http://127.0.0.1:$PORT" > "$OUT/ingest.txt"
wait $READER

after=$(curl -fs "http://127.0.0.1:$PORT/metrics" | awk '/^netmon_server_ingest_rounds_total\{result="accepted"\}/ {print $2}')
rss_kb=$(awk '/VmHWM/ {print $2}' /proc/$SERVER/status)
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT

get() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
req=$(get REQUESTS "$OUT/ingest.txt"); dur=$(get DURATION_S "$OUT/ingest.txt")
rounds=$((after - before))
rate=$(python3 -c "print(round($rounds / $dur))")

# Peer: sqlite3 CLI bulk insert of the same number of rows into the identical (migrated) schema.
PEER_DB="$OUT/peer.sqlite"; rm -f "$PEER_DB"*
sqlite3 "$OUT/bench.sqlite" .schema | grep -v sqlite_sequence | sqlite3 "$PEER_DB"
start=$(date +%s.%N)
sqlite3 "$PEER_DB" "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN;
  INSERT INTO probe_round SELECT 'probe-peer', value, '11953', 'hub', '10.33.0.1', 'icmp', 1.7e9 + value * 60, 60, 20, 19,
    '0.0101,0.0102,0.0103,0.0104,0.0105,0.0106,0.0107,0.0108,0.0109,0.011,0.0111,0.0112,0.0113,0.0114,0.0115,0.0116,0.0117,0.0118,0.0119',
    0.0004, 0.011, 0.05, 1.7e9 FROM generate_series(1, $rounds); COMMIT;" >/dev/null
end=$(date +%s.%N)
peer_rate=$(python3 -c "print(round($rounds / ($end - $start)))")

cat <<REPORT | tee "$OUT/summary.txt"
build: $BUILD   database: ${DB%%:*}   alerting: $([ "${ALERTS:-1}" = 1 ] && echo on || echo off)   batch: $BATCH rounds/request   ingest connections: $CONNS   duration: $DURATION
ingest requests: $req   non-2xx: $(get NON2XX "$OUT/ingest.txt")   rounds stored: $rounds
ingest rate: $rate rounds/s = $((rate * 19)) RTT samples/s
ingest latency: p50 $(get P50_MS "$OUT/ingest.txt") ms   p99 $(get P99_MS "$OUT/ingest.txt") ms   max $(get MAX_MS "$OUT/ingest.txt") ms
dashboard reads meanwhile: $(get REQUESTS "$OUT/dashboard.txt") requests, p50 $(get P50_MS "$OUT/dashboard.txt") ms, p99 $(get P99_MS "$OUT/dashboard.txt") ms, non-2xx $(get NON2XX "$OUT/dashboard.txt")
server peak RSS: $((rss_kb / 1024)) MiB
peer (sqlite3 CLI, same rows, one transaction, same schema): $peer_rate rounds/s   netmon/peer: $(python3 -c "print(round($rate / $peer_rate, 3))")
REPORT
