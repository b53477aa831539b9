#!/bin/sh
# Retention on PostgreSQL: dropping one day's partition of probe_round against deleting the same day's rows.
#
# Starts a private PostgreSQL cluster (as the postgres user when run as root) in a temporary folder on a free
# loopback port, builds probe_round as migration v9 leaves it (same columns and key, partitioned by day), fills
# two days with ROWS rounds each (default 1,000,000: about 1/95 of a national day, so that the run stays bounded on
# a small machine), then times
#   - DELETE of day 1's rows followed by VACUUM (the space is only reusable after it), and
#   - DROP TABLE of day 2's partition,
# and prints both with the table sizes. The cluster and folder are removed at exit, also on failure.
#
# Usage: bench/partition/drop_vs_delete.sh [ROWS]
set -eu
ROWS=${1:-1000000}
case "$ROWS" in '' | *[!0-9]*) echo "ROWS must be a whole number" >&2; exit 2 ;; esac
[ "$ROWS" -le 20000000 ] || { echo "ROWS at most 20000000 (bounded run)" >&2; exit 2; }
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/initdb" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 2; }
DIR=$(mktemp -d /tmp/netmon-partition-bench-XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$DIR"
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" -l "$DIR/log" -w start >/dev/null
SQL() { psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
D1=1790035200   # 2026-09-22 00:00 UTC
D2=$((D1 + 86400))
D3=$((D2 + 86400))
SQL <<SQL
CREATE TABLE probe_round (
    probe_id TEXT NOT NULL, sequence BIGINT NOT NULL, commune TEXT NOT NULL, target TEXT NOT NULL,
    address TEXT NOT NULL, kind TEXT NOT NULL, start_at DOUBLE PRECISION NOT NULL,
    step_seconds DOUBLE PRECISION NOT NULL, sent INTEGER NOT NULL, received INTEGER NOT NULL,
    rtt_seconds TEXT NOT NULL, jitter_seconds DOUBLE PRECISION, median_seconds DOUBLE PRECISION,
    loss_ratio DOUBLE PRECISION NOT NULL, received_at DOUBLE PRECISION NOT NULL, store_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (probe_id, store_id, sequence, start_at)
) PARTITION BY RANGE (start_at);
CREATE INDEX probe_round_link ON probe_round (commune, target, start_at);
CREATE TABLE probe_round_default PARTITION OF probe_round DEFAULT;
CREATE TABLE probe_round_d1 PARTITION OF probe_round FOR VALUES FROM ($D1) TO ($D2);
CREATE TABLE probe_round_d2 PARTITION OF probe_round FOR VALUES FROM ($D2) TO ($D3);
-- 3,300 probes, 20 targets, rounds spread over the day; 20 RTTs as the gateway stores them.
INSERT INTO probe_round
SELECT 'probe-' || (i % 3300), i / 3300, 'c' || (i % 3300), 't' || (i % 20), '10.0.0.1', 'icmp',
       d + (i % 86400), 60, 20, 20,
       '0.0101,0.0102,0.0103,0.0104,0.0105,0.0106,0.0107,0.0108,0.0109,0.011,0.0111,0.0112,0.0113,0.0114,0.0115,0.0116,0.0117,0.0118,0.0119,0.012',
       0.0004, 0.011, 0, d + (i % 86400) + 5, 'store'
FROM generate_series(0, $ROWS - 1) AS i, (VALUES ($D1::double precision), ($D2::double precision)) AS days(d);
VACUUM ANALYZE probe_round;
SQL
SIZE=$(SQL -At -c "SELECT pg_size_pretty(pg_total_relation_size('probe_round_d1'))")
# psql prints "Time: N ms" after each statement; the sum is the cost.
total_ms() { awk '/^Time:/ { t += $2 } END { printf "%.1f ms", t }'; }
DELETE_MS=$(SQL -At <<SQL | total_ms
\timing on
DELETE FROM probe_round WHERE start_at >= $D1 AND start_at < $D2;
VACUUM probe_round_d1;
SQL
)
DROP_MS=$(SQL -At <<SQL | total_ms
\timing on
DROP TABLE probe_round_d2;
SQL
)
echo "rows per day: $ROWS; one day's partition with indexes: $SIZE"
echo "DELETE + VACUUM of one day: $DELETE_MS"
echo "DROP TABLE of one day's partition: $DROP_MS"
