#!/usr/bin/env bash
# import-run.sh: `scripts/bench --import`: `parkatlas import` of a 控规 drawing of N labelled plots
# (scripts/bench.d/gen_plan_dxf.py: closed 50 m squares on 控规地块, a stacked MTEXT label in each,
# GBK), three ways, beside ogr2ogr copying the drawing's geometry alone into a GeoPackage (no
# labels, no roles, no join; GDAL's default arc step, which a drawing of squares does not need):
#   import       parkatlas import plan.dxf --s-srs EPSG:4547 --out plan.gpkg
#   import_join  the same plots taken as parcels (--mapping) with a ledger of N rows joined onto
#                them by plot number: --join ledger.xlsx --on parcel_id (XLSX made by ogr2ogr from
#                a CSV: 宗地代码, 企业名称, 已完成投资（万元）, 年税收（元）, 约定动工日期 as 2024年3月5日)
#   ogr2ogr      ogr2ogr -f GPKG geometry.gpkg plan.dxf
# Wall clock, CPU (user + system) and peak RSS by /usr/bin/time, best of --runs by CPU; the
# outputs are checked (N plan zones, N parcels, N rows matched). Results in
# build-bench/import-results.d/<size>.json. The table join alone on a 100k-row XLSX is
# `scripts/bench --join`.
#
# Usage: scripts/bench --import [--sizes 100k] [--runs N] [--parkatlas PATH]
#        (without --parkatlas: a Release parkatlas built without the GUI in build-bench/build)
set -euo pipefail
bench_name=import
sizes="100k"
help_lines='2,19p'
source "$(dirname "$0")/prelude.sh"
build_parkatlas_unless_given
revision=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "?")
stamp=$(cat "$helpers/gen_plan_dxf.py" "$0" | sha256sum | cut -c1-16)

# timed NAME CMD...: appends "NAME wall_s cpu_s peak_rss_kb" of the run to $dir/times.txt.
timed() {
    local name=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$@" > "$dir/$name.out" 2> "$dir/$name.err" || {
        say "$name failed: $(tail -3 "$dir/$name.err")"
        exit 1
    }
    read -r wall user_s sys_s rss_kb < "$dir/time.txt"
    echo "$name $wall $(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { printf "%.2f", u + s }') $rss_kb" \
        >> "$dir/times.txt"
}

for size in ${sizes//,/ }; do
    n=$(count_of "$size")
    dir="$bench/data/import-$size"
    if [ ! -f "$dir/plan.dxf" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating a drawing of $size plots and a ledger of $size rows"
        rm -rf "$dir"
        mkdir -p "$dir"
        python3 "$helpers/gen_plan_dxf.py" "$n" "$dir/plan.dxf"
        # The investment office's sheet, one row a plot, keyed by the plot number the drawing
        # writes (A00000 …); money in 万元 and 元, dates in Chinese, some cells masked.
        python3 - "$n" "$dir/ledger.csv" <<'PY'
import sys
n = int(sys.argv[1])
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as fh:
    fh.write("宗地代码,企业名称,已完成投资（万元）,年税收（元）,约定动工日期\n")
    for k in range(n):
        tax = "不详" if k % 97 == 0 else str(120000 + (k % 1000) * 35)
        fh.write("A%05d,企业%d有限公司,%d,%s,%d年%d月%d日\n"
                 % (k, k, 500 + k % 3000, tax, 2020 + k % 6, 1 + k % 12, 1 + k % 28))
PY
        ogr2ogr -f XLSX "$dir/ledger.xlsx" "$dir/ledger.csv" -oo AUTODETECT_TYPE=YES -nln 台账
        rm "$dir/ledger.csv"
        printf '{"layers": {"控规地块": "parcels"}}\n' > "$dir/parcels.json"
        echo "$stamp" > "$dir/stamp"
    fi
    best=""
    for run in $(seq 1 "$runs"); do
        say "$size, run $run"
        rm -f "$dir"/*.gpkg "$dir/times.txt" "$dir"/*.json.report
        timed import "$parkatlas" import "$dir/plan.dxf" --s-srs EPSG:4547 \
            --out "$dir/plan.gpkg" --report "$dir/import.json.report"
        timed import_join "$parkatlas" import "$dir/plan.dxf" --s-srs EPSG:4547 \
            --mapping "$dir/parcels.json" --join "$dir/ledger.xlsx" --on parcel_id \
            --out "$dir/parcels.gpkg" --report "$dir/join.json.report"
        timed ogr2ogr ogr2ogr -f GPKG "$dir/geometry.gpkg" "$dir/plan.dxf"
        result=$(python3 - "$dir" "$size" "$n" "$revision" <<'PY'
import json, sys
d, size, n, revision = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
times = {}
for line in open(d + "/times.txt"):
    name, wall, cpu, rss = line.split()
    times[name] = {"wall_s": float(wall), "cpu_s": float(cpu), "peak_rss_mb": round(int(rss) / 1024, 1)}
imported = json.load(open(d + "/import.json.report"))
joined = json.load(open(d + "/join.json.report"))
checks = {
    "plan_zones_written": imported["written"].get("plan_zones"),
    "plots_labelled": imported["plots_labelled"],
    "parcels_written": joined["written"].get("parcels"),
    "ledger_rows_matched": joined["joins"][0]["matched"] if joined["joins"] else 0,
}
ok = (checks["plan_zones_written"] == n and checks["parcels_written"] == n
      and checks["ledger_rows_matched"] == n)
ogr = times["ogr2ogr"]
print(json.dumps({
    "size": size, "plots": n, "revision": revision, "checks": checks, "checks_ok": ok,
    **{name + "_" + key: value for name, t in times.items() for key, value in t.items()},
    "import_cpu_ratio_to_ogr2ogr": round(times["import"]["cpu_s"] / ogr["cpu_s"], 2) if ogr["cpu_s"] else None,
    "import_join_cpu_ratio_to_ogr2ogr": round(times["import_join"]["cpu_s"] / ogr["cpu_s"], 2) if ogr["cpu_s"] else None,
    "load_average": open("/proc/loadavg").read().split()[0],
}, ensure_ascii=False))
PY
)
        echo "$result"
        cpu=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["import_cpu_s"])' "$result")
        if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$cpu
            echo "$result" > "$bench/import-results.d/$size.json"
        fi
    done
    rm -f "$dir"/*.gpkg
    say "best of $runs: $bench/import-results.d/$size.json"
done
