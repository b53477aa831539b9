#!/usr/bin/env bash
# Resources of the probe daemon on a gateway's whole job (issue 5): `netmon probe` with 50 ICMP targets at 20 probes
# per minute each (SmokePing's schedule, 60 s steps) AND passive capture of PPS packets/s (default 1,000) on the
# gateway's link, storing every round (active and passive) with rollups and outbox rows and serving /metrics.
# The peer way of doing the same job runs in the same window, on the same link, at the same time:
#   fping -C 20 -p 1000 -t 2000 started every step (SmokePing's FPing probe) + tcpdump -s 128 --immediate-mode on
#   the link (a capture that only writes to /dev/null: the cheapest possible passive side).
# CPU = user+system time of each process over the window (/proc/PID/stat; fping's from /usr/bin/time), RSS = peak of
# 5 s samples of VmRSS (and RssAnon, its private part, and Pss, which counts each page shared with other processes,
# libc's for one, by its share); netmon's VmHWM, its peak since start, is reported too.
#
# Root. Everything runs in two namespaces this script creates, nmb-<pid>-s (the gateway: daemon and peers) and
# nmb-<pid>-t (the 50 targets on its loopback, reached over one veth; the traffic is replayed from there with
# tcpreplay), with no route out; both are removed on exit. The replayed traffic is a generated commune's
# (bench/GenerateCommuneTraffic.swift: 10.33.1.0/24 ↔ data-centre services, 1 % upstream loss), looped.
#
# Usage: bench/probe_daemon.sh [minutes]   (default 3; PPS=… changes the capture rate, NETMON_BIN=… the binary,
# OUT=… the directory for raw samples, default bench/out/probe_daemon/, so two binaries can run side by side).
# Without NETMON_BIN it builds the gateway build as deployed: `netmon-gateway`, statically linked Swift runtime and
# Foundation (`--static-swift-stdlib`; see README and BENCHMARKS.md). NETMON_BIN may also be the full `netmon`
# (same `probe` subcommand and options). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-3}"
PPS="${PPS:-1000}"
out="${OUT:-bench/out/probe_daemon}"
rm -rf "$out"
mkdir -p "$out"
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root for namespaces and capture" >&2; exit 2; }

if [ -n "${NETMON_BIN:-}" ]; then
  bin="$NETMON_BIN"
else
  bin="$(scripts/build-gateway 2>/dev/null)"
fi
bin="$(realpath "$bin")"

. bench/lib/namespace-pair.sh
NS_G="$NS-s"; NS_T="$NS-t"   # the gateway (daemon and peers) and the targets
trap ns_pair_down EXIT

# Traffic to replay.
gen="$out/generate-commune-traffic"
swiftc -O Tests/TestSupport/PcapFileWriter.swift Tests/TestSupport/SyntheticCapture.swift bench/GenerateCommuneTraffic.swift \
  -o "$gen" >&2
"$gen" "$out/commune.pcap" 200 >&2
packets=$(capinfos -c -M "$out/commune.pcap" | awk -F"\t|: *" '/Number of packets/ {print $NF}')

# Namespaces: gateway v0 198.18.0.1 — v1 198.18.0.2 targets; targets 198.19.0.1-50 on the target's loopback.
ns_pair_up
for i in $(seq 1 50); do echo "addr add 198.19.0.$i/32 dev lo"; done | ip -n "$NS_T" -batch -
ip -n "$NS_G" route add 198.19.0.0/24 via 198.18.0.2
ip netns exec "$NS_G" ping -c 1 -W 2 198.19.0.1 >/dev/null

