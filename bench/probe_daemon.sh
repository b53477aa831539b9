#!/usr/bin/env bash
# Resources of the probe daemon: RSS and CPU of `netmon probe` with 50 ICMP targets at 20 probes per minute each
# (SmokePing's default schedule, 60 s steps), side by side with the peer way of doing the same job — fping -C 20
# started every step, as SmokePing does — measured in the same run. Loopback only: the 50 targets are
# 127.0.0.1 … 127.0.0.50.
#
# Usage: bench/probe_daemon.sh [minutes]   (default 3). Prints a Markdown table; raw samples in bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-3}"
out=bench/out/probe_daemon
rm -rf "$out"
mkdir -p "$out"

# NETMON_BIN overrides the binary (e.g. a debug build); default: a release build.
if [ -n "${NETMON_BIN:-}" ]; then
  bin="$NETMON_BIN"
else
  swift build -c release --product netmon >/dev/null
  bin="$(swift build -c release --show-bin-path)/netmon"
fi

# A sites.yaml with one commune whose 50 targets are loopback addresses.
{
  cat <<YAML
version: 1
province: { name: Hưng Yên, code: "33" }
network:
  supernet: 10.33.0.0/16
  datacenter:
    name: Bench
    subnet: 10.33.0.0/24
    hub: 10.33.0.1
  commune_prefix_length: 24
defaults:
  probe: { probes: 20, step: 60s, timeout: 2s, interval: 1s, payload_bytes: 56 }
  thresholds:
    latency_ms: { warn: 50, critical: 150, clear: 40 }
    loss_ratio: { warn: 0.02, critical: 0.10, clear: 0.01 }
communes:
  - code: "${BENCH_SITE:-12345}"
    name: Bench
    subnet: 10.33.1.0/24
    gateway: 10.33.1.1
    probe_id: probe-bench
    targets:
YAML
  for i in $(seq 1 50); do echo "      - { name: t$i, address: 127.0.0.$i, kind: icmp }"; done
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

# --- netmon probe -------------------------------------------------------------------------------------------
MALLOC_ARENA_MAX=2 "$bin" probe --config "$out/sites.yaml" --site "${BENCH_SITE:-12345}" --database "$out/probe.sqlite" \
  --metrics 127.0.0.1:0 --log-level warning 2>"$out/netmon.log" &
pid=$!
sleep 5
start_ticks=$(cpu_ticks $pid)
max_rss=0; max_anon=0
for _ in $(seq 1 $((seconds / 5))); do
  sleep 5
  r=$(rss_kib $pid); a=$(anon_kib $pid); echo "$r $a" >> "$out/netmon_rss.txt"
  [ "$r" -gt "$max_rss" ] && max_rss=$r
  [ "$a" -gt "$max_anon" ] && max_anon=$a
done
end_ticks=$(cpu_ticks $pid)
kill -TERM $pid; wait $pid || true
netmon_cpu=$(awk -v t=$((end_ticks - start_ticks)) -v c="$clk" -v s="$seconds" 'BEGIN {printf "%.3f", 100 * t / c / s}')
netmon_rss=$(awk -v k="$max_rss" 'BEGIN {printf "%.1f", k / 1024}')
netmon_anon=$(awk -v k="$max_anon" 'BEGIN {printf "%.1f", k / 1024}')
rounds=$(sqlite3 "$out/probe.sqlite" "select count(*) from round" 2>/dev/null || echo "?")

# --- peer: fping -C 20 -p 1000 every 60 s (SmokePing's FPing probe) ------------------------------------------
targets=$(for i in $(seq 1 50); do printf '127.0.0.%d ' "$i"; done)
fping_ticks=0; fping_max_rss=0
end=$((SECONDS + seconds))
while [ $SECONDS -lt $end ]; do
  step_start=$SECONDS
  /usr/bin/time -f "%e %U %S %M" -o "$out/fping_time.txt" -a fping -C 20 -p 1000 -t 2000 -q $targets 2>/dev/null || true
  sleep $((60 - (SECONDS - step_start))) 2>/dev/null || true
done
read -r fping_cpu fping_rss < <(awk -v s="$seconds" '{u += $2 + $3; if ($4 > m) m = $4} END {printf "%.3f %.1f\n", 100 * u / s, m / 1024}' "$out/fping_time.txt")

echo "binary: $bin ($(du -m "$bin" | cut -f1) MiB)"
echo "| tool | CPU (% of one core) | peak RSS (MiB) | of which anonymous (MiB) | rounds stored |"
echo "|---|---|---|---|---|"
echo "| netmon probe (50 targets × 20 probes/min, store + rollups + outbox + /metrics) | $netmon_cpu | $netmon_rss | $netmon_anon | $rounds |"
echo "| fping -C 20 -p 1000 each minute (probing only) | $fping_cpu | $fping_rss | - | - |"
awk -v a="$netmon_cpu" -v b="$fping_cpu" -v c="$netmon_rss" -v d="$fping_rss" \
  'BEGIN {printf "\nratio netmon/fping: CPU %.2f×, RSS %.2f×\n", (b > 0 ? a / b : 0), (d > 0 ? c / d : 0)}'
