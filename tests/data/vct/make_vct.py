#!/usr/bin/env python3
"""Writes the hand-made VCT files (GB/T 17798-2007, LANDUSE-VCT 3.0 layout) of tests/data/vct/
and the broken ones of tests/data/bad/ (checked in; run again only to change them):

    python3 tests/data/vct/make_vct.py

Text is GBK with CRLF line ends, as the land-survey exporters write it. Coordinates are
CGCS2000 3-degree Gauss-Krüger, central meridian 114°E; every square is 100 m (15 mu)."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.normpath(os.path.join(HERE, "..", "bad"))
X0, Y0 = 500000.0, 3374000.0


def head(false_easting, extra=()):
    lines = [
        "HeadBegin",
        "DataMark:LANDUSE-VCT",
        "Version:3.0",
        "CoordinateSystemType:P",
        "Dim:2",
        "XAxisDirection:E",
        "YAxisDirection:N",
        "XYUnit:M",
        "Spheroid:CGCS2000,6378137.0,298.257222101",
        "PrimeMeridian:Greenwich",
        "Projection:高斯-克吕格投影",
        "Parameters:114,1,%d,0,3,38" % false_easting,
        "VerticalDatum:1985国家高程基准",
        "TemporalReferenceSystem:北京时间",
        "ExtentMin:%.3f,%.3f" % (false_easting - 500000 + X0, Y0),
        "ExtentMax:%.3f,%.3f" % (false_easting - 500000 + X0 + 300, Y0 + 300),
        "MapScale:2000",
        "Offset:0,0",
        "Date:20240630",
        "Separator:,",
    ]
    lines += list(extra)
    lines.append("HeadEnd")
    return lines + [""]


def fmt(x, y):
    return "%.3f,%.3f" % (x, y)


def square(x, y, size=100.0, clockwise=False):
    pts = [(x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y)]
    return list(reversed(pts)) if clockwise else pts


def direct_polygon(oid, code, rings, label):
    out = [str(oid), code, "Unknown", "1", fmt(*label), str(len(rings))]
    for ring in rings:
        out += ["11", str(len(ring))] + [fmt(*p) for p in ring]
    return out + ["0", ""]


def line_object(oid, code, segments):
    out = [str(oid), code, "Unknown", "1", str(len(segments))]
    for seg in segments:
        out += ["11", str(len(seg))] + [fmt(*p) for p in seg]
    return out + ["0", ""]


def indirect_polygon(oid, code, label, refs, subtype=21):
    out = [str(oid), code, "Unknown", "100", fmt(*label), str(subtype), str(len(refs))]
    for i in range(0, len(refs), 3):  # three to a line, to test lists over several lines
        out.append(",".join(str(r) for r in refs[i:i + 3]))
    return out + ["0", ""]


def write(path, lines, encoding="gbk", bom=b""):
    data = bom + "\r\n".join(lines).encode(encoding)
    with open(path, "wb") as f:
        f.write(data)


def direct_file(false_easting):
    dx = false_easting - 500000
    X = X0 + dx
    lines = head(false_easting)
    lines += [
        "FeatureCodeBegin",
        "1001000000,地类图斑,Polygon,0,0,0,DLTB",
        "2001010000,控制点,Point,0,0,0,KZD",
        "1002000000,线状地物,Line,0,0,0,XZDW",
        "2003010000,注记,Annotation,0,0,0,ZJ",
        "FeatureCodeEnd", "",
        "TableStructureBegin",
        "DLTB,8", "BSM,Int4", "YSDM,Char,10", "TBBH,Char,8", "DLBM,Char,5", "DLMC,Char,60",
        "QSDWMC,Char,255", "TBMJ,Float,19,2", "GXSJ,Date,8", "0",
        "KZD,3", "BSM,Int4", "KZDMC,Char,50", "GC,Double,10,3", "0",
        "XZDW,3", "BSM,Int8", "DLMC,Char,60", "KD,Float,6,1", "0",
        "ZJ,2", "BSM,Int4", "ZJNR,Char,100", "0",
        "QSDWDMB,3,NoneGeometry", "QSDWDM,Char,19", "QSDWMC,Char,255", "DWLX,Int2", "0",
        "TableStructureEnd", "",
        "PointBegin",
        "201", "2001010000", "Unknown", "1", "1", fmt(X + 10, Y0 + 10), "0", "",
        "202", "2001010000", "Unknown", "1", fmt(X + 290, Y0 + 290), "0", "",
        "PointEnd", "",
        "LineBegin",
    ]
    lines += line_object(301, "1002000000", [[(X, Y0 + 200), (X + 100, Y0 + 200),
                                               (X + 100, Y0 + 250)]])
    lines += line_object(302, "1002000000", [[(X, Y0 + 260), (X + 50, Y0 + 260)],
                                              [(X + 60, Y0 + 260), (X + 90, Y0 + 260)]])
    lines += ["LineEnd", "", "PolygonBegin"]
    # 101: a square with a 20 m hole (9600 m²); 102: a square drawn clockwise (10000 m²);
    # 103: two 50 m squares (5000 m²).
    hole = [(X + 40, Y0 + 40), (X + 40, Y0 + 60), (X + 60, Y0 + 60), (X + 60, Y0 + 40),
            (X + 40, Y0 + 40)]
    lines += direct_polygon(101, "1001000000", [square(X, Y0), hole], (X + 10, Y0 + 10))
    lines += direct_polygon(102, "1001000000", [square(X + 100, Y0, clockwise=True)],
                            (X + 150, Y0 + 50))
    lines += direct_polygon(103, "1001000000", [square(X + 200, Y0, 50),
                                                 square(X + 250, Y0 + 50, 50)],
                            (X + 225, Y0 + 25))
    lines += ["PolygonEnd", "", "AnnotationBegin",
              "401", "2003010000", "Unknown", "1", "光谷工业园", fmt(X + 50, Y0 + 150) + ",15.5",
              "0", "",
              "AnnotationEnd", "",
              "AttributeBegin",
              "DLTB",
              "101,1,1001000000,0001,0601,工业用地,武汉光谷村民委员会，一组,9600.00,20240630",
              "102,2,1001000000,0002,0702,农村宅基地,武汉光谷村民委员会,10000.00,20231231",
              "103,3,1001000000,0003,1003,公路用地,,5000.00,",
              "TableEnd",
              "KZD", "201,11,一号控制点,21.500", "202,12,二号控制点,22.125", "TableEnd",
              "XZDW", "301,21,农村道路,6.5", "302,9000000000,沟渠,2.0", "TableEnd",
              "ZJ", "401,31,光谷工业园", "TableEnd",
              "QSDWDMB",
              "1,420115001001,武汉光谷村民委员会,1",
              "2,420115001002,光谷二村,2",
              "TableEnd",
              "AttributeEnd", ""]
    return lines


def indirect_file():
    X = X0
    P = lambda x, y: (X + x, Y0 + y)  # noqa: E731
    lines = head(500000)
    lines += [
        "FeatureCodeBegin",
        "6001000000,宗地,Polygon,0,0,0,ZD",
        "6002000000,界址线,Line,0,0,0,JZX",
        "1000600100,行政区,Polygon,0,0,0,XZQ",
        "FeatureCodeEnd", "",
        "TableStructureBegin",
        "ZD,5", "ZDDM,Char,19", "QLR,Char,100", "YT,Char,4", "ZDMJ,Double,15,2",
        "DJSJ,Date,8", "0",
        "JZX,2", "BSM,Int4", "JZXLB,Char,2", "0",
        "XZQ,2", "XZQDM,Char,12", "XZQMC,Char,100", "0",
        "TableStructureEnd", "",
        "LineBegin",
    ]
    segs = {
        1: [P(0, 0), P(100, 0)],
        2: [P(100, 0), P(100, 100)],  # shared by both parcels
        3: [P(100, 100), P(0, 100)],
        4: [P(0, 100), P(0, 0)],
        5: [P(100, 0), P(200, 0)],
        6: [P(200, 0), P(200, 100)],
        7: [P(200, 100), P(100, 100)],
        8: [P(40, 40), P(40, 60), P(60, 60), P(60, 40), P(40, 40)],  # a hole, one closed line
    }
    for oid, seg in segs.items():
        lines += line_object(oid, "6002000000", [seg])
    lines += ["LineEnd", "", "PolygonBegin"]
    # 501: lines 1-4 and, after the ring separator 0, the hole 8 (9600 m²).
    lines += indirect_polygon(501, "6001000000", P(10, 10), [1, 2, 3, 4, 0, 8])
    # 502: the shared line 2 reversed (10000 m²).
    lines += indirect_polygon(502, "6001000000", P(150, 50), [5, 6, 7, -2])
    # 503: the district made of both parcels (19600 m²).
    lines += indirect_polygon(503, "1000600100", P(100, 50), [501, 502], subtype=22)
    lines += ["PolygonEnd", "", "AttributeBegin",
              "ZD",
              "501,420115001001GB00001,武汉光谷科技有限公司,0601,9600.00,20230115",
              "502,420115001001GB00002,张三，李四,0602,10000.00,20220701",
              "TableEnd",
              "JZX"] + ["%d,%d,%s" % (oid, oid, "01" if oid != 2 else "02") for oid in segs] + [
              "TableEnd",
              "XZQ", "503,420115,光谷开发区", "TableEnd",
              "AttributeEnd", ""]
    return lines


def zd_squares(refs_of_third, truncate=False, bad_numbers=False):
    """Three 100 m parcels (ZD) made of lines; the third's references are given."""
    P = lambda x, y: (X0 + x, Y0 + y)  # noqa: E731
    lines = head(500000)
    lines += ["FeatureCodeBegin", "6001000000,宗地,Polygon,0,0,0,ZD", "FeatureCodeEnd", "",
              "TableStructureBegin", "ZD,3", "ZDDM,Char,19", "QLR,Char,100", "ZDMJ,Float,15,2",
              "0", "TableStructureEnd", "", "LineBegin"]
    oid = 1
    for i in range(3):
        x = 200.0 * i
        lines += line_object(oid, "6099000000", [[P(x, 0), P(x + 100, 0), P(x + 100, 100),
                                                  P(x, 100), P(x, 0)]])
        oid += 1
    if bad_numbers:
        lines[-4] = "abc,%.3f" % Y0  # a coordinate of the third parcel's line
    lines += ["LineEnd", "", "PolygonBegin"]
    lines += indirect_polygon(11, "6001000000", P(50, 50), [1])
    lines += indirect_polygon(12, "6001000000", P(250, 50), [2])
    lines += indirect_polygon(13, "6001000000", P(450, 50), refs_of_third)
    lines += ["PolygonEnd", "", "AttributeBegin", "ZD",
              "11,420115001001GB00011,甲公司,10000.00",
              "12,420115001001GB00012,乙公司,%s" % ("12x" if bad_numbers else "10000.00"),
              "13,420115001001GB00013,丙公司,10000.00",
              "TableEnd", "AttributeEnd", ""]
    if truncate:
        # Cut in the middle of the third polygon: no end of section, no attributes.
        at = lines.index("13")
        lines = lines[:at + 5]
    return lines


def main():
    write(os.path.join(HERE, "direct_zone_prefix.vct"), direct_file(38500000))
    write(os.path.join(HERE, "direct_no_prefix.vct"), direct_file(500000))
    write(os.path.join(HERE, "direct_utf8.vct"), direct_file(38500000), encoding="utf-8")
    write(os.path.join(HERE, "indirect.vct"), indirect_file())

    write(os.path.join(BAD, "vct_good.vct"), zd_squares([3]))
    write(os.path.join(BAD, "vct_missing_line.vct"), zd_squares([99]))
    write(os.path.join(BAD, "vct_truncated.vct"), zd_squares([3], truncate=True))
    write(os.path.join(BAD, "vct_bad_numbers.vct"), zd_squares([3], bad_numbers=True))
    # A UTF-8 byte-order mark in front of GBK text.
    write(os.path.join(BAD, "vct_lying_bom.vct"), zd_squares([3]), bom=b"\xef\xbb\xbf")
    write(os.path.join(BAD, "vct_no_head.vct"), zd_squares([3])[len(head(500000)):])
    open(os.path.join(BAD, "vct_empty.vct"), "wb").close()


if __name__ == "__main__":
    main()
