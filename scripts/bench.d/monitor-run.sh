#!/usr/bin/env bash
# monitor-run.sh: `scripts/bench --monitor` (issue 26): `parkatlas monitor PARK --year 2026` on the
# synthetic park of `scripts/bench --check` (tests/bench/gen_cadastre.cpp --plan-zones, then
# scripts/bench.d/gen_park.py: parcels, plan zones, 核准范围, roads, protected areas, acquisition
# batches; the same data/<size>/park, made here when missing), beside an anchor: SpatiaLite through
# GDAL (ogrinfo -dialect sqlite) summing the plots' area by the class their status gives (A built,
# B11 not built) and measuring the approved area no plot covers (核准范围 − ∪ parcels), the sums
# the overlay's total rests on. Both planar, so the sums must agree; paired runs, interleaved.
# Wall clock, CPU and peak RSS by /usr/bin/time, with the load average; results in
# build-bench/monitor-results.d/<size>.json.
#
# Usage: scripts/bench --monitor [--sizes 100k,1m] [--runs N] [--parkatlas PATH]
set -euo pipefail
bench_name=monitor
sizes="100k,1m"
help_lines='2,12p'
source "$(dirname "$0")/prelude.sh"
build_bench_target gen_cadastre
build_parkatlas_unless_given
# An out-of-tree binary finds the styles of this tree.
export PARKATLAS_STYLES="${PARKATLAS_STYLES:-$root/styles}"
# The same data, stamp and layout as check-run.sh, so either script makes it for both.
generator_stamp=$(cat "$root/tests/bench/gen_cadastre.cpp" "$helpers/gen_park.py" | sha256sum | cut -c1-16)
timed() { # timed OUT_TIME OUT CMD...: runs CMD, stdout to OUT, "wall rss_kb user sys" in OUT_TIME
    local times=$1 out=$2
    shift 2
    /usr/bin/time -f '%e %M %U %S' -o "$times" "$@" > "$out" 2> "$out.err"
}
for size in ${sizes//,/ }; do
    plan="$bench/data/$size/plan"
    park="$bench/data/$size/park"
    stamp="$generator_stamp $(count_of "$size") plan"
    if [ ! -f "$park/park.parkatlas.json" ] || [ "$(cat "$plan/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating $size parcels, their plan zones and the whole park"
        rm -rf "$plan" "$park"
        mkdir -p "$plan"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$plan/parcels" \
            --plan-zones "$plan/plan_zones" >&2
        "$helpers/gen_park.py" "$plan" "$park" >&2
        echo "$stamp" > "$plan/stamp"
    fi
    r="$bench/monitor-results.d/$size"
    mkdir -p "$r"
    load_start=$(cut -d' ' -f1-3 /proc/loadavg)
    for run in $(seq 1 "$runs"); do
        say "$size, run $run: parkatlas monitor (planar), then the SpatiaLite anchor"
        timed "$r/t-parkatlas-$run.txt" "$r/monitor.json" \
            "$parkatlas" monitor "$park/park.parkatlas.json" --year 2026 --method planar \
            --format json
        timed "$r/t-anchor-$run.txt" "$r/anchor.txt" \
            ogrinfo -ro -q "$park/parcels.shp" -dialect sqlite -sql "
              SELECT SUM(CASE WHEN status IN ('已投产','竣工','已建成','投产','达产')
                              THEN ST_Area(geometry) ELSE 0 END) AS built_m2,
                     SUM(CASE WHEN status IS NOT NULL AND status <> ''
                               AND status NOT IN ('已投产','竣工','已建成','投产','达产')
                              THEN ST_Area(geometry) ELSE 0 END) AS not_built_m2,
                     (SELECT ST_Area(geometry) FROM \"$park/boundary.shp\".boundary
                       WHERE kind = '核准范围') AS approved_m2,
                     (SELECT ST_Area(ST_Difference(
                              (SELECT ST_Union(geometry) FROM \"$park/boundary.shp\".boundary
                                WHERE kind = '核准范围'),
                              ST_Union(ST_MakeValid(geometry))))) AS rest_m2
              FROM parcels"
    done
    load_end=$(cut -d' ' -f1-3 /proc/loadavg)
    python3 - "$r" "$size" "$runs" "$load_start" "$load_end" \
        "$(git -C "$root" describe --always --dirty 2>/dev/null || echo ?)" <<'PY' |
import json, re, sys
r, size, runs, load_start, load_end, revision = sys.argv[1:]
def times(tool):
    out = []
    for i in range(1, int(runs) + 1):
        wall, rss, user, sys_ = open("%s/t-%s-%d.txt" % (r, tool, i)).read().split()[-4:]
        out.append({"wall_s": float(wall), "rss_mb": int(rss) / 1024,
                    "cpu_s": float(user) + float(sys_)})
    return out
ours, anchor = times("parkatlas"), times("anchor")
doc = json.load(open(r + "/monitor.json"))
land = {}
for row in next(t for t in doc["tables"] if t["id"] == "land")["rows"]:
    land.setdefault(row["code"], row)  # the class rows; "A, kind unknown" repeats the code A
total = next(t for t in doc["tables"] if t["id"] == "land")["total"]
text = open(r + "/anchor.txt").read()
anchor_sums = {k: float(v) for k, v in re.findall(r"(\w+_m2) \(Real\) = ([0-9.eE+-]+)", text)}
# A holds the built plots and the built roads' pieces (A5, with the built plots of transport use).
result = {
    "size": size, "revision": revision, "load_start": load_start, "load_end": load_end,
    "parkatlas": ours, "anchor": anchor,
    "best_wall_ratio": min(o["wall_s"] for o in ours) / min(a["wall_s"] for a in anchor),
    "sums": {
        "A_m2": land["A"]["area_m2"], "anchor_built_plots_m2": anchor_sums.get("built_m2"),
        "A_less_built_plots_m2": land["A"]["area_m2"] - (anchor_sums.get("built_m2") or 0),
        "A5_m2": land["A5"]["area_m2"],
        "total_m2": total["area_m2"],
        "anchor_approved_rest_plus_plots_m2":
            (anchor_sums.get("rest_m2") or 0) + (anchor_sums.get("built_m2") or 0)
            + (anchor_sums.get("not_built_m2") or 0),
    },
}
print(json.dumps(result, indent=1, ensure_ascii=False))
PY
        tee "$bench/monitor-results.d/$size.json"
done
