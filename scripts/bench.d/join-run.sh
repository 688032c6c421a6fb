#!/usr/bin/env bash
# join-run.sh: `scripts/bench --join`: joining an investment ledger of N rows (XLSX: title row,
# units in the header, dates as serial numbers and as text, money in 亿元/万元/元, masked cells)
# onto a park of N parcels by parcel_id (geo::joinTable, as `parkatlas import --join` runs it),
# beside GDAL alone reading the same sheet into a GeoPackage (ogr2ogr, no header search, no
# parsing, no join). tests/bench/join_bench.cpp; time and peak memory by /usr/bin/time; results
# in build-bench/join-results.d/<size>.json.
#
# Usage: scripts/bench --join [--sizes 100k] [--runs N]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
sizes="100k"
runs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "scripts/bench --join: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
count_of() {
    case "$1" in
        *k) echo $(( ${1%k} * 1000 )) ;;
        *m|*M) echo $(( ${1%[mM]} * 1000000 )) ;;
        *) echo "$1" ;;
    esac
}
mkdir -p "$bench/join-results.d"
bench=$(realpath "$bench")
build="$bench/build"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPARKATLAS_ROOT="$root" >/dev/null
fi
echo "bench --join: building join_bench" >&2
cmake --build "$build" -j2 --target join_bench >/dev/null
stamp=$(sha256sum "$root/tests/bench/join_bench.cpp" | cut -c1-16)
for size in ${sizes//,/ }; do
    dir="$bench/data/join-$size"
    if [ ! -f "$dir/ledger.xlsx" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        echo "bench --join: generating $size parcels and ledger rows" >&2
        rm -rf "$dir"
        "$build/bench/join_bench" generate "$(count_of "$size")" "$dir"
        echo "$stamp" > "$dir/stamp"
    fi
    out="$bench/join-results.d/$size.json"
    for run in $(seq 1 "$runs"); do
        echo "bench --join: $size, run $run" >&2
        /usr/bin/time -f '%e %M %U %S' -o "$dir/time.txt" "$build/bench/join_bench" join "$dir" \
            > "$dir/join.json"
        read -r wall rss_kb user_s sys_s < "$dir/time.txt"
        rm -f "$dir/sheet.gpkg"
        /usr/bin/time -f '%e %M %U %S' -o "$dir/time-ogr.txt" \
            ogr2ogr -f GPKG "$dir/sheet.gpkg" "$dir/ledger.xlsx" --config OGR_XLSX_HEADERS DISABLE
        read -r ogr_wall ogr_rss_kb ogr_user_s ogr_sys_s < "$dir/time-ogr.txt"
        python3 - "$dir/join.json" "$wall" "$rss_kb" "$ogr_wall" "$ogr_rss_kb" "$size" \
            "$user_s" "$sys_s" "$ogr_user_s" "$ogr_sys_s" <<'PY' | tee "$out"
import json, sys
join = json.load(open(sys.argv[1]))
wall, rss, ogr_wall, ogr_rss = float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
# CPU time (user + system) as well as wall clock: on a shared machine the wall clock waits.
cpu = float(sys.argv[7]) + float(sys.argv[8])
ogr_cpu = float(sys.argv[9]) + float(sys.argv[10])
print(json.dumps({
    "size": sys.argv[6], **join,
    "process_wall_s": wall, "process_cpu_s": round(cpu, 2),
    "process_peak_rss_mb": round(rss / 1024, 1),
    "ogr2ogr_sheet_to_gpkg_wall_s": ogr_wall, "ogr2ogr_cpu_s": round(ogr_cpu, 2),
    "ogr2ogr_peak_rss_mb": round(ogr_rss / 1024, 1),
    "cpu_ratio_to_ogr2ogr": round(cpu / ogr_cpu, 2) if ogr_cpu > 0 else None,
}, ensure_ascii=False))
PY
    done
done
