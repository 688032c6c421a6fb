#!/usr/bin/env bash
# `parkatlas publish` on synthetic parks (issue 18): the time to write the site, its CPU time,
# peak RSS, size and tile count, beside its anchor `ogr2ogr -f MVT` of the same park's files at
# the same zooms (run right after ours, on the same park), then in headless chromium (SwiftShader
# WebGL) the time from navigation to the first full-extent frame of the site served by
# `parkatlas serve` (tests/web/first_frame.js, best of 3).
#
# Usage: scripts/bench --publish PARK [PARK ...] [--parkatlas PATH] [--no-anchor] [--no-frame]
#   PARK: a park parkatlas reads (the synthetic ones: build-bench/data/<size>/park/park.parkatlas.json
#   as `scripts/bench --check` generates them).
# Results go to $PARKATLAS_BENCH_DIR/publish-results.md (default build-bench/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
parkatlas="$root/build/app/cli/parkatlas"
anchor=1
frame_runs=3
parks=()
while [ $# -gt 0 ]; do
    case "$1" in
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --no-anchor) anchor=0; shift ;;
        --no-frame) frame_runs=0; shift ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) parks+=("$1"); shift ;;
    esac
done
[ ${#parks[@]} -gt 0 ] || { echo "publish-run.sh: name at least one PARK" >&2; exit 2; }
mkdir -p "$bench"
results="$bench/publish-results.md"
{
    echo "# parkatlas publish ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the start)"
    echo
    echo "\`$parkatlas\` ($(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'))."
    echo
    echo "| park | parcels | tool | wall (s) | CPU user+sys (s) | peak RSS (MB) | site (MB) | tiles | first full-extent frame (ms, best of $frame_runs) | load after |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
} > "$results"
for park in "${parks[@]}"; do
    name=$(basename "$(dirname "$park")")
    [ "$name" = park ] && name=$(basename "$(dirname "$(dirname "$park")")")
    site="$bench/publish-site-$name-$$"
    rm -rf "$site"
    timing=$( { /usr/bin/time -f "%e %U %S %M" "$parkatlas" publish "$park" --out "$site" \
                --as-of 2026-06-30 2>&1 >/dev/null | tail -1; } )
    read -r wall user sys peak <<< "$timing"
    parcels=$(python3 -c "import json,sys; print([l['count'] for l in json.load(open(sys.argv[1]))['layers'] if l['id']=='parcels'][0])" "$site/data/site.json")
    size=$(du -sm "$site" | cut -f1)
    tiles=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$site/data/tiles.json")
    frame="-"
    if [ "$frame_runs" -gt 0 ]; then
        frame=$(node "$root/tests/web/first_frame.js" "$site" "$frame_runs" --parkatlas "$parkatlas" \
                    --screenshot "$bench/publish-frame-$name.png" | tee /dev/stderr |
                sed -n 's/^best: \([0-9]*\) ms/\1/p')
    fi
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
    echo "| $name | $parcels | parkatlas publish (whole site) | $wall | $cpu | $((peak / 1024)) | $size | $tiles | $frame | $(cut -d' ' -f1 /proc/loadavg) |" >> "$results"
    if [ "$anchor" = 1 ]; then
        # The anchor: GDAL's MVT writer alone on the park's files, at the zooms of our site.
        zooms=$(python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print(d['minzoom'], d['maxzoom'])" "$site/data/site.json")
        read -r minzoom maxzoom <<< "$zooms"
        mvt="$bench/publish-mvt-$name-$$"
        rm -rf "$mvt"
        timing=$( { /usr/bin/time -f "%e %U %S %M" ogr2ogr -f MVT "$mvt" "$(dirname "$park")" \
                    -dsco MINZOOM="$minzoom" -dsco MAXZOOM="$maxzoom" -dsco COMPRESS=NO 2>&1 >/dev/null | tail -1; } )
        read -r wall user sys peak <<< "$timing"
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
        echo "| $name | $parcels | ogr2ogr -f MVT (tiles alone, zoom $minzoom–$maxzoom) | $wall | $cpu | $((peak / 1024)) | $(du -sm "$mvt" | cut -f1) | $(find "$mvt" -name '*.pbf' | wc -l) | - | $(cut -d' ' -f1 /proc/loadavg) |" >> "$results"
        rm -rf "$mvt"
    fi
    rm -rf "$site"
done
cat "$results"
