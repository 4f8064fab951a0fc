#!/usr/bin/env bash
# The main job: install what is missing, build mailstorm (Release, in build/) and replay the
# bestboy storm of 24 June 2000, writing its results to out/bestboy-2000/.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build --target mailstorm -j "$(nproc)"
./build/cli/mailstorm run scenarios/bestboy-2000.toml --out out/bestboy-2000
