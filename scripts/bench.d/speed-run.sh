#!/usr/bin/env bash
# speed-run.sh: `scripts/bench --speed` (issue 21): each headline beside its anchor, in one run,
# as paired runs (ours and the anchor interleaved, un-niced) whose medians are compared, with
# the 1-minute load average written next to every pair, since the machine is shared:
#   area      parkatlas area 1M.shp --method ellipsoidal --format json   vs  shp_floor 1M.shp
#             (the floor: a single-threaded mmap shoelace over the same file, whole process)
#   startup   parkatlas info ONE.shp (a one-feature copy of the cadastre)  vs  ogrinfo -so ONE.shp
#   check     parkatlas check PARK.parkatlas.json --format json (every rule), peak RSS from
#             /usr/bin/time -v; anchor: --before's binary when given, else none
#   viewer    parkatlas-gui --screenshot (offscreen, 1920x1080) on the 1M parcels.shp
#             (only with --gui PATH)
#   interactions  parkatlas-gui --bench-interactions (with --gui PATH): first picture, pan and
#             zoom redraws at the full extent and at 1:10 000, attribute table sorts
#   publish   parkatlas publish PARK.parkatlas.json --out SITE (the whole site: every layer's
#             tiles, the check and the audit as a layer, search and legend)  vs  ogr2ogr -f MVT
#             of the park's shapefiles (the same layers, no attributes of ours) at the zooms our
#             site.json says, COMPRESS=NO as ours: GDAL's own tiler on the same data
#   pdf       parkatlas map DIR --layers parcels --table none (the committee map of --map, A3,
#             1M parcels)  vs  the same binary with PARKATLAS_PDF_EVERY_VERTEX=1 (every vertex
#             written, through Qt's PDF engine, as before) and --before's map when given; needs parkatlas-maps beside
#             --parkatlas (a build with the GUI). Both pages are drawn by pdftoppm at their
#             600 DPI and compared byte for byte (--pdf-check-dpi N, 0 skips it).
# Wall clock and CPU (user + system) of each process, and its peak RSS. With --before PATH (an
# older parkatlas) its area and check outputs must be byte for byte the same as ours, and its
# times are printed too, so a change is measured in the same minutes as its reference.
#
# Usage: scripts/bench --speed [--size 1m] [--pairs N] [--parkatlas PATH] [--before PATH]
#                              [--gui PATH] [--only area,startup,check,viewer,publish]
#                              [--slow-pairs N] [--publish-pairs N] [--pdf-check-dpi N]
# (--slow-pairs: rounds for check and the viewer, which take minutes at 1M; default 3;
#  --publish-pairs: rounds for publish and its anchor, default 1)
# Data: build-bench/data/SIZE (scripts/bench and scripts/bench --check make and cache it).
# Writes build-bench/speed-results.md and the raw runs to build-bench/speed-results.tsv.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}

size=1m
pairs=7
parkatlas=""
before=""
gui=""
only="area,startup,check,viewer,publish,pdf"
pdf_check_dpi=600
slow_pairs=3
publish_pairs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --size) size=$2; shift 2 ;;
        --pairs) pairs=$2; shift 2 ;;
        --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
        --before) before=$(realpath "$2"); shift 2 ;;
        --gui) gui=$(realpath "$2"); shift 2 ;;
        --only) only=$2; shift 2 ;;
        --slow-pairs) slow_pairs=$2; shift 2 ;;
        --publish-pairs) publish_pairs=$2; shift 2 ;;
        --pdf-check-dpi) pdf_check_dpi=$2; shift 2 ;;
        -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
        *) echo "scripts/bench --speed: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
say() { echo "bench --speed: $*" >&2; }

bench_name=speed
bench_own_arguments=1
source "$helpers/prelude.sh"
build_bench_target shp_floor
build_parkatlas_unless_given
shp="$bench/data/$size/parcels.shp"
park="$bench/data/$size/park/park.parkatlas.json"
if [ ! -f "$shp" ]; then
    say "no $shp: run scripts/bench --sizes $size --peers floor first (it makes and caches it)"
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tsv="$bench/speed-results.tsv"
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -f "$tsv" ] || printf 'started\ttask\tlabel\tpair\twall_s\tcpu_s\tpeak_rss_kb\tload1\texit\n' > "$tsv"

