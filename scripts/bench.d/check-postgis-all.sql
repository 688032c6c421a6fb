-- check-postgis-all.sql: every rule of `parkatlas check` as PostGIS queries, for scripts/bench
-- --check (scripts/bench.d/check-run.sh runs it with psql -v timeout_ms=… on the tables parcels,
-- plan_zones, boundary, roads, pipelines, protected, acquisition that it loaded with ogr2ogr and
-- GiST indexes; the park comes from scripts/bench.d/gen_park.py). Written as a PostGIS user
-- would write them with the engine's semantics (geo/rules/compliance.cpp, styles/thresholds.json):
-- slivers of 1 m² / 1 m ignored, areas and lengths ellipsoidal (CGCS2000 geography), a prepared
-- containment short-cut where the engine has one. Prints one line per rule and layer,
-- "rule|layer|count", which check-report.py compares with parkatlas's findings. \timing times
-- each statement; the run is timed as a whole by check-run.sh. The bench park has no expansion
-- layer: land_use_mismatch on expansion zones and unacquired_land (expansion zones against the
-- batches acquired up to 拆迁) find nothing in parkatlas, and have no query here.
SET statement_timeout = :timeout_ms;
SET client_min_messages = warning;

-- invalid_geometry: every layer (the other rules leave invalid features out).
SELECT 'invalid_geometry|' || l || '|' || n FROM (
    SELECT 'parcels' l, count(*) n FROM parcels WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'plan_zones', count(*) FROM plan_zones WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'boundary', count(*) FROM boundary WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'roads', count(*) FROM roads WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'pipelines', count(*) FROM pipelines WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'protected', count(*) FROM protected WHERE NOT ST_IsValid(geom) UNION ALL
    SELECT 'acquisition', count(*) FROM acquisition WHERE NOT ST_IsValid(geom)) v WHERE n > 0;

-- duplicate_id
SELECT 'duplicate_id|parcels|' || count(*) FROM (
    SELECT parcel_id FROM parcels WHERE coalesce(trim(parcel_id), '') <> ''
    GROUP BY parcel_id HAVING count(*) > 1) d;

-- The zone overlay, shared by land_use_mismatch and intensity_below_standard (as the engine
-- shares it): per parcel and zone, the overlapped piece (the whole parcel where the zone
-- contains it).
CREATE TEMP TABLE pz AS
SELECT p.ogc_fid AS pid, z.ogc_fid AS zid, trim(p.land_use) AS pcode, trim(z.land_use) AS zcode,
       CASE WHEN ST_Within(p.geom, z.geom) THEN p.geom ELSE ST_Intersection(p.geom, z.geom) END
           AS piece
FROM parcels p JOIN plan_zones z ON ST_Intersects(p.geom, z.geom);
DELETE FROM pz WHERE ST_Area(piece) <= 1.0;

-- land_use_mismatch (fit: the same code, or the parcel's code under the zone's).
SELECT 'land_use_mismatch|parcels|' || count(DISTINCT pid) FROM pz
WHERE NOT (pcode = zcode OR starts_with(pcode, zcode));

-- intensity_below_standard: parcels 已投产 against the zone they overlap most.
WITH dom AS (
    SELECT DISTINCT ON (pid) pid, zid FROM pz ORDER BY pid, ST_Area(piece) DESC
)
SELECT 'intensity_below_standard|parcels|' || count(*)
FROM parcels p LEFT JOIN dom ON dom.pid = p.ogc_fid LEFT JOIN plan_zones z ON z.ogc_fid = dom.zid,
     LATERAL (SELECT ST_Area(ST_Transform(p.geom, 4490)::geography) AS m2) a
WHERE p.status = '已投产'
  AND ((z.far_min IS NOT NULL AND p.floor_area / a.m2 < z.far_min)
       OR p.built_area / a.m2 < greatest(coalesce(z.cover_min, 0), 0.30)
       OR p.invested / (a.m2 * 15 / 10000) < 200
       OR p.tax / (a.m2 * 15 / 10000) < 15);

-- outside_boundary: parcels, acquisition (area) and roads, pipelines (length) against 核准范围.
CREATE TEMP TABLE b AS SELECT ST_Union(geom) AS g FROM boundary WHERE kind = '核准范围';
SELECT 'outside_boundary|parcels|' || count(*) FROM parcels t, b
WHERE NOT ST_Covers(b.g, t.geom)
  AND ST_Area(ST_Transform(ST_Difference(t.geom, b.g), 4490)::geography) > 1;
SELECT 'outside_boundary|acquisition|' || count(*) FROM acquisition t, b
WHERE NOT ST_Covers(b.g, t.geom)
  AND ST_Area(ST_Transform(ST_Difference(t.geom, b.g), 4490)::geography) > 1;
