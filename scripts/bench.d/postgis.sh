#!/usr/bin/env bash
# postgis.sh: the throwaway PostGIS of scripts/bench, on 127.0.0.1 only.
#   postgis.sh start DIR            initdb a cluster in DIR (owned by the postgres user), start it
#                                   on a free port, create database "bench" with postgis; prints
#                                   the port
#   postgis.sh load PORT SHP TABLE  ogr2ogr the shapefile into TABLE (geometry column geom)
#   postgis.sh query PORT TABLE N   VACUUM ANALYZE, then N times the ellipsoidal area sum, timed by
#                                   psql's \timing; prints JSON {"total_m2", "best_ms", "ms": [...]}
#   postgis.sh version PORT         PostgreSQL and PostGIS versions
#   postgis.sh stop DIR             stop the cluster and remove DIR
# Runs the server as the postgres user (initdb refuses root); clients connect over TCP as the
# trusted superuser postgres.
set -euo pipefail
conn() { echo "host=127.0.0.1 port=$1 dbname=bench user=postgres"; }
psql_bench() {
    local port=$1
    shift
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d bench "$@"
}

case "${1:-}" in
start)
    # The cluster itself is the tests' (tests/postgis/throwaway-cluster.sh): one way to start it.
    # shared_buffers 1 GB: the 1M table (~400 MB) stays in PostgreSQL's cache between runs, as
    # on any server set up for this; everything else is PostgreSQL's default (parallel
    # workers: 2, JIT on).
    "$(dirname "$0")/../../tests/postgis/throwaway-cluster.sh" start "$2" bench -- \
        -c shared_buffers=1GB
    ;;
load)
    port=$2 shp=$3 table=$4
    ogr2ogr -f PostgreSQL "PG:$(conn "$port")" "$shp" -nln "$table" -overwrite \
        -lco GEOMETRY_NAME=geom -nlt PROMOTE_TO_MULTI
    ;;
query)
    port=$2 table=$3 n=$4
    psql_bench "$port" -c "VACUUM ANALYZE $table;" >/dev/null
    {
        echo '\timing on'
        for ((i = 0; i < n; i++)); do
            echo "SELECT to_char(SUM(ST_Area(ST_Transform(geom, 4490)::geography)), 'FM999999999999999.000000') FROM $table;"
        done
    } | psql_bench "$port" -A -t | /usr/bin/python3 -c '
import json, re, sys
totals, ms = [], []
for line in sys.stdin:
    m = re.match(r"Time: ([0-9.]+) ms", line.strip())
    if m:
        ms.append(float(m.group(1)))
    elif line.strip():
        totals.append(line.strip())
print(json.dumps({"total_m2": float(totals[-1]), "best_ms": min(ms), "ms": ms}))
'
    ;;
version)
    psql_bench "$2" -A -t -c "SELECT split_part(version(), ' ', 2) || ' / PostGIS ' || postgis_lib_version() || ' (GEOS ' || postgis_geos_version() || ', PROJ ' || postgis_proj_version() || ')';"
    ;;
stop)
    "$(dirname "$0")/../../tests/postgis/throwaway-cluster.sh" stop "$2"
    ;;
*)
    echo "usage: postgis.sh start DIR | load PORT SHP TABLE | query PORT TABLE N | version PORT | stop DIR" >&2
    exit 2
    ;;
esac
