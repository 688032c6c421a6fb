#!/usr/bin/env bash
# diff-run.sh: `scripts/bench --diff` (issue 17, "Speed"): `parkatlas diff OLD NEW` of two
# N-parcel parks with 1 % of the parcels changed (scripts/bench.d/gen_changes.py on the cadastre
# of tests/bench/gen_cadastre.cpp) against the time to read both: `parkatlas area` of each
# (open to printed total: every feature read and measured). Budget: diff ≤ 3 × read both.
# Wall clock, CPU time and peak RSS by /usr/bin/time; results in
# build-bench/diff-results.d/<size>.json.
#
# Usage: scripts/bench --diff [--sizes 100k,1m] [--runs N] [--parkatlas PATH]
set -euo pipefail
bench_name=diff
sizes="1m"
help_lines='2,10p'
source "$(dirname "$0")/prelude.sh"
build_bench_target gen_cadastre
build_parkatlas_unless_given
stamp=$(cat "$root/tests/bench/gen_cadastre.cpp" "$helpers/gen_changes.py" | sha256sum | cut -c1-16)
timed() { # timed OUT_TIME CMD...: runs CMD, stdout to /dev/null, "wall rss_kb user sys" in OUT
    local out=$1; shift
    /usr/bin/time -f '%e %M %U %S' -o "$out" "$@" > /dev/null
}
for size in ${sizes//,/ }; do
    dir="$bench/data/diff-$size"
    if [ ! -f "$dir/new.gpkg" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating $size parcels and their changed copy"
        rm -rf "$dir"
        mkdir -p "$dir"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$dir/parcels" >&2
        "$helpers/gen_changes.py" "$dir/parcels.shp" "$dir/old.gpkg" "$dir/new.gpkg" \
            > "$dir/expected.json"
        echo "$stamp" > "$dir/stamp"
    fi
    for run in $(seq 1 "$runs"); do
        say "$size, run $run: read both (area), then diff"
        timed "$dir/t-old.txt" "$parkatlas" area "$dir/old.gpkg" --layer parcels --format json
        timed "$dir/t-new.txt" "$parkatlas" area "$dir/new.gpkg" --layer parcels --format json
        /usr/bin/time -f '%e %M %U %S' -o "$dir/t-diff.txt" "$parkatlas" diff "$dir/old.gpkg" \
            "$dir/new.gpkg" --no-findings --format json > "$dir/diff.json" 2> "$dir/diff.err"
        python3 - "$dir" "$size" "$(git -C "$root" describe --always --dirty 2>/dev/null || echo ?)" \
            <<'PY' | tee "$bench/diff-results.d/$size.json"
import json, os, sys
d, size, revision = sys.argv[1:4]
def t(name):
    wall, rss, user, system = open(os.path.join(d, name)).read().split()
    return float(wall), int(rss), float(user) + float(system)
old, new, diff = t("t-old.txt"), t("t-new.txt"), t("t-diff.txt")
expected = json.load(open(os.path.join(d, "expected.json")))
doc = json.load(open(os.path.join(d, "diff.json")))
parcels = doc["layers"]["parcels"]
found = dict(changed=len([i for i in parcels["changed"] if not i.get("relation")]),
             split=len([i for i in parcels["changed"] if i.get("relation") == "split"]),
             added=len(parcels["added"]), removed=len(parcels["removed"]))
read_wall, read_cpu = old[0] + new[0], old[2] + new[2]
print(json.dumps({
    "size": size, "revision": revision, "parcels": expected["parcels"],
    "expected": {k: expected[k] for k in ("changed", "split", "added", "removed")},
    "found": found, "all_found": found == {k: expected[k] for k in found},
    "read_both_wall_s": round(read_wall, 2), "read_both_cpu_s": round(read_cpu, 2),
    "diff_wall_s": diff[0], "diff_cpu_s": round(diff[2], 2),
    "diff_peak_rss_mb": round(diff[1] / 1024, 1),
    "ratio_wall": round(diff[0] / read_wall, 2), "ratio_cpu": round(diff[2] / read_cpu, 2),
    "budget": "diff <= 3 x read both",
}, ensure_ascii=False))
PY
    done
done
