"""Group `bad`: every command on every broken input of tests/data/bad/ (README.md there lists
them) and on two big inputs generated here (a 200,000-vertex polygon, 5 million tiny
polygons). Each command answers with a clear error naming the file (exit 2), or with the right
answer; its memory is bounded (RLIMIT_AS, and its peak RSS is checked); nothing hangs (a
timeout per command); nothing is written beside the inputs and they are unchanged."""

import math
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time

import run_cli_tests as cli

HERE = os.path.dirname(os.path.abspath(__file__))
BAD = os.path.normpath(os.path.join(HERE, "..", "data", "bad"))
sys.path.insert(0, BAD)
from shapefile_writer import write_dbf, write_many_triangles, write_shp  # noqa: E402

SANITIZED = os.environ.get("PARKATLAS_SANITIZED") == "1"  # scripts/test --sanitize
TIMEOUT = 300 if SANITIZED else 90  # seconds per command: only a hang takes that long
ADDRESS_LIMIT = 4 << 30   # bytes of address space per command (not under ASan: it maps TBs)
SMALL_PEAK_MB = 400       # peak RSS for any command on a small file
BIG_PEAK_MB = 2000        # ... on the 5-million-feature layer (flat arrays, about 16 B a vertex)
SQUARE_MU = 15.0          # a 100 m square
GK_PRJ_SOURCE = os.path.join(BAD, "good_parcels.prj")


RUNS = []  # every command run, for the summary of the slowest and largest


def run_bounded(t, *args, cwd=None, timeout=TIMEOUT):
    """Runs parkatlas with an address-space limit and a timeout; the Run gets .peak_mb (the
    child's own peak RSS, from wait4)."""
    argv = [t.binary] + [str(a) for a in args]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    limit = None if SANITIZED else ADDRESS_LIMIT

    def limits():
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=limits)
    chunks = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda s=s, k=k: chunks[k].append(s.read()))
               for s, k in ((proc.stdout, "out"), (proc.stderr, "err"))]
    for r in readers:
        r.start()
    timer = threading.Timer(timeout, lambda: proc.kill())
    timer.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    timed_out = not timer.is_alive() and os.WIFSIGNALED(status) and \
        os.WTERMSIG(status) == signal.SIGKILL
    timer.cancel()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    rc = "TIMEOUT" if timed_out else proc.returncode
    out, err = b"".join(chunks["out"]), b"".join(chunks["err"])
    run = cli.Run(argv, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                  time.monotonic() - started)
    run.raw_out, run.raw_err = out, err
    run.peak_mb = usage.ru_maxrss / 1024.0
    RUNS.append(run)
    return run


def sane(t, run, expected, peak_mb=SMALL_PEAK_MB):
    """Never a hang or a signal; the expected exit code; memory under the bound."""
    t.check(run.rc != "TIMEOUT", "finishes within %ds (no hang)" % TIMEOUT, run)
    t.check(not (isinstance(run.rc, int) and run.rc < 0), "is not killed by a signal", run)
    ok = t.check(run.rc == expected, "exits %d" % expected, run)
    if not SANITIZED:
        t.check(run.peak_mb < peak_mb, "peak memory %.0f MB < %d MB" % (run.peak_mb, peak_mb),
                run)
    return ok


def names_file(t, run, name, *more):
    """Exit 2: stderr names the file (and the layer/feature/part where given) and stdout
    holds no half answer that looks whole."""
    t.check(name in run.err, "stderr names %s" % name, run)
    for needle in more:
        t.check(needle in run.err, "stderr says %r" % needle, run)


def area_json(t, run, layer):
    try:
        return run.json()["layers"][layer]["total"]
    except (ValueError, KeyError) as e:
        t.check(False, "area JSON has layers.%s.total (%s)" % (layer, e), run)
        return None


def close(a, b, rel=1e-6):
    return a is not None and abs(a - b) <= rel * max(1.0, abs(b))


