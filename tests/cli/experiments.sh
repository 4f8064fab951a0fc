#!/usr/bin/env bash
# Command-line tests of the experiment commands (CTest runs one CASE per test):
#   bash experiments.sh MAILSTORM FIXTURES WORK CASE [MPIEXEC]
# CASE: jobs     the same summary.csv with --jobs 1 and --jobs 2; a run's summary.json is `run`'s
#       kill9    a sweep killed with SIGKILL part way, run again: the same summary.csv as an
#                uninterrupted sweep, and the completed runs were kept (not redone)
#       shards   --shard 1/2 and 2/2 in two folders, merged: the same summary.csv; in one shared
#                folder: the second shard writes it; a missing shard: merge fails, writes nothing
#       resume   a folder of another sweep is refused (exit 2); more replications extend a sweep
#       compare  compare.csv/md/json, paired differences of a scenario with itself are exactly 0
#       mpi      mpirun -n 2: the same summary.csv as the threaded sweep, the same check report
set -euo pipefail
mailstorm=$1 fixtures=$2 work=$3 case=$4 mpiexec=${5:-}
rm -rf "$work"
mkdir -p "$work"
cd "$work"
sweep=$fixtures/sweep-tiny.toml

fail() { echo "FAIL: $*" >&2; exit 1; }
same() {  # same FILE_A FILE_B: byte-identical
  cmp "$1" "$2" || fail "$1 and $2 differ"
  echo "identical: $1 $2"
}
runs_in() { find "$1/runs" -name summary.json 2>/dev/null | wc -l; }

case $case in
jobs)
  "$mailstorm" sweep "$sweep" --replications 5 --jobs 1 --out j1 --quiet
  "$mailstorm" sweep "$sweep" --replications 5 --jobs 2 --out j2 --quiet
  [[ $(runs_in j1) -eq 20 ]] || fail "expected 20 runs, got $(runs_in j1)"
  [[ $(grep -c ',messages_total,' j1/summary.csv) -eq 4 ]] || fail "expected 4 points in summary.csv"
  head -1 j1/summary.csv | grep -qx 'point,population.members,sender.shutdown_after_messages_per_hour,outcome,mean,sd,ci95_low,ci95_high,min,max,n' ||
    fail "summary.csv header: $(head -1 j1/summary.csv)"
  same j1/summary.csv j2/summary.csv
  # A sweep's run is exactly `mailstorm run` with the point's values set (apart from wall_s).
  "$mailstorm" run "$sweep" --set population.members=300 --set sender.shutdown_after_messages_per_hour=50 \
    --seed 1 --replication 3 --quiet --out single
  grep -v '"wall_s"' single/summary.json >single.json
  grep -v '"wall_s"' 'j2/runs/population.members=300,sender.shutdown_after_messages_per_hour=50/rep-0003/summary.json' >swept.json
  same single.json swept.json
  ;;
kill9)
  reps=400  # 1600 runs of about 1 ms each: a second or two
  "$mailstorm" sweep "$sweep" --replications $reps --jobs 2 --out whole --quiet
  total=$(runs_in whole)
  "$mailstorm" sweep "$sweep" --replications $reps --jobs 2 --out killed --quiet &
  pid=$!
  while [[ $(runs_in killed) -lt 100 ]]; do
    kill -0 $pid 2>/dev/null || fail "the sweep finished before it could be killed"
    sleep 0.02
  done
  kill -9 $pid
  wait $pid 2>/dev/null || true
  done_before=$(runs_in killed)
  echo "killed with $done_before of $total runs complete"
  [[ $done_before -lt $total ]] || fail "the sweep was not interrupted"
  [[ ! -e killed/summary.csv ]] || fail "an interrupted sweep left summary.csv"
  # The runs complete before the kill are kept: their files are not rewritten.
  keep=$(find killed/runs -name summary.json -print -quit)
  touch -d '2001-01-01' "$keep"
  "$mailstorm" sweep "$sweep" --replications $reps --jobs 2 --out killed 2>progress.txt >/dev/null
  grep -q "already done" progress.txt || fail "the rerun did not report resumed runs: $(cat progress.txt)"
  [[ $(stat -c %Y "$keep") -lt 1000000000 ]] || fail "a completed run was redone: $keep"
  [[ $(runs_in killed) -eq $total ]] || fail "after resuming: $(runs_in killed) of $total runs"
  [[ -z $(find killed -name '.tmp-*') ]] || fail "temporaries left: $(find killed -name '.tmp-*')"
  same whole/summary.csv killed/summary.csv
  ;;
