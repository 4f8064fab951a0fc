#!/usr/bin/env bash
# PHOLD: mailstorm's engine against the peers in shared/peers (naive std::priority_queue, ns-3
# with its PriorityQueue and Map schedulers), side by side on this machine. For each population
# the engines run alternately, R times, and a Markdown table gives the median events per second
# and mailstorm's ratio to each peer.
#
#   usage: bench/phold_vs_peers.sh [R=3]
#   env:   MAILSTORM_PEERS_DIR  the peers folder (default: <repo>/../shared/peers)
#          MAILSTORM_BUILD_DIR  where to build phold_main (default: <repo>/build-phold)
#          PHOLD_EVENTS         events per run, roughly (default 12000000)
#          PHOLD_POPULATIONS    "N:E N:E ..." (default: the five populations of the peers' README)
#          PHOLD_MAP_MAX_P      largest population run with ns-3's Map, which needs minutes there
#                               (default 262144; the peers' README has no Map figure above it)
#          PHOLD_SKIP_NS3       set to leave ns-3 out (as if libns3-dev were missing)
#          QUEUES               mailstorm queue kinds to run (default: "default", the engine's)
set -euo pipefail
R=${1:-${REPS:-3}}
here=$(cd "$(dirname "$0")" && pwd)
root=$(git -C "$here" rev-parse --show-toplevel)
peers=${MAILSTORM_PEERS_DIR:-$root/../shared/peers}
build=${MAILSTORM_BUILD_DIR:-$root/build-phold}
events=${PHOLD_EVENTS:-12000000}
populations=${PHOLD_POPULATIONS:-"1024:1 1024:16 16384:1 16384:16 65536:16"}
queues=${QUEUES:-default}
map_max=${PHOLD_MAP_MAX_P:-262144}
[ -f "$peers/phold_naive.cpp" ] || { echo "peers not found in $peers (set MAILSTORM_PEERS_DIR)" >&2; exit 1; }

# Ours: a Release build of the standalone driver only.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target phold_main >/dev/null
ours=$build/bench/sim/phold_main

# The peers, compiled exactly as run-peers.sh does, into a temporary folder.
bin=$(mktemp -d "${TMPDIR:-/tmp}/phold-peers.XXXXXX")
trap 'rm -rf "$bin"' EXIT
g++ -O2 -std=c++17 -o "$bin/phold_naive" "$peers/phold_naive.cpp"
have_ns3=0
if [ -z "${PHOLD_SKIP_NS3:-}" ] && [ -e /usr/lib/x86_64-linux-gnu/libns3-core.so ] && [ -d /usr/include/ns3 ] &&
   g++ -O2 -std=c++17 -o "$bin/phold_ns3" "$peers/phold_ns3.cc" -lns3-core 2>/dev/null; then
  have_ns3=1
else
  echo "ns-3 peer skipped: install libns3-dev" >&2
  echo "ns-3: skipped (libns3-dev missing)"
fi

rate() { sed -n 's/.*ev_per_s=\([0-9.]*\).*/\1/p'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
fmt() { awk -v x="$1" -v none="${2:-not run}" 'BEGIN {if (x=="nan"||x=="") print none; else printf "%.2f M", x/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a=="nan"||b=="nan"||b==0) print "-"; else printf "%.2fx", a/b}'; }

results=$(mktemp "${TMPDIR:-/tmp}/phold-results.XXXXXX")
trap 'rm -rf "$bin" "$results"' EXIT
for pop in $populations; do
  N=${pop%%:*} E=${pop##*:}
  T_END=$(awk -v n="$N" -v e="$E" -v ev="$events" 'BEGIN {printf "%.6g", ev*1.1/(n*e)}')
  for _ in $(seq "$R"); do
    for q in $queues; do echo "$pop mailstorm:$q $("$ours" "$N" "$E" "$T_END" "$q" | rate)" >> "$results"; done
    echo "$pop naive $("$bin/phold_naive" "$N" "$E" "$T_END" | rate)" >> "$results"
    if [ "$have_ns3" = 1 ]; then
      echo "$pop ns3PQ $("$bin/phold_ns3" "$N" "$E" "$T_END" PriorityQueue | rate)" >> "$results"
      if [ $((N * E)) -le "$map_max" ]; then
        echo "$pop ns3Map $("$bin/phold_ns3" "$N" "$E" "$T_END" Map | rate)" >> "$results"
      fi
    fi
  done
done

med() { awk -v p="$1" -v e="$2" '$1==p && $2==e {print $3}' "$results" | median; }
echo
echo "PHOLD events per second, median of $R alternating runs, about $events events per run ($(date -u +%Y-%m-%d), $(nproc) CPUs)"
echo
header="| P (N x E) |"; rule="|---:|"
for q in $queues; do header="$header mailstorm ($q) |"; rule="$rule---:|"; done
header="$header naive | ns-3 PriorityQueue | ns-3 Map | vs naive | vs ns-3 PQ | vs ns-3 Map |"
rule="$rule---:|---:|---:|---:|---:|---:|"
echo "$header"; echo "$rule"
first=${queues%% *}
for pop in $populations; do
  N=${pop%%:*} E=${pop##*:}
  line="| $(echo $((N * E)) | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta') ($N x $E) |"
  for q in $queues; do line="$line $(fmt "$(med "$pop" "mailstorm:$q")") |"; done
  m=$(med "$pop" "mailstorm:$first") n=$(med "$pop" naive) p=$(med "$pop" ns3PQ) a=$(med "$pop" ns3Map)
  missing=$([ "$have_ns3" = 1 ] && echo "not run" || echo skipped)
  line="$line $(fmt "$n") | $(fmt "$p" "$missing") | $(fmt "$a" "$missing") | $(ratio "$m" "$n") | $(ratio "$m" "$p") | $(ratio "$m" "$a") |"
  echo "$line"
done
