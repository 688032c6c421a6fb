#!/usr/bin/env python3
"""Writes the broken inputs of tests/data/bad/ (checked in; run again only to change them).

    python3 tests/data/bad/make_bad_data.py

Each case is a small file or shapefile set that parks really send (README.md lists them and
what every command must do with each). The big cases (a 200,000-vertex polygon, 5 million
features) are not here: tests/cli/bad_inputs.py generates them at test time with the writer
below (shapefile.py's write_shapefile).
"""

import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from shapefile_writer import write_shapefile  # noqa: E402

GK_PRJ = ('PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
          'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
          'UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],'
          'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
          'PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],'
          'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def square(x, y, size=100.0):
    """Clockwise (a shapefile's outer ring), closed."""
    return [(x, y), (x, y + size), (x + size, y + size), (x + size, y), (x, y)]


def base(stem):
    return os.path.join(HERE, stem)


def three_parcels(stem, **kw):
    rings = [[square(500000 + 200 * i, 3900000)] for i in range(3)]
    rows = [("P%d" % (i + 1), "M1") for i in range(3)]
    write_shapefile(base(stem), 5, rings, [("ZDDM", 10), ("YDDM", 6)], rows, prj=GK_PRJ, **kw)


def cut(path, keep):
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:keep] if keep >= 0 else data[:len(data) + keep])


def main():
    # A good reference: three 100 m squares = 3 × 15 mu = 45 mu.
    three_parcels("good_parcels")

    # Truncated parts.
    three_parcels("truncated_shp")
    cut(base("truncated_shp") + ".shp", -60)      # the last record loses its tail
    three_parcels("truncated_shx")
    cut(base("truncated_shx") + ".shx", 100 + 8 + 4)  # header, one entry, half an entry
    three_parcels("truncated_dbf")
    cut(base("truncated_dbf") + ".dbf", -10)      # the last row loses its tail (and 0x1A)

    # Zero-byte files.
    three_parcels("zero_shp")
    cut(base("zero_shp") + ".shp", 0)
    three_parcels("zero_shx")
    cut(base("zero_shx") + ".shx", 0)
    three_parcels("zero_dbf")
    cut(base("zero_dbf") + ".dbf", 0)
    for name in ("zero.gpkg", "zero.geojson"):
        open(base(name), "wb").close()

    # The DBF says it has 4,294,967,040 records; it has 3.
    three_parcels("lying_count_dbf")
    with open(base("lying_count_dbf") + ".dbf", "r+b") as f:
        f.seek(4)
        f.write(struct.pack("<I", 0xFFFFFF00))

    # A .prj that means nothing.
    three_parcels("nonsense_prj")
    with open(base("nonsense_prj") + ".prj", "wb") as f:
        f.write(b'PROJCS["\xc4\xe3\xba\xc3",GEOGCS[oops,UNIT[banana]]]]]\x00\xff')

    # Coordinates: NaN, infinite, 1e308 (each in the second of three parcels).
    for stem, bad in (("nan_coords", float("nan")), ("inf_coords", float("inf")),
                      ("huge_coords", 1e308)):
        rings = [[square(500000, 3900000)],
                 [[(500200, 3900000), (bad, 3900100), (500300, 3900100), (500300, 3900000),
                   (500200, 3900000)]],
                 [square(500400, 3900000)]]
        write_shapefile(base(stem), 5, rings, [("ZDDM", 10)], [("P1",), ("P2",), ("P3",)],
                        prj=GK_PRJ)

    # Rings: unclosed, self-intersecting (a bow tie), empty (a part with no points, and a
    # record with no parts at all).
    write_shapefile(base("unclosed_ring"), 5,
                    [[square(500000, 3900000)[:-1]], [square(500200, 3900000)]],
                    [("ZDDM", 10)], [("P1",), ("P2",)], prj=GK_PRJ)
    bowtie = [(500000, 3900000), (500100, 3900100), (500100, 3900000), (500000, 3900100),
              (500000, 3900000)]
    write_shapefile(base("self_intersecting"), 5, [[bowtie], [square(500200, 3900000)]],
                    [("ZDDM", 10)], [("P1",), ("P2",)], prj=GK_PRJ)
    write_shapefile(base("empty_rings"), 5, [[[]], [], [square(500200, 3900000)]],
                    [("ZDDM", 10)], [("P1",), ("P2",), ("P3",)], prj=GK_PRJ)

    # One DBF, two encodings: GBK rows and a UTF-8 row.
    owner = "武汉天通机电设备有限公司"
    write_shapefile(base("mixed_encodings"), 5, [[square(500000 + 200 * i, 3900000)]
                                                  for i in range(3)],
                    [("ZDDM", 10), ("QLR", 40)],
                    [(b"P1", owner.encode("gbk")), (b"P2", owner.encode("utf-8")),
                     (b"P3", "青鸾湖".encode("gbk"))], prj=GK_PRJ)

    # Not what the name says.
    with open(base("not_sqlite.gpkg"), "wb") as f:
        f.write(b"This is not a GeoPackage, it is a note a park office saved as .gpkg.\n" * 3)
    with open(base("broken.geojson"), "wb") as f:
        f.write(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                b'{"name":"\xe5\xae\x97\xe5\x9c\xb0"},"geometry":{"type":"Polygon",'
                b'"coordinates":[[[117.0,35.0],[117.001,35.0],[117.001,35.0')


if __name__ == "__main__":
    main()
