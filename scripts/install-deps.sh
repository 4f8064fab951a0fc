#!/usr/bin/env bash
# Installs the Debian 12 packages mailstorm needs, and only those that are missing: safe to run
# again and again. Runs apt-get as root (directly, or through sudo when not root).
#   bash scripts/install-deps.sh            the build and test dependencies
#   bash scripts/install-deps.sh --extras   also the optional extras listed below
set -euo pipefail

# Needed to build, run and test mailstorm.
required=(
  build-essential cmake g++ git ca-certificates
  libboost-dev          # Boost.Graph (loaded contact graph, header part), Boost.Math, Boost.Random
  libboost-graph-dev    # Boost.Graph's compiled parts (edge-list and GraphML readers)
  libeigen3-dev         # the branching-process analysis (next-generation matrix)
  libtomlplusplus-dev   # scenario files
  catch2                # unit tests (Catch2 2.13)
  libbenchmark-dev      # Google Benchmark programs, smoke-run by the tests
  clang libclang-rt-14-dev  # libFuzzer targets (tests/fuzz)
  python3               # for the test tools and the notebooks
  nodejs                # npm ci of the charting libraries `mailstorm report` embeds (below)
  chromium              # the report tests render the HTML in headless Chromium
  tmux procps           # the tests of `mailstorm live` drive it in a tmux pane (pgrep)
  time                  # /usr/bin/time: bench/scale_targets.py's peak memory (and its smoke tests)
  libopenmpi-dev openmpi-bin  # MPI sweeps (-DMAILSTORM_MPI=ON, built and tested by scripts/test.sh)
  python3-pandas python3-matplotlib  # notebooks/ and their loader (Debian's /usr/bin/python3)
  python3-nbconvert jupyter-nbconvert python3-ipykernel jupyter-client jupyter-core  # executing them
)
# Optional: only for the peer benchmarks in shared/peers (ns-3 comparison).
extras=(
  libns3-dev
)

packages=("${required[@]}")
if [[ "${1:-}" == "--extras" ]]; then
  packages+=("${extras[@]}")
fi

missing=()
# npm comes with nodejs from NodeSource but is its own package in Debian: ask for it only when absent.
if ! command -v npm >/dev/null; then
  packages+=(npm)
fi
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

# The JavaScript charting libraries (vega, vega-lite, vega-embed) pinned by
# cli/report_assets/package-lock.json: `npm ci` when node_modules is missing or was installed from
# another lock file. CMake embeds their build/*.min.js into `mailstorm report`; nothing is
# downloaded at build time.
npm_assets() {
  local dir=cli/report_assets
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/$dir"
  local stamp="$dir/node_modules/.mailstorm-lock.sha256"
  local want
  want=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "install-deps: $dir/node_modules up to date"
    return
  fi
  echo "install-deps: npm ci in $dir"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund)
  echo "$want" >"$stamp"
}

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  npm_assets
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing packages (${missing[*]}) and not root; run as root" >&2
    exit 1
  fi
  as_root=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
npm_assets
