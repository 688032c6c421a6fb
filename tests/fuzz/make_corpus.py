#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from data/sample and ../shared/realdata.

    python3 tests/fuzz/make_corpus.py [--realdata ../shared/realdata]

Run once by hand when a seed is added; the output is checked in (a few dozen small files per
target). Inputs over MAX_SEED bytes are left out. Regression inputs found by scripts/fuzz are
checked in beside the seeds under names starting with "regression-" and are never rewritten
here.
"""

import argparse
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SEP = b"\n#PARKATLAS-PART#\n"  # fuzz_support.h kPartSeparator
MAX_SEED = 24 * 1024

SAMPLE_SHP = ["boundary", "expansion", "facilities", "idle_land", "protected", "acquisition"]
REAL_SHP = [
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggypoint",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggymultipoly",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggymultipoly2",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggymultiline",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/buggymultipoint",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/nonconformant_shx_ticket5608",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/extentnan",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/bigoffset",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/emptymultipoly",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/testpointzm",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/gjmultipoly",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/multipatch",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/mixed_shape_type_non_conformant",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/arcm_with_m",
    "peer-shapefiles/gdal-autotest-2021/autotest/ogr/data/shp/testpoly",
    "peer-shapefiles/mapshaper/test/data/dbf/ldid/chinese",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/big5",
    "peer-shapefiles/mapshaper/test/data/issues/518_519_shp_reading/data_corruption_error",
    "peer-shapefiles/mapshaper/test/data/issues/invalid_coords/invalid_coordinates",
    "peer-shapefiles/mapshaper/test/data/issues/193/gauss_kruger",
    "china/ae102devedemo/Road",
]
REAL_DBF = [
    "china/arcgis-engine-practice/320100.dbf",
    "china/dongli-china-shapefiles/china_nine_dotted_line.dbf",
    "china/ae102devedemo/DLTB.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/ldid/chinese.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/win874.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/koi8r.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/utf16.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/shiftjis.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/cpg/euckr.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/latin1.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/utf8.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/big5.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/gbk.dbf",
    "peer-shapefiles/mapshaper/test/data/dbf/gb2312.dbf",
]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def find_part(base, ext):
    for e in (ext, ext.upper()):
        if os.path.exists(base + e):
            return read(base + e)
    return None


def shapefile_seed(base):
    parts = [find_part(base, e) for e in (".shp", ".shx", ".dbf", ".cpg")]
    while parts and parts[-1] is None:
        parts.pop()
    if not parts or parts[0] is None:
        return None
    return SEP.join(p or b"" for p in parts)


def write(target, name, data):
    if data is None or len(data) > MAX_SEED:
        return
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def wkb_polygon(rings):
    out = struct.pack("<BII", 1, 3, len(rings))
    for ring in rings:
        out += struct.pack("<I", len(ring)) + b"".join(struct.pack("<2d", *p) for p in ring)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--realdata", default=os.path.join(ROOT, "..", "shared", "realdata"))
    opts = parser.parse_args()
    sample = os.path.join(ROOT, "data", "sample")

    # fuzz_shapefile: sample layers (GBK DBFs) and the odd shapefiles of the real data.
    for stem in SAMPLE_SHP:
        write("fuzz_shapefile", "sample-" + stem, shapefile_seed(os.path.join(sample, "shp", stem)))
    for rel in REAL_SHP:
        write("fuzz_shapefile", "real-" + os.path.basename(rel),
              shapefile_seed(os.path.join(opts.realdata, rel)))

    # fuzz_dbf: DBFs in GBK, Big5, UTF-8, Shift-JIS … and some legacy text on its own.
    for stem in SAMPLE_SHP:
        write("fuzz_dbf", "sample-" + stem + ".dbf", read(os.path.join(sample, "shp", stem + ".dbf")))
    for rel in REAL_DBF:
        path = os.path.join(opts.realdata, rel)
        if os.path.exists(path):
            write("fuzz_dbf", "real-" + os.path.basename(rel), read(path))
    write("fuzz_dbf", "text-gbk", "青鸾湖临港经济开发区 一类工业用地 已供地".encode("gbk"))
    write("fuzz_dbf", "text-gb18030", "𠀀青鸾湖 € 开发区".encode("gb18030"))
    write("fuzz_dbf", "text-big5", "臺北市 開發區 工業用地".encode("big5"))
    write("fuzz_dbf", "text-utf8", "志远县 共盛路 滨洲线".encode("utf-8"))
    write("fuzz_dbf", "text-sjis", "とうきょう 東京都".encode("shift_jis"))

    # fuzz_project: the sample's project file and variations with rule overrides.
    project = read(os.path.join(sample, "shp.parkatlas.json"))
    write("fuzz_project", "sample-shp.parkatlas.json", project)
    write("fuzz_project", "rules.parkatlas.json", b'''{"name":"x","crs":"EPSG:4547",
 "layers":{"parcels":"a.shp","roads":{"source":"PG:dbname=x","layer":"r","crs":"EPSG:4490",
 "fields":{"width_m":"KD"}}},
 "rules":{"land_use_mismatch":{"enabled":false,"sliver_m2":2.5},
 "intensity_below_standard":{"statuses":["a"],"coverage_min":"x","far_min_default":null},
 "works_on_unacquired_land":{"stage_order":["a","b"],"acquired_from_stage":"c"},
 "outside_boundary":{"layers":[1,2],"boundary_kind":7},"bogus":{}}}''')
    write("fuzz_project", "not-object.parkatlas.json", b'[1,2,{"layers":{}}]')
    write("fuzz_project", "unknown-role.parkatlas.json", b'{"layers":{"castle":"c.shp"}}')

    # fuzz_styles: the shipped landuse.json (cut to fit) and thresholds.json.
    landuse = read(os.path.join(ROOT, "styles", "landuse.json"))
    write("fuzz_styles", "thresholds.json", read(os.path.join(ROOT, "styles", "thresholds.json")))
    write("fuzz_styles", "landuse-small.json", '''{"classes":[
 {"code":"M","system":"GB50137-2011","name":"工业用地","colour":"#BB9674"},
 {"code":"M1","system":"GB50137-2011","name":"一类工业用地","parent":"M","colour":"#C8A57E"},
 {"code":"10","system":"GTKJ2023","name":"工矿用地"},
 {"code":"1001","system":"GTKJ2023","name":"工业用地","parent":"10"},
 {"code":"100101","system":"GTKJ2023","name":"一类工业用地","parent":"1001"}],
 "crosswalk":[["M1","100101"],["M","1001"]],
 "compatible":{"M":["W1","S"],"1001":["M1"]}}'''.encode())
    write("fuzz_styles", "landuse-head.json", landuse[:MAX_SEED])

    # fuzz_geometry: byte 0 = kind * 2 + (1 for WKT).
    square = [(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)]
    gk = [(38500000 + x, 3300000 + y) for x, y in square]
    geometry = {
        "wkb-square": bytes([4]) + wkb_polygon([square]),
        "wkb-gk-with-hole": bytes([4]) + wkb_polygon([gk, [(38500010, 3300010), (38500020,
                                                       3300010), (38500020, 3300020),
                                                       (38500010, 3300010)]]),
        "wkb-point": bytes([0]) + struct.pack("<BI2d", 1, 1, 117.0, 35.0),
        "wkb-line-be": bytes([2]) + struct.pack(">BII4d", 0, 2, 2, 1, 2, 3, 4),
        "wkb-nan": bytes([4]) + wkb_polygon([[(float("nan"), 0), (1, 1), (0, 1), (0, 0)]]),
        "wkb-huge": bytes([4]) + wkb_polygon([[(1e308, 0), (-1e308, 1e308), (0, 1), (1e308, 0)]]),
        "wkb-lying-count": bytes([4]) + struct.pack("<BIII", 1, 3, 1, 0x7fffffff) + b"\0" * 32,
    }
    for name, data in geometry.items():
        write("fuzz_geometry", name, data)
    wkts = {
        "wkt-multipolygon-zm": (4, "MULTIPOLYGON ZM (((0 0 1 2,10 0 1 2,10 10 1 2,0 0 1 2)),"
                                   "((20 20 0 0,30 20 0 0,30 30 0 0,20 20 0 0)))"),
        "wkt-collection": (4, "GEOMETRYCOLLECTION (POLYGON ((0 0,1 0,1 1,0 0)),"
                              "GEOMETRYCOLLECTION (POLYGON EMPTY),POINT (1 2))"),
        "wkt-empty": (4, "POLYGON EMPTY"),
        "wkt-geographic": (4, "POLYGON ((117 35,117.01 35,117.01 35.01,117 35.01,117 35))"),
        "wkt-self-intersecting": (4, "POLYGON ((0 0,10 10,10 0,0 10,0 0))"),
        "wkt-unclosed": (4, "POLYGON ((0 0,10 0,10 10))"),
        "wkt-multiline": (2, "MULTILINESTRING ((0 0,1 1),EMPTY,(2 2,3 3,4 4))"),
        "wkt-curve": (4, "CURVEPOLYGON (CIRCULARSTRING (0 0,1 1,2 0,1 -1,0 0))"),
        "wkt-multipoint": (0, "MULTIPOINT (1 2,3 4,EMPTY)"),
        "wkt-inf": (2, "LINESTRING (inf 0,0 -inf)"),
    }
    for name, (kind, text) in wkts.items():
        write("fuzz_geometry", name, bytes([kind + 1]) + text.encode())

    # fuzz_vct: the hand-made VCT files (GBK, UTF-8; direct and indirect polygons), the broken
    # ones, and references that loop or count absurdly.
    for folder, prefix in ((os.path.join(ROOT, "tests", "data", "vct"), "vct-"),
                           (os.path.join(ROOT, "tests", "data", "bad"), "bad-")):
        for name in sorted(os.listdir(folder)):
            if name.endswith(".vct"):
                write("fuzz_vct", prefix + name, read(os.path.join(folder, name)))
    head = b"HeadBegin\r\nDataMark:LANDUSE-VCT\r\nVersion:3.0\r\nCoordinateSystemType:P\r\n" \
        b"Spheroid:CGCS2000,6378137,298.257222101\r\nParameters:114,1,500000,0,3,38\r\n" \
        b"HeadEnd\r\nFeatureCodeBegin\r\n1,a,Polygon,T\r\nFeatureCodeEnd\r\n" \
        b"TableStructureBegin\r\nT,1\r\nA,Char,4\r\n0\r\nTableStructureEnd\r\n"
    write("fuzz_vct", "cycle.vct", head + b"PolygonBegin\r\n5\r\n1\r\nx\r\n100\r\n0,0\r\n"
          b"22\r\n2\r\n6,5\r\n0\r\n6\r\n1\r\nx\r\n100\r\n0,0\r\n22\r\n1\r\n5\r\n0\r\n"
          b"PolygonEnd\r\n")
    write("fuzz_vct", "huge-counts.vct", head + b"LineBegin\r\n1\r\n1\r\nx\r\n1\r\n"
          b"2147483647\r\n11\r\n9223372036854775807\r\n0,0\r\n1,1\r\n0\r\nLineEnd\r\n"
          b"PolygonBegin\r\n2\r\n1\r\nx\r\n100\r\n0,0\r\n21\r\n99999999\r\n1,-1,0\r\n"
          b"0\r\nPolygonEnd\r\nAttributeBegin\r\nT\r\n2,abcdefgh,extra\r\nTableEnd\r\n")

    # fuzz_command_line: argument lists, NUL-separated.
    arg_lists = [
        ["parcels.shp", "--by", "land_use", "--method", "survey"],
        ["--layer=parcels", "--layer", "roads", "park.gpkg", "--format", "json"],
        ["x.shp", "--encoding", "GBK", "--s-srs", "EPSG:4547", "--per-feature"],
        ["--", "--not-an-option", "second"],
        ["x.shp", "--json=yes"],
        ["x.shp", "--method"],
        ["--help"],
        ["x", "y", "z"],
        ["-", "--by="],
        ["宗地.shp", "--by", "用地性质"],
    ]
    for i, args in enumerate(arg_lists):
        write("fuzz_command_line", "args-%02d" % i, b"\0".join(a.encode() for a in args))

    # fuzz_cad_text: drawing text (a DXF header and labels), in UTF-8 and GBK.
    labels = [
        "M1", "A-01", "B0702-1", "02-03", "B1/R2", "用地性质：M2", "地块编号：A-07",
        "容积率≤2.0", "FAR 1.2-2.5", "容积率：1.0～2.0", "1.0≤容积率≤2.0", "密度≥40%",
        "建筑密度 ≤ 60 %", "绿地率≤20%", "M1 / 2.0 / 40% / 20%", "M1\n2.0\n40%\n20%",
        "容积率\\M+5A1DC2.0", "{\\fSimSun|b0;M1}\\P{\\H2.5x;容积率≤2.0}", "\\S2.0^40%;",
        "\\M+5ZZ", "\\M+2A4A4", "H≤24m", "临港大道", "容积率≤", "FAR -", "1.2-", "%%%",
    ]
    for i, text in enumerate(labels):
        write("fuzz_cad_text", "label-%02d" % i, text.encode())
        write("fuzz_cad_text", "label-gbk-%02d" % i, text.encode("gbk", errors="replace"))
    header = ("0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\n%s\n9\n$DWGCODEPAGE\n3\n%s\n0\nENDSEC\n"
              "0\nSECTION\n2\nENTITIES\n0\nTEXT\n8\n控规标注\n10\n1\n20\n2\n1\n%s\n0\nENDSEC\n0\nEOF\n")
    for i, (version, page, text, enc) in enumerate([
            ("AC1015", "ANSI_936", "M1 容积率≤2.0", "gbk"),
            ("AC1021", "ANSI_936", "M1 容积率≤2.0", "utf-8"),
            ("AC1015", "ANSI_1252", "控规地块 一类工业用地", "gbk"),
            ("AC1015", "ANSI_936", "控规地块 一类工业用地", "utf-8"),
            ("AC1009", "", "A-01", "utf-8"),
            ("AC1032", "UTF8", "绿地率≤20%", "utf-8")]):
        write("fuzz_cad_text", "header-%02d.dxf" % i, (header % (version, page, text)).encode(enc))
    sample_dxf = os.path.join(ROOT, "data", "sample", "控规.dxf")
    if os.path.exists(sample_dxf):
        write("fuzz_cad_text", "sample-head.dxf", read(sample_dxf)[:16 * 1024])

    # fuzz_role_styles: roles.json, then landuse.json (cut to fit).
    roles = read(os.path.join(ROOT, "styles", "roles.json"))
    write("fuzz_role_styles", "shipped-roles", roles)
    write("fuzz_role_styles", "shipped-roles-and-landuse",
          roles + SEP + landuse[:MAX_SEED - len(roles) - len(SEP)])
    write("fuzz_role_styles", "not-json", b"{ roles: [")
    write("fuzz_role_styles", "wrong-types",
          b'{"order":[1,null,"parcels"],"roles":{"parcels":{"fill":42,"classes":"x",'
          b'"field":[],"label":{"field":7}},"roads":{"width_field":"width_m","stroke":{}}}}')


if __name__ == "__main__":
    main()