# A sites.yaml with one commune: 50 ICMP targets, capture on v0.
{
  cat <<YAML
version: 1
province: { name: Hưng Yên, code: "33", require_all_communes: false }
network:
  supernet: 10.33.0.0/16
  datacenter:
    name: Bench
    subnet: 10.33.0.0/24
    hub: 10.33.0.1
    services:
      - { name: portal, address: 10.33.0.10, kind: tcp, port: 443 }
      - { name: meeting, address: 10.33.0.20, kind: tcp, port: 443 }
      - { name: lgsp, address: 10.33.0.30, kind: tcp, port: 443 }
  commune_prefix_length: 24
defaults:
  probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
  thresholds:
    latency_ms: { warn: 50, critical: 150, clear: 40 }
    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
communes:
  - code: "12345"
    name: Bench
    subnet: 10.33.1.0/24
    gateway: 10.33.1.1
    probe_id: probe-bench
    capture: { interface: v0, filter: "tcp or icmp", snaplen: 128, buffer_mib: ${BUFFER_MIB:-2} }
    targets:
YAML
  for i in $(seq 1 50); do echo "      - { name: t$i, address: 198.19.0.$i, kind: icmp }"; done
  cat <<YAML
coverage:
  floors: { 4G: { metric: rsrp_dbm, dbm: -115 }, 5G: { metric: nr_ss_rsrp_dbm, dbm: -110 } }
  targets: { 4g_every_commune: true, 5g_area_ratio: 0.60, max_dead_zones: 0 }
alerts:
  receivers:
    - { name: hook, webhook: { url: "http://127.0.0.1:9/hook" } }
  route: { receiver: hook }
YAML
} > "$out/sites.yaml"
"$bin" check "$out/sites.yaml" >/dev/null