shards)
  "$mailstorm" sweep "$sweep" --replications 5 --jobs 2 --out whole --quiet
  "$mailstorm" sweep "$sweep" --replications 5 --shard 1/2 --out s1 >s1.txt
  grep -q "belong to other shards" s1.txt || fail "shard 1/2 did not say it is partial"
  [[ ! -e s1/summary.csv ]] || fail "a shard wrote summary.csv"
  # A merge with a shard missing fails and writes no summary.
  if "$mailstorm" merge s1 --out lonely 2>lonely.txt; then fail "merge of one shard of two succeeded"; fi
  grep -q "runs are in none of the folders" lonely.txt || fail "merge did not say what is missing"
  [[ ! -e lonely/summary.csv ]] || fail "a failed merge wrote summary.csv"
  "$mailstorm" sweep "$sweep" --replications 5 --shard 2/2 --out s2 --quiet
  [[ $(( $(runs_in s1) + $(runs_in s2) )) -eq 20 ]] || fail "the shards did not split 20 runs"
  "$mailstorm" merge s1 s2 --out merged --quiet
  same whole/summary.csv merged/summary.csv
  # Without --out: into the first folder.
  "$mailstorm" merge s2 s1 --quiet
  same whole/summary.csv s2/summary.csv
  # Both shards in one shared folder: the last one writes the summary.
  "$mailstorm" sweep "$sweep" --replications 5 --shard 2/2 --out shared --quiet
  "$mailstorm" sweep "$sweep" --replications 5 --shard 1/2 --out shared --quiet
  same whole/summary.csv shared/summary.csv
  ;;
resume)
  "$mailstorm" sweep "$sweep" --replications 2 --out a --quiet
  set +e
  "$mailstorm" sweep "$sweep" --replications 2 --seed 2 --out a --quiet 2>err.txt
  code=$?
  set -e
  [[ $code -eq 2 ]] || fail "another seed in the same folder: exit $code, expected 2"
  grep -q "holds another sweep" err.txt || fail "no reason given: $(cat err.txt)"
  # More replications extend the sweep: the same as a sweep of 4 from scratch.
  "$mailstorm" sweep "$sweep" --replications 4 --out a 2>progress.txt >/dev/null
  grep -q "8 already done" progress.txt || fail "the first 8 runs were not kept: $(cat progress.txt)"
  "$mailstorm" sweep "$sweep" --replications 4 --out b --quiet
  same a/summary.csv b/summary.csv
  ;;
compare)
  tiny=$fixtures/tiny-list.toml
  printf 'extends = "%s"\nname = "same"\n' "$tiny" >same.toml
  printf 'extends = "%s"\nname = "bigger"\n[population]\nmembers = 600\n' "$tiny" >bigger.toml
  "$mailstorm" compare "$tiny" same.toml bigger.toml --replications 6 --jobs 2 --out cmp >table.txt
  cat table.txt
  for f in compare.json compare.csv compare.md; do [[ -s cmp/$f ]] || fail "no cmp/$f"; done
  [[ $(find cmp/runs -name summary.json | wc -l) -eq 18 ]] || fail "expected 18 runs"
  head -1 cmp/compare.csv | grep -qx 'variant,outcome,base_mean,variant_mean,diff_mean,diff_ci95_low,diff_ci95_high,percent_change,n' ||
    fail "compare.csv header"
  # Common random numbers: the same scenario under another name differs by exactly 0.
  grep -q '^same,messages_total,\([^,]*\),\1,0,0,0,0,6$' cmp/compare.csv || fail "same vs base not exactly 0: $(grep '^same,messages_total' cmp/compare.csv)"
  # Twice the members: more messages, and a positive interval.
  row=$(grep '^bigger,messages_total,' cmp/compare.csv)
  low=$(echo "$row" | cut -d, -f6)
  awk -v x="$low" 'BEGIN { exit !(x > 0) }' || fail "600 members did not give more messages than 300: $row"
  grep -q '^## bigger' cmp/compare.md || fail "compare.md has no section for bigger"
  grep -q '"format": "mailstorm-compare"' cmp/compare.json || fail "compare.json format"
  grep -q "messages_total" table.txt || fail "no table printed"
  ;;
mpi)
  "$mailstorm" sweep "$sweep" --replications 6 --jobs 2 --out threads --quiet
  $mpiexec -n 2 "$mailstorm" sweep "$sweep" --replications 6 --jobs 1 --out ranks
  same threads/summary.csv ranks/summary.csv
  # check without --out: the ranks' outcome values are gathered in memory.
  "$mailstorm" check "$fixtures/check-pass.toml" --jobs 2 --quiet >check-threads.txt
  $mpiexec -n 2 "$mailstorm" check "$fixtures/check-pass.toml" --jobs 1 --quiet >check-ranks.txt
  same check-threads.txt check-ranks.txt
  ;;
*)
  fail "unknown case $case"
  ;;
esac
echo "ok: $case"
