#!/usr/bin/env bash
# edit-run.sh: `scripts/bench --edit`: how long the instant conflict check of an edit takes
# (geo::checkFeature, run by the viewer when a shape is finished or changed) on the synthetic
# park of `scripts/bench --check`, against the whole check of that park (geo::checkCompliance),
# which is what a planner would otherwise run (and PostGIS's queries take 50× longer still:
# see check-results.md). tests/bench/feature_check_bench.cpp; results in
# build-bench/edit-results.d/<size>.json.
#
# Usage: scripts/bench --edit [--sizes 100k,1m] [--samples N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
sizes="100k,1m"
samples=200
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --samples) samples=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "scripts/bench --edit: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "$bench/edit-results.d"
build="$bench/build"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPARKATLAS_ROOT="$root" >/dev/null
fi
cmake --build "$build" -j2 --target feature_check_bench >/dev/null
for size in ${sizes//,/ }; do
    park="$bench/data/$size/park/park.parkatlas.json"
    if [ ! -f "$park" ]; then
        echo "bench --edit: no park at $park: run scripts/bench --check --sizes $size first" >&2
        exit 1
    fi
    echo "bench --edit: $size" >&2
    "$build/bench/feature_check_bench" "$park" --samples "$samples" --whole \
        | tee "$bench/edit-results.d/$size.json"
done