seconds=$((minutes * 60))
clk=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
anon_kib() { awk '/^RssAnon/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
pss_kib() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# Start everything: the daemon, the peers, and the traffic (looped for the whole window plus the lead-in).
ip netns exec "$NS_G" env MALLOC_ARENA_MAX=2 "$bin" probe --config "$out/sites.yaml" --site 12345 \
  --database "$out/probe.sqlite" --metrics 127.0.0.1:9109 --log-level info 2>"$out/netmon.log" &
launcher=$!
ip netns exec "$NS_G" tcpdump -n -i v0 -s 128 -B 2048 --immediate-mode -w /dev/null "tcp or icmp" 2>"$out/tcpdump.err" &
tlauncher=$!
loops=$(( (seconds + 120) * PPS / packets + 1 ))
ip netns exec "$NS_T" tcpreplay --pps="$PPS" --loop="$loops" -i v1 "$out/commune.pcap" >"$out/tcpreplay.txt" 2>&1 &
replay=$!
sleep 2
pid=$(pgrep -P "$launcher" -x netmon || echo "$launcher")
tpid=$(pgrep -P "$tlauncher" -x tcpdump || echo "$tlauncher")
# The capture starts at the next step boundary: begin the window once it runs, plus one step of warm-up.
for _ in $(seq 1 70); do grep -q "passive capture running" "$out/netmon.log" && break; sleep 1; done
sleep 5

targets=$(for i in $(seq 1 50); do printf '198.19.0.%d ' "$i"; done)
(
  end=$((SECONDS + seconds))
  while [ $SECONDS -lt $end ]; do
    step_start=$SECONDS
    ip netns exec "$NS_G" /usr/bin/time -f "%e %U %S %M" -o "$out/fping_time.txt" -a \
      fping -C 20 -p 1000 -t 2000 -q $targets 2>/dev/null || true
    sleep $((60 - (SECONDS - step_start))) 2>/dev/null || true
  done
) &
fping_loop=$!

start_ticks=$(cpu_ticks "$pid"); tstart_ticks=$(cpu_ticks "$tpid")
max_rss=0; max_anon=0; max_pss=0; tmax_rss=0
for _ in $(seq 1 $((seconds / 5))); do
  sleep 5
  r=$(rss_kib "$pid"); a=$(anon_kib "$pid"); p=$(pss_kib "$pid"); t=$(rss_kib "$tpid")
  echo "$r $a $p $t" >> "$out/rss.txt"
  [ "$r" -gt "$max_rss" ] && max_rss=$r
  [ "$a" -gt "$max_anon" ] && max_anon=$a
  [ "$p" -gt "$max_pss" ] && max_pss=$p
  [ "$t" -gt "$tmax_rss" ] && tmax_rss=$t
done
end_ticks=$(cpu_ticks "$pid"); tend_ticks=$(cpu_ticks "$tpid")
# The lifetime peak, start-up included (the daemon gives back start-up pages once running: WorkingSetTrimmer).
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
wait "$fping_loop" || true
threads=$(ls "/proc/$pid/task" | wc -l)
metrics=$(ip netns exec "$NS_G" curl -s http://127.0.0.1:9109/metrics || true)
# Where the resident memory is at the end of the window: KiB per mapping (binary, each shared library, [heap], anon).
awk '/^[0-9a-f]+-[0-9a-f]+ / {name = (NF >= 6 ? $6 : "[anon]")} /^Rss:/ {kib[name] += $2}
     END {for (n in kib) if (kib[n] > 0) printf "%8d %s\n", kib[n], n}' "/proc/$pid/smaps" 2>/dev/null \
  | sort -rn > "$out/rss-by-mapping.txt" || true
kill -TERM "$pid"; wait "$launcher" || true
kill -INT "$tpid"; wait "$tlauncher" || true
kill "$replay" 2>/dev/null || true; wait "$replay" 2>/dev/null || true

pct() { awk -v t="$1" -v c="$clk" -v s="$seconds" 'BEGIN {printf "%.3f", 100 * t / c / s}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
netmon_cpu=$(pct $((end_ticks - start_ticks))); netmon_rss=$(mib "$max_rss"); netmon_anon=$(mib "$max_anon"); netmon_pss=$(mib "$max_pss")
tcpdump_cpu=$(pct $((tend_ticks - tstart_ticks))); tcpdump_rss=$(mib "$tmax_rss")
read -r fping_cpu fping_rss < <(awk -v s="$seconds" '{u += $2 + $3; if ($4 > m) m = $4} END {printf "%.3f %.1f\n", 100 * u / s, m / 1024}' "$out/fping_time.txt")
active=$(sqlite3 "$out/probe.sqlite" "select count(*) from round where kind = 'icmp'" 2>/dev/null || echo "?")
passive=$(sqlite3 "$out/probe.sqlite" "select count(*) from round where kind = 'passive'" 2>/dev/null || echo "?")
passive_sites=$(sqlite3 "$out/probe.sqlite" "select group_concat(distinct target) from round where kind = 'passive'" 2>/dev/null || echo "?")
drops=$(echo "$metrics" | awk '/^netmon_capture_drops_total/ {print $2}')
seen=$(awk '/packets received by filter/ {print $1}' "$out/tcpdump.err")
tdrops=$(awk '/dropped by kernel/ {print $1}' "$out/tcpdump.err")

echo "binary: $bin ($(du -m "$bin" | cut -f1) MiB); window ${seconds} s; capture: ${packets}-packet commune capture looped by tcpreplay at ${PPS} packets/s"
echo
echo "| process | job | CPU (% of one core) | peak RSS (MiB) | of which anonymous (MiB) | peak PSS (MiB) | lifetime peak, start-up included (MiB) |"
echo "|---|---|---:|---:|---:|---:|---:|"
echo "| netmon probe ($threads threads) | 50 targets × 20 probes/min + capture + store + rollups + outbox + /metrics | $netmon_cpu | $netmon_rss | $netmon_anon | $netmon_pss | $(mib "$hwm") |"
echo "| fping -C 20 -p 1000, each minute | the probing | $fping_cpu | $fping_rss | - | - | - |"
echo "| tcpdump -s 128 -B 2048 -w /dev/null | the capturing | $tcpdump_cpu | $tcpdump_rss | - | - | - |"
awk -v a="$netmon_cpu" -v b="$fping_cpu" -v t="$tcpdump_cpu" -v c="$netmon_rss" -v d="$fping_rss" -v e="$tcpdump_rss" \
  'BEGIN {printf "\nratio netmon / (fping + tcpdump): CPU %.2f×, RSS %.2f× (RSS vs the sum of both peers)\n", (b + t > 0 ? a / (b + t) : 0), (d + e > 0 ? c / (d + e) : 0)}'
echo
echo "resident at the end, by mapping (KiB): $(head -6 "$out/rss-by-mapping.txt" | awk '{printf "%s%s %s", (NR > 1 ? "; " : ""), $2, $1}')"
echo "rounds stored: $active active, $passive passive ($passive_sites); netmon_capture_drops_total ${drops:-?}; tcpdump saw ${seen:-?}, dropped ${tdrops:-?}"
