#!/usr/bin/env bash
# throwaway-cluster.sh: a PostgreSQL + PostGIS cluster that lives in one temporary folder, for
# the tests (tests/postgis, tests/cli group postgis) and scripts/bench (scripts/bench.d/postgis.sh).
#   throwaway-cluster.sh start DIR [DB] [-- SERVER OPTIONS]
#       initdb a cluster in DIR/data (owned by the postgres user when run as root: initdb refuses
#       root), start it on a free port on 127.0.0.1 only (socket in DIR), create database DB
#       (default "parkatlas") with the postgis extension; prints the port. Authentication: the
#       superuser "postgres" is trusted; every other role must give its password (scram), which
#       clients take from a .pgpass (PGPASSFILE). SERVER OPTIONS go to postgres as they are
#       (the tests pass -c fsync=off; the benchmarks -c shared_buffers=1GB).
#       With PARKATLAS_CLUSTER_OWNER=PID in the environment, a watcher stops the cluster and
#       removes DIR as soon as process PID ends, however it ends (a crashed test included).
#   throwaway-cluster.sh stop DIR
#       stop the cluster (fast) and remove DIR.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
    dir=$2
    db=${3:-parkatlas}
    shift $(( $# >= 3 ? 3 : 2 ))
    [ "${1:-}" = "--" ] && shift
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$pgbin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync >/dev/null
    # The superuser is trusted on 127.0.0.1 (the tests and the bench drive the cluster as it);
    # every other role logs in with its password.
    { echo "host all postgres 127.0.0.1/32 trust"; cat "$dir/data/pg_hba.conf"; } \
        > "$dir/pg_hba.new"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir/pg_hba.new"; fi
    mv "$dir/pg_hba.new" "$dir/data/pg_hba.conf"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 $*" start >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "CREATE DATABASE \"$db\"" >/dev/null
    psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" \
        -c "CREATE EXTENSION postgis" >/dev/null
    if [ -n "${PARKATLAS_CLUSTER_OWNER:-}" ]; then
        owner=$PARKATLAS_CLUSTER_OWNER
        setsid bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$0' stop '$dir'" \
            </dev/null >/dev/null 2>&1 &
    fi
    echo "$port"
    ;;
stop)
    dir=$2
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: throwaway-cluster.sh start DIR [DB] [-- SERVER OPTIONS] | stop DIR" >&2
    exit 2
    ;;
esac
