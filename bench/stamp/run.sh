#!/usr/bin/env bash
# The STAMP reflector's cost: packets/s answered and CPU at fixed offered rates, netmon's stateful reflector
# (`netmon stamp reflect --stateful`) beside a minimal independent reflector in Python (python_reflector.py), on
# the same path and the same load, one after the other.
# The load is `netmon stamp` itself: SESSIONS sessions (one UDP socket each) at SESSIONS / interval packets/s for
# SECONDS per rate. CPU = user + system time of the reflector process over the run (/proc/PID/stat), in % of one
# core; answered = replies the sender got on time. Everything runs in two network namespaces this script creates
# (no route out) and removes on exit. Bounded: RATES × SECONDS per reflector.
# Needs root, iproute2, python3. Usage: bench/stamp/run.sh [RATES…] (default 1000 5000 20000);
# NETMON_BIN=… a built netmon (default: a release build, made here); SECONDS_PER_RATE=… (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
RATES=("${@:-1000 5000 20000}")
read -r -a RATES <<< "${RATES[*]}"
SECONDS_PER_RATE=${SECONDS_PER_RATE:-5}
SESSIONS=20
if [[ -n ${NETMON_BIN:-} ]]; then
    NETMON=$NETMON_BIN
else
    swift build -c release --product netmon >&2
    NETMON="$(swift build -c release --show-bin-path)/netmon"
fi

. bench/lib/namespace-pair.sh
cleanup() {
    [[ -n ${REFLECTOR:-} ]] && kill "$REFLECTOR" 2>/dev/null || true
    ns_pair_down
}
trap cleanup EXIT
ns_pair_up

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

echo "| reflector | offered packets/s | answered packets/s | lost | reflector CPU (% of one core) | CPU µs per packet |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
for reflector in netmon python; do
    if [[ $reflector == netmon ]]; then
        ip netns exec "$NS-t" "$NETMON" stamp reflect --stateful --listen 198.18.0.2:862 > /dev/null 2>&1 &
    else
        ip netns exec "$NS-t" python3 bench/stamp/python_reflector.py 198.18.0.2 862 &
    fi
    REFLECTOR=$!
    sleep 1
    for rate in "${RATES[@]}"; do
        interval_us=$(( SESSIONS * 1000000 / rate ))
        count=$(( SECONDS_PER_RATE * 1000000 / interval_us ))
        targets=()
        for _ in $(seq "$SESSIONS"); do targets+=("198.18.0.2:862"); done
        before=$(ticks "$REFLECTOR")
        start=$(date +%s.%N)
        ip netns exec "$NS-s" "$NETMON" stamp "${targets[@]}" -c "$count" -i "${interval_us}us" -t 1s --json \
            > "/tmp/$NS-$reflector-$rate.json" || true
        end=$(date +%s.%N)
        after=$(ticks "$REFLECTOR")
        python3 - "/tmp/$NS-$reflector-$rate.json" "$reflector" "$rate" "$before" "$after" "$HZ" "$start" "$end" \
            "$SECONDS_PER_RATE" <<'PY'
import json, sys
path, name, rate, before, after, hz, start, end, seconds = sys.argv[1:]
targets = json.load(open(path))["targets"]
sent = sum(t["sent"] for t in targets)
received = sum(t["received"] for t in targets)
cpu = (int(after) - int(before)) / int(hz)
print(f"| {name} | {int(rate):,} | {received / float(seconds):,.0f} | {sent - received} | "
      f"{100 * cpu / (float(end) - float(start)):.1f} | {1e6 * cpu / max(received, 1):.1f} |")
PY
        rm -f "/tmp/$NS-$reflector-$rate.json"
    done
    kill "$REFLECTOR"; wait "$REFLECTOR" 2>/dev/null || true
    REFLECTOR=
done
