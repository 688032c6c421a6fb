"""Group `sheet`: `parkatlas sheet` (宗地图 and 界址点成果表) on the sample park and on real data.
The PDF is read back with pdftotext (every boundary point, its coordinates to the millimetre,
every edge length, the area as `area` measures it, the 四至 checked by hand on the sample map);
one sample sheet rendered by pdftoppm is compared with a control image; bad input (an unknown
id, a layer of lines, a --where that selects nothing) gets a clear error; a plot of 2 000
vertices continues its table on further pages; a run over every plot stops on Ctrl-C."""

import json
import math
import os
import re
import shutil
import signal
import subprocess
import time

import run_cli_tests as cli

HERE = os.path.dirname(os.path.abspath(__file__))
CONTROL = os.path.join(HERE, "data", "sheet_QL2011-001.png")

# The sample plot whose 四至 was checked by hand on the sample map (data/sample/park.gpkg):
# its neighbours on each side, as the sheet names them.
SAMPLE_ID = "QL2011-001"
SAMPLE_SIDES = {"东至": ["QL2011-002"], "南至": ["沿江大道"], "西至": ["经一路"],
                "北至": ["QL2011-004", "QL2011-005"]}


def pdf_text(path):
    done = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True)
    return done.stdout


def pdf_pages(path):
    done = subprocess.run(["pdfinfo", path], capture_output=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", done.stdout, re.M)
    return int(match.group(1)) if match else 0


def plot_rings(gpkg, layer, where):
    """The rings of the features `where` selects, through ogr2ogr (GeoJSON on stdout)."""
    done = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", gpkg, layer, "-where",
                           where], capture_output=True, text=True)
    doc = json.loads(done.stdout)
    rings = []
    for feature in doc["features"]:
        geometry = feature["geometry"]
        polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                    else geometry["coordinates"])
        for polygon in polygons:
            rings.extend(polygon)
    return rings, doc["features"]


def clockwise_from_north_west(ring):
    """The surveyors' numbering, computed independently: distinct points clockwise from the
    vertex nearest the ring's north-west corner (ties: north, then west)."""
    points = [tuple(p[:2]) for p in ring]
    if points[0] == points[-1]:
        points = points[:-1]
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    if area > 0:
        points.reverse()
    min_x = min(x for x, _ in points)
    max_y = max(y for _, y in points)
    start = min(range(len(points)),
                key=lambda i: (round(math.hypot(points[i][0] - min_x, max_y - points[i][1]), 9),
                               -points[i][1], points[i][0]))
    return points[start:] + points[:start]


