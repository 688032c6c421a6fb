#!/usr/bin/env bash
# server-run.sh: `scripts/bench --server` (issue 9): check and audit of a park kept in PostGIS,
# the local engine against the server-side mode, on the synthetic park of `scripts/bench --check`
# (tests/bench/gen_cadastre.cpp --plan-zones: parcels and plan_zones, 2 % land-use misfits).
#   1. a throwaway cluster (tests/postgis/throwaway-cluster.sh, shared_buffers 1 GB);
#      `parkatlas push data/<size>/plan postgresql://…` (timed: the publishing);
#      then, in SQL, one building per parcel for three parcels in four (an octagon of ~640 m²
#      at ST_PointOnSurface) with a GiST index, and a supply_dt column, so that the audit has
#      footprints to measure (the generator makes none);
#   2. per size, best of --runs, wall clock and peak RSS:
#        check  PARK.shp folder (local engine, files)      parkatlas check data/<size>/plan
#        check  PG park, local engine (reads every layer)  parkatlas check PG
#        check  PG park, --server                           parkatlas check PG --server
#      each also with --rule land_use_mismatch alone (the rule of `scripts/bench --check`)
#        audit  PG park, local engine (reads the buildings) parkatlas audit PG --as-of 2025-06-30
#        audit  PG park, --server (coverage in SQL)         parkatlas audit PG --server --as-of …
#      and the findings of the two modes must be the same (else the run says so and fails).
# Writes build-bench/server-results.md; per size and run under build-bench/server-results.d/.
#
# Usage: scripts/bench --server [--sizes 100k,1m] [--runs N] [--parkatlas PATH]
#                               [--timeout SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
cluster_script="$root/tests/postgis/throwaway-cluster.sh"

sizes="100k,1m"
runs=3
parkatlas=""
timeout_s=900
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "scripts/bench --server: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
say() { echo "bench --server: $*" >&2; }

mkdir -p "$bench"
bench=$(realpath "$bench")
build="$bench/build"
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DPARKATLAS_ROOT="$root" >/dev/null
fi
cmake --build "$build" -j2 --target gen_cadastre >/dev/null
if [ -z "$parkatlas" ]; then
    say "building parkatlas (Release, no GUI) in $build"
    cmake --build "$build" -j2 --target parkatlas >/dev/null
    parkatlas="$build/parkatlas/app/cli/parkatlas"
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
    dir="$bench/data/$size/plan"
    stamp="$generator_stamp $(count_of "$size") plan"
    if [ ! -f "$dir/plan_zones.shp" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating $size parcels and their plan zones"
        rm -rf "$dir"
        mkdir -p "$dir"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$dir/parcels" \
            --plan-zones "$dir/plan_zones" >&2
        echo "$stamp" > "$dir/stamp"
    fi
done

results="$bench/server-results.d"
mkdir -p "$results"
tmp=$(mktemp -d)
pg_dir="$bench/pg-server"
cleanup() {
    "$cluster_script" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
chmod 755 "$bench"

# timed OUT CMD...: one run; prints "WALL RSS_KB EXIT".
timed() {
    local out=$1
    shift
    local status=0 t0 t1 wall rss
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$tmp/time" timeout "$timeout_s" "$@" >"$out" 2>"$tmp/err" || status=$?
    t1=$EPOCHREALTIME
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    rss=$(tail -1 "$tmp/time")
    [[ "$rss" =~ ^[0-9]+$ ]] || rss=0
    [ "$status" = 0 ] || say "exit $status: $(tail -3 "$tmp/err")"
    echo "$wall $rss $status"
}
# best LABEL OUTDIR CMD...: best of $runs, keeps the best run's stdout as OUTDIR/LABEL.json.
best() {
    local label=$1 outdir=$2
    shift 2
    rm -f "$outdir/$label.runs"
    for ((i = 1; i <= runs; i++)); do
        say "$label, run $i"
        line=$(timed "$tmp/out.json" "$@")
        echo "$line" >> "$outdir/$label.runs"
        read -r wall rss status <<< "$line"
        [ "$status" = 0 ] || return 0
        bestwall=$(sort -n "$outdir/$label.runs" | head -1 | cut -d' ' -f1)
        [ "$wall" = "$bestwall" ] && cp "$tmp/out.json" "$outdir/$label.json"
    done
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "starting a throwaway PostgreSQL cluster in $pg_dir"
port=$(PARKATLAS_CLUSTER_OWNER=$$ "$cluster_script" start "$pg_dir" bench -- -c shared_buffers=1GB)
psql_bench() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d bench "$@"; }
psql_bench -A -t -c "SELECT split_part(version(), ' ', 2) || ' / PostGIS ' || postgis_lib_version()" \
    > "$results/postgis-version.txt"

for size in "${size_list[@]}"; do
    r="$results/$size"
    rm -rf "$r"
    mkdir -p "$r"
    schema="park_$size"
    server="postgresql://postgres@127.0.0.1:$port/bench?options=-csearch_path%3D$schema"
    say "$size: push"
    timed "$r/push.out" "$parkatlas" push "$bench/data/$size/plan" "$server" > "$r/push.time"
    say "$size: buildings and supply dates in SQL"
    t0=$EPOCHREALTIME
    psql_bench -c "SET search_path = $schema, public;
        CREATE TABLE buildings (fid bigint PRIMARY KEY, floors integer,
                                geom geometry(Polygon, 4547), row_version integer DEFAULT 1);
        INSERT INTO buildings SELECT fid, 1 + fid % 5,
            ST_Buffer(ST_PointOnSurface(geom), 15, 'quad_segs=2') FROM parcels WHERE fid % 4 <> 0;
        CREATE INDEX buildings_geom_gist ON buildings USING GIST (geom);
        ALTER TABLE parcels ADD COLUMN supply_dt date;
        UPDATE parcels SET supply_dt = DATE '2018-01-01' + (fid % 1500)::integer;" \
        -c "VACUUM ANALYZE $schema.parcels" -c "VACUUM ANALYZE $schema.buildings" >/dev/null
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }' > "$r/buildings.time"

    best lum-files "$r" "$parkatlas" check "$bench/data/$size/plan" --rule land_use_mismatch \
        --format json
    best lum-local "$r" "$parkatlas" check "$server" --rule land_use_mismatch --format json
    best lum-server "$r" "$parkatlas" check "$server" --rule land_use_mismatch --server \
        --format json
    best check-files "$r" "$parkatlas" check "$bench/data/$size/plan" --format json
    best check-local "$r" "$parkatlas" check "$server" --format json
    best check-server "$r" "$parkatlas" check "$server" --server --format json
    best audit-local "$r" "$parkatlas" audit "$server" --as-of 2025-06-30 --format json
    best audit-server "$r" "$parkatlas" audit "$server" --server --as-of 2025-06-30 --format json
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) (load $(cut -d' ' -f1 /proc/loadavg))" > "$r/when"
    psql_bench -c "DROP SCHEMA $schema CASCADE" >/dev/null
