"""A small shapefile writer (standard library only) for broken and big test inputs: it writes
exactly the bytes asked for, including rings that no proper writer would produce."""

import math
import shutil
import struct


def _bbox(points):
    if not points:
        return (0.0, 0.0, 0.0, 0.0)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def write_shapefile(base, shape_type, shapes, fields, rows, prj=None, cpg=None):
    """base.shp/.shx/.dbf (+ .prj/.cpg). shape_type 1 (points: each shape an (x, y)), 3 or 5
    (each shape a list of parts, a part a list of (x, y); [] is a null shape). `fields` are
    (name, width) character fields, `rows` tuples of str or bytes (str written as UTF-8)."""
    records = []
    everything = []
    for shape in shapes:
        if shape_type == 1:
            records.append(struct.pack("<i2d", 1, *shape))
            everything.append(shape)
            continue
        if not shape:
            records.append(struct.pack("<i", 0))
            continue
        points = [p for part in shape for p in part]
        everything.extend(points)
        starts, n = [], 0
        for part in shape:
            starts.append(n)
            n += len(part)
        rec = struct.pack("<i4d2i", shape_type, *_bbox(points), len(shape), len(points))
        rec += struct.pack("<%di" % len(starts), *starts)
        rec += b"".join(struct.pack("<2d", *p) for p in points)
        records.append(rec)
    box = _bbox([p for p in everything if all(abs(c) < 1e300 for c in p)])
    shp, shx = [], []
    offset = 50
    for i, rec in enumerate(records):
        shp.append(struct.pack(">2i", i + 1, len(rec) // 2) + rec)
        shx.append(struct.pack(">2i", offset, len(rec) // 2))
        offset += 4 + len(rec) // 2

    def header(words):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, words) +
                struct.pack("<2i", 1000, shape_type) + struct.pack("<4d", *box) + b"\0" * 32)

    body = b"".join(shp)
    with open(base + ".shp", "wb") as f:
        f.write(header(50 + len(body) // 2) + body)
    with open(base + ".shx", "wb") as f:
        f.write(header(50 + 4 * len(shx)) + b"".join(shx))
    write_dbf(base + ".dbf", fields, rows)
    if prj is not None:
        with open(base + ".prj", "w") as f:
            f.write(prj)
    if cpg is not None:
        with open(base + ".cpg", "w") as f:
            f.write(cpg)


def write_dbf(path, fields, rows, count=None):
    record_len = 1 + sum(w for _n, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    n = len(rows) if count is None else count
    out = [struct.pack("<B3BIHH", 3, 124, 1, 1, n, header_len, record_len), b"\0" * 20]
    for name, width in fields:
        out.append(name.encode().ljust(11, b"\0")[:11] + b"C" + b"\0" * 4 +
                   bytes([width, 0]) + b"\0" * 14)
    out.append(b"\r")
    for row in rows:
        cells = [(v.encode() if isinstance(v, str) else v).ljust(w, b" ")[:w]
                 for v, (_n, w) in zip(row, fields)]
        out.append(b" " + b"".join(cells))
    out.append(b"\x1a")
    with open(path, "wb") as f:
        f.write(b"".join(out))


def write_many_triangles(base, count, prj=None):
    """`count` closed right triangles of 1 m² legs (0.5 m² each), on a grid 2 m apart, in
    EPSG:4548 coordinates; `prj` is a .prj file to copy beside them."""
    side = int(math.ceil(math.sqrt(count)))
    head = struct.Struct(">2i")
    body = struct.Struct("<i4d2ii8d")
    index = struct.Struct(">2i")
    content_words = body.size // 2
    shp = bytearray(100 + count * (8 + body.size))
    shx = bytearray(100 + count * 8)
    at, offset = 100, 50
    for i in range(count):
        x = 500000.0 + 2.0 * (i % side)
        y = 3900000.0 + 2.0 * (i // side)
        head.pack_into(shp, at, i + 1, content_words)
        body.pack_into(shp, at + 8, 5, x, y, x + 1, y + 1, 1, 4, 0,
                       x, y, x, y + 1, x + 1, y, x, y)
        index.pack_into(shx, 100 + 8 * i, offset, content_words)
        at += 8 + body.size
        offset += 4 + content_words
    box = (500000.0, 3900000.0, 500000.0 + 2 * side, 3900000.0 + 2 * side)
    for path, data in ((base + ".shp", shp), (base + ".shx", shx)):
        data[0:100] = header(len(data) // 2, 5, box)
        with open(path, "wb") as f:
            f.write(data)
    # One one-character field: 2 bytes a row.
    with open(base + ".dbf", "wb") as f:
        f.write(struct.pack("<B3BIHH", 3, 124, 1, 1, count, 65, 2) + b"\0" * 20)
        f.write(b"K".ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([1, 0]) + b"\0" * 14 + b"\r")
        f.write(b" 1" * count + b"\x1a")
    if prj is not None:
        shutil.copyfile(prj, base + ".prj")
    return count * 0.5


def header(words, shape_type, box):
    return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, words) +
            struct.pack("<2i", 1000, shape_type) + struct.pack("<4d", *box) + b"\0" * 32)


def write_shp(base, shape_type, records, box):
    shp, shx, offset = [], [], 50
    for i, rec in enumerate(records):
        shp.append(struct.pack(">2i", i + 1, len(rec) // 2) + rec)
        shx.append(struct.pack(">2i", offset, len(rec) // 2))
        offset += 4 + len(rec) // 2
    body = b"".join(shp)
    with open(base + ".shp", "wb") as f:
        f.write(header(50 + len(body) // 2, shape_type, box) + body)
    with open(base + ".shx", "wb") as f:
        f.write(header(50 + 4 * len(shx), shape_type, box) + b"".join(shx))
