#!/bin/sh
# Runs the scenario-loader fuzzer for SECONDS (default 60) on a clang build of its own.
#   tests/fuzz/run-fuzz.sh 60
# Exits non-zero if the fuzzer finds a crash, a hang (over 5 s), a leak or runs out of memory;
# the reproducer is left in build-fuzz/artifacts/. New inputs it finds go to build-fuzz/corpus
# (the committed seed corpus in tests/fuzz/corpus is only read; crashes once found are kept there
# as regression inputs). The random seed is fixed (FUZZ_SEED, default 1) so that CI explores the
# same way each time; set FUZZ_SEED=0 for a fresh one.
set -eu
seconds=${1:-60}
seed=${FUZZ_SEED:-1}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${MAILSTORM_FUZZ_BUILD:-$root/build-fuzz}

# The fuzz folder's CMakeLists.txt doubles as a standalone project, so a fuzz build does not
# depend on the rest of the tree configuring (the other MAILSTORM_ options are accepted and unused).
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DMAILSTORM_FUZZ=ON -DMAILSTORM_TESTS=OFF \
  -DMAILSTORM_BENCHMARKS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target fuzz_scenario_loader

mkdir -p "$build/corpus" "$build/artifacts"
status=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
"$build/fuzz_scenario_loader" "$build/corpus" "$here/corpus" \
  -seed="$seed" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
  -dict="$here/scenario.dict" -print_final_stats=1 \
  -artifact_prefix="$build/artifacts/" || status=$?
if [ "$status" -ne 0 ]; then
  echo "run-fuzz.sh: the fuzzer failed (exit $status); reproducer in $build/artifacts/" >&2
  exit "$status"
fi
echo "run-fuzz.sh: no crash in ${seconds}s"