done
"$cluster_script" stop "$pg_dir" >/dev/null
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
revision=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "?")

status=0
python3 - "$results" "$bench/server-results.md" "$sizes" "$runs" "$load_start" "$load_end" \
    "$revision" <<'PY' || status=$?
import json, os, sys
results, out, sizes, runs, load_start, load_end, revision = sys.argv[1:]
def best(r, label):
    try:
        rows = [l.split() for l in open(os.path.join(r, label + ".runs")) if l.strip()]
    except OSError:
        return None
    rows = [x for x in rows if x[2] == "0"]
    return min(rows, key=lambda x: float(x[0])) if rows else None
def findings(r, label):
    try:
        return json.load(open(os.path.join(r, label + ".json")))["findings"]
    except (OSError, ValueError, KeyError):
        return None
def cell(b):
    return "%.2f s (%d MB)" % (float(b[0]), int(b[1]) // 1024) if b else "failed"
lines = ["# parkatlas check and audit on a park in PostGIS: local engine against --server", "",
         "revision %s; best of %s; 1-minute load %s at the start, %s at the end; %s" % (
             revision, runs, load_start, load_end,
             open(os.path.join(results, "postgis-version.txt")).read().strip()), "",
         "| parcels | push | task | local, .shp files | local, PostGIS park | --server, "
         "PostGIS park | local / --server | same findings |",
         "|---:|---:|:---|---:|---:|---:|---:|:---:|"]
status = 0
tasks = [("lum", "check --rule land_use_mismatch"), ("check", "check (every rule)"),
         ("audit", "audit --as-of 2025-06-30")]
for size in sizes.split(","):
    r = os.path.join(results, size)
    push = open(os.path.join(r, "push.time")).read().split()[0]
    for key, label in tasks:
        a, b = findings(r, key + "-local"), findings(r, key + "-server")
        ok = a is not None and a == b
        status |= 0 if ok else 1
        local, server = best(r, key + "-local"), best(r, key + "-server")
        ratio = "%.2f×" % (float(local[0]) / float(server[0])) if local and server else "–"
        files = cell(best(r, key + "-files")) if key != "audit" else "–"
        lines.append("| %s | %.1f s | %s | %s | %s | %s | %s | %s |" % (
            size, float(push), label, files, cell(local), cell(server), ratio,
            "yes (%d)" % len(a) if ok else "NO"))
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(status)
PY
# The audit's JSON of 1M parcels is ~2 GB: keep the timings and the verdict, not the outputs.
find "$results" -name '*.json' -size +50M -delete
exit $status
