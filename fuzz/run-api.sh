#!/usr/bin/env bash
# Fuzzes netmon serve's HTTP API for longer than CI does: Tests/NetmonServerTests/APIFuzzTests.swift against the
# netmon binary (NETMON_BIN, default the release build), replaying fuzz/regressions/api/ first.
#
#   fuzz/run-api.sh                          # 50,000 requests, a random seed (printed)
#   NETMON_FUZZ_REQUESTS=200000 NETMON_FUZZ_SEED=42 fuzz/run-api.sh
#
# Failing requests are written to $NETMON_FUZZ_FAILURES (default a new folder under /tmp): turn each into a
# fuzz/regressions/api/*.txt with its fix.
set -euo pipefail
cd "$(dirname "$0")/.."
export NETMON_FUZZ_REQUESTS="${NETMON_FUZZ_REQUESTS:-50000}"
export NETMON_FUZZ_FAILURES="${NETMON_FUZZ_FAILURES:-$(mktemp -d /tmp/netmon-api-fuzz.XXXXXX)}"
if [ -z "${NETMON_BIN:-}" ]; then
    swift build -c release --product netmon
    NETMON_BIN="$(swift build -c release --show-bin-path)/netmon"
fi
export NETMON_BIN
swift build --build-tests
echo "fuzz: $NETMON_FUZZ_REQUESTS requests against $NETMON_BIN; failures go to $NETMON_FUZZ_FAILURES"
swift test --skip-build --filter 'NetmonServerTests.APIFuzzTests' 2>&1 | tee "$NETMON_FUZZ_FAILURES/test.log" \
    | grep -E "APIFuzzTests:|passed|failed|error" || true
if grep -q "Test run with .* passed" "$NETMON_FUZZ_FAILURES/test.log"; then
    echo "fuzz: passed"
else
    echo "fuzz: FAILED, see $NETMON_FUZZ_FAILURES" >&2
    exit 1
fi