SELECT 'outside_boundary|roads|' || count(*) FROM roads t, b
WHERE NOT ST_Covers(b.g, t.geom)
  AND ST_Length(ST_Transform(ST_Difference(t.geom, b.g), 4490)::geography) > 1;
SELECT 'outside_boundary|pipelines|' || count(*) FROM pipelines t, b
WHERE NOT ST_Covers(b.g, t.geom)
  AND ST_Length(ST_Transform(ST_Difference(t.geom, b.g), 4490)::geography) > 1;

-- road_red_line: parcels inside a road's centre line buffered by width_m / 2.
CREATE TEMP TABLE strips AS
SELECT ogc_fid AS rid, ST_Buffer(geom, width_m / 2, 'quad_segs=30') AS g
FROM roads WHERE width_m > 0;
CREATE INDEX ON strips USING gist (g);
ANALYZE strips;
SELECT 'road_red_line|parcels|' || count(*) FROM (
    SELECT p.ogc_fid
    FROM parcels p JOIN strips s ON ST_Intersects(s.g, p.geom) AND NOT ST_Touches(s.g, p.geom)
    GROUP BY p.ogc_fid
    HAVING ST_Area(ST_Transform(ST_Union(
        CASE WHEN ST_Contains(s.g, p.geom) THEN p.geom ELSE ST_Intersection(p.geom, s.g) END),
        4490)::geography) > 1) q;

-- protected_overlap: parcels and acquisition (each area's own piece over 1 m² counts).
SELECT 'protected_overlap|' || l || '|' || n FROM (
    SELECT 'parcels' AS l, count(*) AS n FROM (
        SELECT t.ogc_fid FROM parcels t
        JOIN protected r ON ST_Intersects(r.geom, t.geom) AND NOT ST_Touches(r.geom, t.geom),
        LATERAL (SELECT CASE WHEN ST_Contains(r.geom, t.geom) THEN t.geom
                             ELSE ST_Intersection(t.geom, r.geom) END AS piece) x
        WHERE ST_Area(ST_Transform(x.piece, 4490)::geography) > 1
        GROUP BY t.ogc_fid
        HAVING ST_Area(ST_Transform(ST_Union(x.piece), 4490)::geography) > 1) q
    UNION ALL
    SELECT 'acquisition', count(*) FROM (
        SELECT t.ogc_fid FROM acquisition t
        JOIN protected r ON ST_Intersects(r.geom, t.geom) AND NOT ST_Touches(r.geom, t.geom),
        LATERAL (SELECT CASE WHEN ST_Contains(r.geom, t.geom) THEN t.geom
                             ELSE ST_Intersection(t.geom, r.geom) END AS piece) x
        WHERE ST_Area(ST_Transform(x.piece, 4490)::geography) > 1
        GROUP BY t.ogc_fid
        HAVING ST_Area(ST_Transform(ST_Union(x.piece), 4490)::geography) > 1) q) v
WHERE n > 0;

-- overlapping_parcels: pairs whose interiors meet by more than 1 m².
SELECT 'overlapping_parcels|parcels|' || count(*)
FROM parcels a JOIN parcels b
  ON a.ogc_fid < b.ogc_fid AND ST_Intersects(a.geom, b.geom) AND NOT ST_Touches(a.geom, b.geom)
WHERE ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4490)::geography) > 1;

-- works_on_unacquired_land: roads (red-line strip and centre line) and pipelines (line) in
-- stage 在建/竣工, against the batches acquired up to 拆迁 or later.
CREATE TEMP TABLE works AS
SELECT 'roads' AS l, ogc_fid AS id, geom AS line,
       CASE WHEN width_m > 0 THEN ST_Buffer(geom, width_m / 2, 'quad_segs=30') END AS strip
FROM roads WHERE stage IN ('在建', '竣工')
UNION ALL
SELECT 'pipelines', ogc_fid, geom, NULL FROM pipelines WHERE stage IN ('在建', '竣工');
WITH cov AS (
    SELECT w.l, w.id, ST_Union(a.geom) AS g
    FROM works w JOIN acquisition a
      ON ST_Intersects(a.geom, coalesce(w.strip, w.line))
     AND a.stage IN ('拆迁', '场平', '已供地')
    GROUP BY w.l, w.id
)
SELECT 'works_on_unacquired_land|' || w.l || '|' || count(*)
FROM works w LEFT JOIN cov ON cov.l = w.l AND cov.id = w.id
WHERE ST_Length(ST_Transform(CASE WHEN cov.g IS NULL THEN w.line
                                  ELSE ST_Difference(w.line, cov.g) END, 4490)::geography) > 1
   OR (w.strip IS NOT NULL
       AND ST_Area(ST_Transform(CASE WHEN cov.g IS NULL THEN w.strip
                                     ELSE ST_Difference(w.strip, cov.g) END,
                                4490)::geography) > 1)
GROUP BY w.l;
