#!/usr/bin/env python3
"""Reads bench/ping/results and prints the comparison as Markdown (ratios netmon / fping, same run)."""
import json
import re
import statistics
import sys
from pathlib import Path

out, targets, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])


def time_v(text):
    """user+sys seconds, peak RSS KiB and wall seconds from /usr/bin/time -v output."""
    def field(name):
        m = re.search(re.escape(name) + r":\s*([0-9.:]+)", text)
        return m.group(1) if m else None
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in wall.split(":")] if wall else [0]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return float(field("User time (seconds)")) + float(field("System time (seconds)")), int(field("Maximum resident set size (kbytes)")), seconds


def fping_results(text):
    """fping -C -q prints `addr : t1 t2 - t4` per target on stderr ('-' = lost)."""
    results = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+:\s+(.*)$", line)
        if not m or not re.match(r"^\d+\.\d+\.\d+\.\d+$", m.group(1)):
            continue
        values = m.group(2).split()
        rtts = [float(v) for v in values if v != "-"]
        results[m.group(1)] = (len(values), rtts)
    return results


repeat = int(sys.argv[4]) if len(sys.argv) > 4 else 1
print(f"### Job 1: {targets} targets x {count} pings, period 50 ms, interval 1 ms ({repeat} runs of each, alternating)\n")
print("| run | fping CPU (s) | netmon CPU (s) | CPU netmon / fping | fping RSS (MiB) | netmon RSS (MiB) | "
      "RSS ratio | fping wall (s) | netmon wall (s) | lost fping / netmon | identical loss | medians within 0.05 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
ratios, rss_ratios, all_diffs, notes = [], [], [], []
for rep in range(1, repeat + 1):
    fping_stderr = (out / f"fping.{rep}.stderr").read_text()
    f_cpu, f_rss, f_wall = time_v(fping_stderr)
    n_cpu, n_rss, n_wall = time_v((out / f"netmon.{rep}.time").read_text())
    fping = fping_results(fping_stderr)
    netmon = {t["target"]: t for t in json.loads((out / f"netmon.{rep}.json").read_text())["targets"]}
    f_lost = sum(sent - len(rtts) for sent, rtts in fping.values())
    n_lost = sum(t["sent"] - t["received"] for t in netmon.values())
    same_loss = sum(1 for a, (sent, rtts) in fping.items()
                    if a in netmon and sent - len(rtts) == netmon[a]["sent"] - netmon[a]["received"])
    diffs = []
    for address, (sent, rtts) in fping.items():
        t = netmon.get(address)
        if rtts and t and t["rtt_ms"]:
            diffs.append(t["rtt_ms"]["median"] - statistics.median(rtts))
    all_diffs += diffs
    within = sum(1 for d in diffs if abs(d) <= 0.05)
    # A job too small for /usr/bin/time's 10 ms resolution measures 0 s for fping: no ratio then, not a crash.
    cpu_ratio = n_cpu / f_cpu if f_cpu > 0 else float("nan")
    if f_cpu > 0:
        ratios.append(cpu_ratio)
    rss_ratios.append(n_rss / f_rss)
    print(f"| {rep} | {f_cpu:.2f} | {n_cpu:.2f} | {cpu_ratio:.2f} | {f_rss / 1024:.1f} | {n_rss / 1024:.1f} | "
          f"{n_rss / f_rss:.2f} | {f_wall:.2f} | {n_wall:.2f} | {f_lost} / {n_lost} | {same_loss} of {len(fping)} | "
          f"{within} of {len(diffs)} |")
    schedule = (out / f"netmon.{rep}.stderr").read_text().strip().splitlines()
    notes.append(f"- run {rep}, netmon " + " ".join(line for line in schedule if line.startswith("schedule")))
print()
cpu_summary = (f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}–{max(ratios):.2f})" if ratios
               else "not measurable (fping used under 10 ms)")
print(f"- CPU netmon / fping, median of the {repeat} runs: {cpu_summary}; "
      f"peak RSS ratio median {statistics.median(rss_ratios):.2f}.")
if all_diffs:
    abs_diffs = sorted(abs(d) for d in all_diffs)
    print(f"- Per-target median RTT, netmon − fping, over all runs: median {statistics.median(all_diffs) * 1000:+.1f} µs; "
          f"|difference| p95 {abs_diffs[int(0.95 * (len(abs_diffs) - 1))] * 1000:.1f} µs, max {abs_diffs[-1] * 1000:.1f} µs.")
print("\n".join(notes))

# Job 2: 10 Hz.
print(f"\n### Job 2: {targets} targets at 10 Hz, 50 pings each (planned: 10,000 pings/s for 5 s)\n")
n10 = (out / "netmon10.stderr").read_text().strip().splitlines()
n10_cpu, n10_rss, n10_wall = time_v((out / "netmon10.time").read_text())
n10_json = json.loads((out / "netmon10.json").read_text())["targets"]
n10_lost = sum(t["sent"] - t["received"] for t in n10_json)
n10_sent = sum(t["sent"] for t in n10_json)
f10_text = (out / "fping10.stderr").read_text()
print(f"- netmon: {n10_sent} sent, {n10_lost} lost, wall {n10_wall:.2f} s, CPU {n10_cpu:.2f} s, peak RSS {n10_rss / 1024:.1f} MiB; "
      + " ".join(line for line in n10 if line.startswith("schedule")))
try:
    f10_cpu, f10_rss, f10_wall = time_v(f10_text)
    f10 = fping_results(f10_text)
    f10_sent = sum(sent for sent, _ in f10.values())
    f10_lost = sum(sent - len(rtts) for sent, rtts in f10.values())
    print(f"- fping -i 0.1: {f10_sent} sent, {f10_lost} lost, wall {f10_wall:.2f} s (planned 5 s), CPU {f10_cpu:.2f} s; "
          f"wall-time ratio netmon / fping {n10_wall / f10_wall:.2f}")
except Exception as error:  # fping refused the interval
    first = f10_text.strip().splitlines()[:2]
    print(f"- fping -i 0.1: did not run ({' / '.join(first)})")