# once TASK LABEL OUT CMD...: one whole-process run; appends "wall cpu rss load" to
# $tmp/TASK.LABEL and the TSV; stdout to OUT.
once() {
    local task=$1 label=$2 out=$3 status=0 t0 t1
    shift 3
    t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$tmp/time" "$@" >"$out" 2>"$tmp/err" || status=$?
    t1=$EPOCHREALTIME
    local wall cpu rss load
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.3f", s }' "$tmp/time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time")
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n' "$stamp" "$task" "$label" "${PAIR:-1}" "$wall" \
        "$cpu" "$rss" "$load" "$status" >> "$tsv"
    [ "$status" = 0 ] || say "$task $label: exit $status: $(tail -3 "$tmp/err")"
    echo "$wall $cpu $rss $load" >> "$tmp/$task.$label"
}

# pairs TASK LABEL:CMD... (each a string): $pairs rounds, each running every command once in
# turn (interleaved, so they share the same minutes of load).
paired() {
    local task=$1 i spec label
    shift
    for ((i = 1; i <= pairs; i++)); do
        for spec in "$@"; do
            label=${spec%%:*}
            PAIR=$i once "$task" "$label" "$tmp/$task.$label.out" bash -c "${spec#*:}"
        done
    done
}

# median FILE COLUMN
# (an even count: the mean of the two middle runs, not the lower one)
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
    END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
row() { # row TASK LABEL: "wall (cpu) rss load-range"
    local f="$tmp/$1.$2"
    printf '%s s (CPU %s s), %s MB, load %s–%s' "$(median "$f" 1)" "$(median "$f" 2)" \
        "$(median "$f" 3 | awk '{ printf "%d", $1 / 1024 }')" "$(sort -n -k4 "$f" | head -1 | cut -d' ' -f4)" \
        "$(sort -n -k4 "$f" | tail -1 | cut -d' ' -f4)"
}
ratio() { awk -v a="$(median "$tmp/$1.$2" "$4")" -v b="$(median "$tmp/$1.$3" "$4")" \
    'BEGIN { printf "%.1f×", a / b }'; }

report="$bench/speed-results.md"
{
    echo "# scripts/bench --speed ($stamp, $(git -C "$root" describe --always --dirty 2>/dev/null))"
    echo
    echo "Medians of $pairs paired runs ($slow_pairs for check and the viewer; interleaved, un-niced);"
    echo "load = 1-minute load average"
    echo "over the runs; $(nproc) cores."
    echo
} > "$report"

# A binary outside this tree (--before, a copy under /tmp) finds the styles of this one.
export PARKATLAS_STYLES=${PARKATLAS_STYLES:-$root/styles}

# same OUT1 OUT2: the comparison line (both must have written something: two failed runs have
# two empty outputs, which are not "the same findings").
same() {
    if [ ! -s "$1" ] || [ ! -s "$2" ]; then
        echo "- outputs: MISSING (a run failed; see its error above)"
    elif cmp -s "$1" "$2"; then
        echo "- outputs: identical (byte for byte)"
    else
        echo "- outputs: DIFFER"
    fi
}

if wants area; then
    say "area: parkatlas vs the floor ($pairs pairs)"
    specs=("floor:'$build/bench/shp_floor' '$shp'"
           "parkatlas:'$parkatlas' area '$shp' --method ellipsoidal --format json")
    [ -n "$before" ] && specs+=("before:'$before' area '$shp' --method ellipsoidal --format json")
    paired area "${specs[@]}"
    {
        echo "## area, $size parcels"
        echo
        echo "- floor: $(row area floor)"
        echo "- parkatlas: $(row area parkatlas): $(ratio area parkatlas floor 1) the floor" \
             "by wall clock, $(ratio area parkatlas floor 2) by CPU"
        if [ -n "$before" ]; then
            echo "- before ($before): $(row area before)"
            same "$tmp/area.parkatlas.out" "$tmp/area.before.out"
        fi
        echo "- total: $(grep -m1 '"area_m2"' "$tmp/area.parkatlas.out" | tr -d ' ,')"
        echo
    } >> "$report"
