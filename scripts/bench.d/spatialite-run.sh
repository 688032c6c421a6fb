#!/usr/bin/env bash
# spatialite-run.sh TEMPLATE.sqlite RUN.sqlite SQL: runs SQL with the spatialite CLI on a fresh
# copy of a database that already holds SpatiaLite's metadata (spatial_ref_sys), so a run does
# not pay for InitSpatialMetadata. Used by scripts/bench (timed as a whole: the copy is ~ms).
set -euo pipefail
cp "$1" "$2"
exec spatialite -silent "$2" "$3"
