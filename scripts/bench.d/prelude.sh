# prelude.sh: the start that the scripts of scripts/bench.d share (diff-run.sh, import-run.sh,
# check-run.sh, speed-run.sh), sourced after they set
#   bench_name     the scripts/bench flag without dashes ("diff"), for messages
#   sizes          the default of --sizes
#   help_lines     the sed range of the script's own usage comment ("2,10p")
# It reads --sizes, --runs and --parkatlas, and leaves root, helpers, bench (the bench folder,
# absolute, with $bench/<bench_name>-results.d made), build (the helpers' build folder), sizes,
# runs and parkatlas (empty unless given), and say, count_of and build_bench_target.
# A script with arguments of its own reads them itself first and sets bench_own_arguments=1:
# the prelude then reads none and keeps its $parkatlas (and makes only $bench, no results.d).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
helpers="$root/scripts/bench.d"
bench=${PARKATLAS_BENCH_DIR:-$root/build-bench}
if [ -z "${bench_own_arguments:-}" ]; then
    runs=1
    parkatlas=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --sizes) sizes=$2; shift 2 ;;
            --runs) runs=$2; shift 2 ;;
            --parkatlas) parkatlas=$(realpath "$2"); shift 2 ;;
            -h|--help) sed -n "$help_lines" "$0"; exit 0 ;;
            *) echo "scripts/bench --$bench_name: unknown argument $1 (see --help)" >&2; exit 2 ;;
        esac
    done
fi
say() { echo "bench --$bench_name: $*" >&2; }
count_of() {
    case "$1" in
        *k) echo $(( ${1%k} * 1000 )) ;;
        *m|*M) echo $(( ${1%[mM]} * 1000000 )) ;;
        *) echo "$1" ;;
    esac
}
if [ -z "${bench_own_arguments:-}" ]; then
    mkdir -p "$bench/$bench_name-results.d"
else
    mkdir -p "$bench"
fi
bench=$(realpath "$bench")
build="$bench/build"
# build_bench_target TARGET: builds TARGET of scripts/bench.d's project (Release, no GUI) in
# $build, configuring it the first time.
build_bench_target() {
    if [ ! -f "$build/build.ninja" ]; then
        cmake -S "$helpers" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DPARKATLAS_ROOT="$root" >/dev/null
    fi
    cmake --build "$build" -j2 --target "$1" >/dev/null
}
# build_parkatlas_unless_given: without --parkatlas, a Release parkatlas built without the GUI in
# $build becomes $parkatlas.
build_parkatlas_unless_given() {
    if [ -z "$parkatlas" ]; then
        say "building parkatlas (Release, no GUI) in $build"
        build_bench_target parkatlas
        parkatlas="$build/parkatlas/app/cli/parkatlas"
    fi
}
