#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run):
#   1. a Release build of everything with warnings as errors and MPI sweeps, and every CTest test
#      (unit and statistical tests, command-line tests, benchmark smoke runs), then the benchmark
#      regression check against bench/baseline (bench/run_regression.sh, about 30 s);
#   2. a RelWithDebInfo build with AddressSanitizer and UndefinedBehaviorSanitizer, and its tests
#      (benchmarks off; tests labelled `slow` skipped: they run in step 1);
#   3. the fuzzers for 60 seconds each, if tests/fuzz/run-fuzz.sh exists.
# Stops at the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash scripts/install-deps.sh

step "Release build (-Werror)"
cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Release -DMAILSTORM_WERROR=ON -DMAILSTORM_MPI=ON
cmake --build build-test -j "$jobs"
step "Release tests"
ctest --test-dir build-test --output-on-failure -j "$jobs" 2>&1 | tee build-test/ctest.log
step "benchmark regression check (bench/README.md)"
bash bench/run_regression.sh build-test

step "sanitizer build (ASan + UBSan)"
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMAILSTORM_SANITIZE=ON \
  -DMAILSTORM_BENCHMARKS=OFF
cmake --build build-sanitize -j "$jobs"
step "sanitizer tests"
ctest --test-dir build-sanitize --output-on-failure -j "$jobs" -LE slow 2>&1 |
  tee build-sanitize/ctest.log

if [[ -f tests/fuzz/run-fuzz.sh ]]; then
  step "fuzzers (60 s each)"
  bash tests/fuzz/run-fuzz.sh 60
fi
# Both CTest runs added up (each printed its own summary above).
total=0
for log in build-test/ctest.log build-sanitize/ctest.log; do
  n=$(grep -Eo 'tests failed out of [0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -n 1)
  total=$((total + ${n:-0}))
done
step "all steps passed"
echo "${total} passed, 0 failed"
