#!/usr/bin/env bash
# The regression check (bench/README.md): runs the regression subset of the benchmarks of a
# Release build and compares it with the committed baseline (bench/baseline/*.json).
#   usage: bench/run_regression.sh BUILD_DIR [OUT_DIR] [-- compare_to_baseline.py options...]
#     BUILD_DIR  a Release build with the benchmarks built (cmake -DCMAKE_BUILD_TYPE=Release)
#     OUT_DIR    where the JSON of this run goes (default: BUILD_DIR/bench-regression)
#   e.g. refresh the baseline after an intended change:
#     bench/run_regression.sh build -- --update
# Environment: MAILSTORM_BENCH_REPETITIONS (default 7) and MAILSTORM_BENCH_MIN_TIME (seconds
# per repetition, default 0.05); the baseline is made with more repetitions (bench/README.md).
# Exit status: that of compare_to_baseline.py (0 ok, 1 regression, 2 bad input), or 2 when a
# benchmark program is missing or fails to run. A regression is confirmed before it fails: the
# subset runs once more (into OUT_DIR/confirm) and both runs are compared pooled, so it fails
# only if the fastest repetitions of both runs regressed. MAILSTORM_BENCH_CONFIRM=0 skips that.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ $# -lt 1 || "$1" == -* ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
fi
build="$1"
shift
out="${build}/bench-regression"
if [[ $# -gt 0 && "$1" != "--" ]]; then
  out="$1"
  shift
fi
[[ $# -gt 0 && "$1" == "--" ]] && shift
mkdir -p "$out"

# Repetitions (the fastest is compared), interleaved at random so a burst of load on a shared
# machine spreads over all benchmarks instead of landing on one; a short minimum time each.
common=(--benchmark_repetitions="${MAILSTORM_BENCH_REPETITIONS:-7}"
        --benchmark_min_time="${MAILSTORM_BENCH_MIN_TIME:-0.05}"
        --benchmark_enable_random_interleaving=true --benchmark_out_format=json)

# program (path under BUILD_DIR) and the benchmarks of the regression subset (BM_Reference is
# always added: times are compared relative to it).
subset=(
  "bench/sim/bench_sim_queue|BM_QueueHold<.*>/(1000|10000)"
  "bench/sim/bench_sim_phold|PHOLD/.*/N:1024/E:1/.*"
  "bench/models/bench_models_storm|Storm/.*"
)

# run_subset DIR: runs the subset's programs, writing DIR/<program>.json; appends them to outputs.
run_subset() {
  local dir="$1" entry program filter name
  mkdir -p "$dir"
  for entry in "${subset[@]}"; do
    program="${build}/${entry%%|*}"
    filter="^(BM_Reference|${entry#*|})\$"
    name="$(basename "$program")"
    if [[ ! -x "$program" ]]; then
      echo "run_regression: ${program} not found: build it first (cmake --build ${build} --target ${name})" >&2
      exit 2
    fi
    echo "== ${name}" >&2
    if ! "$program" "${common[@]}" --benchmark_filter="$filter" --benchmark_out="${dir}/${name}.json" \
        --benchmark_format=console --benchmark_counters_tabular=false > "${dir}/${name}.txt" 2>&1; then
      cat "${dir}/${name}.txt" >&2
      echo "run_regression: ${program} failed" >&2
      exit 2
    fi
    outputs+=("${dir}/${name}.json")
  done
}

outputs=()
rm -rf "${out}/confirm"
run_subset "$out"
status=0
/usr/bin/python3 "${here}/compare_to_baseline.py" "$@" "${outputs[@]}" || status=$?
if [[ $status -ne 1 || "${MAILSTORM_BENCH_CONFIRM:-1}" == 0 ]]; then
  exit "$status"
fi

# A regression: run the subset once more and compare both runs pooled (the fastest repetition of
# either). A regression in the code slows every run and fails again; a slow spell of a shared
# machine rarely lasts through both (bench/README.md, "Confirming a failure").
echo "" >&2
echo "run_regression: a regression above; running the subset once more to confirm it" >&2
run_subset "${out}/confirm"
exec /usr/bin/python3 "${here}/compare_to_baseline.py" "$@" "${outputs[@]}"
