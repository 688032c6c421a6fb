#!/usr/bin/env bash
# check-run.sh: `scripts/bench --check` (DESIGN.md "Performance budgets": the full plan
# compliance check at 1M parcels at least 5× faster than PostGIS's queries). On the same
# synthetic park, side by side:
#   data      tests/bench/gen_cadastre.cpp --plan-zones (parcels and plan_zones, 2 % of the
#             parcels with a land_use their zone does not take), then scripts/bench.d/gen_park.py
#             (the intensity fields, duplicate ids, boundary, roads, pipelines, protected areas,
#             acquisition batches and a project file): every rule has work and findings
#   parkatlas parkatlas check data/<size>/park/park.parkatlas.json --format json (every rule),
#             best of --runs, peak RSS
#   PostGIS   a throwaway cluster (postgis.sh): the seven layers loaded with ogr2ogr (GiST
#             indexes made by ogr2ogr; load and VACUUM ANALYZE timed apart), then
#             scripts/bench.d/check-postgis-all.sql (every rule, the engine's semantics), timed
#             as a whole, best of --pg-runs (1: it takes minutes)
# The per-rule counts must be equal. Then, at the largest size, perf of parkatlas (when perf is
# there). Writes build-bench/check-results.md (scripts/bench.d/check-report.py); per size and
# tool under build-bench/check-results.d/.
#
# Usage: scripts/bench --check [--sizes 100k,1m] [--runs N] [--pg-runs N] [--parkatlas PATH]
#                              [--peers parkatlas,postgis] [--timeout SECONDS] [--no-profile]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}

sizes="100k,1m"
runs=3
pg_runs=1
parkatlas=""
peers="parkatlas,postgis"
timeout_s=3600
profile=1
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --pg-runs) pg_runs=$2; shift 2 ;;
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        --no-profile) profile=0; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "scripts/bench --check: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
has_peer() { [[ ",$peers," == *",$1,"* ]]; }