# --------------------------------------------------------------------------------------------
# The cases: (file, what info / area / convert / check must do). Each check is a function of
# (t, run); exit codes are checked first.

def expect_area(mu, count, unknown=0):
    def check(t, run, layer):
        total = area_json(t, run, layer)
        if total is None:
            return
        t.check(total.get("count") == count, "count %d (got %s)" % (count, total.get("count")),
                run)
        t.check(close(total.get("area_mu"), mu), "area %.4f mu (got %s)" % (
            mu, total.get("area_mu")), run)
        t.check(total.get("unknown_count", 0) == unknown, "unknown_count %d (got %s): an "
                "unreadable feature is unknown, never 0" % (unknown, total.get("unknown_count")),
                run)
    return check


def expect_area_of(layer_name, mu, count, unknown=0):
    """expect_area for a layer not named after the file (a VCT's table)."""
    check = expect_area(mu, count, unknown)
    return lambda t, run, _layer: check(t, run, layer_name)


def expect_finding(rule, fid):
    def check(t, run, _layer):
        try:
            findings = run.json()["findings"]
        except (ValueError, KeyError) as e:
            t.check(False, "check JSON has findings (%s)" % e, run)
            return
        t.check(any(f["rule"] == rule and fid in f["fids"] for f in findings),
                "a %s finding for feature %d" % (rule, fid), run)
    return check


