#!/usr/bin/python3
"""gen_park.py: the whole synthetic park for `scripts/bench --check`, from the cadastre and plan
that tests/bench/gen_cadastre.cpp --plan-zones wrote (PLAN_DIR/parcels.shp, plan_zones.shp).

    gen_park.py PLAN_DIR PARK_DIR

Writes PARK_DIR/{parcels,plan_zones,boundary,roads,pipelines,protected,acquisition}.shp (UTF-8,
with .cpg) and PARK_DIR/park.parkatlas.json, every choice a pure function of the input (the same
bytes on every run), so that every rule of `parkatlas check` has work and findings:

- parcels: the cadastre with the intensity fields of the data contract: status (60 % 已投产),
  floor_area, built_area, invested, tax, drawn so that a few per cent fall under each threshold
  of styles/thresholds.json and none lies on one (no knife edges between area methods); one plot in 2003 takes one of 17 shared ids (duplicate_id).
- plan_zones: the plan, with far_min 1.0 on M zones (0.5 on the others) and cover_min 0.30.
- boundary: 核准范围, the park's extent cut through its last column of blocks (outside_boundary).
- roads: the street centre lines (recovered from the plan, whose zones end on them) in segments
  of five blocks; red line 16 m, one segment in 23 is given 56 m (road_red_line); stages with
  about half 在建/竣工.
- pipelines: along one road segment in four, 4 m off its centre line.
- protected: one square (60-250 m) per thousand plots, 永久基本农田 or 生态保护红线.
- acquisition: batches of one row of blocks by eight columns, street centre to street centre;
  80 % at 拆迁 or later, 12 % earlier, 8 % never listed (works_on_unacquired_land).
The project file switches the intensity rule's coverage source to built_area (no buildings).
"""
import json
import os
import subprocess
import sys
from collections import Counter

from osgeo import ogr, osr

ogr.UseExceptions()


