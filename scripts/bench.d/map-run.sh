#!/usr/bin/env bash
# map-run.sh: `scripts/bench --map` (DESIGN.md "Performance budgets": the committee PDF at least
# 3× faster than QGIS's print layout export and at most half its size). The same A3 landscape
# page of the same synthetic cadastre (tests/bench/gen_cadastre.cpp, data/<size>/parcels.shp),
# the parcels by land_use in the colours of styles/landuse.json, with title, legend, scale bar
# and north arrow, exported as vector PDF (QGIS at 300 DPI; ours on its 600-DPI vertex grid):
#   parkatlas  parkatlas map data/<size> --out ours.pdf --layers parcels --table none
#              (open to file written; wall clock and peak RSS by /usr/bin/time), best of --runs
#   QGIS 3.22  scripts/bench.d/map-qgis.py: QgsPrintLayout with a categorised renderer, legend,
#              scale bar and north arrow, QgsLayoutExporter::exportToPdf (vector); its export
#              call and its whole run (start, load, style, export) timed apart, best of --runs
# Both PDFs are rendered by pdftoppm at 100 DPI into results (map-results.d/) to look at side
# by side. Ratios go in build-bench/map-results.md. python3-qgis is installed here (not by
# scripts/setup); it needs /usr/bin/python3.
#
# Usage: scripts/bench --map [--sizes 100k,1m] [--runs N] [--parkatlas PATH] [--no-install]
#                            [--timeout SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}

sizes="100k,1m"
runs=3
parkatlas=""
install=1
timeout_s=900
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --no-install) install=0; shift ;;
        --timeout) timeout_s=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "scripts/bench --map: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { echo "bench --map: $*" >&2; }

if [ "$install" = 1 ]; then
    missing=()
    for p in python3-qgis poppler-utils time; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        sudo=""
        [ "$(id -u)" -ne 0 ] && sudo="sudo"
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq
        $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

mkdir -p "$bench"
bench=$(realpath "$bench")
if [ -z "$parkatlas" ]; then
    # map needs the render library (QtGui): a Release build with it, of the command only.
    mapbuild="$bench/build-map"
    if [ ! -f "$mapbuild/build.ninja" ]; then
        cmake -S "$root" -B "$mapbuild" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DPARKATLAS_BUILD_TESTS=OFF -DPARKATLAS_BUILD_GUI=ON >/dev/null
    fi
    say "building parkatlas (Release, with maps) in $mapbuild"
    cmake --build "$mapbuild" -j2 --target parkatlas >/dev/null
    parkatlas="$mapbuild/app/cli/parkatlas"
fi

count_of() {
    case "$1" in
        *k) echo $(( ${1%k} * 1000 )) ;;
        *m|*M) echo $(( ${1%[mM]} * 1000000 )) ;;
        *) echo "$1" ;;
    esac
}
generator_stamp=$(sha256sum "$root/tests/bench/gen_cadastre.cpp" | cut -c1-16)
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
    dir="$bench/data/$size"
    stamp="$generator_stamp $(count_of "$size")"
    if [ ! -f "$dir/parcels.shp" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        build="$bench/build"
        if [ ! -f "$build/build.ninja" ]; then
            cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
                -DPARKATLAS_ROOT="$root" >/dev/null
        fi
        cmake --build "$build" -j2 --target gen_cadastre >/dev/null
        say "generating $size parcels"
        rm -rf "$dir"
        mkdir -p "$dir"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$dir/parcels" >&2
        echo "$stamp" > "$dir/stamp"
    fi
done

results="$bench/map-results.d"
mkdir -p "$results"
table="$bench/map-results.md"
{
    echo "# Committee PDF: parkatlas map against QGIS 3.22's print layout export"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r); best of $runs."
    echo "A3 landscape, parcels by land_use (styles/landuse.json colours), title, legend, scale"
    echo "bar, north arrow; vector PDF (QGIS 300 DPI, ours on a 600-DPI grid). Commands:"
    echo "scripts/bench.d/map-run.sh."
    echo
    echo "| parcels | parkatlas s | QGIS export s | QGIS whole run s | time ratio (QGIS export / ours) | parkatlas MB | QGIS MB | size ratio (ours / QGIS) | parkatlas peak MB |"
    echo "|---|---|---|---|---|---|---|---|---|"
} > "$table"

for size in "${size_list[@]}"; do
    dir="$bench/data/$size"
    ours="$results/$size-parkatlas.pdf"
    theirs="$results/$size-qgis.pdf"
    best_ours=""; peak=""
    for _ in $(seq "$runs"); do
        rm -f "$ours"
        /usr/bin/time -f "%e %M" -o "$results/$size-time" timeout "$timeout_s" \
            "$parkatlas" map "$dir" --out "$ours" --layers parcels --table none \
            --title "合成开发区现状图" 2> "$results/$size-parkatlas.log"
        read -r seconds rss < "$results/$size-time"
        if [ -z "$best_ours" ] || awk "BEGIN{exit !($seconds < $best_ours)}"; then
            best_ours=$seconds; peak=$((rss / 1024))
        fi
    done
    say "$size: parkatlas ${best_ours} s, $(stat -c %s "$ours") bytes"
    best_export=""; best_total=""
    for _ in $(seq "$runs"); do
        rm -f "$theirs"
        line=$(QT_QPA_PLATFORM=offscreen timeout "$timeout_s" /usr/bin/python3 \
            "$helpers/map-qgis.py" "$dir/parcels.shp" "$theirs" "$root/styles" 2> "$results/$size-qgis.log" | tail -1)
        echo "$line" > "$results/$size-qgis.json"
        export_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["export_s"])' "$line")
        total_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["total_s"])' "$line")
        if [ -z "$best_export" ] || awk "BEGIN{exit !($export_s < $best_export)}"; then
            best_export=$export_s; best_total=$total_s
        fi
    done
    say "$size: QGIS export ${best_export} s (whole run ${best_total} s), $(stat -c %s "$theirs") bytes"
    pdftoppm -r 100 -png -singlefile "$ours" "$results/$size-parkatlas"
    pdftoppm -r 100 -png -singlefile "$theirs" "$results/$size-qgis"
    ours_bytes=$(stat -c %s "$ours"); theirs_bytes=$(stat -c %s "$theirs")
    awk -v n="$size" -v o="$best_ours" -v e="$best_export" -v t="$best_total" \
        -v ob="$ours_bytes" -v tb="$theirs_bytes" -v p="$peak" 'BEGIN {
        printf "| %s | %.2f | %.2f | %.2f | %.1f× | %.1f | %.1f | %.2f | %d |\n",
            n, o, e, t, e / o, ob / 1e6, tb / 1e6, ob / tb, p }' >> "$table"
done
echo >> "$table"
echo "Pages rendered at 100 DPI for a look: build-bench/map-results.d/<size>-{parkatlas,qgis}.png" >> "$table"
cat "$table"
