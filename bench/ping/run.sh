#!/usr/bin/env bash
# netmon ping vs fping on the same job, same run (issue 2's speed goal):
#   1. 1,000 target addresses inside a test namespace, 20 pings each, --period 50 --interval 1
#      (fping -C 20 -p 50 -i 1): CPU (user+sys) and peak RSS from /usr/bin/time -v, loss counts, medians.
#   2. 1,000 targets at 10 Hz (10,000 pings/s, --period 100 --interval 0.1): does each tool keep its schedule?
# Everything runs inside two network namespaces this script creates (no route out) and removes on exit.
# Needs root, fping, iproute2, python3 and a release build (built here if missing, as deployed on a gateway: the
# gateway build `netmon-gateway`, statically linked Swift runtime and Foundation, `--static-swift-stdlib`; see
# README and BENCHMARKS.md).
# Usage: bench/ping/run.sh [TARGETS] [COUNT]      (defaults 1000 20); results in bench/ping/results/ (OUT=… another
# directory); NETMON_BIN=… another binary with the same `ping` subcommand (e.g. the full `netmon`, to compare);
# REPEAT=… job 1 pairs (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGETS=${1:-1000}
COUNT=${2:-20}
REPEAT=${REPEAT:-3}
OUT=${OUT:-bench/ping/results}
mkdir -p "$OUT"
if [[ -n ${NETMON_BIN:-} ]]; then
    NETMON=$NETMON_BIN
else
    NETMON="$(scripts/build-gateway)"
fi
TIME=/usr/bin/time
[[ -x $TIME ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

. bench/lib/namespace-pair.sh
trap ns_pair_down EXIT
ns_pair_up
# The targets: TARGETS addresses in 198.19.0.0/16 on the target's loopback, routed via one veth neighbour.
ip -n "$NS-s" route add 198.19.0.0/16 via 198.18.0.2
python3 - "$TARGETS" > "$OUT/targets.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"198.19.{i // 250}.{i % 250 + 1}")
PY
sed "s|^|addr add |; s|$|/32 dev lo|" "$OUT/targets.txt" | ip -n "$NS-t" -batch -
ip netns exec "$NS-s" ping -c 1 -W 2 198.19.0.1 > /dev/null

# Job 1 runs REPEAT times, fping and netmon alternating, so that load from other work on the machine hits both
# alike; the report gives each pair's CPU ratio and their median.
rm -f "$OUT"/fping.*.stderr "$OUT"/netmon.*.time "$OUT"/netmon.*.json "$OUT"/netmon.*.stderr
for rep in $(seq "$REPEAT"); do
    echo "== job 1 ($rep of $REPEAT): $TARGETS targets x $COUNT pings, period 50 ms, interval 1 ms"
    ip netns exec "$NS-s" $TIME -v fping -C "$COUNT" -p 50 -i 1 -q -f "$OUT/targets.txt" \
        2> "$OUT/fping.$rep.stderr" || true
    ip netns exec "$NS-s" $TIME -v -o "$OUT/netmon.$rep.time" "$NETMON" ping -c "$COUNT" -p 50 -i 1 -t 500 --json \
        -f "$OUT/targets.txt" --schedule-report > "$OUT/netmon.$rep.json" 2> "$OUT/netmon.$rep.stderr" || true
done

echo "== job 2: $TARGETS targets at 10 Hz for 5 s (10,000 pings/s planned)"
ip netns exec "$NS-s" $TIME -v -o "$OUT/netmon10.time" "$NETMON" ping -c 50 -p 100 -i 0.1 -t 500 --json \
    -f "$OUT/targets.txt" --schedule-report > "$OUT/netmon10.json" 2> "$OUT/netmon10.stderr" || true
# fping takes -i in whole milliseconds on some versions; try 0.1 ms, and record what it did.
ip netns exec "$NS-s" $TIME -v fping -C 50 -p 100 -i 0.1 -q -f "$OUT/targets.txt" \
    2> "$OUT/fping10.stderr" || true

python3 bench/ping/report.py "$OUT" "$TARGETS" "$COUNT" "$REPEAT" | tee "$OUT/report.md"
