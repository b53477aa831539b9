#!/usr/bin/env bash
# Builds the fuzz target for the packet decoders and the passive analyzer (swiftc -sanitize=fuzzer,address over
# Sources/NetMonitor/Packets, the pure part of Capture and Statistics, plus fuzz/FuzzDecoders.swift), replays every
# checked-in regression input, then fuzzes for a bounded time from the seed corpus.
#
#   fuzz/run-decoders.sh                 # 200,000 runs or 60 s, whichever comes first
#   FUZZ_RUNS=50000 FUZZ_SECONDS=20 FUZZ_OPT=-O fuzz/run-decoders.sh   # -Onone (default) compiles faster
#
# A crash leaves its input in $FUZZ_WORK/crash-*: copy it to fuzz/regressions/decoders/ with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${FUZZ_RUNS:-200000}"
SECONDS_LIMIT="${FUZZ_SECONDS:-60}"
WORK="${FUZZ_WORK:-$(mktemp -d /tmp/netmon-fuzz.XXXXXX)}"
mkdir -p "$WORK/corpus"
BINARY="$WORK/fuzz-decoders"

# The pure sources: everything in Packets (decoders), the engine part of Capture (no libpcap), Statistics.
SOURCES=(Sources/NetMonitor/Packets/*.swift Sources/NetMonitor/Statistics/*.swift)
for f in Sources/NetMonitor/Capture/*.swift; do
    grep -q "import CPcap" "$f" || SOURCES+=("$f")
done
# The decoders' address type comes from the NetworkAddress module, built first (instrumented the same way) as a
# static library. Packets files that wrap sockets need Glibc only, which swiftc links by default.
echo "fuzz: compiling NetworkAddress"
swiftc -sanitize=fuzzer,address -parse-as-library -module-name NetworkAddress "${FUZZ_OPT:--Onone}" -g \
    -emit-module -emit-module-path "$WORK/NetworkAddress.swiftmodule" -emit-library -static \
    -o "$WORK/libNetworkAddress.a" Sources/NetworkAddress/*.swift
echo "fuzz: compiling ${#SOURCES[@]} sources with -sanitize=fuzzer,address"
swiftc -sanitize=fuzzer,address -parse-as-library -module-name NetMonitor "${FUZZ_OPT:--Onone}" -g \
    -I "$WORK" -L "$WORK" -lNetworkAddress \
    "${SOURCES[@]}" fuzz/FuzzDecoders.swift -o "$BINARY" 2> >(grep -v "ld.gold: warning: Cannot export local symbol" >&2)

echo "fuzz: replaying regression inputs"
REGRESSIONS=()
for f in fuzz/regressions/decoders/*; do [ "${f##*/}" = README.md ] || REGRESSIONS+=("$f"); done
if [ ${#REGRESSIONS[@]} -gt 0 ]; then
    "$BINARY" -runs=1 "${REGRESSIONS[@]}" 2>&1 | tail -1
fi

echo "fuzz: fuzzing for at most $RUNS runs / $SECONDS_LIMIT s (work dir $WORK)"
cp fuzz/corpus/decoders/* "$WORK/corpus/" 2>/dev/null || true
"$BINARY" -runs="$RUNS" -max_total_time="$SECONDS_LIMIT" -max_len=2048 -artifact_prefix="$WORK/" -print_final_stats=1 \
    "$WORK/corpus" fuzz/corpus/decoders 2>&1 | grep -E "^(#[0-9]+ *(DONE|INITED)|stat::number_of_executed_units|==[0-9]+==|SUMMARY|.*deadly signal|.*Test unit written)" || true
if ls "$WORK"/crash-* "$WORK"/leak-* "$WORK"/timeout-* >/dev/null 2>&1; then
    echo "fuzz: FAILED, inputs in $WORK" >&2
    exit 1
fi
echo "fuzz: no crash"
[ -n "${FUZZ_WORK:-}" ] || rm -rf "$WORK"
