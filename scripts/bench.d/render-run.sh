#!/usr/bin/env bash
# render-run.sh: `scripts/bench --render` (DESIGN.md "Performance budgets": a full-extent
# 1920×1080 render at least 5× faster than QGIS, the same picture to the eye). On the synthetic
# cadastres (tests/bench/gen_cadastre.cpp, parcels with land_use codes), side by side:
#   parkatlas  tests/bench/render_bench: the layer read as the viewer reads it (timed apart),
#              styled by role from styles/ (parcels filled by land-use code: the categorised
#              land-use style), the full extent drawn by render::MapRenderer, the renderer of the
#              viewer's worker jobs; best of --runs
#   QGIS 3.22  scripts/bench.d/qgis-render.py: the same file, a QgsCategorizedSymbolRenderer
#              with the same colours and outline (the style render_bench drew, as JSON), drawn
#              by QgsMapRendererSequentialJob; best of --runs
# Both pictures are kept and compared pixel by pixel (share of pixels differing by more than
# 48 in a channel; mean difference). Writes build-bench/render-results.md; per size under
# build-bench/render-results.d/. QGIS and python3-qgis are installed here (not by setup).
#
# Usage: scripts/bench --render [--sizes 100k,1m] [--runs N] [--render-bench PATH]
#                               [--no-install]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}

sizes="100k,1m"
runs=3
render_bench=""
install=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --render-bench) render_bench=$(realpath "$2"); shift 2 ;;
        --no-install) install=0; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "scripts/bench --render: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { echo "bench --render: $*" >&2; }
# python3-qgis is for Debian's own Python, whatever python3 is first on the PATH.
py=/usr/bin/python3

if [ "$install" = 1 ]; then
    "$root/scripts/setup"
    missing=()
    for p in qgis python3-qgis; do
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
build="$bench/build"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPARKATLAS_ROOT="$root" >/dev/null
fi
cmake --build "$build" -j2 --target gen_cadastre >/dev/null
if [ -z "$render_bench" ]; then
    # The renderer needs Qt: a build of its own beside the GUI-less one.
    render_build="$bench/build-render"
    if [ ! -f "$render_build/build.ninja" ]; then
        launcher=()
        command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
        cmake -S "$helpers" -B "$render_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DPARKATLAS_ROOT="$root" -DPARKATLAS_BENCH_RENDER=ON "${launcher[@]}" >/dev/null
    fi
    say "building render_bench (Release) in $render_build"
    cmake --build "$render_build" -j2 --target render_bench >/dev/null
    render_bench="$render_build/bench/render_bench"
fi
revision=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "?")

count_of() {
    case "$1" in
        *k) echo $(( ${1%k} * 1000 )) ;;
        *m|*M) echo $(( ${1%[mM]} * 1000000 )) ;;
        *) echo "$1" ;;
    esac
}
generator_stamp=$(sha256sum "$root/tests/bench/gen_cadastre.cpp" | cut -c1-16)
IFS=, read -r -a size_list <<< "$sizes"
results="$bench/render-results.d"
mkdir -p "$results"
for size in "${size_list[@]}"; do
    # The same data as the area benchmark (scripts/bench): data/<size>/parcels.shp.
    dir="$bench/data/$size"
    stamp="$generator_stamp $(count_of "$size")"
    if [ ! -f "$dir/parcels.shp" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating $size parcels"
        mkdir -p "$dir"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$dir/parcels" >&2
        echo "$stamp" > "$dir/stamp"
    fi
    out="$results/$size"
    mkdir -p "$out"
    say "$size: parkatlas"
    "$render_bench" "$dir/parcels.shp" --styles "$root/styles" --runs "$runs" \
        --out "$out/parkatlas.png" --style-out "$out/style.json" > "$out/parkatlas.json"
    say "$size: QGIS"
    "$py" "$helpers/qgis-render.py" "$dir/parcels.shp" "$out/style.json" --runs "$runs" \
        --out "$out/qgis.png" > "$out/qgis.json" 2> "$out/qgis.stderr" || {
        cat "$out/qgis.stderr" >&2; exit 1; }
done

"$py" "$helpers/render-report.py" --results "$results" --sizes "$sizes" --runs "$runs" \
    --revision "$revision" --out "$bench/render-results.md"
cat "$bench/render-results.md"
