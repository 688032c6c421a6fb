-- check-postgis.sql: the land_use_mismatch rule of `parkatlas check` as one PostGIS query, for
-- scripts/bench --check (scripts/bench.d/check-run.sh runs it with psql -v parcels=… -v zones=…
-- -v timeout_ms=…). Per parcel, the overlapped area per zone (the whole parcel where the zone
-- contains it, else the intersection, as parkatlas does), pieces of 1 m² or less ignored
-- (planar, EPSG:4547); a parcel is flagged when any zone it overlaps has a code its code does
-- not fit. Fit, for the bench: the same code, or the parcel's code starts with the zone's (M1 in
-- an M zone); the generator (tests/bench/gen_cadastre.cpp --plan-zones) only makes codes on
-- which this and styles/landuse.json agree. Prints the count of flagged parcels and the misfit
-- area summed ellipsoidally (CGCS2000, geography), as parkatlas reports it. Timed by \timing.
SET statement_timeout = :timeout_ms;
\timing on
WITH pairs AS (
    SELECT p.ogc_fid AS pid, trim(p.land_use) AS pcode, trim(z.land_use) AS zcode,
           CASE WHEN ST_Within(p.geom, z.geom) THEN p.geom
                ELSE ST_Intersection(p.geom, z.geom) END AS piece
    FROM :parcels p JOIN :zones z ON ST_Intersects(p.geom, z.geom)
), kept AS (
    SELECT pid, pcode, zcode, piece FROM pairs WHERE ST_Area(piece) > 1.0
), misfit AS (
    SELECT pid, SUM(ST_Area(ST_Transform(piece, 4490)::geography)) AS m2
    FROM kept
    WHERE NOT (pcode = zcode OR starts_with(pcode, zcode))
    GROUP BY pid
)
SELECT COUNT(*) || '|' || to_char(COALESCE(SUM(m2), 0), 'FM999999999999990.000000') FROM misfit;