CASES = [
    # name, file, info, area, convert, check: each (exit, [needles in stderr], extra check)
    ("good_parcels", "good_parcels.shp",
     (0, [], None), (0, [], expect_area(3 * SQUARE_MU, 3)), (0, [], None), (0, [], None)),
    ("truncated .shp (the last record cut)", "truncated_shp.shp",
     (2, ["feature 2"], None), (2, ["feature 2"], expect_area(2 * SQUARE_MU, 3, unknown=1)),
     (2, ["truncated_shp"], None), (2, ["feature 2"], None)),
    ("truncated .shx", "truncated_shx.shp",
     (2, [".shx"], None), (2, [".shx"], None), (2, [".shx"], None), (2, [".shx"], None)),
    ("truncated .dbf (the last row cut)", "truncated_dbf.shp",
     (2, ["DBF"], None), (0, [], expect_area(3 * SQUARE_MU, 3)), (2, ["DBF"], None),
     (2, ["DBF"], None)),
    ("zero-byte .shp", "zero_shp.shp",
     (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None)),
    ("zero-byte .shx", "zero_shx.shp",
     (2, [".shx"], None), (2, [".shx"], None), (2, [".shx"], None), (2, [".shx"], None)),
    ("zero-byte .dbf", "zero_dbf.shp",
     (2, [".dbf"], None), (2, [".dbf"], None), (2, [".dbf"], None), (2, [".dbf"], None)),
    ("DBF header counts 4,294,967,040 records (it has 3)", "lying_count_dbf.shp",
     (0, [], None), (0, [], expect_area(3 * SQUARE_MU, 3)), (0, [], None), (0, [], None)),
    ("a .prj that means nothing", "nonsense_prj.shp",
     (0, [".prj"], None), (2, [".prj", "--s-srs"], None), (2, ["nonsense_prj"], None),
     (2, ["coordinate system", "--s-srs"], None)),
    ("NaN coordinate", "nan_coords.shp",
     (0, ["feature 1", "NaN"], None), (0, ["feature 1"], expect_area(2 * SQUARE_MU, 3, 1)),
     (0, [], None), (0, ["feature 1"], None)),
    # GDAL cannot write an infinite extent into a GeoPackage: convert refuses, writes nothing.
    ("infinite coordinate", "inf_coords.shp",
     (0, ["feature 1", "infinite"], None), (0, ["feature 1"], expect_area(2 * SQUARE_MU, 3, 1)),
     (2, ["Inf"], None), (0, ["feature 1"], None)),
    ("1e308 coordinate", "huge_coords.shp",
     (0, ["feature 1", "large"], None), (0, ["feature 1"], expect_area(2 * SQUARE_MU, 3, 1)),
     (0, [], None), (0, ["feature 1"], None)),
    ("unclosed ring", "unclosed_ring.shp",
     (0, ["feature 0", "not closed"], None),
     (0, ["not closed"], expect_area(2 * SQUARE_MU, 2)), (0, [], None), (0, [], None)),
    # Measured as given (the bow tie's halves cancel: DESIGN.md, no silent repair); check
    # flags it.
    ("self-intersecting ring (a bow tie)", "self_intersecting.shp",
     (0, [], None), (0, [], expect_area(SQUARE_MU, 2)), (0, [], None),
     (0, [], expect_finding("invalid_geometry", 0))),
    ("empty rings (a part with no points, a null shape)", "empty_rings.shp",
     (0, [], None), (0, [], expect_area(SQUARE_MU, 3)), (0, [], None), (0, [], None)),
    ("GBK and UTF-8 rows in one DBF", "mixed_encodings.shp",
     (0, ["feature 1"], None), (0, [], expect_area(3 * SQUARE_MU, 3)), (0, [], None),
     (0, [], None)),
    ("a .gpkg that is not SQLite", "not_sqlite.gpkg",
     (2, ["not recognized"], None), (2, [], None), (2, [], None), (2, [], None)),
    ("zero-byte .gpkg", "zero.gpkg",
     (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None)),
    ("broken GeoJSON (cut off)", "broken.geojson",
     (2, ["GeoJSON"], None), (2, [], None), (2, [], None), None),
    ("zero-byte GeoJSON", "zero.geojson",
     (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None), None),
    # VCT (GB/T 17798, written by tests/data/vct/make_vct.py): three 100 m parcels in table ZD.
    ("VCT, three parcels from lines", "vct_good.vct",
     (0, [], None), (0, [], expect_area_of("ZD", 3 * SQUARE_MU, 3)), (0, [], None),
     (0, [], None)),
    ("VCT polygon referring to a line that is not there", "vct_missing_line.vct",
     (0, ["feature 13", "line OID 99"], None),
     (0, ["feature 13", "line OID 99"], expect_area_of("ZD", 2 * SQUARE_MU, 3, unknown=1)),
     (0, ["line OID 99"], None), (0, ["feature 13", "line OID 99"], None)),
    ("VCT cut in the middle of a polygon", "vct_truncated.vct",
     (0, ["feature 13", "truncated"], None),
     (0, ["feature 13"], expect_area_of("ZD", 2 * SQUARE_MU, 3, unknown=1)),
     (0, ["truncated"], None), (0, ["truncated"], None)),
    ("VCT with a coordinate and a number that are not numbers", "vct_bad_numbers.vct",
     (0, ["'abc,3374000.000' is not a coordinate pair", "'12x' is not a number"], None),
     (0, ["feature 13"], expect_area_of("ZD", 2 * SQUARE_MU, 3, unknown=1)),
     (0, [], None), (0, ["feature 12"], None)),
    ("VCT with a UTF-8 byte-order mark before GBK text", "vct_lying_bom.vct",
     (0, [], None), (0, [], expect_area_of("ZD", 3 * SQUARE_MU, 3)), (0, [], None),
     (0, [], None)),
    ("VCT with no head", "vct_no_head.vct",
     (2, ["HeadBegin"], None), (2, ["HeadBegin"], None), (2, ["HeadBegin"], None),
     (2, ["HeadBegin"], None)),
    ("zero-byte VCT", "vct_empty.vct",
     (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None), (2, ["empty"], None)),
]


def park_folder(work, source):
    """A park folder whose parcels layer is `source` (a shapefile's parts or one file)."""
    stem, ext = os.path.splitext(os.path.basename(source))
    folder = os.path.join(work, "park-" + stem)
    os.makedirs(folder, exist_ok=True)
    parts = (".shp", ".shx", ".dbf", ".prj", ".cpg") if ext == ".shp" else (ext,)
    for name in os.listdir(os.path.dirname(source)):
        s, e = os.path.splitext(name)
        if s == stem and e in parts:
            shutil.copyfile(os.path.join(os.path.dirname(source), name),
                            os.path.join(folder, "parcels" + e))
    return folder