def h(*parts):
    """A deterministic hash in [0, 1)."""
    x = 0x5041524B
    for p in parts:
        x = (x * 1000003 ^ (p & 0xFFFFFFFFFFFF)) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 29
        x = (x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 32
    return (x % 1000003) / 1000003.0


def ogr2ogr(src, dst, sql):
    subprocess.run(["ogr2ogr", "-q", "-f", "ESRI Shapefile", "-dialect", "sqlite", "-sql", sql,
                    "-lco", "ENCODING=UTF-8", dst, src], check=True)


def create(path, geom_type, srs, fields):
    driver = ogr.GetDriverByName("ESRI Shapefile")
    if os.path.exists(path):
        driver.DeleteDataSource(path)
    ds = driver.CreateDataSource(path)
    layer = ds.CreateLayer(os.path.splitext(os.path.basename(path))[0], srs, geom_type,
                           ["ENCODING=UTF-8"])
    for name, kind, width in fields:
        f = ogr.FieldDefn(name, kind)
        if width:
            f.SetWidth(width)
        layer.CreateField(f)
    return ds, layer


def add(layer, wkt, values):
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
    for k, v in values.items():
        if v is not None:
            feature.SetField(k, v)
    layer.CreateFeature(feature)


def rect(x0, y0, x1, y1):
    return f"POLYGON (({x0} {y0},{x0} {y1},{x1} {y1},{x1} {y0},{x0} {y0}))"


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    plan, park = sys.argv[1], sys.argv[2]
    os.makedirs(park, exist_ok=True)

    # Parcels with intensity fields; hashes of the row number in SQL (SQLite integers).
    mix = lambda k: f"(((rowid + {k}) * 2654435761) % 1000003)"
    ogr2ogr(os.path.join(plan, "parcels.shp"), os.path.join(park, "parcels.shp"), f"""
        SELECT geometry,
               CASE WHEN rowid % 2003 = 1 THEN 'DUP' || ((rowid / 2003) % 17) ELSE parcel_id END
                   AS parcel_id,
               land_use,
               CASE WHEN {mix(1)} % 10 < 6 THEN '已投产' ELSE '在建' END AS status,
               ST_Area(geometry) * (0.9713 + ({mix(2)} % 1000) / 500.0) AS floor_area,
               ST_Area(geometry) * (0.2953 + ({mix(3)} % 1000) / 2000.0) AS built_area,
               ST_Area(geometry) / 666.6667 * (195.37 + {mix(4)} % 300) AS invested,
               ST_Area(geometry) / 666.6667 * (14.813 + ({mix(5)} % 1000) / 50.0) AS tax
        FROM parcels""")
    ogr2ogr(os.path.join(plan, "plan_zones.shp"), os.path.join(park, "plan_zones.shp"), """
        SELECT geometry, zone_id, land_use,
               CASE WHEN land_use LIKE 'M%' THEN 1.0 ELSE 0.5 END AS far_min,
               0.3 AS cover_min
        FROM plan_zones""")

    # Street centre lines from the zones: every zone ends on them (west edges shared by many
    # rows are column streets; a split line belongs to one zone only).
    zones = ogr.Open(os.path.join(plan, "plan_zones.shp"))
    zl = zones.GetLayer(0)
    srs = zl.GetSpatialRef()
    xs, ys = Counter(), set()
    xmax = ymax = -1e300
    for z in zl:
        x0, x1, y0, y1 = z.GetGeometryRef().GetEnvelope()
        xs[x0] += 1
        ys.add(y0)
        xmax, ymax = max(xmax, x1), max(ymax, y1)
    X = sorted(x for x, n in xs.items() if n >= 3) + [xmax]
    Y = sorted(ys) + [ymax]
    zones = None
    cols, rows = len(X) - 1, len(Y) - 1

    ds, layer = create(os.path.join(park, "boundary.shp"), ogr.wkbPolygon, srs,
                       [("name", ogr.OFTString, 40), ("kind", ogr.OFTString, 20)])
    east = X[-2] + 0.4 * (X[-1] - X[-2])
    add(layer, rect(X[0], Y[0], east, Y[-1]), {"name": "合成开发区", "kind": "核准范围"})
    ds = None

    stages = ["规划", "设计", "图审", "招投标", "在建", "在建", "在建", "竣工", "竣工", "规划"]
    ds, roads = create(os.path.join(park, "roads.shp"), ogr.wkbLineString, srs,
                       [("name", ogr.OFTString, 30), ("road_class", ogr.OFTString, 10),
                        ("width_m", ogr.OFTReal, 0), ("lot", ogr.OFTString, 10),
                        ("stage", ogr.OFTString, 10), ("progress", ogr.OFTReal, 0)])
    pds, pipes = create(os.path.join(park, "pipelines.shp"), ogr.wkbLineString, srs,
                        [("kind", ogr.OFTString, 10), ("diam_mm", ogr.OFTReal, 0),
                         ("lot", ogr.OFTString, 10), ("stage", ogr.OFTString, 10)])
    kinds = ["给水", "污水", "雨水", "燃气", "电力", "通信"]
    segment = 0

    def road(name, x0, y0, x1, y1):
        nonlocal segment
        segment += 1
        r = h(1, segment)
        width = 56.0 if segment % 23 == 0 else 16.0
        stage = stages[int(h(2, segment) * len(stages))]
        add(roads, f"LINESTRING ({x0} {y0},{x1} {y1})",
            {"name": f"{name}-{segment}", "road_class": "主干道" if r < 0.3 else "次干道",
             "width_m": width, "lot": f"BD{segment % 40 + 1}", "stage": stage,
             "progress": 100.0 if stage == "竣工" else (60.0 if stage == "在建" else 0.0)})
        if segment % 4 == 0:
            dx, dy = (4.0, 0.0) if x0 == x1 else (0.0, 4.0)
            add(pipes, f"LINESTRING ({x0 + dx} {y0 + dy},{x1 + dx} {y1 + dy})",
                {"kind": kinds[int(h(3, segment) * len(kinds))], "diam_mm": 300.0,
                 "lot": f"GW{segment % 20 + 1}", "stage": stages[int(h(4, segment) * 10)]})

    for c in range(1, cols):
        for k in range(0, rows, 5):
            road(f"纵{c}路", X[c], Y[k], X[c], Y[min(k + 5, rows)])
    for r in range(1, rows):
        for k in range(0, cols, 5):
            road(f"横{r}路", X[k], Y[r], X[min(k + 5, cols)], Y[r])
    ds = pds = None

    ds, layer = create(os.path.join(park, "protected.shp"), ogr.wkbPolygon, srs,
                       [("kind", ogr.OFTString, 20), ("name", ogr.OFTString, 30)])
    parcels_ds = ogr.Open(os.path.join(park, "parcels.shp"))
    parcels = parcels_ds.GetLayer(0).GetFeatureCount()
    parcels_ds = None
    for i in range(max(5, parcels // 1000)):
        cx = X[0] + (X[-1] - X[0]) * h(5, i)
        cy = Y[0] + (Y[-1] - Y[0]) * h(6, i)
        side = 60 + 190 * h(7, i)
        add(layer, rect(round(cx, 3), round(cy, 3), round(cx + side, 3), round(cy + side, 3)),
            {"kind": "永久基本农田" if h(8, i) < 0.7 else "生态保护红线", "name": f"管控区{i + 1}"})
    ds = None

    order = ["调查摸底勘丈", "报征", "已批", "签约", "补偿", "拆迁", "场平", "已供地"]
    ds, layer = create(os.path.join(park, "acquisition.shp"), ogr.wkbPolygon, srs,
                       [("batch_id", ogr.OFTString, 20), ("name", ogr.OFTString, 30),
                        ("village", ogr.OFTString, 20), ("stage", ogr.OFTString, 10),
                        ("households", ogr.OFTInteger, 0), ("persons", ogr.OFTInteger, 0)])
    batch = 0
    for r in range(rows):
        for k in range(0, cols, 8):
            batch += 1
            u = h(9, batch)
            if u < 0.08:
                continue  # never listed
            stage = order[int(u * 50) % 5] if u < 0.20 else order[5 + int(u * 300) % 3]
            households = int(h(10, batch) * 40)
            add(layer, rect(X[k], Y[r], X[min(k + 8, cols)], Y[r + 1]),
                {"batch_id": f"ZD{batch:06d}", "name": f"第{batch}批次", "village": f"{r % 30 + 1}村",
                 "stage": stage, "households": households, "persons": households * 3})
    ds = None

    project = {
        "name": "合成开发区（基准测试）",
        "crs": "EPSG:4547",
        "layers": {role: {"source": f"{role}.shp", "encoding": "UTF-8"} for role in
                   ["boundary", "parcels", "plan_zones", "acquisition", "roads", "pipelines",
                    "protected"]},
        "rules": {"intensity_below_standard": {"coverage_source": "built_area"}},
    }
    with open(os.path.join(park, "park.parkatlas.json"), "w", encoding="utf-8") as out:
        json.dump(project, out, ensure_ascii=False, indent=2)
    print(f"park: {parcels} parcels, {cols}x{rows} blocks, {segment} road segments, "
          f"{batch} batches -> {park}")


if __name__ == "__main__":
    main()