fi

if wants startup; then
    one="$tmp/one/one.shp"
    mkdir -p "$tmp/one"
    ogr2ogr -f "ESRI Shapefile" "$one" "$shp" -where "FID = 0" 2>/dev/null
    say "startup: parkatlas info vs ogrinfo -so on a one-feature shapefile ($pairs pairs)"
    specs=("ogrinfo:ogrinfo -so '$one' one" "parkatlas:'$parkatlas' info '$one'")
    [ -n "$before" ] && specs+=("before:'$before' info '$one'")
    paired startup "${specs[@]}"
    {
        echo "## startup: info on a one-feature shapefile"
        echo
        echo "- ogrinfo -so: $(row startup ogrinfo)"
        echo "- parkatlas info: $(row startup parkatlas): $(ratio startup parkatlas ogrinfo 1)" \
             "ogrinfo by wall clock, $(ratio startup parkatlas ogrinfo 2) by CPU"
        [ -n "$before" ] && echo "- before: $(row startup before)"
        echo
    } >> "$report"
fi

if wants pdf && [ ! -x "$(dirname "$parkatlas")/parkatlas-maps" ]; then
    say "pdf: no parkatlas-maps beside $parkatlas (give --parkatlas of a build with the GUI); skipped"
elif wants pdf; then
    n=$slow_pairs
    dir=$(dirname "$shp")
    map_args="--layers parcels --table none --overwrite"
    say "pdf: parkatlas map of the $size parcels (the committee map), $n pairs"
    specs=("parkatlas:'$parkatlas' map '$dir' --out '$tmp/pdf.ours.pdf' $map_args"
           "every:PARKATLAS_PDF_EVERY_VERTEX=1 '$parkatlas' map '$dir' --out '$tmp/pdf.every.pdf' $map_args")
    [ -n "$before" ] && specs+=("before:'$before' map '$dir' --out '$tmp/pdf.before.pdf' $map_args")
    saved=$pairs
    pairs=$n
    paired pdf "${specs[@]}"
    pairs=$saved
    mb() { awk -v b="$(stat -c %s "$1" 2>/dev/null || echo 0)" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
    {
        echo "## pdf: the $size committee map (parkatlas map --layers parcels --table none, A3)"
        echo
        echo "- every vertex (PARKATLAS_PDF_EVERY_VERTEX=1, as before): $(row pdf every), $(mb "$tmp/pdf.every.pdf")"
        [ -n "$before" ] && echo "- before ($before): $(row pdf before), $(mb "$tmp/pdf.before.pdf")"
        echo "- parkatlas: $(row pdf parkatlas), $(mb "$tmp/pdf.ours.pdf"): $(ratio pdf parkatlas every 1)" \
             "every vertex's wall clock, $(ratio pdf parkatlas every 2) its CPU"
        if [ "$pdf_check_dpi" != 0 ]; then
            pdftoppm -r "$pdf_check_dpi" -singlefile "$tmp/pdf.ours.pdf" "$tmp/pdf.ours" &&
                pdftoppm -r "$pdf_check_dpi" -singlefile "$tmp/pdf.every.pdf" "$tmp/pdf.every" &&
                if cmp -s "$tmp/pdf.ours.ppm" "$tmp/pdf.every.ppm"; then
                    echo "- drawn by pdftoppm at $pdf_check_dpi DPI: the same picture, byte for byte"
                else
                    echo "- drawn by pdftoppm at $pdf_check_dpi DPI: $(cmp -l "$tmp/pdf.ours.ppm" "$tmp/pdf.every.ppm" | wc -l) bytes DIFFER"
                fi
            rm -f "$tmp"/pdf.*.ppm
        fi
        echo
    } >> "$report"
fi

if wants check && [ -f "$park" ]; then
    n=$slow_pairs
    say "check: the whole check of the $size park ($n pairs)"
    specs=("parkatlas:'$parkatlas' check '$park' --format json")
    [ -n "$before" ] && specs+=("before:'$before' check '$park' --format json")
    saved=$pairs
    pairs=$n
    paired check "${specs[@]}"
    pairs=$saved
    {
        echo "## check, the $size park (every rule its layers allow)"
        echo
        echo "- parkatlas: $(row check parkatlas)"
        if [ -n "$before" ]; then
            echo "- before: $(row check before)"
            same "$tmp/check.parkatlas.out" "$tmp/check.before.out"
            # The totals' fast union may differ in the last digits (findings_total.h UnionPath).
            echo "- $("$helpers/check-compare.py" "$tmp/check.parkatlas.out" "$tmp/check.before.out" || true)"
        fi
        echo
    } >> "$report"
elif wants check; then
    say "check: no $park (scripts/bench --check --sizes $size makes it); skipped"
fi

if wants viewer && [ -n "$gui" ]; then
    n=$slow_pairs
    say "viewer: parkatlas-gui --screenshot on $shp ($n runs)"
    saved=$pairs
    pairs=$n
    paired viewer "gui:QT_QPA_PLATFORM=offscreen '$gui' --screenshot '$tmp/shot.png' --size 1920x1080 '$shp'"
    pairs=$saved
    cp "$tmp/shot.png" "$bench/speed-viewer.png" 2>/dev/null || true
    {
        echo "## viewer: open and draw the $size parcels (parkatlas-gui --screenshot, offscreen, 1920×1080)"
        echo
        echo "- parkatlas-gui: $(row viewer gui) (picture: build-bench/speed-viewer.png)"
        echo
    } >> "$report"
fi

if wants publish && [ -f "$park" ]; then
    n=$publish_pairs
    parkdir=$(dirname "$park")
    say "publish: parkatlas publish vs ogr2ogr -f MVT on the $size park ($n pairs)"
    # ogr2ogr runs right after ours in each round, at the zooms our site.json says (the same
    # tile pyramid).
    zooms="python3 -c \"import json; d = json.load(open('$tmp/site/data/site.json')); print('-dsco MINZOOM=%d -dsco MAXZOOM=%d' % (d['minzoom'], d['maxzoom']))\""
    saved=$pairs
    pairs=$n
    paired publish \
        "parkatlas:rm -rf '$tmp/site'; '$parkatlas' publish '$park' --out '$tmp/site' --as-of 2026-06-30" \
        "ogr2ogr:rm -rf '$tmp/mvt'; ogr2ogr -f MVT '$tmp/mvt' '$parkdir' \$($zooms) -dsco COMPRESS=NO"
    pairs=$saved
    tiles_ours=$(find "$tmp/site/tiles" -name '*.pbf' | wc -l)
    tiles_gdal=$(find "$tmp/mvt" -name '*.pbf' | wc -l)
    {
        echo "## publish, the $size park (zooms $(eval "$zooms" | tr -dc '0-9 ' | xargs | tr ' ' '-'))"
        echo
        echo "- ogr2ogr -f MVT of the park's shapefiles: $(row publish ogr2ogr), $tiles_gdal tiles," \
             "$(du -sm "$tmp/mvt" | cut -f1) MB"
        echo "- parkatlas publish (the whole site): $(row publish parkatlas): $(ratio publish parkatlas ogr2ogr 1)" \
             "ogr2ogr by wall clock, $(ratio publish parkatlas ogr2ogr 2) by CPU, $tiles_ours tiles," \
             "$(du -sm "$tmp/site" | cut -f1) MB"
        echo
    } >> "$report"
elif wants publish; then
    say "publish: no $park (scripts/bench --check --sizes $size makes it); skipped"
fi

# interactions (with --gui PATH, and --only viewer or interactions): parkatlas-gui
# --bench-interactions on the parcels at 1920x1080, offscreen: from the start of the process to
# the first picture (drawn while the layer is still read) and to the complete one; a pan and a
# zoom at the full extent and at 1:10 000 (from the change of view to the complete picture of the
# new one; pans of a quarter of the view one way, zooms in a notch, then back out to views drawn
# before); the attribute table sorted by each column. Medians over the runs, wall clock and the
# CPU the process used over the same span (the machine is shared: CPU is what carries over).
if { wants viewer || wants interactions; } && [ -n "$gui" ]; then
    n=$slow_pairs
    say "interactions: parkatlas-gui --bench-interactions on $shp ($n runs)"
    # Each round also runs the same binary with PARKATLAS_VIEWER_FULL_DETAIL=1 (every picture at
    # full detail, nothing shown before the layer is wholly read: the viewer as it was), so the
    # two share the same minutes of load.
    rm -f "$tmp/interactions.all" "$tmp/interactions-full.all"
    for ((i = 1; i <= n; i++)); do
        PAIR=$i once interactions gui "$tmp/interactions.$i.out" env QT_QPA_PLATFORM=offscreen \
            "$gui" --bench-interactions --size 1920x1080 "$shp"
        cat "$tmp/interactions.$i.out" >> "$tmp/interactions.all"
        PAIR=$i once interactions full "$tmp/interactions-full.$i.out" env QT_QPA_PLATFORM=offscreen \
            PARKATLAS_VIEWER_FULL_DETAIL=1 "$gui" --bench-interactions --size 1920x1080 "$shp"
        cat "$tmp/interactions-full.$i.out" >> "$tmp/interactions-full.all"
    done
    # interaction_stat NAME-REGEX: "median ms (max ms; CPU median ms)" of the matching lines over every run:
    # wall clock from the change to the complete picture, and the CPU the process used then.
    interaction_stat() {
        awk -v re="^($1)\$" '
            function median(a, n,   i, j, t) {
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                return a[int((n + 1) / 2)]
            }
            $1 ~ re { w[++n] = $2; c[n] = ($3 == "cpu") ? $4 : -1; if ($2 > top) top = $2 }
            END {
                if (n == 0) { printf "n/a"; exit }
                printf "%.0f ms (max %.0f; CPU %.0f ms)", median(w, n), top, median(c, n) }' \
            "${2:-$tmp/interactions.all}"
    }
    full_detail() { interaction_stat "$1" "$tmp/interactions-full.all"; }
    {
        echo "## viewer interactions, the $size parcels (parkatlas-gui --bench-interactions, offscreen, 1920×1080)"
        echo
        echo "- whole process (level of detail, early geometry): $(row interactions gui)"
        echo "- first picture (from the start of the process): $(interaction_stat first_picture)"
        echo "- complete picture: $(interaction_stat complete_picture)"
        echo "- pan at the full extent: $(interaction_stat pan_full); zoom: $(interaction_stat zoom_full);" \
             "pan back (a view drawn before): $(interaction_stat pan_back_full);" \
             "zoom back out: $(interaction_stat zoom_back_full)"
        echo "- zoom to 1:10 000: $(interaction_stat zoom_to_10000); pan there: $(interaction_stat pan_10000);" \
             "zoom: $(interaction_stat zoom_10000); zoom back out: $(interaction_stat zoom_back_10000);" \
             "back to the full extent: $(interaction_stat zoom_to_full)"
        echo "- attribute table sorted by a column (every column): $(interaction_stat 'sort_column_[0-9]+')"
        echo "- the same binary at full detail (PARKATLAS_VIEWER_FULL_DETAIL=1, as before), same rounds:" \
             "$(row interactions full); first picture $(full_detail first_picture); pan at the full" \
             "extent $(full_detail pan_full); zoom $(full_detail zoom_full); pan at 1:10 000" \
             "$(full_detail pan_10000); zoom $(full_detail zoom_10000)"
        echo "  ($(awk '$1 ~ /^sort_column_/ { printf "%s%s %.0f", sep, substr($1, 13), $2; sep = ", " }' \
              "$tmp/interactions.1.out") ms by column (0 the fid, the last the area in mu), first run)"
        echo
    } >> "$report"
fi

cat "$report"
say "wrote $report (raw runs: $tsv)"