def run_case(t, work, out, label, name, expectations):
    path = os.path.join(work, "in", name)
    stem = os.path.splitext(name)[0]
    commands = [
        ("info", ("info", path)),
        ("area", ("area", path, "--format", "json")),
        ("convert", ("convert", path, os.path.join(out, stem + ".gpkg"))),
        ("check", ("check", None, "--format", "json")),
    ]
    for (command, args), expect in zip(commands, expectations):
        if expect is None:
            continue
        code, needles, extra = expect
        if command == "check":
            args = ("check", park_folder(work, path), "--format", "json")
        t.context = "%s on %s (%s)" % (command, name, label)
        run = run_bounded(t, *args)
        if not sane(t, run, code):
            continue
        if code == 2:
            names_file(t, run, "parcels" if command == "check" else stem, *needles)
        else:
            for needle in needles:
                t.check(needle in run.err, "stderr says %r" % needle, run)
        if command == "convert":
            # Refused (an error, not just issues): nothing under DEST's name; done: DEST.
            dest = os.path.join(out, stem + ".gpkg")
            refused = "parkatlas convert: error:" in run.err
            t.check(os.path.exists(dest) != refused, "DEST %s" % (
                "is not written" if refused else "is written"), run)
            t.check(not cli.partials(out), "no temporaries left: %s" % cli.partials(out), run)
        if extra is not None and run.rc == code:
            extra(t, run, stem)


def write_big_polygon(base, vertices=200_000, radius=1000.0):
    """One clockwise regular polygon of `vertices` vertices (closed) around (500000, 3900000)
    in EPSG:4548. Its planar area is n/2 · r² · sin(2π/n)."""
    n = vertices
    pts = bytearray()
    for i in range(n + 1):
        a = -2 * math.pi * (i % n) / n
        pts += struct.pack("<2d", 500000 + radius * math.cos(a), 3900000 + radius * math.sin(a))
    rec = struct.pack("<i4d2ii", 5, 500000 - radius, 3900000 - radius, 500000 + radius,
                      3900000 + radius, 1, n + 1, 0) + bytes(pts)
    write_shp(base, 5, [rec], (500000 - radius, 3900000 - radius, 500000 + radius,
                                3900000 + radius))
    write_dbf(base + ".dbf", [("ZDDM", 4)], [("P1",)])
    shutil.copyfile(GK_PRJ_SOURCE, base + ".prj")
    return n / 2 * radius * radius * math.sin(2 * math.pi / n)


MANY = 5_000_000
GENERATOR_VERSION = "1"


def big_inputs(t, with_many=True):
    """The big inputs, generated once into the build tree (next to the scratch folder) and
    reused while the generator is unchanged."""
    cache = os.path.join(os.path.dirname(t.opts.work), "bad-big-v" + GENERATOR_VERSION)
    polygon = os.path.join(cache, "polygon_200k")
    many = os.path.join(cache, "many_5m")
    os.makedirs(cache, exist_ok=True)
    started = time.monotonic()
    if not os.path.exists(polygon + ".done"):
        write_big_polygon(polygon)
        open(polygon + ".done", "w").close()
    if with_many and not os.path.exists(many + ".done"):
        write_many_triangles(many, MANY, prj=GK_PRJ_SOURCE)
        open(many + ".done", "w").close()
        print("generated the big inputs in %.1fs" % (time.monotonic() - started))
    return polygon, many


