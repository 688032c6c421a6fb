#!/usr/bin/env bash
# `parkatlas publish` on synthetic parks (issue 18): the time to write the site, its size and
# tile count, then in headless chromium (SwiftShader WebGL) the time from navigation to the first
# full-extent frame (tests/web/first_frame.js, best of 3).
#
# Usage: scripts/bench --publish PARK [PARK ...] [--parkatlas PATH]
#   PARK: a park parkatlas reads (the synthetic ones: build-bench/data/<size>/park/park.parkatlas.json
#   as `scripts/bench --check` generates them).
# Results go to $PARKATLAS_BENCH_DIR/publish-results.md (default build-bench/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
parkatlas="$root/build/app/cli/parkatlas"
parks=()
while [ $# -gt 0 ]; do
    case "$1" in
        --parkatlas) parkatlas=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) parks+=("$1"); shift ;;
    esac
done
[ ${#parks[@]} -gt 0 ] || { echo "publish-run.sh: name at least one PARK" >&2; exit 2; }
mkdir -p "$bench"
results="$bench/publish-results.md"
{
    echo "# parkatlas publish ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
    echo
    echo "| park | parcels | publish (s, wall) | user (s) | peak RSS (MB) | site (MB) | tiles | first full-extent frame (ms, best of 3) |"
    echo "|---|---|---|---|---|---|---|---|"
} > "$results"
for park in "${parks[@]}"; do
    site="$bench/publish-site-$(basename "$(dirname "$park")")-$$"
    rm -rf "$site"
    timing=$( { /usr/bin/time -f "%e %U %M" "$parkatlas" publish "$park" --out "$site" \
                --as-of 2026-06-30 2>&1 >/dev/null | tail -1; } )
    read -r wall user peak <<< "$timing"
    parcels=$(python3 -c "import json,sys; print([l['count'] for l in json.load(open(sys.argv[1]))['layers'] if l['id']=='parcels'][0])" "$site/data/site.json")
    size=$(du -sm "$site" | cut -f1)
    tiles=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$site/data/tiles.json")
    frame=$(node "$root/tests/web/first_frame.js" "$site" 3 | sed -n 's/^best: \([0-9]*\) ms/\1/p')
    echo "| $park | $parcels | $wall | $user | $((peak / 1024)) | $size | $tiles | $frame |" >> "$results"
    rm -rf "$site"
done
cat "$results"
