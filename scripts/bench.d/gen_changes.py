#!/usr/bin/python3
"""gen_changes.py: the two parks of `scripts/bench --diff`, from the cadastre that
tests/bench/gen_cadastre.cpp wrote (SHP = DIR/parcels.shp):

    gen_changes.py SHP OLD.gpkg NEW.gpkg

OLD.gpkg is the cadastre as a GeoPackage (layer parcels); NEW.gpkg the same with 1 % of the
parcels changed, every choice a pure function of the fid (the same bytes on every run):
fid % 1000 in 0-3: land_use changed; 4-5: the plot grown by 1 m eastwards; 6: removed; 7: cut
in two along its middle (two new parcel_ids); 8: a new plot 20 km east (a copy of this one,
new parcel_id), the plot itself unchanged; 9: land_use and geometry both changed.
Prints the expected counts as JSON.
"""
import json
import os
import subprocess
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()
gdal.SetConfigOption("OGR_CURRENT_DATE", "2026-01-01T00:00:00Z")


def main():
    shp, old, new = sys.argv[1:4]
    for path in (old, new):
        if os.path.exists(path):
            os.remove(path)
    subprocess.run(["ogr2ogr", "-f", "GPKG", old, shp, "-nln", "parcels", "-lco", "FID=fid",
                    "-lco", "SPATIAL_INDEX=NO"], check=True)
    subprocess.run(["cp", old, new], check=True)
    ds = ogr.Open(new, 1)
    layer = ds.GetLayerByName("parcels")
    count = layer.GetFeatureCount()
    expected = dict(changed=0, added=0, removed=0, split=0)
    ds.StartTransaction()
    for fid in range(1, count + 1):
        kind = fid % 1000
        if kind > 9:
            continue
        f = layer.GetFeature(fid)
        g = f.GetGeometryRef().Clone()
        if kind in (0, 1, 2, 3, 9):
            f.SetField("land_use", "X" + (f.GetField("land_use") or ""))
        if kind in (4, 5, 9):
            env = g.GetEnvelope()
            grown = ogr.CreateGeometryFromWkt("POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (
                env[1] - 0.5, env[2], env[1] + 1, env[2], env[1] + 1, env[3], env[1] - 0.5,
                env[3], env[1] - 0.5, env[2]))
            g = g.Union(grown)
            f.SetGeometry(g)
        if kind in (0, 1, 2, 3, 4, 5, 9):
            layer.SetFeature(f)
            expected["changed"] += 1
        elif kind == 6:
            layer.DeleteFeature(fid)
            expected["removed"] += 1
        elif kind == 7:
            env = g.GetEnvelope()
            mid = (env[0] + env[1]) / 2
            for k, (x0, x1) in enumerate(((env[0] - 1, mid), (mid, env[1] + 1))):
                box = ogr.CreateGeometryFromWkt("POLYGON((%r %r,%r %r,%r %r,%r %r,%r %r))" % (
                    x0, env[2] - 1, x1, env[2] - 1, x1, env[3] + 1, x0, env[3] + 1, x0, env[2] - 1))
                part = ogr.Feature(layer.GetLayerDefn())
                part.SetField("parcel_id", "%s-%d" % (f.GetField("parcel_id"), k + 1))
                part.SetField("land_use", f.GetField("land_use"))
                part.SetGeometry(g.Intersection(box))
                layer.CreateFeature(part)
            layer.DeleteFeature(fid)
            expected["split"] += 1
        elif kind == 8:
            copy = ogr.Feature(layer.GetLayerDefn())
            copy.SetField("parcel_id", "NEW-%d" % fid)
            copy.SetField("land_use", f.GetField("land_use"))
            moved = g.Clone()
            for i in range(moved.GetGeometryCount()):
                ring = moved.GetGeometryRef(i)
                for j in range(ring.GetPointCount()):
                    ring.SetPoint_2D(j, ring.GetX(j) + 20000, ring.GetY(j))
            copy.SetGeometry(moved)
            layer.CreateFeature(copy)
            expected["added"] += 1
    ds.CommitTransaction()
    ds = None
    expected["parcels"] = count
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