def group_bad(t):
    work = os.path.join(t.opts.work, "bad")
    shutil.copytree(BAD, os.path.join(work, "in"))
    out = os.path.join(work, "out")
    os.makedirs(out)
    before = cli.snapshot(os.path.join(work, "in"))
    for label, name, *expectations in CASES:
        run_case(t, work, out, label, name, expectations)

    # Everything at once: a folder holding all of them is read file by file; each broken
    # file is named, the good one still measured.
    t.context = "area on the folder of all the bad files"
    run = run_bounded(t, "area", os.path.join(work, "in"), "--format", "json")
    if sane(t, run, 2):
        for name in ("truncated_shx", "zero_shp", "not_sqlite.gpkg", "broken.geojson"):
            t.check(name in run.err, "stderr names %s" % name, run)
        total = area_json(t, run, "good_parcels")
        t.check(total is not None and close(total.get("area_mu"), 3 * SQUARE_MU),
                "good_parcels still measures 45 mu among them", run)

    t.context = "bad"
    t.check(cli.snapshot(os.path.join(work, "in")) == before, "the inputs are unchanged: " +
            cli.diff_snapshots(before, cli.snapshot(os.path.join(work, "in"))))

    # Big: one polygon of 200,000 vertices; 5 million tiny polygons.
    polygon, many = big_inputs(t, with_many=not SANITIZED)
    expected = 200_000 / 2 * 1000.0 ** 2 * math.sin(2 * math.pi / 200_000)
    t.context = "area on a 200,000-vertex polygon --method planar"
    run = run_bounded(t, "area", polygon + ".shp", "--method", "planar", "--format", "json")
    if sane(t, run, 0):
        total = area_json(t, run, "polygon_200k")
        t.check(total is not None and close(total.get("area_m2"), expected, 1e-9),
                "the shoelace area of the regular 200,000-gon (%.6f m², got %s)" % (
                    expected, total and total.get("area_m2")), run)
    t.context = "area on a 200,000-vertex polygon (ellipsoidal)"
    run = run_bounded(t, "area", polygon + ".shp", "--format", "json")
    if sane(t, run, 0):
        total = area_json(t, run, "polygon_200k")
        # At the central meridian of a Gauss-Krüger zone the scale factor is 1 + O(1e-8).
        t.check(total is not None and close(total.get("area_m2"), expected, 1e-5),
                "ellipsoidal area within 1e-5 of the planar one (got %s)" % (
                    total and total.get("area_m2")), run)
    t.context = "info and convert on a 200,000-vertex polygon"
    run = run_bounded(t, "info", polygon + ".shp")
    sane(t, run, 0)
    run = run_bounded(t, "convert", polygon + ".shp", os.path.join(out, "polygon.gpkg"))
    sane(t, run, 0)

    if SANITIZED:
        # What the 5 million features test is memory, which cannot be bounded under ASan; the
        # code paths are the small files' (which ASan does check above).
        print("NOTE: the 5,000,000-feature layer is left to the plain build")
        return None
    t.context = "info on 5,000,000 tiny polygons"
    run = run_bounded(t, "info", "--json", many + ".shp")
    if sane(t, run, 0, BIG_PEAK_MB):
        layer = run.json()["layers"][0]
        t.check(layer.get("feature_count") == MANY or layer.get("count") == MANY or
                str(MANY) in run.out, "counts 5,000,000 features", run)
    t.context = "area on 5,000,000 tiny polygons"
    run = run_bounded(t, "area", many + ".shp", "--format", "json")
    if sane(t, run, 0, BIG_PEAK_MB):
        total = area_json(t, run, "many_5m")
        t.check(total is not None and total.get("count") == MANY, "count 5,000,000", run)
        t.check(total is not None and close(total.get("area_m2"), MANY * 0.5, 1e-6),
                "area 2,500,000 m² (got %s)" % (total and total.get("area_m2")), run)
    t.context = "bad"
    t.check(not cli.partials(out), "no temporaries left: %s" % cli.partials(out))
    for title, key in (("slowest", lambda r: r.seconds), ("largest", lambda r: r.peak_mb)):
        top = sorted(RUNS, key=key, reverse=True)[:4]
        print("%s: %s" % (title, "; ".join("%.1fs %.0fMB %s" % (
            r.seconds, r.peak_mb, " ".join(os.path.basename(a) for a in r.args[1:]))
            for r in top)))
    return None
