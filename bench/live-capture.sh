#!/usr/bin/env bash
# Live capture benchmark (root): replays a generated gateway capture at a fixed packet rate (default 100,000
# packets/s) with tcpreplay into a veth between two fresh namespaces, with `netmon capture` on the far end, then
# the same with `tcpdump -w /dev/null` on the far end; reports packets seen and drops of each. Never touches a real
# interface: the namespaces have no route out and are deleted on exit.
#
#   bench/live-capture.sh                 # 100,000 packets/s for ~3 s
#   PPS=200000 FLOWS=4000 bench/live-capture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PPS="${PPS:-100000}"
FLOWS="${FLOWS:-2000}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/netmon-live.XXXXXX)}"
NS_S="nmb-$$-s"; NS_T="nmb-$$-t"
cleanup() {
    for ns in "$NS_S" "$NS_T"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
}
trap cleanup EXIT
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root for namespaces" >&2; exit 2; }

if [ -n "${NETMON_BIN:-}" ]; then
    NETMON="$NETMON_BIN"   # an already built release binary
else
    swift build -c release --product netmon >&2
    NETMON="$(swift build -c release --show-bin-path)/netmon"
fi
[ -x "$WORK/generate-gateway-capture" ] || swiftc -O Tests/TestSupport/PcapFileWriter.swift Tests/TestSupport/SyntheticCapture.swift bench/GenerateGatewayCapture.swift \
    -o "$WORK/generate-gateway-capture" >&2
"$WORK/generate-gateway-capture" "$WORK/replay.pcap" "$FLOWS" >&2
SENT=$(capinfos -c -M "$WORK/replay.pcap" | awk -F"\t|: *" '/Number of packets/ {print $NF}')

ip netns add "$NS_S"; ip netns add "$NS_T"
ip -n "$NS_S" link add v0 type veth peer name v1 netns "$NS_T"
ip -n "$NS_S" link set v0 up; ip -n "$NS_T" link set v1 up
sleep 0.5

# netmon
ip netns exec "$NS_S" "$NETMON" capture -i v0 --interval 1 --json > "$WORK/netmon.jsonl" 2> "$WORK/netmon.err" &
NETMON_PID=$!
sleep 1
ip netns exec "$NS_T" tcpreplay --pps="$PPS" -i v1 "$WORK/replay.pcap" > "$WORK/tcpreplay-netmon.txt" 2>&1
sleep 1
kill -INT "$NETMON_PID"; wait "$NETMON_PID" || true
read -r NETMON_SEEN NETMON_DROPPED NETMON_IFDROPPED < <(python3 -c "
import json
final=[json.loads(l) for l in open('$WORK/netmon.jsonl') if l.strip()][-1]['report']
d=final['capture_drops_total']
print(final['packets'], d['dropped'], d['interface_dropped'])")

# tcpdump
ip netns exec "$NS_S" tcpdump -n -i v0 -s 128 -B 32768 --immediate-mode -w /dev/null 2> "$WORK/tcpdump.err" &
TCPDUMP_PID=$!
sleep 1
ip netns exec "$NS_T" tcpreplay --pps="$PPS" -i v1 "$WORK/replay.pcap" > "$WORK/tcpreplay-tcpdump.txt" 2>&1
sleep 1
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
TCPDUMP_SEEN=$(awk '/packets captured/ {print $1}' "$WORK/tcpdump.err")
TCPDUMP_DROPPED=$(awk '/dropped by kernel/ {print $1}' "$WORK/tcpdump.err")
RATE_NETMON=$(awk '/Rated:/ {print $(NF-1); exit}' "$WORK/tcpreplay-netmon.txt")
RATE_TCPDUMP=$(awk '/Rated:/ {print $(NF-1); exit}' "$WORK/tcpreplay-tcpdump.txt")

mkdir -p bench/results
RESULT="bench/results/live-capture-$(date -u +%Y%m%dT%H%M%SZ).md"
{
    echo "Replayed $SENT packets with tcpreplay at --pps=$PPS into a veth (achieved: ${RATE_NETMON} pps with netmon listening, ${RATE_TCPDUMP} pps with tcpdump)."
    echo
    echo "| capturer | packets seen | dropped (buffer) | dropped (interface) |"
    echo "|---|---:|---:|---:|"
    echo "| netmon capture (release, snaplen 128, 32 MiB) | $NETMON_SEEN | $NETMON_DROPPED | $NETMON_IFDROPPED |"
    echo "| tcpdump -s 128 -B 32768 --immediate-mode | $TCPDUMP_SEEN | $TCPDUMP_DROPPED | - |"
} | tee "$RESULT"
echo "bench: written to $RESULT" >&2