bench_name=check
bench_own_arguments=1
source "$helpers/prelude.sh"
build_bench_target gen_cadastre
build_parkatlas_unless_given
generator_stamp=$(cat "$root/tests/bench/gen_cadastre.cpp" "$helpers/gen_park.py" | sha256sum | cut -c1-16)
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
    dir="$bench/data/$size/plan"
    stamp="$generator_stamp $(count_of "$size") plan"
    if [ ! -f "$dir/plan_zones.shp" ] || [ ! -f "$bench/data/$size/park/park.parkatlas.json" ] ||
        [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
        say "generating $size parcels and their plan zones"
        rm -rf "$dir"
        mkdir -p "$dir"
        "$build/bench/gen_cadastre" "$(count_of "$size")" "$dir/parcels" \
            --plan-zones "$dir/plan_zones" >&2
        say "deriving the whole park (scripts/bench.d/gen_park.py)"
        rm -rf "$bench/data/$size/park"
        "$helpers/gen_park.py" "$dir" "$bench/data/$size/park" >&2
        echo "$stamp" > "$dir/stamp"
    fi
done

results="$bench/check-results.d"
mkdir -p "$results"
tsv="$bench/check-results.tsv"
run_stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -f "$tsv" ] || printf 'started\tlabel\tsize\trun\twall_s\tpeak_rss_kb\texit\n' > "$tsv"
tmp=$(mktemp -d)
pg_dir=""
cleanup() {
    [ -n "$pg_dir" ] && "$helpers/postgis.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# timed LABEL SIZE OUT CMD...: one run; prints "WALL RSS_KB EXIT", appends to the TSV.
timed() {
    local label=$1 size=$2 out=$3 run=${RUN:-1}
    shift 3
    local status=0 t0 t1 wall rss
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$tmp/time" timeout "$timeout_s" "$@" >"$out" 2>"$tmp/err" || status=$?
    t1=$EPOCHREALTIME
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    rss=$(tail -1 "$tmp/time")
    [[ "$rss" =~ ^[0-9]+$ ]] || rss=0
    printf '%s\t%s\t%s\t%d\t%s\t%s\t%d\n' "$run_stamp" "$label" "$size" "$run" "$wall" "$rss" \
        "$status" >> "$tsv"
    [ "$status" = 0 ] || say "$label $size: exit $status: $(tail -3 "$tmp/err")"
    echo "$wall $rss $status"
}

psql_bench() {
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d bench "$@"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
if has_peer postgis; then
    pg_dir="$bench/pg"
    say "starting a throwaway PostgreSQL cluster in $pg_dir"
    pg_port=$("$helpers/postgis.sh" start "$pg_dir")
    "$helpers/postgis.sh" version "$pg_port" > "$results/postgis-version.txt" 2>/dev/null || true
fi

for size in "${size_list[@]}"; do
    park="$bench/data/$size/park"
    r="$results/$size"
    mkdir -p "$r"
    if has_peer parkatlas; then
        rm -f "$r"/parkatlas.*
        for ((i = 1; i <= runs; i++)); do
            say "$size: parkatlas check, run $i"
            line=$(RUN=$i timed parkatlas "$size" "$tmp/pa.json" \
                "$parkatlas" check "$park/park.parkatlas.json" --format json)
            echo "$line" >> "$r/parkatlas.runs"
            read -r wall rss status <<< "$line"
            [ "$status" = 0 ] || break
            best=$(sort -n "$r/parkatlas.runs" | head -1 | cut -d' ' -f1)
            [ "$wall" = "$best" ] && cp "$tmp/pa.json" "$r/parkatlas.json"
        done
        echo "$run_stamp (load $(cut -d' ' -f1 /proc/loadavg))" > "$r/parkatlas.when"
    fi
    if has_peer postgis; then
        rm -f "$r"/postgis.*
        layers="parcels plan_zones boundary roads pipelines protected acquisition"
        for layer in $layers; do
            say "$size: PostGIS load of $layer (ogr2ogr, GiST index)"
            timed "postgis_load_$layer" "$size" "$tmp/load.out" \
                "$helpers/postgis.sh" load "$pg_port" "$park/$layer.shp" "$layer" \
                > "$r/postgis.load_$layer"
        done
        say "$size: VACUUM ANALYZE"
        t0=$EPOCHREALTIME
        psql_bench -c "VACUUM ANALYZE;"
        awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f\n", b - a }' \
            > "$r/postgis.analyze"
        for ((i = 1; i <= pg_runs; i++)); do
            say "$size: PostGIS queries (every rule), run $i"
            line=$(RUN=$i timed postgis_check "$size" "$tmp/pg.out" \
                psql -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d bench \
                -A -t -v timeout_ms="$((timeout_s * 1000))" -f "$helpers/check-postgis-all.sql")
            echo "$line" >> "$r/postgis.runs"
            read -r wall rss status <<< "$line"
            if [ "$status" != 0 ]; then
                echo "timeout $timeout_s" >> "$r/postgis.runs"
                break
            fi
            grep '|' "$tmp/pg.out" > "$r/postgis.counts"
        done
        echo "$run_stamp (load $(cut -d' ' -f1 /proc/loadavg))" > "$r/postgis.when"
        psql_bench -c "DROP TABLE parcels, plan_zones, boundary, roads, pipelines, protected, acquisition;"
    fi
done

if [ -n "$pg_dir" ]; then
    "$helpers/postgis.sh" stop "$pg_dir" >/dev/null
    pg_dir=""
fi

largest=${size_list[${#size_list[@]}-1]}
if [ "$profile" = 1 ] && has_peer parkatlas && command -v perf >/dev/null; then
    say "$largest: perf record of parkatlas check"
    rm -f "$results"/perf-*.txt
    check_cmd=("$parkatlas" check "$bench/data/$largest/park/park.parkatlas.json" --format json)
    perf_report() { perf report -i "$tmp/perf.data" --stdio "$@" 2>/dev/null | grep -v '^#' | grep -v '^$'; }
    # Self time by library and symbol (every thread), then inclusive time with DWARF call graphs
    # (Release builds have no frame pointers). Lines cut at 160 characters (template names).
    # (Each pipeline ends in `|| true`: head closing early is no failure under pipefail.)
    if perf record -q -F 999 -o "$tmp/perf.data" -- "${check_cmd[@]}" >/dev/null 2> "$tmp/err"; then
        { perf_report --no-children --sort dso | head -12 || true; } > "$results/perf-dso.txt"
        { perf_report --no-children --sort dso,symbol | head -30 | cut -c1-160 | sed 's/ *$//' \
            || true; } > "$results/perf-symbols.txt"
    else
        say "perf record failed: $(tail -2 "$tmp/err")"
    fi
    if perf record -q -F 299 --call-graph dwarf,16384 -o "$tmp/perf.data" -- "${check_cmd[@]}" \
            >/dev/null 2> "$tmp/err"; then
        { perf_report --children --sort symbol -g none \
            | grep -E 'parkatlas::|GEOS[A-Za-z]*_r|IsValidOp::isValid$' | head -40 \
            | cut -c1-160 | sed 's/ *$//' || true; } > "$results/perf-inclusive.txt"
    fi
fi

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
revision=$(git -C "$root" describe --always --dirty 2>/dev/null || echo "?")
"$helpers/check-report.py" --results "$results" --sizes "$sizes" --runs "$runs" \
    --load-start "$load_start" --load-end "$load_end" --parkatlas "$parkatlas" \
    --revision "$revision" --out "$bench/check-results.md"
say "wrote $bench/check-results.md (raw runs: $tsv)"
