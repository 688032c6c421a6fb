#!/usr/bin/env bash
# scaling-run.sh: `scripts/bench --scaling` (issue 21, item 6): how area, check, render and the
# committee PDF grow from 10k to 100k to 1M parcels, in one table: wall clock, CPU (user +
# system) and peak RSS of each whole process, and the exponent b of t ∝ n^b between sizes
# (b = 1 is linear; above ~1.1 it is flagged "worse than linear").
#   area    parkatlas area data/<size>/parcels.shp --method ellipsoidal --format json
#   check   parkatlas check data/<size>/park/park.parkatlas.json --format json (every rule)
#   render  parkatlas-gui --screenshot (offscreen, 1920×1080) of data/<size>/parcels.shp: the
#           viewer opening the layer and drawing its full extent (as scripts/bench --speed)
#   pdf     parkatlas map data/<size> --layers parcels --table none (A3, the committee map of
#           scripts/bench --map)
# Data: data/<size>/parcels.shp (scripts/bench makes it) and data/<size>/park (scripts/bench
# --check makes it); a size or task whose data is missing is skipped with a note. Best of --runs
# by wall clock (area: at least 3, it takes a fraction of a second); the 1-minute load average
# is written beside each row, since the machine may be shared.
#
# Usage: scripts/bench --scaling [--sizes 10k,100k,1m] [--runs N] [--only area,check,render,pdf]
#                                [--parkatlas PATH] [--gui PATH] [--timeout SECONDS]
# (--parkatlas: a build with the map commands, parkatlas-maps beside it; default: build/ of
#  this tree, as scripts/build makes it; --gui: parkatlas-gui, default build/app/desktop/)
# Writes build-bench/scaling-results.md and the raw runs to build-bench/scaling-results.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}

sizes="10k,100k,1m"
runs=1
only="area,check,render,pdf"
parkatlas="$root/build/app/cli/parkatlas"
gui="$root/build/app/desktop/parkatlas-gui"
timeout_s=1800
while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --only) only=$2; shift 2 ;;
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --gui) gui=$(realpath "$2"); shift 2 ;;
        --timeout) timeout_s=$2; shift 2 ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        *) echo "scripts/bench --scaling: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
say() { echo "bench --scaling: $*" >&2; }
[ -x "$parkatlas" ] || { say "no parkatlas at $parkatlas (scripts/build, or --parkatlas)"; exit 2; }

mkdir -p "$bench"
bench=$(realpath "$bench")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results="$bench/scaling-results.d"
mkdir -p "$results"
tsv="$bench/scaling-results.tsv"
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -f "$tsv" ] || printf 'started\ttask\tsize\trun\twall_s\tcpu_s\tpeak_rss_kb\tload1\texit\n' > "$tsv"
export PARKATLAS_STYLES=${PARKATLAS_STYLES:-$root/styles}

# timed TASK SIZE CMD...: best of $runs (area: of at least 3) by wall clock; writes
# "wall cpu rss load exit" of the best run to $results/TASK-SIZE.
timed() {
    local task=$1 size=$2 n=$runs i best="" line status
    shift 2
    [ "$task" = area ] && [ "$n" -lt 3 ] && n=3
    for ((i = 1; i <= n; i++)); do
        status=0
        local t0=$EPOCHREALTIME
        /usr/bin/time -v -o "$tmp/time" timeout "$timeout_s" "$@" >"$tmp/out" 2>"$tmp/err" ||
            status=$?
        local t1=$EPOCHREALTIME
        local wall cpu rss load
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.3f", s }' "$tmp/time")
        rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
        load=$(cut -d' ' -f1 /proc/loadavg)
        printf '%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%d\n' "$stamp" "$task" "$size" "$i" "$wall" "$cpu" \
            "$rss" "$load" "$status" >> "$tsv"
        # check exits 1 when it has findings: that is its answer, not a failure.
        if [ "$status" != 0 ] && ! { [ "$task" = check ] && [ "$status" = 1 ]; }; then
            say "$task $size: exit $status: $(tail -3 "$tmp/err")"
            line="- - - $load $status"
        else
            line="$wall $cpu $rss $load 0"
        fi
        if [ -z "$best" ] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
            best=$line
            cp "$tmp/out" "$results/$task-$size.out"
        fi
    done
    echo "$best" > "$results/$task-$size"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
    dir="$bench/data/$size"
    for task in area check render pdf; do
        wants "$task" || continue
        rm -f "$results/$task-$size"
        case $task in
        area)
            [ -f "$dir/parcels.shp" ] || { say "no $dir/parcels.shp: area $size skipped"; continue; }
            say "$size: area"
            timed area "$size" "$parkatlas" area "$dir/parcels.shp" --method ellipsoidal --format json
            ;;
        check)
            park="$dir/park/park.parkatlas.json"
            [ -f "$park" ] || { say "no $park (scripts/bench --check): check $size skipped"; continue; }
            say "$size: check"
            timed check "$size" "$parkatlas" check "$park" --format json
            ;;
        render)
            [ -x "$gui" ] && [ -f "$dir/parcels.shp" ] || { say "no $gui or data: render $size skipped"; continue; }
            say "$size: render"
            timed render "$size" env QT_QPA_PLATFORM=offscreen "$gui" --screenshot \
                "$tmp/shot.png" --size 1920x1080 "$dir/parcels.shp"
            ;;
        pdf)
            [ -f "$dir/parcels.shp" ] || { say "no $dir/parcels.shp: pdf $size skipped"; continue; }
            say "$size: pdf"
            rm -f "$tmp/map.pdf" "$results/pdf-$size.bytes"
            timed pdf "$size" "$parkatlas" map "$dir" --out "$tmp/map.pdf" --layers parcels \
                --table none --title "合成开发区现状图" --overwrite
            [ -f "$tmp/map.pdf" ] && stat -c %s "$tmp/map.pdf" > "$results/pdf-$size.bytes"
            ;;
        esac
    done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

python3 "$helpers/scaling-report.py" --results "$results" --sizes "$sizes" --only "$only" \
    --revision "$(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')" \
    --load "$load_start → $load_end" --cores "$(nproc)" --out "$bench/scaling-results.md"
cat "$bench/scaling-results.md"
say "wrote $bench/scaling-results.md (raw runs: $tsv)"
