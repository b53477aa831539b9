#!/usr/bin/env bash
# Live capture benchmark (root): replays a generated gateway capture at a fixed packet rate (default 100,000
# packets/s) with tcpreplay into a veth between two fresh namespaces, with `netmon capture` on the far end, then
# the same with `tcpdump -w /dev/null` on the far end; reports, for each, packets sent (tcpreplay), packets seen,
# libpcap's drops (pcap_stats) and the capturer's CPU time. Never touches a real interface: the namespaces have no
# route out and are deleted on exit. Bounded: the replay is cut after MAX_SECONDS.
#
#   bench/live-capture.sh                 # 100,000 packets/s, 2,000 flows (~300,000 packets, ~3 s)
#   PPS=200000 FLOWS=4000 bench/live-capture.sh
#   NETMON_BIN=.build/release/netmon bench/live-capture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PPS="${PPS:-100000}"
FLOWS="${FLOWS:-2000}"
# tcpreplay sends this many packets per timer tick: one packet per 10 µs sleep is beyond its timer on a busy
# machine, ten per 100 µs is not, and the average rate is the same.
PPS_MULTI="${PPS_MULTI:-10}"
MAX_SECONDS="${MAX_SECONDS:-60}"
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
# Stale namespaces of earlier runs that were killed.
for ns in $(ip netns list | awk '/^nmb-[0-9]+-[st]/ {print $1}'); do
    pid=${ns#nmb-}; pid=${pid%-*}
    kill -0 "$pid" 2>/dev/null || ip netns del "$ns" 2>/dev/null || true
done

if [ -n "${NETMON_BIN:-}" ]; then
    NETMON="$NETMON_BIN"   # an already built release binary
else
    swift build -c release --product netmon >&2
    NETMON="$(swift build -c release --show-bin-path)/netmon"
fi
[ -x "$WORK/generate-gateway-capture" ] || swiftc -O Tests/TestSupport/PcapFileWriter.swift Tests/TestSupport/SyntheticCapture.swift bench/GenerateGatewayCapture.swift \
    -o "$WORK/generate-gateway-capture" >&2
[ -s "$WORK/replay.pcap" ] || "$WORK/generate-gateway-capture" "$WORK/replay.pcap" "$FLOWS" >&2
SENT=$(capinfos -c -M "$WORK/replay.pcap" | awk -F"\t|: *" '/Number of packets/ {print $NF}')

ip netns add "$NS_S"; ip netns add "$NS_T"
ip -n "$NS_S" link add v0 type veth peer name v1 netns "$NS_T"
# No IPv6 on the link: no router solicitations or neighbour discovery mixed into the counts.
ip netns exec "$NS_S" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns exec "$NS_T" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS_S" link set v0 up; ip -n "$NS_T" link set v1 up
sleep 0.5

# cpu_seconds PID: user + system CPU of a running process, from /proc (clock ticks → seconds).
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }

# replay NAME: replays the file into v1 (bounded), leaves tcpreplay's output in $WORK/tcpreplay-NAME.txt.
replay() {
    ip netns exec "$NS_T" timeout "$MAX_SECONDS" tcpreplay --preload-pcap --pps="$PPS" --pps-multi="$PPS_MULTI" \
        -i v1 "$WORK/replay.pcap" > "$WORK/tcpreplay-$1.txt" 2>&1 || true
}

# netmon (`ip netns exec` execs the command, so $! is netmon itself)
ip netns exec "$NS_S" "$NETMON" capture -i v0 --interval 1 --json > "$WORK/netmon.jsonl" 2> "$WORK/netmon.err" &
NETMON_PID=$!
sleep 1
CPU0=$(cpu_seconds "$NETMON_PID")
replay netmon
sleep 1
NETMON_CPU=$(awk -v a="$(cpu_seconds "$NETMON_PID")" -v b="$CPU0" 'BEGIN { printf "%.2f", a - b }')
kill -INT "$NETMON_PID"; wait "$NETMON_PID" || true
read -r NETMON_SEEN NETMON_RECEIVED NETMON_DROPPED NETMON_IFDROPPED < <(python3 -c "
import json
final=[json.loads(l) for l in open('$WORK/netmon.jsonl') if l.strip()][-1]['report']
d=final['capture_drops_total']
print(final['packets'], d['received'], d['dropped'], d['interface_dropped'])")

# tcpdump
ip netns exec "$NS_S" tcpdump -n -i v0 -s 128 -B 32768 --immediate-mode -w /dev/null 2> "$WORK/tcpdump.err" &
TCPDUMP_PID=$!
sleep 1
CPU0=$(cpu_seconds "$TCPDUMP_PID")
replay tcpdump
sleep 1
TCPDUMP_CPU=$(awk -v a="$(cpu_seconds "$TCPDUMP_PID")" -v b="$CPU0" 'BEGIN { printf "%.2f", a - b }')
kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
TCPDUMP_SEEN=$(awk '/packets captured/ {print $1}' "$WORK/tcpdump.err")
TCPDUMP_RECEIVED=$(awk '/packets received by filter/ {print $1}' "$WORK/tcpdump.err")
TCPDUMP_DROPPED=$(awk '/dropped by kernel/ {print $1}' "$WORK/tcpdump.err")

rated() { awk '/Rated:/ {print $(NF-1); exit}' "$WORK/tcpreplay-$1.txt"; }
actual() { awk '/Actual:/ {print $2; exit}' "$WORK/tcpreplay-$1.txt"; }
failed() { awk '/Failed packets:/ {print $3; exit}' "$WORK/tcpreplay-$1.txt"; }

mkdir -p bench/results
RESULT="bench/results/live-capture-$(date -u +%Y%m%dT%H%M%SZ).md"
{
    echo "Replayed $SENT packets ($FLOWS flows) with tcpreplay --preload-pcap --pps=$PPS --pps-multi=$PPS_MULTI into a veth"
    echo "between two fresh namespaces; load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| capturer | sent (tcpreplay) | achieved pps | send failures | packets seen | pcap_stats received | dropped (buffer) | dropped (interface) | CPU s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    echo "| netmon capture (snaplen 128, 32 MiB, immediate) | $(actual netmon) | $(rated netmon) | $(failed netmon) | $NETMON_SEEN | $NETMON_RECEIVED | $NETMON_DROPPED | $NETMON_IFDROPPED | $NETMON_CPU |"
    echo "| tcpdump -s 128 -B 32768 --immediate-mode | $(actual tcpdump) | $(rated tcpdump) | $(failed tcpdump) | $TCPDUMP_SEEN | $TCPDUMP_RECEIVED | $TCPDUMP_DROPPED | - | $TCPDUMP_CPU |"
} | tee "$RESULT"
echo "bench: written to $RESULT" >&2