def group_sheet(t):
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return cli.SKIP
    if t.run("sheet", "--help").rc != 0:
        print("SKIP: this parkatlas has no sheet command (built without the page engine)")
        return cli.SKIP
    for tool in ("pdftotext", "pdftoppm", "pdfinfo", "ogr2ogr"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (poppler-utils, gdal-bin)" % tool)
            return cli.SKIP
    work = t.opts.work
    before = cli.snapshot(sample)

    # -- one plot, read back
    t.context = "sheet --id %s" % SAMPLE_ID
    pdf = os.path.join(work, "one.pdf")
    run = t.run("sheet", gpkg, "--id", SAMPLE_ID, "--out", pdf, "--org", "青鸾湖自然资源所",
                "--date", "2026年12月4日", timeout=60)
    if t.sane_exit(run, 0) and t.check(os.path.isfile(pdf), "the PDF is there", run):
        text = pdf_text(pdf)
        flat = re.sub(r"\s+", "", text)
        t.check(pdf_pages(pdf) == 1, "one page for a plot of a few points")
        t.check("宗地图" in flat and SAMPLE_ID in flat, "the title and the plot number")
        t.check("武汉天通机电设备有限公司" in flat, "the owner")
        t.check("二类工业用地" in flat and "M2" in flat,
                "the land use named in the parcels' classification (M2 二类工业用地)")
        t.check("界址点成果表" in flat and "X为纵坐标" in flat, "the coordinate table says X is north")
        t.check("青鸾湖自然资源所" in flat and "2026年12月4日" in flat, "organisation and date")
        t.check("制图：" in flat and "审核：" in flat, "the blank signature fields")
        t.check("EPSG:4547" in flat, "the CRS")
        t.check(re.search(r"比例尺1:(1|15|2|25|3|4|5|6|8)0*(?!\d)", flat) is not None,
                "a round scale")
        rings, features = plot_rings(gpkg, "parcels", "parcel_id = '%s'" % SAMPLE_ID)
        number = 1
        for ring in rings:
            points = clockwise_from_north_west(ring)
            for i, (x, y) in enumerate(points):
                name = "J%d" % number
                nx, ny = points[(i + 1) % len(points)]
                length = "%.2f" % math.hypot(nx - x, ny - y)
                # One table row: point, X (north), Y (east), length to the next point.
                row = re.search(r"(?<![\dJ])%s\s+%.3f\s+%.3f\s+%s" % (name, y, x, re.escape(length)),
                                text)
                t.check(row is not None, "the table row of %s: X %.3f, Y %.3f, edge %s" %
                        (name, y, x, length))
                number += 1
        # The area as `parkatlas area` measures it (the project's one area method).
        area = t.run("area", gpkg, "--layer", "parcels", "--per-feature", "--format", "json")
        if t.sane_exit(area, 0):
            doc = area.json()
            layer = doc["layers"][0] if isinstance(doc.get("layers"), list) else \
                list(doc["layers"].values())[0]
            import sqlite3
            with sqlite3.connect("file:%s?mode=ro" % gpkg, uri=True) as db:
                found = db.execute("SELECT fid FROM parcels WHERE parcel_id = ?",
                                   (SAMPLE_ID,)).fetchone()
            fid = found[0] if found else None
            mine = [f for f in layer["features"] if f["fid"] == fid] if fid is not None else []
            if t.check(len(mine) == 1, "area finds the plot's fid %s" % fid):
                shown_m2 = "%.2fm²" % mine[0]["area_m2"]
                shown_mu = "%.4f亩" % mine[0]["area_mu"]
                t.check(shown_m2 in flat and shown_mu in flat,
                        "the area %s (%s) is the one `area` measures" % (shown_m2, shown_mu))
        for side, names in (SAMPLE_SIDES or {}).items():
            got = re.search(side + r"(.*?)(?:东至|南至|西至|北至|界址点成果表|$)", flat)
            listed = got.group(1).split("、") if got else []
            t.check(len(listed) == len(names) and all(n in got.group(1) for n in names),
                    "%s names %s (got %s)" % (side, "、".join(names),
                                             got.group(1)[:80] if got else None))

        # -- pixels: the page as pdftoppm draws it, against the control image
        ppm = os.path.join(work, "one")
        subprocess.run(["pdftoppm", "-r", "60", "-singlefile", pdf, ppm], check=False)
        if t.check(os.path.isfile(ppm + ".ppm"), "pdftoppm renders the sheet"):
            if os.environ.get("PARKATLAS_WRITE_CONTROL") == "1":
                subprocess.run(["pdftoppm", "-r", "60", "-singlefile", "-png", pdf,
                                CONTROL[:-4]], check=True)
            if t.check(os.path.isfile(CONTROL), "the control image is there (%s)" % CONTROL):
                difference = cli.block_difference(cli.ppm_pixels(ppm + ".ppm"),
                                                  cli.png_pixels(CONTROL))
                t.check(difference is not None and difference < 0.01,
                        "the rendered sheet matches the control image (%s of 8×8 blocks "
                        "differ; at most 1 %%)" % difference)

    # -- the coordinate table alone, as CSV and XLSX
    t.context = "sheet --format csv|xlsx"
    csv_path = os.path.join(work, "table.csv")
    run = t.run("sheet", gpkg, "--id", SAMPLE_ID, "--format", "csv", "--out", csv_path)
    if t.sane_exit(run, 0):
        with open(csv_path, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
        rings, _ = plot_rings(gpkg, "parcels", "parcel_id = '%s'" % SAMPLE_ID)
        points = clockwise_from_north_west(rings[0])
        expected = ["J%d,%.3f,%.3f,%.2f" % (i + 1, y, x, math.hypot(
            points[(i + 1) % len(points)][0] - x, points[(i + 1) % len(points)][1] - y))
            for i, (x, y) in enumerate(points)]
        expected.append("J1,%.3f,%.3f," % (points[0][1], points[0][0]))
        rows = [line for line in lines if line.startswith("J")]
        t.check(rows == expected, "the CSV rows are the points, clockwise from the north-west "
                "(got %s, expected %s)" % (rows, expected), run)
        t.check(any("EPSG:4547" in line for line in lines), "the CSV names the CRS")
    xlsx_path = os.path.join(work, "table.xlsx")
    run = t.run("sheet", gpkg, "--where", "parcel_id LIKE 'QL2011-00%'", "--format", "xlsx",
                "--out", xlsx_path)
    if t.sane_exit(run, 0):
        sheets = cli.xlsx_sheets(xlsx_path)
        t.check(len(sheets) == 9, "one worksheet a plot (got %d)" % len(sheets), run)

    # -- bad input
    t.context = "sheet bad input"
    run = t.run("sheet", gpkg, "--id", "NO-SUCH-PLOT", "--out", os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("NO-SUCH-PLOT" in run.err and "parcel_id" in run.err and "park.gpkg" in run.err,
            "an unknown id is named, with the id field and the file", run)
    t.check(not os.path.exists(os.path.join(work, "x.pdf")), "nothing is written", run)
    run = t.run("sheet", gpkg, "--layer", "roads", "--out", os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("roads" in run.err and "line" in run.err.lower(),
            "a layer of lines is refused, naming it", run)
    run = t.run("sheet", gpkg, "--where", "parcel_id = 'nothing'", "--out",
                os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("selects no plot" in run.err and "nothing" in run.err, "an empty --where", run)
    run = t.run("sheet", gpkg, "--where", "no_such_field = 1", "--out",
                os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("--where" in run.err and "no_such_field" in run.err, "a broken --where", run)
    run = t.run("sheet", gpkg, "--out", os.path.join(work, "x.png"))
    t.sane_exit(run, 2)
    t.check(".pdf" in run.err, "--out must be a PDF or a folder", run)
    t.check(not os.path.exists(os.path.join(work, "x.pdf")), "nothing is written")

    # -- a folder of sheets chosen by --where
    t.context = "sheet --where … --out DIR/"
    folder = os.path.join(work, "sheets") + "/"
    run = t.run("sheet", gpkg, "--where", "parcel_id LIKE 'QL2011-00%'", "--out", folder,
                timeout=120)
    if t.sane_exit(run, 0):
        names = sorted(os.listdir(folder))
        t.check(names == ["QL2011-00%d.pdf" % k for k in range(1, 10)],
                "one PDF per plot, named after its id (got %s)" % names, run)

    # -- a plot of 2 000 vertices: the table continues on further pages
    t.context = "sheet of a 2 000-vertex plot"
    park = os.path.join(work, "round")
    os.makedirs(park)
    ring = [[500000 + 300 * math.cos(2 * math.pi * k / 2000),
             3375000 + 300 * math.sin(2 * math.pi * k / 2000)] for k in range(2000)]
    ring.append(ring[0])
    with open(os.path.join(park, "parcels.geojson"), "w") as fh:
        json.dump({"type": "FeatureCollection",
                   "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
                   "features": [{"type": "Feature",
                                 "properties": {"parcel_id": "ROUND-1", "owner": "圆形公司"},
                                 "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, fh)
    big = os.path.join(work, "round.pdf")
    run = t.run("sheet", park, "--out", big, timeout=120)
    if t.sane_exit(run, 0):
        text = re.sub(r"\s+", "", pdf_text(big))
        pages = pdf_pages(big)
        t.check(pages >= 10, "2 000 rows take further pages (%d pages)" % pages, run)
        t.check(all(("J%d" % k) in text for k in (1, 500, 1000, 1999, 2000)),
                "every point is in the table, J2000 too")
        t.check("第1页/共%d页" % pages in text, "pages are numbered")

    # -- an invalid plot (a bow tie) and one with a hole: drawn, the problem printed on it
    t.context = "sheet of an invalid plot and a plot with a hole"
    odd = os.path.join(work, "odd")
    os.makedirs(odd)
    e0, n0 = 500000, 3375000
    bow = [[e0, n0], [e0 + 100, n0 + 100], [e0 + 100, n0], [e0, n0 + 100], [e0, n0]]
    outer = [[e0 + 300, n0], [e0 + 400, n0], [e0 + 400, n0 + 100], [e0 + 300, n0 + 100],
             [e0 + 300, n0]]
    hole = [[e0 + 340, n0 + 40], [e0 + 340, n0 + 60], [e0 + 360, n0 + 60], [e0 + 360, n0 + 40],
            [e0 + 340, n0 + 40]]
    with open(os.path.join(odd, "parcels.geojson"), "w") as fh:
        json.dump({"type": "FeatureCollection",
                   "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4547"}},
                   "features": [
                       {"type": "Feature", "properties": {"parcel_id": "BOW", "owner": "甲"},
                        "geometry": {"type": "Polygon", "coordinates": [bow]}},
                       {"type": "Feature", "properties": {"parcel_id": "HOLE", "owner": "乙"},
                        "geometry": {"type": "Polygon", "coordinates": [outer, hole]}}]}, fh)
    out = os.path.join(work, "odd.pdf")
    run = t.run("sheet", odd, "--out", out, timeout=60)
    if t.sane_exit(run, 0):
        text = pdf_text(out)
        flat = re.sub(r"\s+", "", text)
        t.check("图形问题" in flat and "Self-intersection" in flat,
                "the bow tie's sheet says what is wrong with it", run)
        # The hole's points follow the exterior's: J5 at the hole's north-west corner, clockwise.
        t.check(re.search(r"J5\s+3375060\.000\s+500340\.000\s+20\.00", text) is not None and
                re.search(r"J6\s+3375060\.000\s+500360\.000", text) is not None,
                "the hole is numbered on from J5, clockwise from its north-west corner", run)
        t.check("内环" in flat, "the table marks the hole's ring")
        t.check(pdf_pages(out) == 2, "one page a sheet")

    # -- every plot, cancelled part way (Ctrl-C)
    t.context = "sheet of every plot, interrupted"
    many = os.path.join(work, "many") + "/"
    proc = subprocess.Popen([t.binary, "sheet", gpkg, "--out", many],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, LC_ALL="C.UTF-8"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if os.path.isdir(many) and len(os.listdir(many)) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    written = len(os.listdir(many)) if os.path.isdir(many) else 0
    t.check(proc.returncode == 130, "Ctrl-C stops it with exit 130 (got %s; %s)" %
            (proc.returncode, err.decode("utf-8", "replace")[-300:]))
    t.check(3 <= written < 498, "it stopped part way (%d of 498 sheets)" % written)
    t.check(not any(n.startswith(".") or not n.endswith(".pdf") for n in os.listdir(many)),
            "no temporary file is left behind")

    # -- a park in degrees: the sheet proposes the plots' Gauss-Krüger zone and says so
    t.context = "sheet of a park in degrees (EPSG:4490)"
    degrees = os.path.join(work, "degrees")
    os.makedirs(degrees)
    made = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4490", "-where",
                           "parcel_id LIKE 'QL2011-00%'",
                           os.path.join(degrees, "parcels.geojson"), gpkg, "parcels"],
                          capture_output=True, text=True)
    if t.check(made.returncode == 0, "ogr2ogr writes the plots in degrees: " + made.stderr):
        out = os.path.join(work, "degrees.pdf")
        run = t.run("sheet", degrees, "--id", SAMPLE_ID, "--out", out, timeout=60)
        if t.sane_exit(run, 0):
            t.check("EPSG:4547" in run.err and "degrees" in run.err,
                    "the proposed zone is said on stderr", run)
            text = pdf_text(out)
            t.check(re.search(r"J1\s+3373255\.000\s+497512\.000\s+130\.50", text) is not None,
                    "the coordinates come back in the zone to the millimetre", run)

    # -- real data: the Buena Vista parcels (US survey feet)
    real = os.path.join(t.opts.realdata, "parcels", "rockbridge-zoning", "buena-vista",
                        "Parcel20211201.shp")
    if os.path.isfile(real):
        t.context = "sheet on real parcels (Buena Vista, ftUS)"
        project = os.path.join(work, "bv.parkatlas.json")
        with open(project, "w") as fh:
            json.dump({"name": "Buena Vista", "layers": {"parcels": {"source": real}}}, fh)
        out = os.path.join(work, "bv.pdf")
        run = t.run("sheet", project, "--where", "FID < 5", "--out", out, timeout=120)
        if t.sane_exit(run, 0):
            text = re.sub(r"\s+", "", pdf_text(out))
            t.check(pdf_pages(out) >= 5, "five sheets", run)
            t.check("EPSG:2284" in text and "J1" in text and "m²" in text,
                    "the CRS, the points and the area", run)

    # -- the shipped sheet template, by name; a map's template is refused, and the other way
    t.context = "sheet --template 宗地图"
    out = os.path.join(work, "template.pdf")
    run = t.run("sheet", gpkg, "--id", SAMPLE_ID, "--template", "宗地图", "--out", out,
                timeout=60)
    if t.sane_exit(run, 0):
        flat = re.sub(r"\s+", "", pdf_text(out))
        t.check("宗地图" in flat and SAMPLE_ID in flat and "以不动产登记成果为准" in flat,
                "the template's title and footnote are on the sheet", run)
    run = t.run("sheet", gpkg, "--id", SAMPLE_ID, "--template", "用地现状图", "--out",
                os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("用地现状图" in run.err and "宗地图" in run.err,
            "a map's template is refused, naming the sheets' templates", run)
    run = t.run("map", gpkg, "--template", "宗地图", "--out", os.path.join(work, "x.pdf"))
    t.sane_exit(run, 2)
    t.check("parkatlas sheet" in run.err, "map refuses the sheet's template", run)
    t.check(not os.path.exists(os.path.join(work, "x.pdf")), "nothing is written")

    # -- a park without history asked for a date: said once, not once per layer read
    t.context = "sheet PARK@DATE without history"
    out = os.path.join(work, "dated.pdf")
    run = t.run("sheet", os.path.join(sample, "shp") + "@2026-06-30", "--id", SAMPLE_ID,
                "--out", out, timeout=60)
    if t.sane_exit(run, 0):
        t.check(run.err.count("keeps no history") == 1,
                "the warning once (got %d)" % run.err.count("keeps no history"), run)

    t.context = "inputs"
    t.check(cli.snapshot(sample) == before, "the sample park is untouched")
    return None
