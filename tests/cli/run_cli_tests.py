#!/usr/bin/env python3
"""Command-line tests for `parkatlas`: run the real binary on real files (standard library only).

    run_cli_tests.py --binary PARKATLAS --realdata DIR --sample DIR --work DIR GROUP

GROUP is one of the names in GROUPS below; CMake registers one ctest entry per group (and splits
the real-data sweep into slices) so a failure names what broke. Exit codes: 0 pass, 1 fail,
77 skipped (data missing).

Known product bugs are marked where they are checked (`known_bug=` here, `"known_bug"` in
realdata_expectations.json): a failing check with a known bug prints XFAIL and does not fail the
test; when it starts passing it prints XPASS, which fails the test (PARKATLAS_CLI_STRICT=0 to only print it), so
the marker gets removed). Checks that protect the user's data (input files modified, output
left half-written) are never marked: they fail.
"""

import argparse
import csv
import io
import hashlib
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import concurrent.futures

HERE = os.path.dirname(os.path.abspath(__file__))
# seconds per command: only a hang takes that long (a loaded two-core CI machine took over 20 s
# for a PostGIS check); ASan and UBSan (scripts/test --sanitize) run several times slower
TIMEOUT = 180 if os.environ.get("PARKATLAS_SANITIZED") == "1" else 60
SKIP = 77

# --------------------------------------------------------------------------------------------
# Running and checking


class Run:
    def __init__(self, args, rc, out, err, seconds):
        self.args, self.rc, self.out, self.err, self.seconds = args, rc, out, err, seconds

    def describe(self):
        cmd = " ".join(_quote(a) for a in self.args)
        return "$ %s\n  exit %s after %.1fs\n  stdout: %s\n  stderr: %s" % (
            cmd, self.rc, self.seconds, _clip(self.out), _clip(self.err))

    def json(self):
        return json.loads(self.out)


def _quote(arg):
    return arg if re.fullmatch(r"[\w./:=@+,-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def _clip(text, limit=600):
    text = text.strip().replace("\n", "\n          ")
    return text if len(text) <= limit else text[:limit] + " …(%d chars)" % len(text)


class Suite:
    def __init__(self, opts):
        self.opts = opts
        self.binary = opts.binary
        self.failures = []
        self.xfails = []
        self.xpasses = []
        self.passed = 0
        self.context = ""
        self.scope = None  # [bug, failures in scope, label] while checking one known-bug item

    # -- running
    def run(self, *args, cwd=None, timeout=TIMEOUT):
        argv = [self.binary] + [str(a) for a in args]
        env = dict(os.environ, LC_ALL="C.UTF-8")
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, env=env,
                                  stdin=subprocess.DEVNULL)
            rc = proc.returncode
            out, err = proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = "TIMEOUT", e.stdout or b"", e.stderr or b""
        seconds = time.monotonic() - started
        run = Run(argv, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                  seconds)
        run.raw_out, run.raw_err = out, err
        return run

    # -- checking
    def check(self, ok, what, run=None, known_bug=None):
        """Records one check. `known_bug` turns a failure into XFAIL."""
        label = (self.context + ": " if self.context else "") + what
        scoped = self.scope is not None and known_bug == self.scope[0]
        if ok:
            self.passed += 1
            if known_bug and not scoped:
                self.xpasses.append("%s  [%s]" % (label, known_bug))
            return True
        detail = label + ("\n" + run.describe() if run is not None else "")
        if known_bug:
            self.xfails.append("%s\n  known bug: %s" % (detail, known_bug))
            if scoped:
                self.scope[1] += 1
        else:
            self.failures.append(detail)
        return False

    def begin_known_bug(self, bug):
        """Checks marked with `bug` until end_known_bug() count as one item: XPASS only if
        none of them fails."""
        self.scope = [bug, 0, self.context] if bug else None

    def end_known_bug(self):
        if self.scope is not None and self.scope[1] == 0:
            self.xpasses.append("%s  [%s]" % (self.scope[2], self.scope[0]))
        self.scope = None

    def sane_exit(self, run, expected=None, known_bug=None):
        """Never a signal, never a hang, only 0 or 2; then the expected code."""
        self.check(run.rc != "TIMEOUT", "finishes within %ds" % TIMEOUT, run)
        self.check(not (isinstance(run.rc, int) and run.rc < 0),
                   "is not killed by a signal (crash)", run)
        self.check(run.rc in (0, 2), "exits 0 or 2", run)
        if expected is not None:
            return self.check(run.rc == expected, "exits %d" % expected, run, known_bug)
        return run.rc in (0, 2)

    def report(self, name):
        for x in self.xfails:
            print("XFAIL " + x + "\n")
        for x in self.xpasses:
            print("XPASS (a known bug no longer shows; remove its marker) " + x + "\n")
        for f in self.failures:
            print("FAIL " + f + "\n")
        strict = os.environ.get("PARKATLAS_CLI_STRICT", "1") == "1"
        print("%s: %d checks passed, %d failed, %d known bugs (xfail), %d xpass" % (
            name, self.passed, len(self.failures), len(self.xfails), len(self.xpasses)))
        if self.failures or (strict and self.xpasses):
            return 1
        return 0


# --------------------------------------------------------------------------------------------
# Text checks

MOJIBAKE = [
    re.compile("[\u0080-\u009f]"),              # C1 controls: Latin-1 read of UTF-8 or CP125x
    re.compile("Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]"),  # UTF-8 read as Latin-1
    re.compile("[榛戦緳姹熺渷鍖椾含甯傚浗]{3,}"),  # UTF-8 Chinese read as GBK (黑龙江省 → 榛戦緳姹熺渷)
    re.compile("[ÖÓÐÔ¶Ø½õÊ¢Â·]{4,}"),         # GBK read as Latin-1 (志远县 → ÖÔ¶ÏØ)
]


def text_problems(text):
    problems = []
    if "\ufffd" in text:
        problems.append("U+FFFD replacement character")
    for rx in MOJIBAKE:
        m = rx.search(text)
        if m:
            problems.append("mojibake %r" % m.group(0))
    return problems


def cut_off(message):
    """A message cut by a fixed-size buffer: 299 bytes (char[300]) or ending mid-sentence."""
    message = message.rstrip()
    return len(message.encode()) in (255, 299, 511) or message.endswith((" the", ": the", "("))


def text_warnings(output):
    return [line.split("warning:", 1)[1].strip() for line in output.splitlines()
            if line.lstrip().startswith("warning:")]


def has_cjk(text):
    return re.search("[\u4e00-\u9fff]", text) is not None


# --------------------------------------------------------------------------------------------
# Files: snapshots, temporary copies, tiny shapefiles


def snapshot(folder):
    """relative path → sha256 of every file under folder (hidden ones too)."""
    result = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                result[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return result


def listing(folder):
    """relative path → (size, mtime) of every file: cheap, for the big shared tree."""
    result = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            result[os.path.relpath(path, folder)] = (st.st_size, st.st_mtime_ns)
    return result


def diff_snapshots(before, after):
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    if changed:
        parts.append("changed " + ", ".join(changed))
    return "; ".join(parts)


def partials(folder):
    found = []
    for root, dirs, files in os.walk(folder):
        for name in files + dirs:
            if ".partial-" in name or ".old-" in name:
                found.append(os.path.relpath(os.path.join(root, name), folder))
    return found


def write_point_shapefile(base, points, fields=(), records=(), ldid=0, prj=None, cpg=None):
    """Writes base.shp/.shx/.dbf (+ .prj, .cpg): Point shapes, character fields only.
    `fields` are (name_bytes, width); `records` are tuples of bytes values."""
    n = len(points)
    xs = [p[0] for p in points] or [0.0]
    ys = [p[1] for p in points] or [0.0]
    bbox = struct.pack("<4d", min(xs), min(ys), max(xs), max(ys)) + struct.pack("<4d", 0, 0, 0, 0)

    def header(length_words):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_words) +
                struct.pack("<2i", 1000, 1) + bbox)

    shp_body = b""
    shx_body = b""
    offset = 50
    for i, (x, y) in enumerate(points):
        content = struct.pack("<i2d", 1, x, y)
        shp_body += struct.pack(">2i", i + 1, len(content) // 2) + content
        shx_body += struct.pack(">2i", offset, len(content) // 2)
        offset += 4 + len(content) // 2
    with open(base + ".shp", "wb") as f:
        f.write(header(50 + len(shp_body) // 2) + shp_body)
    with open(base + ".shx", "wb") as f:
        f.write(header(50 + len(shx_body) // 2) + shx_body)
    if not fields:
        fields = ((b"ID", 8),)
        records = [(str(i).encode(),) for i in range(n)]
    record_len = 1 + sum(w for _n, w in fields)
    header_len = 32 + 32 * len(fields) + 1
    dbf = struct.pack("<B3BIHH", 3, 124, 1, 1, n, header_len, record_len)
    dbf += b"\0" * 17 + bytes([ldid]) + b"\0\0"
    for name, width in fields:
        dbf += name.ljust(11, b"\0")[:11] + b"C" + b"\0" * 4 + bytes([width, 0]) + b"\0" * 14
    dbf += b"\r"
    for rec in records:
        dbf += b" " + b"".join(v.ljust(w, b" ")[:w] for v, (_n, w) in zip(rec, fields))
    dbf += b"\x1a"
    with open(base + ".dbf", "wb") as f:
        f.write(dbf)
    if prj is not None:
        with open(base + ".prj", "wb") as f:
            f.write(prj if isinstance(prj, bytes) else prj.encode())
    if cpg is not None:
        with open(base + ".cpg", "wb") as f:
            f.write(cpg.encode())


def gpkg_rows(path, table):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        cols = [r[1] for r in con.execute('PRAGMA table_info("%s")' % table)]
        rows = con.execute('SELECT * FROM "%s" ORDER BY fid' % table).fetchall()
        return cols, rows
    finally:
        con.close()


def gpkg_tables(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents ORDER BY 1")]
    finally:
        con.close()


def compare_with_reference(t, table, ours, theirs):
    """The text of a layer converted from the sample shapefiles against park.gpkg's: columns by
    position (the shapefiles carry Chinese or DBF-short names), rows by fid, NULL = ''."""
    (cols_a, rows_a), (cols_b, rows_b) = ours, theirs
    keep_a = [i for i, c in enumerate(cols_a) if c not in ("fid", "geom")]
    keep_b = [i for i, c in enumerate(cols_b) if c not in ("fid", "geom")]
    if not t.check(len(keep_a) == len(keep_b), "%s: same number of fields as park.gpkg (%s vs "
                   "%s)" % (table, [cols_a[i] for i in keep_a], [cols_b[i] for i in keep_b])):
        return
    t.check(len(rows_a) == len(rows_b), "%s: same row count as park.gpkg (%d vs %d)" % (
        table, len(rows_a), len(rows_b)))
    mismatches, unencodable = [], []
    for row_a, row_b in zip(rows_a, rows_b):
        for ia, ib in zip(keep_a, keep_b):
            a, b = row_a[ia], row_b[ib]
            if not (isinstance(a, str) or isinstance(b, str)):
                continue
            a, b = a or "", b or ""
            if str(a) == str(b):
                continue
            try:
                str(b).encode("gbk")
                mismatches.append((cols_a[ia], a, b))
            except UnicodeEncodeError:
                unencodable.append((cols_a[ia], a, b))
    t.check(not mismatches, "%s: text equals park.gpkg's (first differences: %s)" % (
        table, mismatches[:3]))
    if unencodable:
        print("NOTE %s: %d value(s) of park.gpkg have no GBK form and differ in the shapefiles, "
              "e.g. %s" % (table, len(unencodable), unencodable[:2]))


# --------------------------------------------------------------------------------------------
# Group: usage


def group_usage(t):
    for command in ("info", "convert"):
        t.context = command + " --help"
        r = t.run(command, "--help")
        t.sane_exit(r, 0)
        t.check(r.out.startswith("usage: parkatlas " + command), "prints its usage on stdout", r)
        t.check("--encoding" in r.out and "--s-srs" in r.out, "lists --encoding and --s-srs", r)
        t.check(r.err == "", "writes nothing on stderr", r)
    t.context = "convert --help"
    r = t.run("convert", "--help")
    t.check("--t-srs" in r.out and "--overwrite" in r.out, "lists --t-srs and --overwrite", r)

    t.context = "top level"
    r = t.run("--help")
    t.sane_exit(r, 0)
    t.check("info" in r.out and "convert" in r.out, "--help lists the commands", r)
    r = t.run("--version")
    t.sane_exit(r, 0)
    t.check(re.match(r"parkatlas \d+\.\d+", r.out) is not None, "--version prints a version", r)
    r = t.run()
    t.sane_exit(r, 2)
    t.check("usage" in r.err, "no command: usage on stderr", r)
    r = t.run("frobnicate")
    t.sane_exit(r, 2)
    t.check("frobnicate" in r.err, "unknown command is named on stderr", r)

    town = os.path.join(t.opts.realdata, "china/arcgis-engine-practice/townshp.shp")
    for args, needle in [
        (("info", "--bogus", town), "--bogus"),
        (("info", town, "--bogus"), "--bogus"),
        (("info", town, "--json=yes"), "--json"),
        (("info", town, "-x"), "-x"),
        (("info", town, "--encoding"), "--encoding"),
        (("info", town, "--encoding", "GBK", "--encoding", "UTF-8"), "twice"),
        (("info",), "SOURCE"),
        (("info", town, "extra"), "extra"),
        (("convert", town), "DEST"),
        (("convert", "--frob", town, "x.gpkg"), "--frob"),
        (("convert", town, "x.gpkg", "--t-srs"), "--t-srs"),
    ]:
        t.context = " ".join(a if a != town else "townshp.shp" for a in args)
        r = t.run(*args, cwd=t.opts.work)
        t.sane_exit(r, 2)
        t.check(needle in r.err, "stderr names %r" % needle, r)
        t.check("--help" in r.err, "stderr points to --help", r)
        t.check(r.out == "", "prints nothing on stdout", r)
    t.check(not os.path.exists(os.path.join(t.opts.work, "x.gpkg")), "usage errors write nothing")

    t.context = "info on a missing file"
    r = t.run("info", os.path.join(t.opts.work, "nowhere.shp"))
    t.sane_exit(r, 2)
    t.check("nowhere.shp" in r.err and "no such file" in r.err, "names the file and says why", r)
    t.context = "info --json on a missing file"
    r = t.run("info", "--json", os.path.join(t.opts.work, "nowhere.shp"))
    t.sane_exit(r, 2)
    t.check("nowhere.shp" in r.err, "names the file on stderr", r)
    t.check(r.out.strip() == "" or _parses(r.out), "stdout is empty or one JSON object", r)

    empty = tempfile.mkdtemp(dir=t.opts.work)
    t.context = "info on an empty folder"
    r = t.run("info", empty)
    t.sane_exit(r, 2)
    t.check("no vector files" in r.err, "says the folder holds no vector files", r)

    t.context = "info --encoding with a name no converter knows"
    r = t.run("info", town, "--encoding", "NOPE-42")
    t.sane_exit(r, 2)
    t.check(r.rc == 2 and "NOPE-42" in r.err and "warning" not in r.err,
            "an error (not a warning) names the unknown encoding", r)

    t.context = "info --s-srs that means nothing"
    r = t.run("info", town, "--s-srs", "EPSG:999999999")
    t.sane_exit(r, 2)
    t.check("999999999" in r.err, "names the CRS it cannot understand", r)


def _parses(text):
    try:
        json.loads(text)
        return True
    except ValueError:
        return False


# --------------------------------------------------------------------------------------------
# Group: real data sweep


def discover_realdata(root):
    """MANIFEST.json's paths, plus .gpkg/.zip/.tar/.tar.gz anywhere and .dbf with no .shp."""
    with open(os.path.join(root, "MANIFEST.json"), encoding="utf-8") as f:
        paths = [entry["path"] for entry in json.load(f)["files"]]
    seen = set(paths)
    for folder, _dirs, files in os.walk(root):
        for name in files:
            rel = os.path.relpath(os.path.join(folder, name), root)
            low = name.lower()
            if rel in seen:
                continue
            if low.endswith((".gpkg", ".zip", ".tar", ".tar.gz")):
                paths.append(rel)
            elif low.endswith(".dbf"):
                stem = rel[:-4]
                if not any(os.path.exists(os.path.join(root, stem + e)) for e in (".shp", ".SHP")):
                    paths.append(rel)
    return sorted(set(paths))


def load_expectations():
    with open(os.path.join(HERE, "realdata_expectations.json"), encoding="utf-8") as f:
        return json.load(f)["files"]


SLICES = {
    "china": lambda p: p.startswith("china/"),
    "parcels": lambda p: p.startswith("parcels/"),
    "gdal": lambda p: "/gdal-autotest-2021/" in "/" + p or "/ets-gpkg12/" in "/" + p,
    "others": lambda p: p.startswith("peer-shapefiles/") and not (
        "gdal-autotest-2021/" in p or "ets-gpkg12/" in p),
}


def group_realdata(t, slice_name):
    root = t.opts.realdata
    if not os.path.isfile(os.path.join(root, "MANIFEST.json")):
        print("SKIP: no real data at %s" % root)
        return SKIP
    expectations = load_expectations()
    paths = [p for p in discover_realdata(root) if SLICES[slice_name](p)]
    before = listing(root)

    def job(path):
        return path, t.run("info", "--json", path, cwd=root)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(job, paths))
    for path, run in results:
        t.context = "info --json " + path
        expect = expectations.get(path)
        if not t.check(expect is not None, "has an entry in realdata_expectations.json"):
            t.sane_exit(run)
            continue
        t.begin_known_bug(expect.get("known_bug"))
        check_realdata(t, path, run, expect)
        t.end_known_bug()

    # Plain `info` through the text path, in few runs (each start costs ~0.1 s): once per folder
    # of shapefiles (a folder SOURCE lists each vector file), and per GeoPackage elsewhere
    # (GeoPackage folders hold many layers; the gdal_sample* ones are left to the JSON pass).
    gpkg_folders = {os.path.dirname(p) for p in paths if p.lower().endswith(".gpkg")}
    folders = sorted({os.path.dirname(p) for p in paths if not p.lower().endswith(".dbf")} -
                     gpkg_folders)
    singles = sorted(p for p in paths if os.path.dirname(p) in gpkg_folders and
                     not os.path.basename(p).startswith("gdal_sample"))

    def text_job(item):
        return item, t.run("info", item or ".", cwd=root)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        text_results = list(pool.map(text_job, folders + singles))
    for item, run in text_results:
        t.context = "info " + item
        if item in expectations:
            expect = expectations[item]
            t.begin_known_bug(expect.get("known_bug"))
            t.sane_exit(run)
            if t.check(run.rc == expect["exit"], "exits %d" % expect["exit"], run,
                       expect.get("known_bug")) and run.rc == 2:
                t.check(os.path.basename(item) in run.err, "stderr names the file", run)
            if not expect.get("garbled_ok"):
                problems = text_problems(run.out + run.err)
                t.check(not problems, "no garbled text: %s" % ", ".join(problems), run,
                        expect.get("known_bug"))
            for w in text_warnings(run.out):
                t.check(not cut_off(w), "warning is not cut off: …%s" % w[-40:], run,
                        expect.get("known_bug"))
            check_text_extents(t, run, expect.get("known_bug"))
            t.end_known_bug()
        else:
            check_realdata_folder(t, item, run, expectations, paths)

    slowest = sorted(((r.seconds, " ".join(r.args[1:])) for _p, r in results + text_results),
                     reverse=True)[:4]
    print("slowest: " + "; ".join("%.1fs %s" % item for item in slowest))
    t.context = slice_name
    t.check(listing(root) == before, "the shared real data is unchanged (no file added, "
            "removed or touched): " + diff_snapshots(before, listing(root)))
    return None


def check_realdata(t, path, run, e):
    bug = e.get("known_bug")
    t.sane_exit(run)
    t.check(run.seconds < TIMEOUT, "takes under %ds" % TIMEOUT, run)
    if not t.check(run.rc == e["exit"], "exits %d" % e["exit"], run, bug):
        return
    base = os.path.basename(path)
    if run.rc == 2:
        t.check(base in run.err, "stderr names the file (%s)" % base, run, bug)
        wanted = e.get("stderr") or []
        if wanted:
            t.check(any(w.lower() in run.err.lower() for w in wanted),
                    "stderr gives a reason (any of %s)" % wanted, run, bug)
        t.check(run.out.strip() == "" or _parses(run.out),
                "stdout is empty or parses as JSON", run)
        if "issue" in e and _parses(run.out):
            issues = [i for layer in run.json().get("layers", []) for i in layer.get("issues", [])]
            t.check(any(e["issue"].lower() in i.lower() for i in issues),
                    "an issue contains %r" % e["issue"], run, bug)
        return
    try:
        doc = run.json()
    except ValueError as error:
        t.check(False, "stdout parses as JSON (%s)" % error, run)
        return
    layers = doc.get("layers") or []
    t.check(doc.get("errors") == [], "no errors in the JSON", run)
    t.check(len(layers) == e.get("layers", len(layers)) and layers,
            "has %s layer(s)" % e.get("layers", "some"), run, bug)
    if not layers:
        return
    for layer in layers:
        fc, fr = layer.get("feature_count"), layer.get("features_read")
        t.check(fc == fr or fc == -1, "layer %s: every counted feature is read (%s of %s)" % (
            layer.get("name"), fr, fc), run)
    first = layers[0]
    if not e.get("garbled_ok"):
        problems = text_problems(run.out)
        t.check(not problems, "no garbled text in the JSON: %s" % ", ".join(problems), run, bug)
    if "features" in e:
        t.check(first["features_read"] == e["features"], "reads %d features" % e["features"],
                run, bug)
    if "encoding" in e:
        t.check(first["encoding"]["name"] == e["encoding"], "encoding %s (got %s: %s)" % (
            e["encoding"], first["encoding"]["name"], first["encoding"]["reason"]), run, bug)
    if "encoding_origin" in e:
        t.check(first["encoding"]["origin"] == e["encoding_origin"],
                "encoding origin %s" % e["encoding_origin"], run, bug)
    for field, value in (e.get("first") or {}).items():
        got = first.get("first_feature", {}).get(field)
        t.check(got == value, "first feature %s=%s (got %r)" % (field, value, got), run, bug)
    crs = first.get("crs", {})
    if "epsg" in e:
        if e["epsg"] is None:
            t.check(crs.get("label") is None, "no CRS is assumed (got %s)" % crs.get("label"),
                    run, bug)
        else:
            t.check(crs.get("epsg") == e["epsg"], "CRS EPSG:%s (got %s)" % (
                e["epsg"], crs.get("label")), run, bug)
    extent = first.get("extent")
    t.check(extent is None or (len(extent) == 4 and all(abs(v) < 1e15 for v in extent)),
            "extent is null or plausible (got %s)" % extent, run, bug)
    if "crs_label" in e:
        t.check(crs.get("label") == e["crs_label"], "CRS label %s" % e["crs_label"], run, bug)
    if "hint" in e:
        t.check(e["hint"] in crs.get("hint", ""), "no-CRS hint mentions %s" % e["hint"], run, bug)
    if "proposal" in e:
        t.check(crs.get("proposal", {}).get("epsg") == e["proposal"],
                "zone proposal EPSG:%s" % e["proposal"], run, bug)
    warnings = [w for layer in layers for w in layer.get("warnings", [])]
    if "warning" in e:
        t.check(any(e["warning"] in w for w in warnings),
                "a warning contains %r" % e["warning"], run, bug)
    for w in warnings:
        t.check(not cut_off(w), "warning is not cut off: …%s" % w[-40:], run, bug)
    if "issue" in e:
        issues = [i for layer in layers for i in layer.get("issues", [])]
        t.check(any(e["issue"].lower() in i.lower() for i in issues),
                "an issue contains %r" % e["issue"], run, bug)
        t.check(all(base in i for i in issues), "every issue names the file", run)


def check_realdata_folder(t, folder, run, expectations, paths):
    t.sane_exit(run)
    inside = [p for p in paths if os.path.dirname(p) == folder and
              not p.lower().endswith((".dbf", ".tar", ".tar.gz"))]
    failing = [p for p in inside if expectations.get(p, {}).get("exit") == 2]
    bugs = sorted({expectations[p]["known_bug"].split(":")[0] for p in inside
                   if expectations.get(p, {}).get("known_bug")})
    bug = ", ".join(bugs) or None
    t.begin_known_bug(bug)
    wanted = 2 if failing else 0
    t.check(run.rc == wanted, "exits %d (%d failing file(s) in the folder)" % (
        wanted, len(failing)), run, bug)
    for p in failing:
        t.check(os.path.basename(p) in run.err, "stderr names %s" % os.path.basename(p), run,
                bug if expectations[p].get("known_bug") else None)
    for p in inside:
        if expectations.get(p, {}).get("exit") == 0:
            t.check(("error: file '%s'" % p) not in run.err,
                    "no error for %s, which opens on its own" % os.path.basename(p), run, bug)
    for w in text_warnings(run.out):
        t.check(not cut_off(w), "warning is not cut off: …%s" % w[-40:], run, bug)
    check_text_extents(t, run, bug)
    problems = [] if any(expectations.get(p, {}).get("garbled_ok") for p in inside) \
        else text_problems(run.out)
    t.check(not problems, "no garbled text: %s" % ", ".join(problems), run, bug)
    for p in inside:
        if expectations.get(p, {}).get("exit") == 0 and p.lower().endswith(".shp"):
            stem = os.path.splitext(os.path.basename(p))[0]
            t.check(("layer " + stem + " ") in run.out, "lists layer %s" % stem, run)
    t.end_known_bug()


def check_text_extents(t, run, bug):
    for line in run.out.splitlines():
        if line.lstrip().startswith("extent:"):
            value = line.split("extent:", 1)[1].strip()
            t.check(value == "empty" or re.fullmatch(
                r"-?\d{1,15}\.\d{3}, -?\d{1,15}\.\d{3} – -?\d{1,15}\.\d{3}, -?\d{1,15}\.\d{3}",
                value) is not None, "the extent line is four plausible numbers: %s" % value[:80],
                run, bug)


def group_realdata_coverage(t):
    root = t.opts.realdata
    if not os.path.isfile(os.path.join(root, "MANIFEST.json")):
        print("SKIP: no real data at %s" % root)
        return SKIP
    expectations = load_expectations()
    found = set(discover_realdata(root))
    missing = sorted(found - set(expectations))
    stale = sorted(set(expectations) - found)
    t.check(not missing, "every dataset has an expectation; missing: %s" % missing)
    t.check(not stale, "every expectation names a dataset that exists; stale: %s" % stale)
    covered = set()
    for name, test in SLICES.items():
        covered |= {p for p in found if test(p)}
    t.check(covered == found, "every dataset falls in a sweep slice: %s" % sorted(found - covered))
    for path, e in expectations.items():
        t.check(e.get("exit") in (0, 2), "%s: exit is 0 or 2" % path)
        t.check(bool(e.get("note")), "%s: has a note saying what it tests" % path)
    return None


# --------------------------------------------------------------------------------------------
# Group: .prj recognition (the dikuai samples put beside a generated point)

# file → (expected EPSG, longitude, latitude) of a point that belongs there
PRJ_CASES = {
    "cleaned_not_divided.prj": (4548, 117.0, 35.0),
    "guangzhou.prj": (4326, 113.3, 23.1),
    "赋值后的地块.prj": (4490, 113.3, 23.1),
    "三亚市建成区2025_CGCS2000_111E.prj": (4546, 109.5, 18.3),
    "上海市建成区2025_CGCS2000_120E.prj": (4549, 121.5, 31.2),
    "东莞市建成区2025_CGCS2000_114E.prj": (4547, 113.7, 23.0),
    "临沧市建成区2025_CGCS2000_99E.prj": (4542, 100.1, 23.9),
    "乌鲁木齐市建成区2025_CGCS2000_87E.prj": (4538, 87.6, 43.8),
    "克拉玛依市建成区2025_CGCS2000_84E.prj": (4537, 84.9, 45.6),
    "兰州市建成区2025_CGCS2000_105E.prj": (4544, 103.8, 36.1),
    "南宁市建成区2025_CGCS2000_108E.prj": (4545, 108.3, 22.8),
    "呼和浩特市建成区2025_CGCS2000_111E.prj": (32649, 111.7, 40.8),  # the name lies: UTM 49N
    "哈尔滨市建成区2025_CGCS2000_126E.prj": (4551, 126.6, 45.8),
    "大连市建成区2025_CGCS2000_123E.prj": (4550, 121.6, 38.9),
    "拉萨市建成区2025_CGCS2000_90E.prj": (4539, 91.1, 29.7),
    "昆明市建成区2025_CGCS2000_102E.prj": (4543, 102.7, 25.0),
    "昌都市建成区2025_CGCS2000_96E.prj": (4541, 97.2, 31.1),
    "邵阳市建成区2025_CGCS2000_111E.prj": (4546, 111.5, 27.2),
    "阿拉尔市建成区2025_CGCS2000_81E.prj": (4536, 81.3, 40.5),
}


def tm_forward(lon, lat, lon0, k0=1.0, false_easting=500000.0, a=6378137.0,
               f=1 / 298.257222101):
    """Transverse Mercator (Krüger series, enough for a point near the meridian)."""
    import math
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n * n / 4 + n ** 4 / 64)
    alpha = [n / 2 - 2 * n * n / 3 + 5 * n ** 3 / 16, 13 * n * n / 48 - 3 * n ** 3 / 5,
             61 * n ** 3 / 240]
    phi, lam = math.radians(lat), math.radians(lon - lon0)
    e = math.sqrt(f * (2 - f))
    t_ = math.sinh(math.atanh(math.sin(phi)) - e * math.atanh(e * math.sin(phi)))
    xi_p = math.atan2(t_, math.cos(lam))
    eta_p = math.atanh(math.sin(lam) / math.sqrt(1 + t_ * t_))
    xi, eta = xi_p, eta_p
    for j, al in enumerate(alpha, start=1):
        xi += al * math.sin(2 * j * xi_p) * math.cosh(2 * j * eta_p)
        eta += al * math.cos(2 * j * xi_p) * math.sinh(2 * j * eta_p)
    return false_easting + k0 * big_a * eta, k0 * big_a * xi


def group_prj(t):
    folder = os.path.join(t.opts.realdata, "china/dikuai-prj-samples")
    if not os.path.isdir(folder):
        print("SKIP: no %s" % folder)
        return SKIP
    t.check(sorted(os.listdir(folder)) == sorted(PRJ_CASES),
            "every sample .prj has a case here: %s" % sorted(set(os.listdir(folder)) ^
                                                            set(PRJ_CASES)))
    work = tempfile.mkdtemp(prefix="prj-", dir=t.opts.work)
    jobs = []
    for name, (epsg, lon, lat) in sorted(PRJ_CASES.items()):
        with open(os.path.join(folder, name), "rb") as f:
            prj = f.read()
        if epsg in (4326, 4490):
            x, y = lon, lat
        elif epsg == 32649:
            x, y = tm_forward(lon, lat, 111.0, k0=0.9996, f=1 / 298.257223563)
        else:
            cm = 75 + 3 * (epsg - 4534)
            x, y = tm_forward(lon, lat, cm)
        stem = os.path.splitext(name)[0]
        write_point_shapefile(os.path.join(work, stem), [(x, y)], prj=prj)
        jobs.append((name, epsg, os.path.join(work, stem + ".shp")))

    def job(item):
        return item, t.run("info", "--json", item[2])

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(job, jobs))
    for (name, epsg, _path), run in results:
        t.context = "info --json <point>.shp beside " + name
        if not t.sane_exit(run, 0):
            continue
        layer = run.json()["layers"][0]
        crs = layer["crs"]
        if epsg == 32649:
            # PROJ matches this ESRI WKT to EPSG:32649 at only 70 %: a UTM 49N label will do.
            label = "%s %s" % (crs.get("label"), crs.get("name"))
            t.check(crs.get("epsg") == 32649 or ("UTM" in label and "49" in label),
                    "CRS is UTM zone 49N, whatever the file name says (got %s)" % label, run)
        else:
            t.check(crs.get("epsg") == epsg, "CRS is EPSG:%d (got %s %s)" % (
                epsg, crs.get("label"), crs.get("name")), run)
        t.check(crs.get("origin") == ".prj", "CRS origin .prj", run)
        t.check(not layer["warnings"], "a point that belongs there raises no warning", run)
        t.check(name.split("_")[0].split(".")[0] in run.out, "the Chinese file name survives "
                "into the JSON", run)

    # The same Hohhot point under the name's claim (EPSG:4546) must be flagged as not fitting
    # when the file lies the other way round: coordinates in UTM 49N, .prj of GK CM111E.
    t.context = "UTM 49N coordinates under a CGCS2000 GK CM111E .prj"
    x, y = tm_forward(111.7, 40.8, 111.0, k0=0.9996, f=1 / 298.257223563)
    with open(os.path.join(folder, "邵阳市建成区2025_CGCS2000_111E.prj"), "rb") as f:
        prj = f.read()
    base = os.path.join(work, "utm_as_gk")
    write_point_shapefile(base, [(x, y)], prj=prj)
    run = t.run("info", "--json", base + ".shp")
    if t.sane_exit(run, 0):
        t.check(run.json()["layers"][0]["crs"].get("epsg") == 4546, "CRS is EPSG:4546", run)

    # --s-srs over a .prj: the user's CRS wins and the disagreement is said.
    t.context = "info --s-srs EPSG:4546 over the Hohhot UTM .prj"
    hohhot = [j for j in jobs if j[0].startswith("呼和浩特")][0][2]
    run = t.run("info", "--json", hohhot, "--s-srs", "EPSG:4546")
    if t.sane_exit(run, 0):
        layer = run.json()["layers"][0]
        t.check(layer["crs"].get("epsg") == 4546 and layer["crs"].get("origin") == "--s-srs",
                "the user's CRS is used, origin --s-srs", run)
        t.check(any("32649" in w or "UTM" in w for w in layer["warnings"]),
                "a warning says the file said UTM 49N", run)
    return None


# --------------------------------------------------------------------------------------------
# Group: encodings on generated DBFs (declared, undeclared, lying, overridden)


def group_encoding(t):
    work = tempfile.mkdtemp(prefix="enc-", dir=t.opts.work)
    name = "青鸾湖临港经济开发区管委会"
    owner = "武汉天通机电设备有限公司"
    gbk_rows = [(name.encode("gbk"), owner.encode("gbk"))]
    fields = ((b"NAME", 40), (b"QLR", 40))
    cases = [
        # stem, records, ldid, cpg, expected encoding name(s), expected origin
        ("gbk_undeclared", gbk_rows, 0, None, ("CP936", "GB18030", "GBK"), "detected"),
        ("gbk_ldid4d", gbk_rows, 0x4D, None, ("CP936",), "ldid"),
        ("gbk_cpg_gbk", gbk_rows, 0, "GBK", ("CP936", "GBK"), "cpg"),
        ("gbk_cpg_936", gbk_rows, 0, "936\r\n", ("CP936",), "cpg"),
        ("gbk_cpg_bom", gbk_rows, 0, "\ufeffGB2312", ("CP936",), "cpg"),
        ("utf8_undeclared", [(name.encode(), owner.encode())], 0, None, ("UTF-8",), "detected"),
        ("utf8_ldid_lies", [(name.encode(), owner.encode())], 0x4D, None, ("UTF-8",), None),
        ("utf8_cpg_lies", [(name.encode(), owner.encode())], 0, "GBK", ("UTF-8",), None),
        ("gbk_cpg_lies", gbk_rows, 0, "UTF-8", ("CP936", "GB18030", "GBK"), None),
        ("gb18030_4byte", [("㐀㐁园区".encode("gb18030"), owner.encode("gb18030"))], 0, None,
         ("GB18030",), "detected"),
    ]
    for stem, records, ldid, cpg, encodings, origin in cases:
        write_point_shapefile(os.path.join(work, stem), [(1.0, 2.0)], fields=fields,
                              records=records, ldid=ldid, cpg=cpg)
    before = snapshot(work)
    for stem, records, ldid, cpg, encodings, origin in cases:
        t.context = "info --json %s.shp" % stem
        run = t.run("info", "--json", stem + ".shp", cwd=work)
        if not t.sane_exit(run, 0):
            continue
        layer = run.json()["layers"][0]
        enc = layer["encoding"]
        t.check(enc["name"] in encodings, "encoding one of %s (got %s: %s)" % (
            encodings, enc["name"], enc["reason"]), run)
        if origin:
            t.check(enc["origin"] == origin, "origin %s (got %s)" % (origin, enc["origin"]), run)
        expect_name = records[0][0].decode("gb18030") if stem.startswith("gb") else name
        t.check(layer["first_feature"].get("NAME") == expect_name, "NAME=%s" % expect_name, run)
        t.check(not text_problems(run.out), "no garbled text", run)
        t.check(not layer["issues"], "no issues", run)

    # --encoding overrides everything, both ways, and a wrong one is visible.
    t.context = "info --encoding CP936 on a UTF-8 DBF"
    run = t.run("info", "--json", "utf8_undeclared.shp", "--encoding", "CP936", cwd=work)
    if t.sane_exit(run, 0):
        layer = run.json()["layers"][0]
        t.check(layer["encoding"]["origin"] == "user", "origin user", run)
        t.check(layer["first_feature"]["NAME"] != name, "the user's (wrong) choice is applied",
                run)
    t.context = "info --encoding UTF-8 on a GBK DBF"
    run = t.run("info", "--json", "gbk_undeclared.shp", "--encoding", "UTF-8", cwd=work)
    if t.sane_exit(run, 0):
        layer = run.json()["layers"][0]
        t.check(any("--encoding" in i for i in layer["issues"]),
                "an issue says the text is broken and suggests --encoding", run)
    t.context = "info --encoding GBK on a Big5 DBF"
    big5 = os.path.join(t.opts.realdata, "peer-shapefiles/mapshaper/test/data/dbf/big5.dbf")
    if os.path.exists(big5):
        run = t.run("info", "--json", big5, "--encoding", "GBK")
        if t.sane_exit(run, 0):
            t.check(run.json()["layers"][0]["first_feature"]["NAME"] != "繁體國語",
                    "the override is applied", run)
    t.context = "encoding"
    t.check(snapshot(work) == before, "the inputs are unchanged: " +
            diff_snapshots(before, snapshot(work)))
    t.check(not partials(work), "no temporary files left")

    # A folder: each shapefile gets its own encoding.
    t.context = "info --json on the folder of generated DBFs"
    run = t.run("info", "--json", work)
    if t.sane_exit(run, 0):
        doc = run.json()
        names = {l["name"]: l["first_feature"].get("NAME") for l in doc["layers"]}
        t.check(len(names) == len(cases), "lists all %d layers (got %d)" % (len(cases),
                                                                           len(names)), run)
        t.check(names.get("gbk_undeclared") == name and names.get("utf8_undeclared") == name,
                "GBK and UTF-8 files side by side both decode", run)
    return None


# --------------------------------------------------------------------------------------------
# Group: convert GBK shapefiles into a GeoPackage and read them back


def copy_set(src_folder, dest_folder, stems=None):
    os.makedirs(dest_folder, exist_ok=True)
    for name in os.listdir(src_folder):
        if stems is None or os.path.splitext(name.split(".shp.")[0])[0] in stems:
            path = os.path.join(src_folder, name)
            if os.path.isfile(path):
                shutil.copy(path, dest_folder)
                os.chmod(os.path.join(dest_folder, name), 0o644)
    return dest_folder


def group_convert_gbk(t):
    src = os.path.join(t.opts.realdata, "china/arcgis-engine-practice")
    if not os.path.isdir(src):
        print("SKIP: no %s" % src)
        return SKIP
    work = tempfile.mkdtemp(prefix="convert-", dir=t.opts.work)
    data = copy_set(src, os.path.join(work, "in"))
    out = os.path.join(work, "out")
    os.makedirs(out)
    before = snapshot(data)

    # One file.
    t.context = "convert townshp.shp town.gpkg"
    run = t.run("convert", "in/townshp.shp", "out/town.gpkg", cwd=work)
    if t.sane_exit(run, 0):
        t.check("CP936" in run.out, "says the text was CP936", run)
        t.check(os.path.isfile(os.path.join(out, "town.gpkg")), "writes the file", run)
        t.context = "info --json town.gpkg"
        info = t.run("info", "--json", "out/town.gpkg", cwd=work)
        if t.sane_exit(info, 0):
            layer = info.json()["layers"][0]
            t.check(layer["first_feature"].get("CON_NAME") == "志远县", "CON_NAME=志远县", info)
            t.check(layer["encoding"]["name"] == "UTF-8", "reads as UTF-8", info)
            t.check(layer["features_read"] == 73, "73 features", info)
            t.check(layer["crs"].get("epsg") == 2386, "keeps the file's CRS (EPSG:2386)", info)
        cols, rows = gpkg_rows(os.path.join(out, "town.gpkg"), "townshp")
        names = [r[cols.index("CON_NAME")] for r in rows] if "CON_NAME" in cols else []
        t.check(len(rows) == 73 and all(isinstance(n, str) and has_cjk(n) for n in names),
                "every CON_NAME in the GeoPackage is Chinese UTF-8 text")
        t.check("志远县" in names, "志远县 is among them")

    # The whole folder (four GBK shapefiles, two CRS-less) into one GeoPackage.
    t.context = "convert in/ park.gpkg"
    run = t.run("convert", "in", "out/park.gpkg", cwd=work)
    if t.sane_exit(run, 0):
        gpkg = os.path.join(out, "park.gpkg")
        t.check(gpkg_tables(gpkg) == ["320100", "rai_4m", "townshp", "wayshp"],
                "holds the four layers (got %s)" % gpkg_tables(gpkg), run)
        expect = {"townshp": ("CON_NAME", "志远县", 73), "wayshp": ("RD_NAME", "共盛路", 211),
                  "rai_4m": ("NAME", "滨洲线", 189), "320100": ("name", "江宁区", 11)}
        for table, (field, value, count) in expect.items():
            try:
                cols, rows = gpkg_rows(gpkg, table)
            except sqlite3.Error as error:
                t.check(False, "%s readable: %s" % (table, error))
                continue
            values = [r[cols.index(field)] for r in rows] if field in cols else []
            t.check(len(rows) == count, "%s has %d rows (got %d)" % (table, count, len(rows)))
            t.check(value in values, "%s.%s holds %s" % (table, field, value))
            bad = [v for r in rows for v in r if isinstance(v, str) and text_problems(v)]
            t.check(not bad, "%s: no garbled text (%s)" % (table, bad[:3]))
        t.context = "info --json park.gpkg"
        info = t.run("info", "--json", "out/park.gpkg", cwd=work)
        if t.sane_exit(info, 0):
            layers = {l["name"]: l for l in info.json()["layers"]}
            t.check(layers.get("wayshp", {}).get("first_feature", {}).get("RD_NAME") == "共盛路",
                    "wayshp RD_NAME=共盛路", info)
            t.check(layers.get("rai_4m", {}).get("crs", {}).get("label") is None,
                    "rai_4m still has no CRS (none was invented)", info)
            t.check(not text_problems(info.out), "no garbled text", info)

    # GeoJSON (single layer) and a folder of shapefiles (UTF-8 with a .cpg).
    t.context = "convert wayshp.shp way.geojson"
    run = t.run("convert", "in/wayshp.shp", "out/way.geojson", cwd=work)
    if t.sane_exit(run, 0):
        with open(os.path.join(out, "way.geojson"), encoding="utf-8") as f:
            doc = json.load(f)
        names = [ft["properties"].get("RD_NAME") for ft in doc["features"]]
        t.check(len(names) == 211 and "共盛路" in names, "211 features, 共盛路 among them")
    t.context = "convert in/ shpout (folder of shapefiles)"
    run = t.run("convert", "in", "out/shpout", cwd=work)
    if t.sane_exit(run, 0):
        cpg = os.path.join(out, "shpout", "townshp.cpg")
        t.check(os.path.isfile(cpg) and open(cpg).read().strip().upper() in ("UTF-8", "UTF8"),
                "writes a UTF-8 .cpg", run)
        info = t.run("info", "--json", "out/shpout/townshp.shp", cwd=work)
        if t.sane_exit(info, 0):
            layer = info.json()["layers"][0]
            t.check(layer["first_feature"].get("CON_NAME") == "志远县", "reads back 志远县", info)
            t.check(layer["encoding"]["name"] == "UTF-8", "as UTF-8", info)

    # Reprojection with --s-srs for a file that has none.
    t.context = "convert rai_4m.shp --s-srs EPSG:4490 --t-srs EPSG:4326"
    run = t.run("convert", "in/rai_4m.shp", "out/rai.gpkg", "--s-srs", "EPSG:4490",
                "--t-srs", "EPSG:4326", cwd=work)
    if t.sane_exit(run, 0):
        info = t.run("info", "--json", "out/rai.gpkg", cwd=work)
        if t.sane_exit(info, 0):
            layer = info.json()["layers"][0]
            t.check(layer["crs"].get("epsg") == 4326, "the output is in EPSG:4326", info)
            ext = layer["extent"]
            t.check(ext and 84 < ext[0] < 85 and 131 < ext[2] < 132,
                    "coordinates stay in China's degrees (%s)" % ext, info)

    t.context = "convert (GBK)"
    t.check(snapshot(data) == before, "the input folder is unchanged: " +
            diff_snapshots(before, snapshot(data)))
    t.check(not partials(work), "no .partial- files left: %s" % partials(work))
    return None


# --------------------------------------------------------------------------------------------
# Group: convert must never damage its input nor leave half-written output


def group_convert_safety(t):
    src = os.path.join(t.opts.realdata, "china/arcgis-engine-practice")
    if not os.path.isdir(src):
        print("SKIP: no %s" % src)
        return SKIP
    work = tempfile.mkdtemp(prefix="safety-", dir=t.opts.work)
    data = copy_set(src, os.path.join(work, "in"), stems={"townshp", "rai_4m"})
    out = os.path.join(work, "out")
    os.makedirs(out)
    before = snapshot(data)

    def unchanged(what):
        now = snapshot(data)
        t.check(now == before, what + ": the input folder is unchanged: " +
                diff_snapshots(before, now))
        t.check(not partials(work), what + ": no .partial- files left: %s" % partials(work))

    # DEST is the input, however it is spelled.
    for dest in ["in/townshp.shp", "./in/townshp.shp", os.path.join(work, "in/townshp.shp"),
                 "in//townshp.shp", "in/../in/townshp.shp"]:
        for extra in ([], ["--overwrite"]):
            t.context = "convert in/townshp.shp %s %s" % (dest, " ".join(extra))
            run = t.run("convert", "in/townshp.shp", dest, *extra, cwd=work)
            t.sane_exit(run, 2)
            t.check("input" in run.err and "townshp" in run.err,
                    "says the destination is the input, naming it", run)
            unchanged(t.context)
    os.symlink(os.path.join(data, "townshp.shp"), os.path.join(out, "link.shp"))
    t.context = "convert in/townshp.shp out/link.shp (a symlink to the input) --overwrite"
    run = t.run("convert", "in/townshp.shp", "out/link.shp", "--overwrite", cwd=work)
    t.sane_exit(run, 2)
    unchanged(t.context)
    os.remove(os.path.join(out, "link.shp"))
    t.context = "convert in in (folder onto itself) --overwrite"
    run = t.run("convert", "in", "in", "--overwrite", cwd=work)
    t.sane_exit(run, 2)
    unchanged(t.context)

    # DEST names the input's own sidecars through another spelling of the shapefile.
    t.context = "convert in/townshp.shp in/townshp.SHP"
    run = t.run("convert", "in/townshp.shp", "in/townshp.SHP", cwd=work)
    t.sane_exit(run, 2)
    unchanged(t.context)
    restore(data, src, {"townshp", "rai_4m"})
    t.context = "convert in/townshp.dbf in/townshp.shp --overwrite"
    run = t.run("convert", "in/townshp.dbf", "in/townshp.shp", "--overwrite", cwd=work)
    t.sane_exit(run, 2)
    unchanged(t.context)
    restore(data, src, {"townshp", "rai_4m"})

    # DEST exists: refused without --overwrite, left as it was.
    dest = os.path.join(out, "exists.gpkg")
    with open(dest, "wb") as f:
        f.write(b"not yours to replace")
    t.context = "convert in/townshp.shp out/exists.gpkg (exists, no --overwrite)"
    run = t.run("convert", "in/townshp.shp", "out/exists.gpkg", cwd=work)
    t.sane_exit(run, 2)
    t.check("exists" in run.err and "--overwrite" in run.err and "exists.gpkg" in run.err,
            "says DEST exists, names it and suggests --overwrite", run)
    t.check(open(dest, "rb").read() == b"not yours to replace", "DEST is unchanged", run)
    unchanged(t.context)
    t.context = "convert in/townshp.shp out/exists.gpkg --overwrite"
    run = t.run("convert", "in/townshp.shp", "out/exists.gpkg", "--overwrite", cwd=work)
    if t.sane_exit(run, 0):
        t.check(gpkg_tables(dest) == ["townshp"], "DEST is replaced by the new GeoPackage", run)
    unchanged(t.context)

    # A single-shapefile DEST: its sidecars count as DEST too.
    side = os.path.join(out, "side")
    with open(side + ".dbf", "wb") as f:
        f.write(b"someone else's table")
    t.context = "convert in/townshp.shp out/side.shp where out/side.dbf exists"
    run = t.run("convert", "in/townshp.shp", "out/side.shp", cwd=work)
    t.sane_exit(run, 2)
    t.check(open(side + ".dbf", "rb").read() == b"someone else's table",
            "an existing DEST .dbf is not replaced without --overwrite", run)
    unchanged(t.context)

    # Upper-case .SHP DEST: written completely or not at all.
    t.context = "convert in/townshp.shp out/UPPER.SHP"
    run = t.run("convert", "in/townshp.shp", "out/UPPER.SHP", cwd=work)
    t.sane_exit(run, 0)
    leftovers = sorted(n for n in os.listdir(out) if n.lower().startswith(("upper.", ".upper")))
    t.check(run.rc == 0 or not leftovers, "a failed write leaves nothing behind (%s)" %
            leftovers, run)
    for name in leftovers:
        os.remove(os.path.join(out, name))
    unchanged(t.context)

    # Reprojection without a CRS.
    t.context = "convert in/rai_4m.shp out/r.gpkg --t-srs EPSG:4326 (no .prj)"
    run = t.run("convert", "in/rai_4m.shp", "out/r.gpkg", "--t-srs", "EPSG:4326", cwd=work)
    t.sane_exit(run, 2)
    t.check("rai_4m" in run.err and "--s-srs" in run.err and "coordinate system" in run.err,
            "names the file, says it has no CRS and suggests --s-srs", run)
    t.check(not os.path.exists(os.path.join(out, "r.gpkg")), "writes no DEST", run)
    unchanged(t.context)

    t.context = "convert in out/folder.gpkg --t-srs EPSG:4326 (one layer has no CRS)"
    run = t.run("convert", "in", "out/folder.gpkg", "--t-srs", "EPSG:4326", cwd=work)
    t.sane_exit(run, 2)
    t.check(not os.path.exists(os.path.join(out, "folder.gpkg")),
            "writes no DEST when one layer fails", run)
    unchanged(t.context)

    # Other refusals, each with no trace.
    for args, needle in [
        (("in/townshp.shp", "out/x.xyz"), "extension"),
        (("in/townshp.shp", "out/nofolder/x.gpkg"), "folder"),
        (("in", "out/two.geojson"), "layers"),
        (("in/townshp.shp", "out/y.gpkg", "--t-srs", "EPSG:0"), "EPSG:0"),
        (("in/nothing.shp", "out/z.gpkg"), "nothing.shp"),
    ]:
        t.context = "convert " + " ".join(args)
        run = t.run("convert", *args, cwd=work)
        t.sane_exit(run, 2)
        t.check(needle in run.err, "stderr mentions %r" % needle, run)
        t.check(not any(n for n in os.listdir(out) if n.startswith(("x.", "y.", "z.", "two."))),
                "writes no DEST", run)
        unchanged(t.context)

    # A folder with a file that cannot be opened: not silently dropped.
    broken = os.path.join(work, "mixed")
    copy_set(src, broken, stems={"townshp"})
    lat = os.path.join(t.opts.realdata, "peer-shapefiles/pyshp/tests/shapefiles")
    if os.path.isdir(lat):
        copy_set(lat, broken, stems={"latin1"})
        t.context = "convert mixed/ (one file has no .shx) out/mixed.gpkg"
        run = t.run("convert", "mixed", "out/mixed.gpkg", cwd=work)
        t.sane_exit(run)
        t.check(run.rc == 2 or "latin1" in run.err, "the unreadable latin1.shp is reported "
                "(or the conversion refused), not silently left out", run)

    unchanged("convert (safety)")
    t.context = "convert onto a folder of the destination's name"
    blocked = os.path.join(work, "blocked.gpkg")
    os.makedirs(os.path.join(blocked, "inner"))
    run = t.run("convert", os.path.join(t.opts.sample, "park.gpkg"), blocked, "--overwrite")
    if t.sane_exit(run, 2):
        t.check("filesystem error" not in run.err and blocked in run.err and
                "into place" in run.err,
                "an error of ParkAtlas's own naming the destination, not a raw filesystem_error",
                run)
        t.check(os.path.isdir(os.path.join(blocked, "inner")), "the folder is left as it was")
        t.check(not partials(work), "no partial file left (%s)" % partials(work))
    return None


def restore(data, src, stems):
    """Puts the pristine input back after a check that may have damaged it."""
    shutil.rmtree(data)
    copy_set(src, data, stems=stems)


# --------------------------------------------------------------------------------------------
# Group: the bundled sample park


def group_sample(t):
    sample = t.opts.sample
    shp = os.path.join(sample, "shp")
    gpkg = os.path.join(sample, "park.gpkg")
    if not (os.path.isdir(shp) and os.path.isfile(gpkg)):
        print("SKIP: the sample park is not there yet (%s, %s)" % (shp, gpkg))
        return SKIP
    before = snapshot(sample)

    t.context = "info --json data/sample/shp"
    run = t.run("info", "--json", shp)
    layers = {}
    if t.sane_exit(run, 0):
        layers = {l["name"]: l for l in run.json()["layers"]}
        t.check(not text_problems(run.out), "no garbled text", run)
    for role in ("boundary", "parcels", "plan_zones", "roads", "pipelines"):
        t.check(role in layers, "has the %s layer" % role, run)
    parcels = layers.get("parcels", {})
    owner = parcels.get("first_feature", {}).get("QLR") or \
        parcels.get("first_feature", {}).get("owner") or ""
    t.check(has_cjk(owner) and not text_problems(owner),
            "parcels' owner (QLR) is decoded Chinese (got %r)" % owner, run)
    t.check(parcels.get("encoding", {}).get("name") in ("CP936", "GBK", "GB18030"),
            "parcels are decoded as GBK", run)
    no_prj = [n for n, l in layers.items() if not l["crs"].get("label")]
    t.check(no_prj, "some layer has no .prj (the zone-proposal case)", run)
    for name in no_prj:
        crs = layers[name]["crs"]
        t.check(crs.get("proposal", {}).get("epsg") == 4526,
                "%s: proposes EPSG:4526 (got %s)" % (name, crs.get("proposal")), run)
        t.check(crs.get("label") is None, "%s: assumes no CRS" % name, run)
    xian = [n for n, l in layers.items() if l["crs"].get("epsg") == 2383]
    t.check(xian, "some layer is in Xi'an 1980 and reports EPSG:2383", run)

    t.context = "info data/sample/shp (text)"
    run = t.run("info", shp)
    if t.sane_exit(run, 0):
        t.check("EPSG:4526" in run.out and "Not assumed" in run.out,
                "the text output proposes EPSG:4526 and says it is not assumed", run)
        t.check("EPSG:2383" in run.out, "shows EPSG:2383", run)
        t.check(not text_problems(run.out), "no garbled text", run)

    t.context = "info --json data/sample/park.gpkg"
    run = t.run("info", "--json", gpkg)
    if t.sane_exit(run, 0):
        t.check(not text_problems(run.out), "no garbled text", run)

    # The folder into a GeoPackage: every text value equals the bundled park.gpkg's.
    work = tempfile.mkdtemp(prefix="sample-", dir=t.opts.work)
    out = os.path.join(work, "from_shp.gpkg")
    t.context = "convert data/sample/shp from_shp.gpkg"
    run = t.run("convert", shp, out)
    if t.sane_exit(run, 0):
        t.check(not partials(work), "no .partial- files left", run)
        converted = set(gpkg_tables(out))
        t.check(converted == set(layers), "holds every layer of the folder", run)
        reference = set(gpkg_tables(gpkg))
        for table in sorted(converted & reference):
            compare_with_reference(t, table, gpkg_rows(out, table), gpkg_rows(gpkg, table))
        info = t.run("info", "--json", out)
        if t.sane_exit(info, 0):
            back = {l["name"]: l for l in info.json()["layers"]}
            first = back.get("parcels", {}).get("first_feature", {})
            t.check(first.get("QLR") == owner or first.get("owner") == owner,
                    "parcels read back with the same owner %s" % owner, info)
            for name in no_prj:
                crs = back.get(name, {}).get("crs", {})
                t.check(crs.get("label") is None and crs.get("proposal", {}).get("epsg") == 4526,
                        "%s (no .prj) still has no CRS and still gets the EPSG:4526 proposal "
                        "after conversion (got %s)" % (name, crs), info)
            t.check(not text_problems(info.out), "no garbled text", info)
    t.context = "sample"
    t.check(snapshot(sample) == before, "data/sample is unchanged: " +
            diff_snapshots(before, snapshot(sample)))
    return None


def group_area(t):
    """`parkatlas area`: JSON shape as DESIGN.md gives it, parts that add up, CSV for Excel,
    methods, roles by Chinese name, and the layer that cannot be measured."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    shp = os.path.join(sample, "shp")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP

    def close(a, b, rel):
        return abs(a - b) <= rel * max(1.0, abs(b))

    t.context = "area park.gpkg --format json"
    run = t.run("area", gpkg, "--format", "json")
    if t.sane_exit(run, 0):
        doc = run.json()
        t.check(doc.get("method") == "ellipsoidal", "says the method it used", run)
        parcels = doc["layers"].get("parcels", {})
        total = parcels.get("total", {})
        t.check(total.get("count") == 498, "parcels: 498 features (got %s)" % total.get("count"))
        t.check(close(total.get("area_mu", 0), total.get("area_m2", 0) * 15 / 10000, 1e-12),
                "area_mu is area_m2 × 15/10000")
        roads = doc["layers"].get("roads", {}).get("total", {})
        t.check(roads.get("length_m", 0) > 0, "roads get a length in metres", run)

    t.context = "area park.gpkg --layer parcels --by land_use --format json"
    run = t.run("area", gpkg, "--layer", "parcels", "--by", "land_use", "--format", "json")
    if t.sane_exit(run, 0):
        layer = run.json()["layers"]["parcels"]
        by = layer.get("by", {})
        t.check(len(by) > 5, "several land-use codes (got %d)" % len(by))
        t.check(close(sum(v["area_m2"] for v in by.values()), layer["total"]["area_m2"], 1e-12),
                "the parts add up to the total (unrounded)")
        t.check(sum(v["count"] for v in by.values()) == layer["total"]["count"],
                "the counts add up to the total")
        t.check("(unknown)" in by, "the parcel whose land_use is 'xx' is counted as unknown, "
                "not dropped")

    t.context = "area park.gpkg --layer parcels --by land_use (table)"
    run = t.run("area", gpkg, "--layer", "parcels", "--by", "land_use")
    if t.sane_exit(run, 0):
        lines = [l for l in run.out.splitlines() if re.search(r"\d+\.\d\d\s+\d+\.\d{4}$", l)]
        rows = [l for l in lines if not l.startswith("total")]
        totals = [l for l in lines if l.startswith("total")]
        t.check(len(totals) == 1 and len(rows) > 5, "rows and a total row", run)
        if totals:
            mu = lambda line: round(float(line.split()[-2]) * 100)
            t.check(sum(mu(r) for r in rows) == mu(totals[0]),
                    "the shown mu of the rows add up to the shown total exactly", run)
        header = run.out.splitlines()[1]
        t.check("亩" in header, "the header says 亩 (mu)", run)

    t.context = "area --per-feature --format csv"
    run = t.run("area", gpkg, "--layer", "parcels", "--per-feature", "--format", "csv")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM for Excel")
        reader = list(csv.reader(io.StringIO(run.raw_out.decode("utf-8-sig"))))
        t.check(reader[0][:3] == ["layer", "fid", "count"], "header layer,fid,count… (got %s)"
                % reader[0])
        body = [r for r in reader[1:] if r[1] != "total"]
        t.check(len(body) == 498, "one row per parcel (got %d)" % len(body))
        area = reader[0].index("area_m2")
        mu = reader[0].index("area_mu")
        t.check(all(close(float(r[mu]), float(r[area]) * 15 / 10000, 1e-12) for r in body),
                "every row's mu is its m² × 15/10000")

    t.context = "area --method survey against ellipsoidal"
    runs = [t.run("area", gpkg, "--layer", "parcels", "--method", m, "--format", "json")
            for m in ("survey", "ellipsoidal", "planar")]
    if all(t.sane_exit(r, 0) for r in runs):
        survey, ellipsoidal, planar = [r.json()["layers"]["parcels"]["total"]["area_m2"]
                                       for r in runs]
        t.check(close(survey, ellipsoidal, 1e-6), "survey and ellipsoidal agree to 1e-6 "
                "(%.3f vs %.3f)" % (survey, ellipsoidal))
        t.check(planar != ellipsoidal and close(planar, ellipsoidal, 1e-4),
                "planar differs from ellipsoidal, slightly (%.3f vs %.3f)" % (planar, ellipsoidal))

    t.context = "area on degrees --method planar"
    rail = os.path.join(t.opts.realdata, "china/arcgis-engine-practice/rai_4m.shp")
    town = os.path.join(t.opts.realdata, "china/dongli-china-shapefiles/china_country.shp")
    run = t.run("area", town, "--method", "planar")
    if t.sane_exit(run, 2):
        t.check("geographic" in run.err or "degrees" in run.err,
                "refused: planar area of longitude/latitude", run)
    run = t.run("area", rail)
    if t.sane_exit(run, 2):
        t.check("rai_4m.shp" in run.err and "--s-srs" in run.err,
                "no CRS: names the file and says --s-srs", run)
    run = t.run("area", rail, "--s-srs", "EPSG:4490", "--format", "json")
    if t.sane_exit(run, 0):
        t.check(run.json()["layers"]["rai_4m"]["total"]["length_m"] > 1e6,
                "with --s-srs the railways get a geodesic length", run)

    t.context = "area data/sample/shp --layer 宗地 (a role by its Chinese name)"
    run = t.run("area", shp, "--layer", "宗地", "--format", "json")
    ref = t.run("area", gpkg, "--layer", "parcels", "--format", "json")
    if t.sane_exit(run, 0) and t.sane_exit(ref, 0):
        a = run.json()["layers"]["parcels"]["total"]["area_m2"]
        b = ref.json()["layers"]["parcels"]["total"]["area_m2"]
        t.check(close(a, b, 1e-12), "GBK folder and GeoPackage give the same total")

    t.context = "area data/sample/shp (a layer with no .prj among them)"
    run = t.run("area", shp)
    if t.sane_exit(run, 2):
        t.check("buildings.shp" in run.err and "EPSG:4526" in run.err,
                "the buildings layer is named with its proposed zone", run)
        t.check("parcels" in run.out, "the other layers are still measured", run)

    t.context = "area data/sample/shp.parkatlas.json"
    run = t.run("area", os.path.join(sample, "shp.parkatlas.json"), "--format", "json")
    if t.sane_exit(run, 0):
        t.check(run.json()["layers"]["buildings"]["crs"] == "EPSG:4526",
                "the project file gives the buildings their zone", run)


    t.context = "area --layer expansion --per-feature (against pyproj's geodesic area)"
    measured = independent_expansion(t, gpkg)
    run = t.run("area", gpkg, "--layer", "expansion", "--per-feature", "--format", "json")
    ref = t.run("area", shp, "--layer", "expansion", "--per-feature", "--format", "json")
    if t.sane_exit(run, 0) and t.sane_exit(ref, 0) and measured:
        mine = per_feature_mu(run.json()["layers"]["expansion"])
        theirs = per_feature_mu(ref.json()["layers"]["expansion"])
        t.check(sorted(mine) == [1, 2, 3], "one row per zone (got %s)" % sorted(mine), run)
        for fid in sorted(mine):
            want = measured[fid]["m2"] * 15 / 10000
            t.check(abs(mine[fid] - want) <= 1e-6 * want,
                    "zone %d: %.4f mu, pyproj says %.4f" % (fid, mine[fid], want))
        t.check({k + 1: v for k, v in theirs.items()} == mine,
                "the shapefile folder gives the same mu (FID + 1 = fid; got %s and %s)"
                % (theirs, mine))

    t.context = "area --layer nosuch"
    run = t.run("area", gpkg, "--layer", "nosuch")
    if t.sane_exit(run, 2):
        t.check("parcels" in run.err, "the message lists the layers there are", run)
    run = t.run("area", gpkg, "--method", "guess")
    t.sane_exit(run, 2)
    return None


AUDIT_RULES = {"idle_not_started", "idle_stalled", "idle_low_coverage", "low_efficiency",
               "cannot_decide"}


def expected_audit(sample, fid_offset=0):
    """expected_findings.json's audit entries: (rule, fid) -> the needs of audit rules."""
    with open(os.path.join(sample, "expected_findings.json"), encoding="utf-8") as f:
        doc = json.load(f)
    out = {}
    for e in doc["findings"]:
        if e["rule"] not in AUDIT_RULES:
            continue
        needs = [n for n in e.get("needs", []) if n.split(" ")[0] in AUDIT_RULES]
        if e["rule"] == "cannot_decide" and not needs:
            continue  # needs only plan-compliance rules: parkatlas check's
        out[(e["rule"], e["fid"] + fid_offset)] = "; ".join(needs)
    return out


def group_audit(t):
    """`parkatlas audit`: the sample park's planted cases exactly (GeoPackage and GBK shapefiles
    by project file), clauses and evidence, CSV and GeoPackage output, usage errors."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    project = os.path.join(sample, "shp.parkatlas.json")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP

    for source, offset in ((gpkg, 0), (project, -1)):
        t.context = "audit %s --as-of 2026-06-30 --format json" % os.path.basename(source)
        run = t.run("audit", source, "--as-of", "2026-06-30", "--format", "json")
        if not t.sane_exit(run, 0):
            continue
        doc = run.json()
        t.check(doc.get("as_of") == "2026-06-30", "says the date it speaks for", run)
        got = {}
        for f in doc.get("findings", []):
            got[(f["rule"], f["fids"][0])] = f.get("evidence", {}).get("needs", "")
        want = expected_audit(sample, offset)
        t.check(got == want, "exactly the planted audit cases (got %s, want %s)"
                % (sorted(got.items()), sorted(want.items())))
        for f in doc.get("findings", []):
            t.check(f.get("parcel_id"), "%s fid %s names its parcel_id" % (f["rule"], f["fids"]))
            t.check("covered_share" in f.get("evidence", {}),
                    "%s fid %s has the covered share as evidence" % (f["rule"], f["fids"]))
            if f["rule"].startswith("idle_") and f["rule"] != "idle_low_coverage":
                t.check("第二条" in f.get("clause", "") and "第十四条" in f.get("clause", ""),
                        "%s names 第二条 and 第十四条" % f["rule"])
        stalled = [f for f in doc.get("findings", []) if f["rule"] == "idle_stalled"]
        if stalled:
            ev = stalled[0]["evidence"]
            t.check(abs(ev.get("built_share", 1) - 0.18) < 0.01 and
                    abs(ev.get("invested_share", 1) - 0.15) < 0.01,
                    "idle_stalled shows the shares that triggered it (%s)" % ev)
            t.check(ev.get("consequence") == "征缴土地闲置费" and
                    ev.get("recovery_on") == "2026-10-08",
                    "stopped 2024-10-08: the fee now, recovery from 2026-10-08 (%s)" % ev)
        unknown = [f for f in doc.get("findings", []) if f["rule"] == "cannot_decide"]
        for f in unknown:
            for key, value in f["evidence"].items():
                t.check(value != 0, "cannot_decide never shows an unknown as 0 (%s)" % key)

    for as_of in ("2026-12-04", "2028-06-30"):
        t.context = "audit --as-of %s: totals count each plot once" % as_of
        out_gpkg = os.path.join(t.opts.work, "audit-totals-%s.gpkg" % as_of)
        run = t.run("audit", gpkg, "--as-of", as_of, "--format", "json", "--out", out_gpkg)
        if t.sane_exit(run, 0):
            union = independent_union(t, out_gpkg)
            if union:
                doc = run.json()
                check_totals(t, doc, union)
                t.check(doc.get("total", {}).get("counted_once", 0) > 0,
                        "the sample has a plot under two rules (%s)" % doc.get("total"))

    t.context = "audit a year later: the recovery date has passed"
    run = t.run("audit", gpkg, "--as-of", "2026-10-08", "--format", "json")
    if t.sane_exit(run, 0):
        stalled = [f for f in run.json()["findings"] if f["rule"] == "idle_stalled"
                   and f["fids"] == [107]]
        t.check(stalled and stalled[0]["evidence"]["consequence"] == "无偿收回",
                "QL2019-009 two full years after stopping: 无偿收回", run)

    t.context = "audit --format csv --out findings.gpkg"
    out = os.path.join(t.opts.work, "audit.gpkg")
    run = t.run("audit", gpkg, "--as-of", "2026-06-30", "--format", "csv", "--out", out)
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
        rows = list(csv.reader(io.StringIO(run.raw_out.decode("utf-8-sig"))))
        t.check(len(rows) == 1 + 6, "a header and six findings (got %d rows)" % len(rows), run)
        t.check(os.path.isfile(out), "the GeoPackage is written", run)
        if os.path.isfile(out):
            tables = gpkg_tables(out)
            t.check(len(tables) == 1, "one findings layer (got %s)" % tables)
            if tables:
                t.check(len(gpkg_rows(out, tables[0])[1]) == 6, "six rows in the layer")
        run = t.run("audit", gpkg, "--as-of", "2026-06-30", "--out", out)
        t.sane_exit(run, 2)
        t.check("exists" in run.err, "an existing --out is not overwritten silently", run)

    t.context = "audit --fail-on-findings"
    run = t.run("audit", gpkg, "--as-of", "2026-06-30", "--fail-on-findings")
    t.check(run.rc == 1, "exits 1 when there are findings", run)
    t.context = "audit usage"
    for args, what in ((["audit", gpkg], "--as-of"), (["audit", gpkg, "--as-of", "2026-02-30"],
                       "not a date"), (["audit", gpkg, "--as-of", "2026-06-30", "--format", "xml"],
                       "--format")):
        run = t.run(*args)
        if t.sane_exit(run, 2):
            t.check(what in run.err, "says %s" % what, run)
    return None


def xlsx_sheets(path):
    """Each worksheet of an .xlsx as a list of rows of cell texts (numbers as Python floats),
    read with the standard library only."""
    import zipfile
    import xml.etree.ElementTree as ET
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
                shared.append("".join(t.text or "" for t in si.iter(
                    "{%s}t" % ns["m"])))
        names = sorted((n for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)),
                       key=lambda n: int(re.search(r"(\d+)\.xml$", n).group(1)))
        sheets = []
        for name in names:
            rows = []
            for row in ET.fromstring(z.read(name)).iter("{%s}row" % ns["m"]):
                cells = {}
                for c in row.findall("m:c", ns):
                    ref = re.match(r"([A-Z]+)", c.get("r")).group(1)
                    col = 0
                    for ch in ref:
                        col = col * 26 + ord(ch) - 64
                    v = c.find("m:v", ns)
                    if v is None:
                        continue
                    cells[col - 1] = shared[int(v.text)] if c.get("t") == "s" else float(v.text)
                width = max(cells) + 1 if cells else 0
                rows.append([cells.get(i, "") for i in range(width)])
            sheets.append(rows)
        return sheets


def csv_tables(raw):
    """A ledger CSV split into its tables (blank rows separate them)."""
    tables, current = [], []
    for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))):
        if not any(row):
            if current:
                tables.append(current)
            current = []
        else:
            current.append(row)
    if current:
        tables.append(current)
    return tables


def group_styles(t):
    """The styles lookup: an installed program (bin/parkatlas beside share/parkatlas/styles) reads
    its own thresholds.json in `check`, `audit` and `report` alike, and says when it is missing
    instead of going on silently with built-in defaults."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    source_styles = os.path.join(HERE, "..", "..", "styles")
    prefix = os.path.join(t.opts.work, "prefix")
    os.makedirs(os.path.join(prefix, "bin"))
    installed = os.path.join(prefix, "bin", "parkatlas")
    shutil.copy2(t.binary, installed)
    styles = os.path.join(prefix, "share", "parkatlas", "styles")
    shutil.copytree(source_styles, styles)
    thresholds = os.path.join(styles, "thresholds.json")
    with open(thresholds, encoding="utf-8") as f:
        doc = json.load(f)
    # The installed copy's own thresholds: a tax floor no plot reaches.
    doc["rules"]["intensity_below_standard"]["tax_min_wan_per_mu"] = 9999.0
    with open(thresholds, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)

    binary = t.binary
    env = dict(os.environ)
    env.pop("PARKATLAS_STYLES", None)
    os.environ.pop("PARKATLAS_STYLES", None)
    try:
        t.binary = installed
        t.context = "installed audit --format json"
        run = t.run("audit", gpkg, "--as-of", "2026-06-30", "--format", "json")
        if t.sane_exit(run, 0):
            rules = run.json().get("rules", {})
            t.check(rules.get("low_efficiency", {}).get("tax_per_mu_min_wan") == 9999.0,
                    "audit takes the installed thresholds.json (got %s)"
                    % rules.get("low_efficiency"), run)
            t.check(any(os.path.realpath(o) == os.path.realpath(thresholds)
                        for o in rules.get("from", []) if os.path.exists(o)),
                    "audit says it read %s (got %s)" % (thresholds, rules.get("from")), run)
        t.context = "installed check --format json"
        run = t.run("check", gpkg, "--rule", "intensity_below_standard", "--format", "json")
        if t.sane_exit(run, 0):
            floors = {f["evidence"]["tax_wan_per_mu_min"] for f in run.json()["findings"]
                      if "tax_wan_per_mu_min" in f.get("evidence", {})}
            t.check(floors == {9999.0}, "check takes the installed thresholds.json too (tax "
                    "floors %s)" % sorted(floors), run)

        os.remove(thresholds)
        t.binary = installed
        commands = [("check", gpkg), ("audit", gpkg, "--as-of", "2026-06-30")]
        # `report` draws pages: a build without the GUI (the sanitizer build) has no such command.
        if t.run("report", "--help").rc == 0:
            commands.append(("report", gpkg, "--out", os.path.join(t.opts.work, "pack"),
                             "--as-of", "2026-06-30"))
        for args in commands:
            t.context = "installed %s without thresholds.json" % args[0]
            run = t.run(*args, timeout=120)
            t.sane_exit(run, 0)
            t.check("thresholds.json" in run.err and "warning" in run.err,
                    "warns that thresholds.json is missing", run)
    finally:
        t.binary = binary


def group_locale(t):
    """Numbers read and written the same under a decimal-comma locale (de_DE.UTF-8, which
    scripts/setup generates): `check` and `report` on a park whose every field is text (so each
    number is parsed from text) give the same output as under the C locale."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    if not t.check("de_de.utf8" in locales, "the de_DE.UTF-8 locale is generated (scripts/setup "
                   "does it)"):
        return
    strings = os.path.join(t.opts.work, "strings.gpkg")
    made = subprocess.run(["ogr2ogr", "-f", "GPKG", "-fieldTypeToString", "All", strings, gpkg],
                          capture_output=True, text=True)
    if not t.check(made.returncode == 0, "ogr2ogr makes the all-text park: " + made.stderr):
        return

    def run_in(locale_name, *args):
        env = dict(os.environ, LC_ALL=locale_name, LANG=locale_name)
        proc = subprocess.run([t.binary] + list(args), capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=120)
        return Run([t.binary] + list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                   proc.stderr.decode("utf-8", "replace"), 0)

    t.context = "check under de_DE.UTF-8"
    c = run_in("C.UTF-8", "check", strings, "--format", "json")
    de = run_in("de_DE.UTF-8", "check", strings, "--format", "json")
    if t.sane_exit(c, 0) and t.sane_exit(de, 0):
        t.check(c.out == de.out, "the same findings as under C", de)
        t.check(any(f["rule"] == "intensity_below_standard" for f in c.json()["findings"]),
                "numbers parsed from text reach the rules")

    t.context = "report under de_DE.UTF-8"
    outs = {}
    if t.run("report", "--help").rc != 0:
        print("report: not in this build (PARKATLAS_BUILD_GUI=OFF), its part skipped")
        return None
    for name in ("C.UTF-8", "de_DE.UTF-8"):
        out = os.path.join(t.opts.work, "pack-" + name)
        run = run_in(name, "report", strings, "--out", out, "--as-of", "2026-06-30",
                     "--date", "2026年6月")
        if t.sane_exit(run, 0):
            outs[name] = out
    if len(outs) == 2:
        a, b = outs["C.UTF-8"], outs["de_DE.UTF-8"]
        texts = sorted(n for n in os.listdir(a) if n.endswith((".csv", ".json", ".txt")))
        t.check(texts and sorted(os.listdir(a)) == sorted(os.listdir(b)),
                "the same files (%s)" % sorted(os.listdir(b)))
        for name in texts:
            with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
                t.check(fa.read() == fb.read(), "%s is the same under de_DE as under C" % name)


def group_ledger(t):
    """`parkatlas ledger` and `parkatlas indicators`: parts that add up to the totals as shown,
    CSV with BOM, the XLSX read back and compared with the CSV, JSON, usage."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP

    for kind in ("acquisition", "idle", "works", "supply"):
        t.context = "ledger --kind %s --format csv" % kind
        run = t.run("ledger", gpkg, "--kind", kind, "--format", "csv")
        if not t.sane_exit(run, 0):
            continue
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
        tables = csv_tables(run.raw_out)
        t.check(len(tables) >= 2, "several tables (got %d)" % len(tables), run)
        for table in tables:
            title, header = table[0][0], table[1]
            body = [r for r in table[2:] if len(r) == len(header)]
            totals = [r for r in body if r[0].startswith("合计")]
            rows = [r for r in body if not r[0].startswith("合计")]
            if not totals:
                continue
            for c, name in enumerate(header):
                if not re.search(r"（(亩|万元|km)）|^(户|人|批次数|案件数|段数|宗数)$", name) \
                        or totals[0][c] == "":
                    continue
                scale = 1000
                shown = sum(round(float(r[c]) * scale) for r in rows if r[c] != "")
                t.check(shown == round(float(totals[0][c]) * scale),
                        "%s: the shown %s add up to the shown total" % (title, name))

        t.context = "ledger --kind %s --format xlsx --out, read back" % kind
        out = os.path.join(t.opts.work, kind + ".xlsx")
        run_x = t.run("ledger", gpkg, "--kind", kind, "--format", "xlsx", "--out", out)
        if t.sane_exit(run_x, 0) and os.path.isfile(out):
            sheets = xlsx_sheets(out)
            tables = csv_tables(run.raw_out)
            t.check(len(sheets) == len(tables), "one sheet per CSV table (%d vs %d)"
                    % (len(sheets), len(tables)))
            same = True
            for sheet, table in zip(sheets, tables):
                for xrow, crow in zip(sheet, table):
                    for x, c in zip(xrow, crow + [""] * (len(xrow) - len(crow))):
                        if isinstance(x, float):
                            same &= c != "" and abs(float(c) - x) < 1e-9
                        else:
                            same &= x == c
                same &= len(sheet) == len(table)
            t.check(same, "every cell of the workbook is the CSV's cell")
            run_x = t.run("ledger", gpkg, "--kind", kind, "--format", "xlsx", "--out", out)
            t.sane_exit(run_x, 2)

    t.context = "ledger --kind idle --format json"
    run = t.run("ledger", gpkg, "--kind", "idle", "--format", "json")
    if t.sane_exit(run, 0):
        doc = run.json()
        by_kind = [tb for tb in doc["tables"] if tb["id"] == "by_kind"]
        t.check(by_kind and by_kind[0]["total"]["disposal_rate_pct"] == 25.0,
                "处置率: 2 of 8 cases disposed", run)
        cases = [tb for tb in doc["tables"] if tb["id"] == "cases"][0]
        t.check(any(r["fee_wan"] is None for r in cases["rows"]),
                "an unknown fee is null, not 0")

    t.context = "ledger usage"
    run = t.run("ledger", gpkg, "--kind", "works", "--format", "xlsx")
    if t.sane_exit(run, 2):
        t.check("--out" in run.err, "xlsx needs --out", run)
    run = t.run("ledger", gpkg, "--kind", "nosuch")
    t.sane_exit(run, 2)
    run = t.run("ledger", gpkg)
    t.sane_exit(run, 2)

    t.context = "indicators --format json"
    run = t.run("indicators", gpkg, "--format", "json")
    if t.sane_exit(run, 0):
        inds = run.json()["indicators"]
        names = [i["name"] for i in inds]
        t.check(names == ["土地开发率", "土地供应率", "土地建成率", "工业用地率", "综合容积率",
                          "建筑密度", "工业用地综合容积率", "工业用地固定资产投入强度",
                          "工业用地地均税收", "综合地均税收", "闲置土地处置率"],
                "the eleven TD/T 1029 indicators in order (got %s)" % names)
        for i in inds:
            t.check(i["formula"] and i["inputs"] and all(x["source"] for x in i["inputs"]),
                    "%s: formula and inputs with sources" % i["name"])
    run = t.run("indicators", gpkg, "--format", "csv")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "indicators CSV has the BOM")
    return None


# The expansion zones' areas measured without parkatlas: OGR (GEOS) for the overlay, then the
# rings densified every 10 m in EPSG:4547, taken to CGCS2000 longitude/latitude with pyproj and
# measured on the GRS80 ellipsoid (= CGCS2000's) with pyproj's Geod (Karney). Debian's python3
# with python3-gdal and python3-pyproj (scripts/setup), whatever Python runs these tests.
INDEPENDENT_EXPANSION = r"""
import json, math, sys
from osgeo import ogr
from pyproj import Geod, Transformer
ogr.UseExceptions()
geod = Geod(ellps="GRS80")
to_ll = Transformer.from_crs("EPSG:4547", "EPSG:4490", always_xy=True)

def ring_m2(ring):
    pts = ring.GetPoints()
    xs, ys = [], []
    for (x0, y0, *_), (x1, y1, *_) in zip(pts, pts[1:]):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) // 10))
        for k in range(n):
            xs.append(x0 + (x1 - x0) * k / n)
            ys.append(y0 + (y1 - y0) * k / n)
    lon, lat = to_ll.transform(xs, ys)
    return abs(geod.polygon_area_perimeter(lon, lat)[0])

def m2(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return ring_m2(g.GetGeometryRef(0)) - sum(
            ring_m2(g.GetGeometryRef(k)) for k in range(1, g.GetGeometryCount()))
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        return sum(m2(g.GetGeometryRef(k)) for k in range(g.GetGeometryCount()))
    return 0.0

ds = ogr.Open(sys.argv[1])
zones = [(z.GetField("zone_id"), z.GetField("land_use"), z.GetGeometryRef().Clone())
         for z in ds.GetLayerByName("plan_zones")]
out = {}
for e in ds.GetLayerByName("expansion"):
    g = e.GetGeometryRef()
    pieces = []
    for zid, code, zg in zones:
        if g.Intersects(zg):
            a = m2(g.Intersection(zg))
            if a > 1.0:
                pieces.append([zid, code, a])
    out[e.GetFID()] = {"name": e.GetField("name"), "m2": m2(g), "zones": pieces}
print(json.dumps(out, ensure_ascii=False))
"""


def per_feature_mu(layer):
    """{fid: area_mu} of `parkatlas area --per-feature --format json`'s layer."""
    return {f["fid"]: f["area_mu"] for f in layer.get("features", [])}


def independent_expansion(t, gpkg):
    """{fid: {"name", "m2", "zones": [[zone_id, land_use, m2]]}} of the expansion zones, or None
    (a failed check) when Debian's Python cannot do it."""
    run = subprocess.run(["/usr/bin/python3", "-c", INDEPENDENT_EXPANSION, gpkg],
                         capture_output=True, text=True)
    if not t.check(run.returncode == 0, "the independent measurement runs (/usr/bin/python3 with "
                   "python3-gdal and python3-pyproj): " + _clip(run.stderr)):
        return None
    return {int(k): v for k, v in json.loads(run.stdout).items()}


INDEPENDENT_UNION = r"""
import json, math, sys
from osgeo import ogr
from pyproj import Geod, Transformer
ogr.UseExceptions()
geod = Geod(ellps="GRS80")
to_ll = Transformer.from_crs("EPSG:4547", "EPSG:4490", always_xy=True)

def ring_m2(ring):
    pts = ring.GetPoints()
    xs, ys = [], []
    for (x0, y0, *_), (x1, y1, *_) in zip(pts, pts[1:]):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) // 10))
        for k in range(n):
            xs.append(x0 + (x1 - x0) * k / n)
            ys.append(y0 + (y1 - y0) * k / n)
    lon, lat = to_ll.transform(xs, ys)
    return abs(geod.polygon_area_perimeter(lon, lat)[0])

def m2(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return ring_m2(g.GetGeometryRef(0)) - sum(
            ring_m2(g.GetGeometryRef(k)) for k in range(1, g.GetGeometryCount()))
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        return sum(m2(g.GetGeometryRef(k)) for k in range(g.GetGeometryCount()))
    return 0.0

groups = {}
ds = ogr.Open(sys.argv[1])
for f in ds.GetLayerByName("findings"):
    g = f.GetGeometryRef()
    if g is None or f.GetField("area_mu") is None:
        continue
    if ogr.GT_Flatten(g.GetGeometryType()) not in (ogr.wkbPolygon, ogr.wkbMultiPolygon):
        continue
    rule = f.GetField("rule")
    for key in (rule, "_undecided" if rule == "cannot_decide" else "_total"):
        # An invalid plot (the sample's bow-tie) lies apart from the others: its own area.
        groups.setdefault(key, []).append(g.Clone() if g.IsValid() else f.GetField("area_mu"))
out = {}
for key, parts in groups.items():
    apart = [p for p in parts if isinstance(p, float)]
    parts = [p for p in parts if not isinstance(p, float)]
    union = parts[0] if parts else None
    for p in parts[1:]:
        union = union.Union(p)
    out[key] = (m2(union) * 15 / 10000 if union else 0.0) + sum(apart)
print(json.dumps(out))
"""


def independent_union(t, findings_gpkg):
    """{rule: mu of the union of its findings, "_total": every rule but cannot_decide,
    "_undecided": cannot_decide} measured with OGR and pyproj, or None."""
    run = subprocess.run(["/usr/bin/python3", "-c", INDEPENDENT_UNION, findings_gpkg],
                         capture_output=True, text=True)
    if not t.check(run.returncode == 0, "the independent union runs (/usr/bin/python3 with "
                   "python3-gdal and python3-pyproj): " + _clip(run.stderr)):
        return None
    return json.loads(run.stdout)


def check_totals(t, doc, union):
    """The JSON summary of check/audit: per rule and in total, the union of the findings' land
    (each plot once), cannot_decide apart and never in the total."""
    findings = doc.get("findings", [])
    measured = [f for f in findings if f["rule"] != "cannot_decide"]
    undecided = [f for f in findings if f["rule"] == "cannot_decide"]
    total = doc.get("total", {})
    t.check(total.get("count") == len(measured),
            "total counts every finding but cannot_decide (%s, want %d)"
            % (total.get("count"), len(measured)))
    t.check(abs(total.get("area_mu", -1) - union["_total"]) <= 1e-6 * union["_total"],
            "total area_mu %s is the union of the findings' land %s"
            % (total.get("area_mu"), union["_total"]))
    summed = sum(f["area_mu"] or 0 for f in measured)
    if total.get("counted_once", 0) > 0:
        t.check(total.get("area_mu", summed) < summed,
                "a plot under several rules counts once (%s < the plain sum %s)"
                % (total.get("area_mu"), summed))
    for rule, entry in doc.get("summary", {}).items():
        if rule in union:
            t.check(abs(entry["area_mu"] - union[rule]) <= 1e-6 * union[rule],
                    "summary of %s: area_mu %s is the union %s" % (rule, entry["area_mu"],
                                                                  union[rule]))
    if undecided:
        apart = doc.get("cannot_decide", {})
        t.check(apart.get("count") == len(undecided), "cannot_decide apart (%s)" % apart)
        if "_undecided" in union:
            t.check(abs(apart.get("area_mu", -1) - union["_undecided"]) <= 1e-6 * union["_undecided"],
                    "cannot_decide's own area %s (%s)" % (apart.get("area_mu"), union["_undecided"]))


def group_ballpark(t):
    """A layer moved between datums by a ballpark operation (PROJ has no published shift between
    Xi'an 1980 and CGCS2000): the sample's shapefile protected areas. `check` warns on stderr
    naming the layer and lists it in its JSON; the GeoPackage form, all in CGCS2000, says
    nothing of the kind."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    project = os.path.join(sample, "shp.parkatlas.json")
    if not os.path.isfile(project):
        print("SKIP: the sample park is not there (%s)" % project)
        return SKIP
    t.context = "check shp.parkatlas.json (protected.shp in Xi'an 1980)"
    run = t.run("check", project, "--format", "json")
    if t.sane_exit(run, 0):
        warnings = [line for line in run.err.splitlines()
                    if "warning" in line and "ballpark" in line]
        t.check(len(warnings) == 1 and "protected" in warnings[0] and "EPSG:2383" in warnings[0]
                and "tens of metres" in warnings[0],
                "one warning on stderr names the layer, its CRS and what ballpark means", run)
        listed = run.json().get("ballpark_transforms")
        t.check(isinstance(listed, list) and [b.get("layer") for b in listed] == ["protected"] and
                "EPSG:2383" in listed[0].get("warning", "") and
                listed[0].get("path", "").endswith("protected.shp"),
                "the JSON lists the layer (got %s)" % listed, run)
    t.context = "check park.gpkg (all CGCS2000)"
    run = t.run("check", gpkg, "--format", "json")
    if t.sane_exit(run, 0):
        t.check("ballpark" not in run.err, "no ballpark warning", run)
        t.check(run.json().get("ballpark_transforms") == [], "an empty ballpark_transforms", run)



def group_check(t):
    """`parkatlas check`: the sample park's planted compliance cases in JSON, exit codes, --rule,
    CSV and table forms, findings.gpkg readable with sqlite3 (and ogrinfo), inputs untouched."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    project = os.path.join(sample, "shp.parkatlas.json")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    before = snapshot(sample)
    with open(os.path.join(sample, "expected_findings.json"), encoding="utf-8") as f:
        expected_all = json.load(f)["findings"]
    rules = ["land_use_mismatch", "outside_boundary", "road_red_line", "protected_overlap",
             "intensity_below_standard", "invalid_geometry", "overlapping_parcels",
             "duplicate_id", "works_on_unacquired_land", "unacquired_land"]
    expected = {(e["rule"], e["layer"], e["fid"]) for e in expected_all if e["rule"] in rules}

    def found(doc, offset=0):
        return {(f["rule"], f["layer"], fid + offset) for f in doc["findings"]
                if f["rule"] in rules for fid in f["fids"]}

    t.context = "check park.gpkg --format json"
    run = t.run("check", gpkg, "--format", "json")
    doc = {}
    if t.sane_exit(run, 0):
        doc = run.json()
        t.check(set(doc) >= {"park", "crs", "rules", "findings", "summary"},
                "has park, crs, rules, findings, summary (got %s)" % sorted(doc), run)
        t.check(doc.get("crs") == "EPSG:4547", "the working CRS is EPSG:4547")
        t.check(doc.get("rules") == rules, "runs every rule, in order (got %s)" % doc.get("rules"))
        got = found(doc)
        t.check(got == expected, "exactly the planted cases: missing %s, extra %s"
                % (sorted(expected - got), sorted(got - expected)))
        for f in doc.get("findings", []):
            keys = {"rule", "layer", "fids", "area_mu", "reason", "reason_en", "evidence"}
            if not t.check(keys <= set(f), "finding has %s (got %s)" % (sorted(keys), sorted(f))):
                break
        parcels = [f for f in doc.get("findings", []) if f["layer"] == "parcels"]
        t.check(all("parcel_id" in f for f in parcels), "parcel findings carry parcel_id")
        mismatch = [f for f in doc.get("findings", []) if f["rule"] == "land_use_mismatch"]
        t.check(mismatch and all(f["area_mu"] > 0 for f in mismatch),
                "land_use_mismatch findings have an area in mu")
        for rule, summary in doc.get("summary", {}).items():
            count = sum(1 for f in doc["findings"] if f["rule"] == rule)
            t.check(summary.get("count") == count,
                    "summary of %s counts %d (got %s)" % (rule, count, summary.get("count")))
        unknown = [f for f in doc.get("findings", []) if f["rule"] == "cannot_decide"]
        t.check({f["fids"][0] for f in unknown} == {118, 338},
                "cannot_decide for the masked land_use (118) and the missing tax (338), "
                "never a made-up zero (got %s)" % [f["fids"] for f in unknown])
        t.check(not text_problems(run.out), "no garbled text", run)

    t.context = "check shp.parkatlas.json (GBK shapefiles) --format json"
    run = t.run("check", project, "--format", "json")
    if t.sane_exit(run, 0) and doc:
        t.check(found(run.json(), 1) == found(doc),
                "the same findings as the GeoPackage (shapefile FID + 1 = GeoPackage fid)")
        t.check(not text_problems(run.out), "no garbled text", run)


    t.context = "check park.gpkg: totals count each plot once"
    out_gpkg = os.path.join(t.opts.work, "totals.gpkg")
    run = t.run("check", gpkg, "--format", "json", "--out", out_gpkg)
    if t.sane_exit(run, 0):
        union = independent_union(t, out_gpkg)
        if union:
            check_totals(t, run.json(), union)
    run = t.run("check", gpkg)
    if t.sane_exit(run, 0):
        t.check(re.search(r"^total\s+\d+\s+\d+\s+[\d.]+$", run.out, re.M) is not None,
                "the table has a total row (findings, features, mu)", run)
        t.check(re.search(r"^cannot_decide \(apart, not in the total\)", run.out, re.M)
                is not None, "cannot_decide is apart from the total", run)

    t.context = "check --rule unacquired_land (the expansion zones)"
    measured = independent_expansion(t, gpkg)
    run = t.run("check", gpkg, "--rule", "unacquired_land", "--format", "json")
    unacquired = {}
    if t.sane_exit(run, 0) and measured:
        out = run.json()
        t.check(out["rules"] == ["unacquired_land"], "runs the one rule (got %s)" % out["rules"])
        unacquired = {f["fids"][0]: f for f in out["findings"] if f["layer"] == "expansion"}
        t.check(sorted(unacquired) == [1, 2, 3] and len(out["findings"]) == 3,
                "each of the three zones, no acquisition batch covering any (got %s)"
                % [(f["layer"], f["fids"]) for f in out["findings"]], run)
        for fid, f in sorted(unacquired.items()):
            want = measured[fid]["m2"] * 15 / 10000
            t.check(abs(f["area_mu"] - want) <= 1e-6 * want,
                    "zone %d: the unacquired mu is the whole zone's, %.4f (got %.4f)"
                    % (fid, want, f["area_mu"]))
            t.check(measured[fid]["name"] in f["reason"] and "亩" in f["reason"] and
                    "%.2f" % f["area_mu"] in f["reason"],
                    "zone %d: the reason names the zone and its mu: %s" % (fid, f["reason"]))
            t.check(f["evidence"].get("acquired_mu") == 0 and
                    f["evidence"].get("acquired_from_stage") == "拆迁",
                    "zone %d: evidence acquired_mu 0, acquired from 拆迁 (got %s)"
                    % (fid, f["evidence"]))
    run = t.run("check", project, "--rule", "unacquired_land", "--format", "json")
    if t.sane_exit(run, 0) and unacquired:
        shp_found = {f["fids"][0] + 1: f["area_mu"] for f in run.json()["findings"]}
        t.check(sorted(shp_found) == sorted(unacquired) and
                all(abs(shp_found[k] - unacquired[k]["area_mu"]) <= 1e-9 * shp_found[k]
                    for k in shp_found),
                "the GBK shapefiles give the same zones and mu (FID + 1) (got %s)" % shp_found)

    t.context = "check --rule land_use_mismatch covers expansion zones"
    run = t.run("check", gpkg, "--rule", "land_use_mismatch", "--format", "json")
    if t.sane_exit(run, 0):
        layers = {f["layer"] for f in run.json()["findings"]}
        t.check("expansion" not in layers, "the sample's zones fit: 东扩片区 (100102) lies in a "
                "100102 zone, the others in none (got %s)" % sorted(layers), run)
    with tempfile.TemporaryDirectory(dir=t.opts.work) as tmp:
        def zone_use(value):
            copy = os.path.join(tmp, "park.gpkg")
            shutil.copyfile(gpkg, copy)
            # ogrinfo: the GeoPackage's R-tree triggers need GDAL's SQL functions.
            sql = "UPDATE expansion SET land_use = %s WHERE fid = 1" % (
                "'%s'" % value if value else "NULL")
            done = subprocess.run(["ogrinfo", "-q", copy, "-sql", sql], capture_output=True,
                                  text=True)
            t.check(done.returncode == 0, "ogrinfo sets 东扩片区's land_use: " + done.stderr)
            return copy
        # 东扩片区 proposed for 三类工业 (100103) over the 二类工业 (100102) zone.
        run = t.run("check", zone_use("100103"), "--rule", "land_use_mismatch", "--format",
                    "json")
        if t.sane_exit(run, 0) and measured:
            mine = [f for f in run.json()["findings"] if f["layer"] == "expansion"]
            pieces = [z for z in measured[1]["zones"] if z[1] != "100103"]
            want = sum(z[2] for z in pieces) * 15 / 10000
            t.check(len(mine) == 1 and mine[0]["fids"] == [1] and
                    mine[0]["rule"] == "land_use_mismatch",
                    "one finding, on 东扩片区 (got %s)" % [(f["rule"], f["fids"]) for f in mine],
                    run)
            if mine and pieces:
                t.check(abs(mine[0]["area_mu"] - want) <= 1e-6 * want,
                        "its mu is the part in the zone it does not fit, %.4f (got %.4f)"
                        % (want, mine[0]["area_mu"]))
                t.check(pieces[0][0] in mine[0]["reason"] and "100103" in mine[0]["reason"],
                        "the reason names the zone and the code: " + mine[0]["reason"])
        run = t.run("check", zone_use(None), "--rule", "land_use_mismatch", "--format", "json")
        if t.sane_exit(run, 0):
            t.check(not [f for f in run.json()["findings"] if f["layer"] == "expansion"],
                    "a zone with no land_use yet is not judged: no finding, no cannot_decide",
                    run)

    t.context = "check --fail-on-findings"
    run = t.run("check", gpkg, "--fail-on-findings")
    t.check(run.rc == 1, "exits 1 when there are findings (got %s)" % run.rc, run)
    t.check("land_use_mismatch" in run.out and "亩" in run.out, "the table names rules and 亩",
            run)
    run = t.run("check", gpkg, "--rule", "duplicate_id", "--rule", "invalid_geometry",
                "--format", "json")
    if t.sane_exit(run, 0):
        out = run.json()
        t.check(out["rules"] == ["invalid_geometry", "duplicate_id"],
                "--rule runs only the rules named (got %s)" % out["rules"])
        t.check({f["rule"] for f in out["findings"]} == {"invalid_geometry", "duplicate_id"},
                "and finds only theirs")
        dup = [f for f in out["findings"] if f["rule"] == "duplicate_id"]
        t.check(dup and sorted(dup[0]["fids"]) == [6, 397], "the reused parcel_id: fids 6 and 397")
    with tempfile.TemporaryDirectory(dir=t.opts.work) as tmp:
        clean = os.path.join(tmp, "clean.parkatlas.json")
        with open(clean, "w", encoding="utf-8") as f:
            json.dump({"name": "clean", "layers": {"parcels": {"source": gpkg, "layer": "parcels"}},
                       "rules": {"duplicate_id": {"enabled": False}}}, f)
        run = t.run("check", clean, "--format", "json")
        if t.sane_exit(run, 0):
            t.check("duplicate_id" not in run.json()["rules"],
                    "the project file's rules switch duplicate_id off", run)
        run = t.run("check", clean, "--rule", "duplicate_id", "--fail-on-findings")
        t.check(run.rc == 1, "a rule named with --rule runs even when the project switches "
                "it off (exit 1 with its findings; got %s)" % run.rc, run)
        run = t.run("check", clean, "--rule", "road_red_line", "--fail-on-findings")
        if t.sane_exit(run, 0):
            t.check("roads" in run.err, "no findings, exit 0; the missing roads layer is "
                    "reported", run)

    t.context = "check --format csv"
    run = t.run("check", gpkg, "--format", "csv")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
        rows = list(csv.reader(io.StringIO(run.raw_out.decode("utf-8-sig"))))
        t.check(rows[0][:5] == ["rule", "layer", "fids", "id", "area_mu"],
                "header rule,layer,fids,id,area_mu… (got %s)" % rows[0])
        t.check(len(rows) - 1 == len(doc.get("findings", [])), "one row per finding")

    t.context = "check --out findings.gpkg"
    work = tempfile.mkdtemp(prefix="check-", dir=t.opts.work)
    out = os.path.join(work, "findings.gpkg")
    run = t.run("check", gpkg, "--out", out)
    if t.sane_exit(run, 0):
        t.check(not partials(work), "no .partial- files left", run)
        rows = gpkg_rows(out, "findings")[1] if os.path.isfile(out) else []
        t.check(len(rows) == len(doc.get("findings", [])),
                "findings.gpkg has one row per finding (%d vs %d)"
                % (len(rows), len(doc.get("findings", []))))
        con = sqlite3.connect(out)
        try:
            srs = con.execute("select srs_id from gpkg_geometry_columns "
                              "where table_name='findings'").fetchone()
            t.check(srs and srs[0] == 4547, "the layer is in EPSG:4547 (got %s)" % (srs,))
            geoms = con.execute("select count(*) from findings where geom is not null "
                                "and rule != 'cannot_decide'").fetchone()[0]
            t.check(geoms >= len(expected) - 2, "findings carry their geometry (%d)" % geoms)
            evidence = con.execute("select evidence from findings where rule = "
                                   "'intensity_below_standard'").fetchall()
            t.check(evidence and all(json.loads(e[0]) for e in evidence),
                    "evidence is JSON text")
        finally:
            con.close()
        if shutil.which("ogrinfo"):
            info = subprocess.run(["ogrinfo", "-ro", "-so", out, "findings"],
                                  capture_output=True, text=True)
            t.check(info.returncode == 0 and "Feature Count: %d" % len(rows) in info.stdout,
                    "ogrinfo opens it and counts the findings")
    run = t.run("check", gpkg, "--out", gpkg)
    if t.sane_exit(run, 2):
        t.check("park" in run.err, "refuses to write over the park's own file", run)
    run = t.run("check", gpkg, "--rule", "nosuch")
    if t.sane_exit(run, 2):
        t.check("land_use_mismatch" in run.err, "an unknown rule lists the rules there are", run)
    run = t.run("check", os.path.join(work, "nothing.gpkg"))
    t.sane_exit(run, 2)

    t.context = "check"
    t.check(snapshot(sample) == before, "data/sample is unchanged: " +
            diff_snapshots(before, snapshot(sample)))
    return None


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def png_pixels(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB or RGBA non-interlaced PNG."""
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "unsupported PNG"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line) if channels == 3 else
                    bytes(v for k, v in enumerate(line) if k % 4 != 3))
        prev = line
    return width, height, rows


def ppm_pixels(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4]
    return width, height, [pixels[y * width * 3:(y + 1) * width * 3] for y in range(height)]


def block_difference(a, b, block=8, tolerance=48):
    """Share of block×block cells whose mean colour differs by more than `tolerance` in some
    channel: the page as a reader sees it, not antialiased edges."""
    (wa, ha, ra), (wb, hb, rb) = a, b
    # The PDF's page box is whole points, so poppler's page may be a pixel larger.
    if abs(wa - wb) > 2 or abs(ha - hb) > 2:
        return None
    wa, ha = min(wa, wb), min(ha, hb)
    cells = differing = 0
    for y0 in range(0, ha - block + 1, block):
        for x0 in range(0, wa - block + 1, block):
            sums_a, sums_b = [0, 0, 0], [0, 0, 0]
            for y in range(y0, y0 + block):
                la, lb = ra[y], rb[y]
                for x in range(x0 * 3, (x0 + block) * 3, 3):
                    for c in range(3):
                        sums_a[c] += la[x + c]
                        sums_b[c] += lb[x + c]
            cells += 1
            n = block * block
            if max(abs(sums_a[c] - sums_b[c]) / n for c in range(3)) > tolerance:
                differing += 1
    return differing / cells


def group_map(t):
    """`parkatlas map` and `parkatlas report`: the PDF read back with poppler (pdftotext finds
    the title, legend, scale bar and table total; pdffonts shows the CJK font embedded; the
    page rendered by pdftoppm matches the PNG export of the same page), the SVG parses, the PNG
    has the requested size; the committee pack is complete and never overwrites a full folder."""
    import xml.etree.ElementTree as ET
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    if t.run("map", "--help").rc != 0:
        print("SKIP: this parkatlas has no map command (built with PARKATLAS_BUILD_GUI=OFF)")
        return SKIP
    # The commands that draw are in parkatlas-maps, which `parkatlas map|report` hands over to:
    # parkatlas itself loads no Qt, so every other command starts as fast as GDAL allows.
    t.context = "parkatlas without Qt"
    linked = subprocess.run(["ldd", t.opts.binary], capture_output=True, text=True).stdout
    t.check("libQt6" not in linked, "parkatlas links no Qt library (ldd: %s)" %
            ", ".join(re.findall(r"libQt6\w+", linked)))
    helper = os.path.join(os.path.dirname(t.opts.binary), "parkatlas-maps")
    t.check(os.access(helper, os.X_OK), "parkatlas-maps is beside parkatlas")
    for tool in ("pdftotext", "pdffonts", "pdftoppm"):
        if shutil.which(tool) is None:
            print("SKIP: %s is not installed (poppler-utils; scripts/setup installs it)" % tool)
            return SKIP
    work = t.opts.work
    before = snapshot(sample)

    t.context = "map --template 用地现状图 to PDF"
    pdf = os.path.join(work, "landuse.pdf")
    run = t.run("map", gpkg, "--out", pdf, "--template", "用地现状图", "--org", "测试规划院",
                "--date", "2026年1月", timeout=60)
    if t.sane_exit(run, 0) and t.check(os.path.isfile(pdf), "the PDF is there", run):
        text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                              text=True).stdout
        flat = re.sub(r"\s+", "", text)
        # The park's name comes from its boundary; 青 must come back as 青, not the radical ⻘.
        t.check("青鸾湖临港经济开发区用地现状图" in flat, "pdftotext finds the title", run)
        t.check("图例" in flat, "pdftotext finds the legend heading")
        t.check("测试规划院" in flat and "2026年1月" in flat, "the title block's texts")
        t.check("用地汇总表" in flat and "合计" in flat, "the area table")
        scale = re.search(r"比例尺1:(\d+)", flat)
        t.check(scale is not None and int(scale.group(1)) > 0 and
                re.fullmatch(r"(1|15|2|25|3|4|5|6|8)0*", scale.group(1)) is not None,
                "a round scale is printed (got %s)" % (scale.group(1) if scale else None))
        t.check("米" in flat, "the scale bar has its unit")
        t.check("EPSG:4547" in flat, "the coordinate system note")
        t.check("用地分类：宗地GB50137-2011" in flat and "GTKJ-2023" in flat,
                "the footnote names the parcels' classification systems")
        t.check(re.search(r"(?<![/\d])M1一类工业用地", flat) is None,
                "M1 and 100101 (one class in two systems) are one legend entry and table row")
        # The legend names the land-use classes of the parcels (their codes as the styles
        # spell them), the total is the parcels' area as `area` measures it.
        area = t.run("area", gpkg, "--layer", "parcels", "--by", "land_use", "--format", "json")
        if t.sane_exit(area, 0):
            doc = area.json()
            layer = doc["layers"][0] if isinstance(doc.get("layers"), list) else \
                list(doc["layers"].values())[0]
            total = layer["total"]["area_mu"]
            shown = "%.2f" % total
            t.check(shown in flat or "{:,.2f}".format(total).replace(",", "") in flat,
                    "the table total %s mu is the parcels' total" % shown)
            codes = [c.strip().split(" ")[0].upper() for c in layer.get("by", {})
                     if re.match(r"^[A-Za-z]\d", c.strip())]
            found = [c for c in codes if c in flat]
            t.check(codes and len(found) >= len(codes) * 0.8,
                    "legend and table name the land-use codes (%d of %d found)"
                    % (len(found), len(codes)))
        fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
        cjk = [line for line in fonts.splitlines() if "CJK" in line]
        t.check(cjk and all(" yes " in line for line in cjk),
                "pdffonts: the CJK font is embedded\n" + fonts)

        # The PDF as poppler renders it matches our own PNG of the same page (the control
        # image). Tolerance: the page is compared in 8×8-pixel cells (mean colour, at most 48/255
        # apart per channel), and at most 2 % of cells may differ: two rasterisers differ in
        # antialiasing and glyph hinting, not in where the frame, legend, table or map colours
        # are. Measured: 0.5 % for the same page, 24 % against another template's page.
        png = os.path.join(work, "landuse50.png")
        run = t.run("map", gpkg, "--out", png, "--template", "用地现状图", "--org", "测试规划院",
                    "--date", "2026年1月", "--dpi", "50", timeout=60)
        if t.sane_exit(run, 0):
            subprocess.run(["pdftoppm", "-r", "50", "-singlefile", pdf,
                            os.path.join(work, "poppler")], check=True)
            share = block_difference(ppm_pixels(os.path.join(work, "poppler.ppm")),
                                     png_pixels(png))
            t.check(share is not None, "pdftoppm's page and the PNG have the same size (±2 px)")
            t.check(share is not None and share <= 0.02,
                    "pdftoppm's page matches the PNG within tolerance (%.2f %% of cells differ)"
                    % (100 * (share or 0)))

    t.context = "map to SVG"
    svg = os.path.join(work, "page.svg")
    run = t.run("map", gpkg, "--out", svg, "--title", "测试标题", "--paper", "A4", "--portrait",
                "--dpi", "96", timeout=60)
    if t.sane_exit(run, 0) and os.path.isfile(svg):
        try:
            root = ET.parse(svg).getroot()
            texts = "".join("".join(e.itertext()) for e in root.iter()
                            if e.tag.endswith("text"))
            t.check(root.tag.endswith("svg"), "the root is <svg>")
            t.check("测试标题" in texts, "the title is SVG text")
        except ET.ParseError as error:
            t.check(False, "the SVG parses: %s" % error)

    t.context = "map to SVG with hatched layers"
    run = t.run("map", gpkg, "--out", os.path.join(work, "idle.svg"), "--template", "闲置土地分布图",
                timeout=60)
    if t.sane_exit(run, 0):
        t.check("hatched fills are drawn as translucent fills" in run.err,
                "the user is told that SVG has no hatching", run)

    t.context = "map to PNG at a chosen DPI"
    png = os.path.join(work, "page.png")
    run = t.run("map", gpkg, "--out", png, "--paper", "A4", "--dpi", "100", "--grid",
                "--layers", "boundary,parcels,roads", timeout=60)
    if t.sane_exit(run, 0):
        t.check(png_size(png) == (1169, 827), "A4 landscape at 100 dpi is 1169 × 827 (got %s)"
                % (png_size(png),))

    t.context = "map usage"
    t.sane_exit(t.run("map", gpkg), 2)
    t.sane_exit(t.run("map", gpkg, "--out", os.path.join(work, "x.jpg")), 2)
    run = t.run("map", gpkg, "--out", pdf)
    t.sane_exit(run, 2)
    t.check("--overwrite" in run.err, "an existing file needs --overwrite", run)
    run = t.run("map", gpkg, "--out", os.path.join(work, "y.pdf"), "--template", "没有的模板")
    t.sane_exit(run, 2)
    t.check("用地现状图" in run.err, "an unknown template lists the templates", run)
    t.sane_exit(t.run("map", gpkg, "--out", os.path.join(work, "y.pdf"), "--layers", "nope"), 2)
    t.sane_exit(t.run("map", gpkg, "--out", os.path.join(work, "y.pdf"), "--extent", "1,2,3"), 2)
    t.check(not os.path.exists(os.path.join(work, "y.pdf")), "nothing written on bad usage")

    t.context = "map of a park with a layer read by a ballpark transform"
    project = os.path.join(sample, "shp.parkatlas.json")
    ballpark_pdf = os.path.join(work, "compliance_shp.pdf")
    run = t.run("map", project, "--out", ballpark_pdf, "--template", "规划符合性分析图",
                timeout=120)
    if t.sane_exit(run, 0) and t.check(os.path.isfile(ballpark_pdf), "the PDF is there", run):
        text = subprocess.run(["pdftotext", "-layout", ballpark_pdf, "-"], capture_output=True,
                              text=True).stdout
        flat = re.sub(r"\s+", "", text)
        t.check("近似坐标转换" in flat and "管控线由Xian1980" in flat,
                "the footnote names the protected areas read from Xi'an 1980 by a ballpark "
                "transform", run)
        scale = re.search(r"比例尺 *1:(\d+)", text)
        t.check(scale is not None and int(scale.group(1)) < 50000,
                "the compliance map is framed on the park, not on the far protected area "
                "(1:%s)" % (scale.group(1) if scale else None))

    t.context = "report"
    pack = os.path.join(work, "pack")
    run = t.run("report", gpkg, "--out", pack, "--as-of", "2025-06-30", timeout=120)
    if t.sane_exit(run, 0):
        names = sorted(os.listdir(pack))
        pdfs = [n for n in names if n.endswith(".pdf")]
        t.check(len(pdfs) == 5, "five template maps (got %s)" % pdfs, run)
        for kind in ("acquisition", "idle", "works", "supply"):
            t.check("ledger_%s.csv" % kind in names and "ledger_%s.xlsx" % kind in names,
                    "ledger %s as CSV and XLSX" % kind)
        for name in ("findings.csv", "findings.gpkg", "audit.csv", "audit.gpkg", "清单.txt"):
            t.check(name in names, name + " is in the pack")
        t.check(not [n for n in os.listdir(work) if ".partial" in n or ".old-" in n],
                "no temporary folder left beside the pack")
        listing = open(os.path.join(pack, "清单.txt"), encoding="utf-8-sig").read()
        t.check(all(p in listing for p in pdfs), "清单.txt lists the maps")
        compliance = [n for n in pdfs if "规划符合性" in n]
        if compliance:
            text = subprocess.run(["pdftotext", os.path.join(pack, compliance[0]), "-"],
                                  capture_output=True, text=True).stdout
            t.check("问题汇总表" in re.sub(r"\s+", "", text), "the compliance map has its table")
        marker = os.path.join(pack, "清单.txt")
        stamp = os.path.getmtime(marker)
        run = t.run("report", gpkg, "--out", pack)
        t.sane_exit(run, 2)
        t.check("--force" in run.err, "a full folder needs --force", run)
        t.check(os.path.getmtime(marker) == stamp, "the pack is untouched without --force")
        # --maps-only (what publish --reports runs): the maps and 清单.txt, nothing else.
        run = t.run("report", gpkg, "--out", pack, "--force", "--as-of", "2025-06-30",
                    "--maps-only", timeout=120)
        t.sane_exit(run, 0)
        t.check(len([n for n in os.listdir(pack) if n.endswith(".pdf")]) == 5,
                "--force replaces the pack with a complete one")
        others = [n for n in os.listdir(pack) if not n.endswith(".pdf") and n != "清单.txt"]
        t.check(not others, "--maps-only writes the maps alone (found %s)" % others)
    t.check(snapshot(sample) == before, "data/sample is unchanged: " +
            diff_snapshots(before, snapshot(sample)))
    return None


# --------------------------------------------------------------------------------------------

# --------------------------------------------------------------------------------------------
# PostGIS: a throwaway cluster (tests/postgis/throwaway-cluster.sh) for the whole group


HOSTILE_FIELD = 'a"b; DROP TABLE parcels; --'
HOSTILE_VALUES = [
    "O'Brien \"Ltd\"; DROP TABLE parcels; --",
    "tab\there\nnewline \\N backslash",
    "江苏省“金鸡湖”管委会；（测试）",
    "长" * 20000,
]


def hostile_copy(src, dest):
    """park.gpkg with a field named like SQL and owners full of quotes, Chinese, long text."""
    shutil.copyfile(src, dest)
    con = sqlite3.connect(dest)
    try:
        # The R-tree triggers call SpatiaLite-style functions sqlite3 lacks; the geometry does
        # not change, so the index stays right without them.
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                   "tbl_name = 'parcels'").fetchall():
            con.execute('DROP TRIGGER "%s"' % name)
        con.execute('ALTER TABLE parcels ADD COLUMN "%s" TEXT' % HOSTILE_FIELD.replace('"', '""'))
        fids = [r[0] for r in con.execute("SELECT fid FROM parcels ORDER BY fid LIMIT %d"
                                          % len(HOSTILE_VALUES))]
        for fid, value in zip(fids, HOSTILE_VALUES):
            con.execute('UPDATE parcels SET owner = ?, "%s" = ? WHERE fid = ?'
                        % HOSTILE_FIELD.replace('"', '""'), (value, value[::-1], fid))
        con.commit()
    finally:
        con.close()


def same_tables(t, original, pulled, tables):
    for table in tables:
        cols_a, rows_a = gpkg_rows(original, table)
        cols_b, rows_b = gpkg_rows(pulled, table)
        t.check(cols_a == cols_b, "%s: same columns (%s / %s)" % (table, cols_a, cols_b))
        t.check(len(rows_a) == len(rows_b) and len(rows_a) > 0,
                "%s: same number of rows (%d / %d)" % (table, len(rows_a), len(rows_b)))
        differing = [a[0] for a, b in zip(rows_a, rows_b) if a != b]
        t.check(not differing, "%s: every row equal, geometry blob included (differ: fids %s)"
                % (table, differing[:10]))


def group_postgis(t):
    """push / pull / check --server / area --server against a real PostgreSQL + PostGIS started
    for this group on 127.0.0.1 (never skipped: scripts/setup installs the server)."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    script = os.path.join(HERE, "..", "postgis", "throwaway-cluster.sh")
    home = tempfile.mkdtemp(prefix="parkatlas-cli-pg-")
    os.chmod(home, 0o755)  # the server runs as the postgres user inside
    cluster = os.path.join(home, "cluster")
    env = dict(os.environ, PARKATLAS_CLUSTER_OWNER=str(os.getpid()))
    started = subprocess.run([script, "start", cluster, "parkatlas", "--", "-c", "fsync=off"],
                             capture_output=True,
                             env=env, timeout=120)
    if started.returncode != 0:
        t.check(False, "the throwaway cluster starts (%s)" % started.stderr.decode()[-500:])
        return 1
    port = started.stdout.decode().split()[-1]
    saved_env = dict(os.environ)
    try:
        base = "postgresql://postgres@127.0.0.1:%s/parkatlas" % port
        service_file = os.path.join(home, "pg_service.conf")
        with open(service_file, "w") as f:
            f.write("[parkatlas_cli]\nhost=127.0.0.1\nport=%s\ndbname=parkatlas\nuser=postgres\n"
                    "options=-csearch_path=cli\n" % port)
        os.environ["PGSERVICEFILE"] = service_file
        before = snapshot(sample)

        def in_schema(schema):
            return base + "?options=-csearch_path%3D" + schema

        t.context = "push park.gpkg"
        run = t.run("push", gpkg, base, "--schema", "cli")
        if t.sane_exit(run, 0):
            t.check("published 11 layers" in run.out, "publishes the 11 layers", run)
        run = t.run("push", gpkg, base, "--schema", "cli")
        t.sane_exit(run, 2)
        t.check("--replace" in run.err and "parcels" not in run.out,
                "a second push without --replace is refused and says how", run)
        run = t.run("push", gpkg, base, "--schema", "cli", "--replace")
        t.sane_exit(run, 0)

        t.context = "pull"
        pulled = os.path.join(t.opts.work, "pulled.gpkg")
        run = t.run("pull", "PG:service=parkatlas_cli", pulled)
        if t.sane_exit(run, 0):
            same_tables(t, gpkg, pulled, gpkg_tables(gpkg))
        run = t.run("pull", "PG:service=parkatlas_cli", pulled)
        t.sane_exit(run, 2)
        t.check("--overwrite" in run.err, "an existing DEST is refused without --overwrite", run)

        t.context = "GBK shapefiles through PostGIS"
        run = t.run("push", os.path.join(sample, "shp.parkatlas.json"), in_schema("cli_shp"))
        pulled_shp = os.path.join(t.opts.work, "pulled_shp.gpkg")
        if t.sane_exit(run, 0):
            run = t.run("pull", in_schema("cli_shp"), pulled_shp)
            if t.sane_exit(run, 0):
                for table in ("parcels", "acquisition", "roads", "idle_land"):
                    compare_with_reference(t, table, gpkg_rows(pulled_shp, table),
                                           gpkg_rows(gpkg, table))

        t.context = "hostile names and values"
        hostile = os.path.join(t.opts.work, "hostile.gpkg")
        hostile_copy(gpkg, hostile)
        run = t.run("push", hostile, base, "--schema", "cli_hostile")
        pulled_hostile = os.path.join(t.opts.work, "pulled_hostile.gpkg")
        if t.sane_exit(run, 0):
            run = t.run("pull", in_schema("cli_hostile"), pulled_hostile)
            if t.sane_exit(run, 0):
                same_tables(t, hostile, pulled_hostile, ["parcels"])

        t.context = "check --server against the local engine"
        local = t.run("check", gpkg, "--format", "json")
        server = t.run("check", "PG:service=parkatlas_cli", "--server", "--format", "json")
        if t.sane_exit(local, 0) and t.sane_exit(server, 0):
            a, b = local.json(), server.json()
            t.check(a["rules"] == b["rules"], "the same rules")
            t.check(len(a["findings"]) > 10, "the sample's planted findings are there")
            differ = [(x["rule"], x["fids"]) for x, y in zip(a["findings"], b["findings"])
                      if x != y]
            t.check(len(a["findings"]) == len(b["findings"]) and not differ,
                    "the same findings, field for field (%d / %d; differ %s)"
                    % (len(a["findings"]), len(b["findings"]), differ[:5]))
            t.check(a["summary"] == b["summary"], "the same summary")
        run = t.run("check", gpkg, "--server")
        t.sane_exit(run, 2)
        t.check("PostgreSQL" in run.err, "--server on a file is a usage error", run)

        t.context = "audit --server against the local engine"
        local = t.run("audit", gpkg, "--as-of", "2025-06-30", "--format", "json")
        server = t.run("audit", "PG:service=parkatlas_cli", "--server", "--as-of", "2025-06-30",
                       "--format", "json")
        if t.sane_exit(local, 0) and t.sane_exit(server, 0):
            a, b = local.json(), server.json()
            t.check(len(a["findings"]) >= 3, "the sample's planted audit findings are there")
            t.check(a["findings"] == b["findings"],
                    "the same findings, field for field, covered shares included (%d / %d)"
                    % (len(a["findings"]), len(b["findings"])))
            t.check(a["summary"] == b["summary"], "the same summary")

        t.context = "area --server against the local engine"
        local = t.run("area", gpkg, "--format", "json")
        server = t.run("area", in_schema("cli"), "--server", "--format", "json")
        if t.sane_exit(local, 0) and t.sane_exit(server, 0):
            a, b = local.json()["layers"], server.json()["layers"]
            t.check(sorted(a) == sorted(b), "the same layers (%s / %s)" % (sorted(a), sorted(b)))
            for name in a:
                x, y = a[name]["total"], b.get(name, {}).get("total", {})
                key = "area_m2" if "area_m2" in x else "length_m"
                t.check(x["count"] == y.get("count") and
                        abs(x[key] - y.get(key, 0)) <= 1e-6 * x[key],
                        "%s: %s %.4f locally, %.4f on the server (1e-6 relative)"
                        % (name, key, x[key], y.get(key, float("nan"))))
        local = t.run("area", gpkg, "--layer", "parcels", "--by", "land_use", "--per-feature",
                      "--format", "json")
        server = t.run("area", in_schema("cli"), "--server", "--layer", "parcels", "--by",
                       "land_use", "--per-feature", "--format", "json")
        if t.sane_exit(local, 0) and t.sane_exit(server, 0):
            a, b = local.json()["layers"]["parcels"], server.json()["layers"]["parcels"]
            t.check(sorted(a["by"]) == sorted(b["by"]), "the same land-use groups")
            t.check(all(a["by"][k]["count"] == b["by"][k]["count"] for k in a["by"]),
                    "the same counts per group")
            fa = {f["fid"]: f["area_m2"] for f in a["features"]}
            fb = {f["fid"]: f["area_m2"] for f in b["features"]}
            t.check(fa.keys() == fb.keys() and
                    all(abs(fa[k] - fb[k]) <= 1e-6 * fa[k] + 1e-3 for k in fa),
                    "every parcel within 1e-6 relative (+ 0.001 m² for degenerate slivers)")

        t.context = "a project file with the parcels in PostGIS"
        project = os.path.join(t.opts.work, "mixed.parkatlas.json")
        roles = ["boundary", "plan_zones", "acquisition", "roads", "pipelines", "protected",
                 "expansion", "buildings"]
        layers = {r: {"source": gpkg, "layer": r} for r in roles}
        layers["parcels"] = {"source": "PG:service=parkatlas_cli"}
        with open(project, "w", encoding="utf-8") as f:
            json.dump({"name": "mixed", "layers": layers}, f, ensure_ascii=False)
        mixed = t.run("check", project, "--format", "json")
        local = t.run("check", gpkg, "--format", "json")
        if t.sane_exit(mixed, 0) and t.sane_exit(local, 0):
            t.check(mixed.json()["findings"] == local.json()["findings"],
                    "the same findings as the GeoPackage alone", mixed)
        layers["parcels"] = {"source": "postgresql://postgres:secret@127.0.0.1:%s/parkatlas" % port}
        with open(project, "w", encoding="utf-8") as f:
            json.dump({"name": "mixed", "layers": layers}, f, ensure_ascii=False)
        run = t.run("check", project)
        t.sane_exit(run, 2)
        t.check(".pgpass" in run.err and "project file" in run.err,
                "a password in a project file is refused, naming .pgpass", run)

        t.context = "passwords"
        run = t.run("check", "postgresql://postgres:secret@127.0.0.1:%s/parkatlas" % port)
        t.sane_exit(run, 2)
        t.check(".pgpass" in run.err, "a password in the connection is refused, naming .pgpass",
                run)
        t.check(snapshot(sample) == before, "the sample park is untouched")
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        subprocess.run([script, "stop", cluster], capture_output=True, timeout=60)
        shutil.rmtree(home, ignore_errors=True)


def group_import(t):
    """parkatlas import: the sample's 控规.dxf back into plan zones with the same areas, fields
    and check findings; no CRS, an existing output, --join, drawings with nothing closed or a
    lying code page."""
    sample = t.opts.sample
    dxf = os.path.join(sample, "控规.dxf")
    gpkg = os.path.join(sample, "park.gpkg")
    if not (os.path.isfile(dxf) and os.path.isfile(gpkg)):
        print("SKIP: the sample park or its 控规.dxf is not there yet")
        return SKIP
    before = snapshot(sample)
    work = tempfile.mkdtemp(prefix="import-", dir=t.opts.work)

    t.context = "import --help"
    run = t.run("import", "--help")
    if t.sane_exit(run, 0):
        for option in ("--out", "--s-srs", "--mapping", "--encoding", "--join", "--on",
                       "--report", "--overwrite"):
            t.check(option in run.out, "--help names %s" % option, run)

    t.context = "import 控规.dxf without --s-srs"
    out = os.path.join(work, "plan.gpkg")
    run = t.run("import", dxf, "--out", out)
    if t.sane_exit(run, 2):
        t.check("no coordinate system" in run.err and "--s-srs" in run.err,
                "says the drawing has no CRS and how to give one", run)
        t.check("EPSG:4534" in run.err and "EPSG:4554" in run.err,
                "proposes the CGCS2000 zones without prefix", run)
        t.check(not os.path.exists(out) and not partials(work), "wrote nothing", run)

    t.context = "import 控规.dxf --s-srs EPSG:4547"
    report = os.path.join(work, "report.json")
    run = t.run("import", dxf, "--s-srs", "EPSG:4547", "--out", out, "--report", report)
    doc = {}
    if t.sane_exit(run, 0):
        t.check(not text_problems(run.out), "no garbled text", run)
        t.check("控规地块 → plan_zones" in run.out, "says 控规地块 became plan_zones", run)
        with open(report, encoding="utf-8") as fh:
            doc = json.load(fh)
        t.check(doc.get("written") == {"boundary": 3, "plan_zones": 125},
                "wrote 125 plan zones and 3 boundary parts (got %s)" % doc.get("written"), run)
        t.check(doc.get("sources", [{}])[0].get("encoding", {}).get("name") == "CP936",
                "decoded as CP936", run)
        t.check(doc.get("texts", {}).get("unassigned_count") == 0 and not doc.get("plot_problems"),
                "every label went into its plot, with no problem", run)
        t.check(doc.get("plots_labelled") == 125, "125 plots labelled", run)

    # Same areas per zone (ellipsoidal and planar), same fields.
    for method in ("ellipsoidal", "planar"):
        t.context = "area --by zone_id --method %s: imported vs park.gpkg" % method
        ours = t.run("area", out, "--layer", "plan_zones", "--by", "zone_id", "--method", method,
                     "--format", "json")
        theirs = t.run("area", gpkg, "--layer", "plan_zones", "--by", "zone_id", "--method",
                       method, "--format", "json")
        if t.sane_exit(ours, 0) and t.sane_exit(theirs, 0):
            a = ours.json()["layers"]["plan_zones"]["by"]
            b = theirs.json()["layers"]["plan_zones"]["by"]
            t.check(set(a) == set(b) and len(a) == 125, "the same 125 zone ids", ours)
            worst = max((abs(a[k]["area_m2"] - b[k]["area_m2"]) for k in set(a) & set(b)),
                        default=float("inf"))
            t.check(worst <= 0.1, "every zone's area within 0.1 m² (worst %.6f)" % worst, ours)
    fields = ("land_use", "far_min", "far_max", "cover_min", "green_max")
    if os.path.exists(out):
        t.context = "plan_zones fields: imported vs park.gpkg"
        def by_zone(path):
            cols, rows = gpkg_rows(path, "plan_zones")
            return {r[cols.index("zone_id")]: tuple(r[cols.index(f)] for f in fields) for r in rows}
        a, b = by_zone(out), by_zone(gpkg)
        differ = [(k, a.get(k), b[k]) for k in b if a.get(k) != b[k]]
        t.check(not differ, "land_use, far_min, far_max, cover_min, green_max as in park.gpkg "
                "(first differences: %s)" % differ[:3])

    # The rest of the park from park.gpkg, the plan and the boundary from the drawing: the same
    # findings as park.gpkg's.
    t.context = "import park.gpkg + 控规.dxf, then check"
    mapping = os.path.join(work, "map.json")
    with open(mapping, "w", encoding="utf-8") as fh:
        json.dump({"layers": {"park.gpkg:plan_zones": None, "park.gpkg:boundary": None}}, fh)
    mixed = os.path.join(work, "mixed.gpkg")
    run = t.run("import", gpkg, dxf, "--s-srs", "EPSG:4547", "--mapping", mapping, "--out", mixed)
    if t.sane_exit(run, 0):
        t.check("filled from" not in run.err, "no role filled twice once mapped", run)
        def findings(path):
            c = t.run("check", path, "--format", "json")
            if not t.sane_exit(c, 0):
                return None
            return sorted((f["rule"], f["layer"], f.get("parcel_id") or str(f["fids"]),
                           round(f.get("area_mu") or 0, 6)) for f in c.json()["findings"])
        a, b = findings(mixed), findings(gpkg)
        t.check(a is not None and a == b and len(b) > 10,
                "check finds the same %d findings as on park.gpkg (got %s)" %
                (len(b or []), len(a or [])), run)

    # Without the mapping both files fill plan_zones and boundary: said, not merged silently.
    t.context = "import park.gpkg + 控规.dxf without a mapping"
    doubled_report = os.path.join(work, "doubled.json")
    run = t.run("import", gpkg, dxf, "--s-srs", "EPSG:4547", "--out",
                os.path.join(work, "doubled.gpkg"), "--report", doubled_report)
    if t.sane_exit(run, 0):
        t.check("plan_zones is filled from 2 sources" in run.err and "--mapping" in run.err,
                "warns that plan_zones comes from two files and how to leave one out", run)
        with open(doubled_report, encoding="utf-8") as fh:
            doubled = json.load(fh).get("roles_from_several_sources")
        t.check(doubled == ["boundary", "plan_zones"],
                "the report names the doubled roles (got %s)" % doubled, run)

    t.context = "import over an existing park"
    stamp = os.path.getmtime(out) if os.path.exists(out) else None
    run = t.run("import", dxf, "--s-srs", "EPSG:4547", "--out", out)
    if t.sane_exit(run, 2):
        t.check("--overwrite" in run.err, "says to pass --overwrite", run)
        t.check(stamp is None or os.path.getmtime(out) == stamp, "left the park as it was", run)

    # The investment office's ledger (GBK CSV, Chinese headers, money in 元 and 亿元, an Excel
    # serial date, masked cells, a key no parcel has) joined onto the parcels by parcel_id.
    t.context = "import park.gpkg --join ledger.csv --on parcel_id"
    cols, rows = gpkg_rows(gpkg, "parcels")
    ids = [r[cols.index("parcel_id")] for r in rows[:3]]
    ledger = os.path.join(work, "台账.csv")
    with open(ledger, "w", encoding="gbk", newline="") as fh:
        fh.write("宗地代码,企业名称,已完成投资（元）,年税收（万元）,约定动工日期\n")
        fh.write("%s,甲公司,35000000,12.5,2025年3月1日\n" % ids[0])
        fh.write("%s,乙公司,不详,-,45473\n" % ids[1])
        fh.write("%s,丙公司,1.2亿,3,2024.6.30\n" % ids[2])
        fh.write("NOPE-1,丁公司,100,1,2024/1/1\n")
    joined = os.path.join(work, "joined.gpkg")
    join_report = os.path.join(work, "joined.json")
    run = t.run("import", gpkg, "--out", joined, "--join", ledger, "--on", "parcel_id",
                "--report", join_report)
    if t.sane_exit(run, 0):
        t.check("NOPE-1" in run.out and "3 matched" in run.out,
                "prints the matches and the key no parcel has", run)
        cols, rows = gpkg_rows(joined, "parcels")
        got = {r[cols.index("parcel_id")]: tuple(r[cols.index(f)] for f in
                                                 ("owner", "invested", "tax", "agr_start"))
               for r in rows if r[cols.index("parcel_id")] in ids}
        want = {ids[0]: ("甲公司", 3500.0, 12.5, "2025-03-01"),
                ids[1]: ("乙公司", None, None, "2024-06-30"),
                ids[2]: ("丙公司", 12000.0, 3.0, "2024-06-30")}
        t.check(got == want, "owner, 万元, unknowns and ISO dates written (got %s)" % got, run)
        t.check(len(rows) == len(gpkg_rows(gpkg, "parcels")[1]), "every parcel kept", run)
        with open(join_report, encoding="utf-8") as fh:
            whole = json.load(fh)
        joins = whole.get("joins", [])
        t.check(len(joins) == 1 and whole.get("written", {}).get("parcels") == len(rows),
                "the report holds the import and the join", run)
        t.check("NOPE-1" in json.dumps(joins, ensure_ascii=False),
                "the report lists the unmatched key", run)
    run = t.run("import", dxf, "--out", os.path.join(work, "j.gpkg"), "--join", ledger)
    if t.sane_exit(run, 2):
        t.check("--on" in run.err, "a --join without --on is refused", run)

    # Bad drawings.
    def drawing(path, version, page, entities, encoding):
        head = "0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\n%s\n9\n$DWGCODEPAGE\n3\n%s\n" \
               "0\nENDSEC\n0\nSECTION\n2\nENTITIES\n" % (version, page)
        with open(path, "wb") as fh:
            fh.write((head + entities + "0\nENDSEC\n0\nEOF\n").encode(encoding))

    open_lines = ("0\nLWPOLYLINE\n8\n控规地块\n90\n3\n70\n0\n10\n0\n20\n0\n10\n100\n20\n0\n"
                  "10\n100\n20\n60\n0\nLINE\n8\n图框\n10\n0\n20\n0\n11\n9\n21\n9\n"
                  "0\nTEXT\n8\n标注\n10\n5\n20\n5\n1\nM1\n")
    bad = os.path.join(work, "open.dxf")
    drawing(bad, "AC1015", "ANSI_936", open_lines, "gbk")
    t.context = "import a drawing with no closed shapes"
    run = t.run("import", bad, "--s-srs", "EPSG:4547", "--out", os.path.join(work, "open.gpkg"))
    if t.sane_exit(run, 2):
        t.check("nothing could be imported" in run.err, "says nothing could be imported", run)
        t.check("open polyline" in run.out or "open polyline" in run.err,
                "names the open polyline", run)
        t.check("图框" in run.err and "--mapping" in run.err, "names the unmapped layer 图框", run)
        t.check(not os.path.exists(os.path.join(work, "open.gpkg")), "wrote nothing", run)

    closed = ("0\nLWPOLYLINE\n8\n控规地块\n90\n4\n70\n1\n10\n0\n20\n0\n10\n100\n20\n0\n"
              "10\n100\n20\n60\n10\n0\n20\n60\n0\nTEXT\n8\n标注\n10\n50\n20\n30\n1\n"
              "一类工业用地 M1\n0\nTEXT\n8\n标注\n10\n50\n20\n20\n1\n地块编号：A-01\n")
    lying = os.path.join(work, "lying.dxf")
    drawing(lying, "AC1015", "ANSI_1252", closed, "gbk")
    t.context = "import a drawing whose code page lies"
    lying_out = os.path.join(work, "lying.gpkg")
    run = t.run("import", lying, "--s-srs", "EPSG:4547", "--out", lying_out)
    if t.sane_exit(run, 0):
        t.check("ANSI_1252" in run.err and "CP936" in run.err, "says the code page lies", run)
        cols, rows = gpkg_rows(lying_out, "plan_zones")
        t.check(len(rows) == 1 and rows[0][cols.index("zone_id")] == "A-01" and
                rows[0][cols.index("cad_layer")] == "控规地块",
                "reads the GBK text right (got %s)" % (rows,), run)

    # Every broken input of tests/data/bad, and broken drawings: exit 0 or 2 (naming the file),
    # never a signal or a hang; the inputs unchanged; no output left by a failure.
    bad_in = os.path.join(work, "bad")
    shutil.copytree(os.path.join(HERE, "..", "data", "bad"), bad_in)
    with open(dxf, "rb") as fh:
        whole = fh.read()
    broken = {
        "empty.dxf": b"",
        "truncated.dxf": whole[:len(whole) // 2],
        "garbage.dxf": bytes(range(256)) * 64,
        "header-only.dxf": b"0\nSECTION\n2\nHEADER\n9\n$ACADVER\n1\nAC1015\n0\nENDSEC\n0\nEOF\n",
        "bad-gbk.dxf": whole.replace("控规标注".encode("gbk"), b"\xff\xfe\x81", 3),
        "huge-bulge.dxf": ("0\nSECTION\n2\nENTITIES\n0\nLWPOLYLINE\n8\n控规地块\n90\n3\n70\n1\n"
                           "10\n0\n20\n0\n42\n1e300\n10\n1e-300\n20\n0\n10\nnan\n20\n5\n"
                           "0\nENDSEC\n0\nEOF\n").encode(),
    }
    for name, data in broken.items():
        with open(os.path.join(bad_in, name), "wb") as fh:
            fh.write(data)
    bad_before = snapshot(bad_in)
    bad_out = os.path.join(work, "bad-out")
    os.makedirs(bad_out)
    for name in sorted(os.listdir(bad_in)):
        if name.endswith((".py", ".md", ".shx", ".dbf", ".prj", ".cpg")):
            continue
        t.context = "import tests/data/bad/%s" % name
        target = os.path.join(bad_out, name + ".gpkg")
        run = t.run("import", os.path.join(bad_in, name), "--s-srs", "EPSG:4547", "--out", target)
        if t.sane_exit(run, None):
            t.check(run.rc in (0, 2), "exit 0 or 2 (got %d)" % run.rc, run)
            if run.rc == 2:
                t.check(name.split(".")[0] in run.err, "stderr names the file", run)
                t.check(not os.path.exists(target), "no park left behind", run)
            t.check(not text_problems(run.out), "no garbled text", run)
    t.context = "import tests/data/bad"
    t.check(snapshot(bad_in) == bad_before, "the bad inputs are unchanged: " +
            diff_snapshots(bad_before, snapshot(bad_in)))
    t.check(not partials(bad_out), "no .partial- files left")

    t.context = "import"
    t.check(snapshot(sample) == before, "data/sample is unchanged: " +
            diff_snapshots(before, snapshot(sample)))

# The sample's parcel codes as a cadastre (GB/T 21010-2017) writes them: the most specific
# GB/T 21010 class holding each, through styles/landuse.json's crosswalk (tests/geo checks the
# same recoding against the table).
CADASTRE_RECODING = {"M1": "0601", "M2": "0601", "M3": "0601", "100101": "0601",
                     "100102": "0601", "0901": "05", "090104": "0504", "B1": "05", "B2": "0505",
                     "W1": "0604", "110101": "0604"}


def cadastre_variant(sample, folder):
    """A copy of park.gpkg whose parcels are coded in GB/T 21010-2017, and a project file
    declaring it (and nothing else)."""
    os.makedirs(folder, exist_ok=True)
    gpkg = os.path.join(folder, "park.gpkg")
    shutil.copyfile(os.path.join(sample, "park.gpkg"), gpkg)
    # Through GDAL: the GeoPackage's R-tree triggers call ST_ functions plain sqlite3 lacks.
    cases = " ".join("WHEN '%s' THEN '%s'" % pair for pair in CADASTRE_RECODING.items())
    subprocess.run(["ogrinfo", "-q", gpkg, "-sql",
                    "UPDATE parcels SET land_use = CASE land_use %s ELSE land_use END" % cases],
                   check=True, capture_output=True)
    db = sqlite3.connect(gpkg)
    tables = [r[0] for r in db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")]
    db.close()
    layers = {name: {"source": "park.gpkg", "layer": name} for name in tables}
    layers["parcels"]["classification"] = "GB/T 21010-2017"
    project = os.path.join(folder, "cadastre.parkatlas.json")
    with open(project, "w", encoding="utf-8") as f:
        json.dump({"name": "cadastre", "layers": layers}, f, ensure_ascii=False, indent=1)
    return gpkg, project


def group_classification(t):
    """Land-use codes in four systems: `--classification ROLE=SYSTEM` and the project file's
    "classification" on the sample park recoded into GB/T 21010 (same planted misfits; M3 in M1
    is land_use_too_coarse), detection said on stderr and in JSON, `info` saying each layer's
    system, unknown systems and an empty table file refused (exit 2, naming what is wrong)."""
    sample = t.opts.sample
    if not os.path.isfile(os.path.join(sample, "park.gpkg")):
        print("SKIP: the sample park is not there")
        return SKIP
    before = snapshot(sample)
    folder = os.path.join(t.opts.work, "classification")
    shutil.rmtree(folder, ignore_errors=True)
    gpkg, project = cadastre_variant(sample, folder)
    known = ["GB/T 21010-2017", "TDDC-3", "GB 50137-2011", "GTKJ-2023"]

    def parcel_fids(doc, rule):
        return {fid for f in doc.get("findings", []) if f["rule"] == rule and
                f["layer"] == "parcels" for fid in f["fids"]}

    def expect_cadastre_findings(run, origin):
        if not t.sane_exit(run, 0):
            return
        doc = run.json()
        systems = doc.get("land_use_classification", {}).get("parcels", {})
        t.check(systems.get("systems") == ["GB/T 21010-2017"] and systems.get("declared"),
                "parcels read in GB/T 21010-2017, declared (got %s)" % systems, run)
        t.check(parcel_fids(doc, "land_use_mismatch") == {170, 251},
                "the planted misfits QL2020-009, QL2020-015 (got %s)"
                % sorted(parcel_fids(doc, "land_use_mismatch")), run)
        coarse = parcel_fids(doc, "land_use_too_coarse")
        t.check(408 in coarse, "QL2016-049 (M3 in M1, 0601 to a cadastre) is too coarse", run)
        t.check(doc.get("summary", {}).get("land_use_too_coarse", {}).get("count", 0) > 0,
                "the summary counts land_use_too_coarse apart", run)
        for f in doc.get("findings", []):
            if f["rule"] == "land_use_too_coarse":
                t.check(bool(f.get("evidence", {}).get("required")),
                        "a too-coarse finding names the zone's required class (%s)" % f, run)
                break
        t.check("land use: parcels GB/T 21010-2017 (declared %s)" % origin in run.err,
                "stderr says the parcels' system and why", run)

    t.context = "check cadastre.parkatlas.json (classification in the project file)"
    expect_cadastre_findings(t.run("check", project, "--format", "json"), "in the project file")
    t.context = "check park.gpkg --classification parcels=GB/T 21010-2017"
    expect_cadastre_findings(t.run("check", gpkg, "--classification",
                                   "parcels=GB/T 21010-2017", "--format", "json"),
                             "on the command line")

    t.context = "check the GB/T 21010 park undeclared"
    run = t.run("check", gpkg, "--rule", "land_use_mismatch", "--format", "json")
    if t.sane_exit(run, 0):
        doc = run.json()
        systems = doc.get("land_use_classification", {}).get("parcels", {})
        t.check(systems.get("systems") == ["GB/T 21010-2017", "GTKJ-2023"]
                and "warning" in systems, "detected as ambiguous, with a warning (%s)" % systems)
        t.check("declare the layer's classification" in run.err, "stderr warns", run)
        t.check(408 in parcel_fids(doc, "cannot_decide"),
                "0601 in an M1 zone is cannot_decide, never guessed", run)

    t.context = "check park.gpkg --format table"
    run = t.run("check", gpkg, "--classification", "parcels=GB/T 21010-2017")
    if t.sane_exit(run, 0):
        t.check("land_use_too_coarse" in run.out, "the table lists land_use_too_coarse", run)

    t.context = "the sample park's systems, detected"
    run = t.run("check", os.path.join(sample, "park.gpkg"), "--rule", "land_use_mismatch",
                "--format", "json")
    if t.sane_exit(run, 0):
        systems = run.json().get("land_use_classification", {})
        t.check(systems.get("plan_zones", {}).get("systems") == ["GB 50137-2011", "GTKJ-2023"],
                "plan_zones: GB 50137 letters beside GTKJ-2023 numbers (%s)" % systems, run)
        t.check("detected" in systems.get("parcels", {}).get("reason", ""), "says detected", run)

    t.context = "info --classification"
    run = t.run("info", gpkg, "--classification", "parcels=GB/T 21010-2017")
    if t.sane_exit(run, 0):
        t.check("land use:  GB/T 21010-2017 (field land_use; declared on the command line)"
                in run.out, "info says the parcels' system", run)
    run = t.run("info", os.path.join(sample, "park.gpkg"), "--json")
    if t.sane_exit(run, 0):
        layers = {l["name"]: l for l in run.json()["layers"]}
        got = layers.get("plan_zones", {}).get("land_use_classification", {})
        t.check(got.get("systems") == ["GB 50137-2011", "GTKJ-2023"] and got.get("reason"),
                "info --json gives plan_zones' systems and why (%s)" % got, run)

    for bad in ["parcels=GB21010", "parcels=", "nosuchrole=TDDC-3", "parcels"]:
        t.context = "check --classification %s" % bad
        run = t.run("check", gpkg, "--classification", bad)
        if t.sane_exit(run, 2):
            t.check(run.out == "", "nothing on stdout", run)
            if bad.startswith("parcels="):
                t.check(all(k in run.err for k in known), "stderr lists the known systems", run)

    t.context = "a project file with an unknown classification"
    with open(project, encoding="utf-8") as f:
        doc = json.load(f)
    doc["layers"]["parcels"]["classification"] = "三调"
    wrong = os.path.join(folder, "wrong.parkatlas.json")
    with open(wrong, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    run = t.run("check", wrong)
    if t.sane_exit(run, 2):
        t.check(wrong in run.err and "三调" in run.err and all(k in run.err for k in known),
                "names the file, the value and the known systems", run)

    t.context = "an empty classification table"
    styles = os.path.join(folder, "styles")
    shutil.copytree(os.path.join(os.path.dirname(sample.rstrip("/")), "..", "styles"), styles)
    with open(os.path.join(styles, "landuse.json"), "w"):
        pass
    saved = os.environ.get("PARKATLAS_STYLES")
    os.environ["PARKATLAS_STYLES"] = styles
    try:
        run = t.run("check", gpkg, "--rule", "land_use_mismatch")
    finally:
        if saved is None:
            del os.environ["PARKATLAS_STYLES"]
        else:
            os.environ["PARKATLAS_STYLES"] = saved
    if t.sane_exit(run, 2):
        t.check(os.path.join(styles, "landuse.json") in run.err, "names the file", run)

    t.context = "the sample folder"
    t.check(diff_snapshots(before, snapshot(sample)) == "", "the sample is untouched: "
            + diff_snapshots(before, snapshot(sample)))


# --------------------------------------------------------------------------------------------
# Group: VCT (GB/T 17798) — the sample park handed back as VCT and read again


def group_vct(t):
    """`convert park.gpkg park.vct`, then every command on the VCT: the same layers, features,
    Chinese text, ellipsoidal areas and check findings as the GeoPackage; the hand-made VCT files
    of tests/data/vct converted and measured; DEST.vct that exists is refused."""
    gpkg = os.path.join(t.opts.sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                         "data", "vct"))
    work = tempfile.mkdtemp(prefix="vct-", dir=t.opts.work)
    vct = os.path.join(work, "park.vct")

    t.context = "convert park.gpkg park.vct"
    run = t.run("convert", gpkg, vct)
    if not t.sane_exit(run, 0):
        return None
    t.check(not partials(work), "no .partial- files left", run)
    with open(vct, "rb") as f:
        raw = f.read()
    t.check(raw.startswith(b"HeadBegin\r\nDataMark:LANDUSE-VCT\r\nVersion:3.0"),
            "starts with a LANDUSE-VCT 3.0 head")
    t.check(b"Parameters:114,1,500000,0,3,38" in raw, "the head gives CM 114, FE 500000, "
            "3-degree zone 38")
    try:
        text = raw.decode("gbk")
        t.check("高斯-克吕格投影" in text and "青鸾湖临港经济开发区" in text,
                "the text is GBK (projection name, park name)")
    except UnicodeDecodeError as e:
        t.check(False, "the file decodes as GBK (%s)" % e)

    t.context = "info --json park.vct"
    run = t.run("info", "--json", vct)
    if t.sane_exit(run, 0):
        layers = {l["name"]: l for l in run.json()["layers"]}
        t.check(set(layers) == set(gpkg_tables(gpkg)), "the same layers as park.gpkg (%s)" %
                sorted(layers), run)
        parcels = layers.get("parcels", {})
        t.check(parcels.get("encoding", {}).get("name") == "CP936", "read as GBK", run)
        t.check(parcels.get("crs", {}).get("epsg") == 4547, "CRS EPSG:4547 from the head", run)
        t.check(not text_problems(run.out), "no garbled text", run)

    t.context = "area park.vct against park.gpkg"
    a = t.run("area", vct, "--format", "json")
    b = t.run("area", gpkg, "--format", "json")
    if t.sane_exit(a, 0) and t.sane_exit(b, 0):
        ours, theirs = a.json()["layers"], b.json()["layers"]
        t.check(set(ours) == set(theirs), "the same layers measured", a)
        for name in sorted(set(ours) & set(theirs)):
            x, y = ours[name]["total"], theirs[name]["total"]
            t.check(x.get("count") == y.get("count"), "%s: %s features" % (name, y.get("count")),
                    a)
            for key in ("area_m2", "length_m"):
                if key in y:
                    t.check(abs(x.get(key, 0) - y[key]) <= 1e-9 * max(1.0, abs(y[key])),
                            "%s: %s %.9f (got %s)" % (name, key, y[key], x.get(key)), a)

    t.context = "check park.vct against park.gpkg"
    a = t.run("check", vct, "--format", "json")
    b = t.run("check", gpkg, "--format", "json")
    if t.sane_exit(a, 0) and t.sane_exit(b, 0):
        ours, theirs = a.json().get("findings"), b.json().get("findings")
        t.check(theirs and ours == theirs, "the same %d findings, ids, areas and reasons" %
                len(theirs or []), a)

    t.context = "convert park.vct back.gpkg"
    back = os.path.join(work, "back.gpkg")
    run = t.run("convert", vct, back)
    if t.sane_exit(run, 0):
        for table in ("parcels", "acquisition", "roads", "facilities"):
            cols, rows = gpkg_rows(back, table)
            ref_cols, ref_rows = gpkg_rows(gpkg, table)
            t.check(len(rows) == len(ref_rows), "%s: %d rows" % (table, len(ref_rows)), run)
            for name in ("owner", "name", "village", "kind"):
                if name in cols and name in ref_cols:
                    # VCT has no empty text apart from a missing value (both unknown).
                    got = [r[cols.index(name)] or "" for r in rows]
                    want = [r[ref_cols.index(name)] or "" for r in ref_rows]
                    t.check(got == want, "%s.%s: the same Chinese text, row by row" % (
                        table, name), run)

    t.context = "convert park.gpkg park.vct again"
    before = snapshot(work)
    run = t.run("convert", gpkg, vct)
    if t.sane_exit(run, 2):
        t.check("--overwrite" in run.err, "says to pass --overwrite", run)
        t.check(snapshot(work) == before, "nothing changed", run)

    t.context = "the hand-made VCT files"
    for name, layer, mu in (("indirect.vct", "ZD", 29.4), ("direct_zone_prefix.vct", "DLTB", 36.9),
                            ("direct_no_prefix.vct", "DLTB", 36.9)):
        run = t.run("area", os.path.join(data, name), "--format", "json")
        if t.sane_exit(run, 0):
            total = run.json()["layers"].get(layer, {}).get("total", {})
            t.check(abs(total.get("area_mu", 0) - mu) < 1e-3, "%s: %s measures %.1f mu (got %s)"
                    % (name, layer, mu, total.get("area_mu")), run)
            t.check(not run.err.strip(), "no warnings", run)
        out = os.path.join(work, name + ".gpkg")
        run = t.run("convert", os.path.join(data, name), out)
        if t.sane_exit(run, 0):
            cols, rows = gpkg_rows(out, layer)
            t.check(len(rows) == 3 if layer == "DLTB" else len(rows) == 2, "%s: %s converted" %
                    (name, layer), run)
    return None



def park_with_history(t, gpkg, work, created="2026-03-10"):
    """A park that keeps history: `import` of `gpkg` into WORK/park.gpkg, every role's creation
    dated noon UTC of `created`. Its path, or None when the import failed (reported)."""
    park = os.path.join(work, "park.gpkg")
    run = t.run("import", gpkg, "--out", park)
    if not t.sane_exit(run, 0):
        return None
    con = sqlite3.connect(park)
    try:
        for table in [x for x in gpkg_tables(park) if x.endswith("_history")]:
            con.execute('UPDATE "%s" SET hist_valid_to = ?' % table, (created + "T12:00:00Z",))
        con.commit()
    finally:
        con.close()
    return park


def gpkg_simulated_edit(path, fid, values, who, day, table="parcels", delete=False):
    """An edit save as geo::EditSession makes it, by hand in SQL: the old row of feature `fid`
    of `table` into TABLE_history (op update, or delete with `delete`, `who`, noon UTC of `day`),
    then the new values (or the row deleted)."""
    con = sqlite3.connect(path)
    try:
        # The GeoPackage's R-tree triggers name these functions; they do not fire for an
        # attribute update but SQLite wants them to exist.
        for name, arity in (("ST_IsEmpty", 1), ("ST_MinX", 1), ("ST_MaxX", 1), ("ST_MinY", 1),
                            ("ST_MaxY", 1)):
            con.create_function(name, arity, lambda *a: 0)
        fields = [r[1] for r in con.execute('PRAGMA table_info("%s")' % table) if r[1] != "fid"]
        cols = ", ".join('"%s"' % f for f in fields)
        since = con.execute('SELECT max(hist_valid_to) FROM "%s_history" WHERE hist_fid = ? '
                            'OR hist_fid IS NULL' % table, (fid,)).fetchone()[0]
        con.execute('INSERT INTO "%s_history" (hist_fid, hist_op, hist_valid_from, '
                    'hist_valid_to, hist_by, hist_command, %s) SELECT fid, ?, ?, ?, ?, '
                    '\'edit\', %s FROM "%s" WHERE fid = ?' % (table, cols, cols, table),
                    ("delete" if delete else "update", since, day + "T12:00:00Z", who, fid))
        if delete:
            con.execute('DELETE FROM "%s" WHERE fid = ?' % table, (fid,))
        for field, value in (values or {}).items():
            con.execute('UPDATE "%s" SET "%s" = ? WHERE fid = ?' % (table, field), (value, fid))
        con.commit()
    finally:
        con.close()


def group_history(t):
    """history kept by import, `parkatlas history` in its three formats, check PARK@DATE and
    --as-of against a hand-made later edit, bad dates, a shapefile folder with --as-of."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    before = snapshot(sample)
    work = tempfile.mkdtemp(prefix="history-", dir=t.opts.work)

    # The creation dated 2026-03-10; then bob changes a parcel on 2026-06-20.
    t.context = "import records each layer's creation"
    park = park_with_history(t, gpkg, work)
    if not park:
        return 1
    tables = gpkg_tables(park)
    t.check("parcels_history" in tables and "plan_zones_history" in tables,
            "the new park has a history per role (%s)" % tables)
    run = t.run("history", park, "--format", "json")
    if t.sane_exit(run, 0):
        changes = run.json()["changes"]
        roles = sorted(c["role"] for c in changes)
        t.check(len(changes) > 5 and all(c["operation"] == "create" and c["command"] == "import"
                                         and c["fid"] is None for c in changes),
                "one create row per role, by import (%s)" % roles, run)
        t.check(len(set(roles)) == len(roles), "each role once", run)

    con = sqlite3.connect(park)
    fid, parcel_id, land_use = con.execute(
        "SELECT fid, parcel_id, land_use FROM parcels WHERE land_use LIKE 'M%' ORDER BY fid "
        "LIMIT 1").fetchone()
    con.close()

    t.context = "check before the edit"
    run = t.run("check", park, "--format", "json")
    mismatched_before = set()
    if t.sane_exit(run, 0):
        mismatched_before = {f.get("parcel_id") for f in run.json()["findings"]
                             if f["rule"] == "land_use_mismatch"}
    gpkg_simulated_edit(park, fid, {"land_use": "R2", "owner": "乙公司"}, "bob", "2026-06-20")

    t.context = "history after the edit"
    run = t.run("history", park, "--role", "parcels", "--id", parcel_id, "--format", "json")
    if t.sane_exit(run, 0):
        changes = run.json()["changes"]
        t.check(len(changes) == 1, "one change of %s (%d)" % (parcel_id, len(changes)), run)
        if changes:
            c = changes[0]
            t.check(c["who"] == "bob" and c["operation"] == "update" and c["id"] == parcel_id
                    and c["time"] == "2026-06-20T12:00:00Z"
                    and c["valid_from"] == "2026-03-10T12:00:00Z",
                    "who, what, when and since when", run)
            t.check(c["fields"].get("land_use") == [land_use, "R2"]
                    and c["fields"].get("owner", [None, None])[1] == "乙公司"
                    and not c["geometry_changed"], "the fields changed, old and new", run)
    run = t.run("history", park, "--role", "parcels")
    if t.sane_exit(run, 0):
        t.check("bob" in run.out and "land_use: %s → R2" % land_use in run.out
                and "import" in run.out, "the table names who, the change and the import", run)
    run = t.run("history", park, "--format", "csv")
    if t.sane_exit(run, 0):
        rows = list(csv.reader(io.StringIO(run.out.lstrip("\ufeff"))))
        t.check(rows[0][:3] == ["time (UTC)", "who", "command"] and
                any(r[1] == "bob" for r in rows[1:]), "CSV with a header row", run)

    t.context = "check PARK@DATE"
    run = t.run("check", park, "--format", "json")
    now = set()
    if t.sane_exit(run, 0):
        now = {f.get("parcel_id") for f in run.json()["findings"]
               if f["rule"] == "land_use_mismatch"}
        t.check(parcel_id in now and parcel_id not in mismatched_before,
                "now: the edited parcel (R2 in an industrial zone) is a land-use mismatch", run)
    for day in ("2026-03-10", "2026-06-19"):
        run = t.run("check", park + "@" + day, "--format", "json")
        if t.sane_exit(run, 0):
            then = {f.get("parcel_id") for f in run.json()["findings"]
                    if f["rule"] == "land_use_mismatch"}
            t.check(then == mismatched_before,
                    "as of %s: the findings from before the edit" % day, run)
    run = t.run("check", park, "--as-of", "2026-06-20", "--format", "json")
    if t.sane_exit(run, 0):
        t.check(parcel_id in {f.get("parcel_id") for f in run.json()["findings"]},
                "--as-of the edit's day: the edit is in", run)
    run = t.run("ledger", park + "@2026-06-19", "--kind", "supply", "--format", "json")
    t.sane_exit(run, 0)

    t.context = "bad dates"
    for arg, words in (("@2026-13-45", "not a date"), ("@2099-01-01", "in the future"),
                       ("@2026-03-09", "before the park's first recorded history")):
        run = t.run("check", park + arg)
        if t.sane_exit(run, 2):
            t.check(words in run.err, "%s: says %s" % (arg, words), run)
    run = t.run("check", park, "--as-of", "yesterday")
    if t.sane_exit(run, 2):
        t.check("not a date" in run.err and "YYYY-MM-DD" in run.err, "--as-of yesterday", run)
    run = t.run("check", park + "@2026-06-19", "--as-of", "2026-06-20")
    if t.sane_exit(run, 2):
        t.check("give one date" in run.err, "two different dates are refused", run)

    t.context = "a folder of shapefiles with --as-of"
    shp = os.path.join(sample, "shp")
    if os.path.isdir(shp):
        plain = t.run("check", shp, "--format", "json")
        run = t.run("check", shp, "--as-of", "2026-06-30", "--format", "json")
        # (The sample folder has a planted unreadable layer: exit 2 with or without --as-of.)
        if t.sane_exit(run, plain.rc):
            t.check("keeps no history" in run.err, "says the folder keeps no history", run)
            t.check(len(run.json()["findings"]) == len(plain.json()["findings"]),
                    "and reads it as it is", run)
        run = t.run("history", shp)
        if t.sane_exit(run, 0):
            t.check("keeps no history" in run.err, "history on a folder says so", run)

    t.context = "the history layers are no roles"
    run = t.run("check", park, "--format", "json")
    if t.sane_exit(run, 0):
        t.check("_history" not in run.err, "check does not mention them", run)
    t.check(diff_snapshots(before, snapshot(sample)) == "", "the sample is left as it was")
    return 0


def group_names(t):
    """What a user reads, in their language (issue 23): a warning is said once per feature per
    run (`report` used to print the same warning twice); under a zh_CN locale the findings table
    names rules, roles and columns in Chinese and keeps each rule's id in a column, stderr says
    警告 with the file, layer and feature kept, while JSON keeps the ids; `info` says which
    source field was taken for which contract field, common spellings (LANDUSE) included; the
    committee pack holds the TD/T 1029 indicators table."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP

    def run_in(locale_name, *args):
        env = dict(os.environ, LC_ALL=locale_name, LANG=locale_name)
        started = time.monotonic()
        proc = subprocess.run([t.binary] + [str(a) for a in args], capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=180)
        return Run([t.binary] + list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                   proc.stderr.decode("utf-8", "replace"), time.monotonic() - started)

    def repeated(lines):
        seen, twice = set(), []
        for line in lines:
            if line in seen:
                twice.append(line)
            seen.add(line)
        return twice

    t.context = "check, English"
    en = run_in("C.UTF-8", "check", gpkg)
    t.context = "check, zh_CN"
    zh = run_in("zh_CN.UTF-8", "check", gpkg)
    if t.sane_exit(en, 0) and t.sane_exit(zh, 0):
        t.check("\nland_use_mismatch (" in en.out and "\n用地性质不符" not in en.out and
                re.search(r"^rule +findings", en.out, re.M) is not None,
                "English: rules by id, as before", en)
        t.check("用地性质不符" in zh.out and "问题" in zh.out and "面积（亩）" in zh.out,
                "zh_CN: rules and columns named in Chinese", zh)
        t.check("用地性质不符 land_use_mismatch (" in zh.out,
                "zh_CN: each rule's section gives its name and its id", zh)
        # Every summary row that names a rule id carries its Chinese name on the same line.
        ids = sorted(set(re.findall(r"\b([a-z]+(?:_[a-z]+)+)\b", en.out)))
        for line in zh.out.splitlines():
            for rule_id in re.findall(r"\b([a-z]+(?:_[a-z]+)+)\b", line):
                t.check(re.search(r"[\u4e00-\u9fff]", line) is not None,
                        "the id %s is never shown without a Chinese name: %r" % (rule_id, line))
        t.check(ids, "the English table names rule ids (%s)" % ids, en)
        t.check("\nparcels " not in zh.out and "宗地" in zh.out, "zh_CN: layers by role name", zh)
    t.context = "check --format json, zh_CN"
    js = run_in("zh_CN.UTF-8", "check", gpkg, "--format", "json")
    if t.sane_exit(js, 0):
        rules = {f["rule"] for f in js.json()["findings"]}
        t.check("land_use_mismatch" in rules and not any(re.search(r"[\u4e00-\u9fff]", r)
                                                          for r in rules),
                "JSON keeps the rule ids (%s)" % sorted(rules), js)

    if t.run("report", "--help").rc != 0:
        print("report: not in this build (PARKATLAS_BUILD_GUI=OFF), its part skipped")
        return None
    t.context = "report, English"
    out = os.path.join(t.opts.work, "pack-en")
    run = run_in("C.UTF-8", "report", gpkg, "--out", out, "--as-of", "2026-06-30")
    if t.sane_exit(run, 0):
        lines = [l for l in run.err.splitlines() if l.startswith(("warning:", "error:"))]
        t.check(lines, "the sample park has warnings to say (%d)" % len(lines), run)
        t.check(not repeated(lines), "each warning once per run (repeated: %s)"
                % repeated(lines), run)
        files = os.listdir(out)
        t.check("indicators.xlsx" in files and "indicators.csv" in files,
                "the pack holds the TD/T 1029 indicators table (%s)" % sorted(files))
        if "indicators.csv" in files:
            with open(os.path.join(out, "indicators.csv"), encoding="utf-8-sig") as f:
                text = f.read()
            for name in ("土地开发率", "土地供应率", "综合容积率", "工业用地地均税收"):
                t.check(name in text, "indicators.csv has %s" % name)
    t.context = "report, zh_CN"
    out = os.path.join(t.opts.work, "pack-zh")
    run = run_in("zh_CN.UTF-8", "report", gpkg, "--out", out, "--as-of", "2026-06-30")
    if t.sane_exit(run, 0):
        lines = [l for l in run.err.splitlines() if l.startswith(("警告", "错误"))]
        t.check(lines and not any(l.startswith(("warning:", "error:")) for l in run.err.splitlines()),
                "stderr says 警告 / 错误, not warning / error", run)
        t.check(any("文件 '" in l and "图层 '" in l and "要素 " in l for l in lines),
                "the file, layer and feature are kept in Chinese", run)
        t.check(not repeated(lines), "each warning once per run", run)

    t.context = "info names the fields it took"
    folder = os.path.join(t.opts.work, "spellings")
    os.makedirs(folder)
    path = os.path.join(folder, "parcels.geojson")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": [{
            "type": "Feature",
            "properties": {"ParcelID": "A-1", "LANDUSE": "M1", "用地单位": "甲公司", "misc": "x"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100],
                                                             [0, 100], [0, 0]]]}}]},
            f, ensure_ascii=False)
    run = run_in("C.UTF-8", "info", path)
    if t.sane_exit(run, 0):
        t.check("role:      parcels" in run.out, "the role the name gives", run)
        t.check("land_use ← LANDUSE" in run.out and "parcel_id ← ParcelID" in run.out
                and "owner ← 用地单位" in run.out, "which field was taken for which", run)
        t.check("missing:" in run.out and "agr_start" in run.out, "what was not found", run)
    run = run_in("C.UTF-8", "info", path, "--json")
    if t.sane_exit(run, 0):
        layer = run.json()["layers"][0]
        t.check(layer.get("role") == "parcels" and
                layer.get("contract_fields", {}).get("land_use") == "LANDUSE" and
                layer["contract_fields"].get("agr_start") is None,
                "JSON: contract_fields (got %s)" % layer.get("contract_fields"), run)
    return None


def rename_dbf_field(dbf, old, new):
    """Renames field `old` of a DBF to `new` (at most 10 bytes) in its header."""
    with open(dbf, "r+b") as f:
        header = f.read(32 * 64)
        at = 32
        while at + 32 <= len(header) and header[at] != 0x0D:
            if header[at:at + 11].split(b"\0")[0] == old:
                f.seek(at)
                f.write(new[:10].ljust(11, b"\0"))
                return True
            at += 32
    return False


def group_session(t):
    """One park session per command: a field mapping saved in the project file reaches `check`,
    `audit`, `ledger` and `map` (the findings page). The sample's shapefiles with the parcels'
    id and land use under names no alias knows: without the mapping the analyses cannot see
    them; with it they give what the sample's own project gives."""
    sample = t.opts.sample
    original = os.path.join(sample, "shp.parkatlas.json")
    if not os.path.isfile(original):
        print("SKIP: the sample park is not there (%s)" % original)
        return SKIP
    work = tempfile.mkdtemp(prefix="session-", dir=t.opts.work)
    shutil.copytree(os.path.join(sample, "shp"), os.path.join(work, "shp"))
    for old, new in ((b"ZDDM", b"BH_X"), (b"YDDM", b"YTBM")):
        t.check(rename_dbf_field(os.path.join(work, "shp", "parcels.dbf"), old, new),
                "renamed %s" % old.decode())
    with open(original, encoding="utf-8") as f:
        project = json.load(f)
    project["layers"]["parcels"]["fields"] = {"owner": "QLR"}
    unmapped = os.path.join(work, "unmapped.parkatlas.json")
    with open(unmapped, "w", encoding="utf-8") as f:
        json.dump(project, f, ensure_ascii=False)
    project["layers"]["parcels"]["fields"] = {"parcel_id": "BH_X", "owner": "QLR",
                                              "land_use": "YTBM"}
    mapped = os.path.join(work, "mapped.parkatlas.json")
    with open(mapped, "w", encoding="utf-8") as f:
        json.dump(project, f, ensure_ascii=False)

    def findings(park, *args):
        run = t.run(*args[:1], park, *args[1:], "--format", "json")
        if not t.sane_exit(run, 0):
            return None
        return sorted((f.get("rule"), tuple(f.get("fids", [])), f.get("parcel_id", ""))
                      for f in run.json().get("findings", []))

    def ledger(park):
        run = t.run("ledger", park, "--kind", "supply", "--format", "csv")
        return run.out if t.sane_exit(run, 0) else None

    def page_total(park, name):
        out = os.path.join(work, name)
        run = t.run("map", park, "--template", "规划符合性分析图", "--out", out)
        if not t.sane_exit(run, 0):
            return None
        text = subprocess.run(["pdftotext", "-layout", out, "-"], capture_output=True)
        match = re.search(r"合计\s+(\d+)\s", text.stdout.decode("utf-8", "replace"))
        return match.group(1) if match else None

    t.context = "session: the sample's own project"
    expected = (findings(original, "check"), findings(original, "audit", "--as-of", "2026-06-30"),
                ledger(original))
    t.check(expected[0] and any(r == "land_use_mismatch" for r, _, _ in expected[0]),
            "the sample has land_use_mismatch findings")
    t.context = "session: renamed fields, no mapping"
    blind = (findings(unmapped, "check"), findings(unmapped, "audit", "--as-of", "2026-06-30"),
             ledger(unmapped))
    t.check(blind[0] != expected[0], "check cannot see the land use")
    t.check(blind[2] != expected[2], "the supply ledger cannot see the plot ids")
    t.context = "session: renamed fields, mapping in the project file"
    got = (findings(mapped, "check"), findings(mapped, "audit", "--as-of", "2026-06-30"),
           ledger(mapped))
    t.check(got[0] == expected[0], "check gives the sample's findings")
    t.check(got[1] == expected[1], "audit gives the sample's findings")
    t.check(got[2] == expected[2], "the supply ledger is the sample's")
    if t.run("map", "--help").rc != 0:
        print("map: not in this build (PARKATLAS_BUILD_GUI=OFF), the findings page skipped")
        return None
    total = page_total(original, "original.pdf")
    t.check(total is not None and page_total(mapped, "mapped.pdf") == total and
            page_total(unmapped, "unmapped.pdf") != total,
            "the findings page counts what the sample's does (%s)" % total)


def group_messages(t):
    """Message bodies in the user's language (issue 23): under zh_CN.UTF-8 every warning and
    error that `check` and `area` print on the sample park and on real files (no coordinate
    system, a ballpark transform, coordinates outside the CRS's area, corrupt records, unclosed
    rings, a file that is not there, nothing to measure) is said in Chinese with the file, layer
    and feature kept, and so are the one-line notes; under C.UTF-8 the same runs say what they
    always said, and JSON keeps the English."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    project = os.path.join(sample, "shp.parkatlas.json")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    shp = os.path.join(t.opts.realdata, "peer-shapefiles", "gdal-autotest-2021", "autotest", "ogr",
                       "data", "shp")
    town = os.path.join(t.opts.realdata, "china", "arcgis-engine-practice", "townshp.shp")

    def run_in(locale_name, *args):
        env = dict(os.environ, LC_ALL=locale_name, LANG=locale_name)
        proc = subprocess.run([t.binary] + [str(a) for a in args], capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=180)
        return Run([t.binary] + list(args), proc.returncode, proc.stdout.decode("utf-8", "replace"),
                   proc.stderr.decode("utf-8", "replace"), 0)

    def english_prose(line):
        """Two English words in a row, once names are taken out: quoted files and layers, CRS
        names with their EPSG codes, a CRS's area of use, and what GDAL says after its own
        phrase ("Corrupted .shp file : shape 0, nPoints=16")."""
        text = re.sub(r"^parkatlas [a-z]+: ", "", line)
        text = re.sub(r"'[^']*'", "", text)
        text = re.sub(r"[A-Za-z0-9 /\-.]+（EPSG:[^）]*）", "", text)
        text = re.sub(r"使用范围（[^）]*）", "", text)
        text = re.sub(r"GDAL 报告：.*", "", text)
        match = re.search(r"[A-Za-z]{3,}[ ,;:]+[A-Za-z]{3,}", text)
        return match.group(0) if match else ""

    runs = [
        ("check", gpkg),
        ("check", project),
        ("area", town),
        ("area", os.path.join(shp, "buggymultipoly.shp")),
        ("area", os.path.join(shp, "buggymultipoly.shp"), "--s-srs", "EPSG:4547"),
        ("area", os.path.join(shp, "polygonm_without_m.shp"), "--s-srs", "EPSG:4547"),
        ("area", os.path.join(shp, "chinese.dbf")),
        ("area", os.path.join(shp, "nowhere.shp")),
        ("check", os.path.join(shp, "buggymultipoly.shp")),
    ]
    said = 0
    done = {}
    for args in runs:
        t.context = "zh_CN: " + " ".join(os.path.basename(str(a)) for a in args)
        zh = run_in("zh_CN.UTF-8", *args)
        en = run_in("C.UTF-8", *args)
        done[args] = (zh, en)
        t.check(zh.rc == en.rc, "the same exit code in both languages (%d, %d)" % (zh.rc, en.rc), zh)
        lines = [l for l in zh.err.splitlines() if l.strip() and not l.startswith("Warning 1:")]
        t.check(len(lines) == len([l for l in en.err.splitlines()
                                   if l.strip() and not l.startswith("Warning 1:")]),
                "as many lines on stderr as in English", zh)
        for line in lines:
            said += 1
            t.check(re.search(r"[\u4e00-\u9fff]", line) is not None, "in Chinese: %r" % line, zh)
            t.check(english_prose(line) == "", "no English body (%r) in %r"
                    % (english_prose(line), line), zh)
            t.check(not re.search(r"\b(warning|error|note): ", line),
                    "no English level in %r" % line, zh)
    t.check(said >= 9, "the runs said something to check (%d lines)" % said)

    # The file, layer and feature are kept; English says exactly what it said.
    t.context = "area buggymultipoly.shp"
    zh = run_in("zh_CN.UTF-8", "area", os.path.join(shp, "buggymultipoly.shp"))
    en = run_in("C.UTF-8", "area", os.path.join(shp, "buggymultipoly.shp"))
    t.check("错误：文件 '%s'，图层 'buggymultipoly'：该图层没有坐标系（没有 .prj 文件）；"
            % os.path.join(shp, "buggymultipoly.shp") in zh.err, "zh_CN: the missing CRS", zh)
    t.check("error: file '%s', layer 'buggymultipoly': the layer has no coordinate system "
            "(no .prj); the coordinates could be longitude/latitude degrees, or local units. "
            "Give one with --s-srs" % os.path.join(shp, "buggymultipoly.shp") in en.err,
            "English: as it always was", en)
    t.context = "check shp.parkatlas.json"
    zh = run_in("zh_CN.UTF-8", "check", project)
    en = run_in("C.UTF-8", "check", project)
    t.check("已用近似转换" in zh.err and "protected.shp'，图层 'protected'：" in zh.err,
            "zh_CN: the ballpark transform", zh)
    t.check("用地分类：宗地 " in zh.err, "zh_CN: the land-use note", zh)
    t.check("layer 'protected': transformed from Xian 1980 / 3-degree Gauss-Kruger CM 114E "
            "(EPSG:2383, datum Xian 1980) to CGCS2000 / 3-degree Gauss-Kruger CM 114E "
            "(EPSG:4547, datum China 2000) by a ballpark operation: PROJ has no published shift"
            in en.err and "parkatlas check: land use: parcels " in en.err,
            "English: as it always was", en)
    js = run_in("zh_CN.UTF-8", "check", project, "--format", "json")
    if t.sane_exit(js, 0):
        text = json.dumps(js.json().get("ballpark_transforms", []), ensure_ascii=False)
        t.check("by a ballpark operation" in text and "近似" not in text,
                "JSON keeps the English", js)
    t.context = "area --by land_use, zh_CN"
    zh = run_in("zh_CN.UTF-8", "area", gpkg, "--layer", "parcels", "--by", "land_use")
    en = run_in("C.UTF-8", "area", gpkg, "--layer", "parcels", "--by", "land_use")
    if t.sane_exit(zh, 0) and t.sane_exit(en, 0):
        t.check(re.search(r"^用地性质 +用地名称 +要素数 +面积（m²） +面积（亩） +面积（公顷）", zh.out,
                          re.M) is not None, "zh_CN: the table's headers", zh)
        t.check(re.search(r"^land_use +名称 \(name\) +features +m² +亩 \(mu\) +ha", en.out, re.M)
                is not None, "English: the headers as before", en)
    return None


def group_standard_land(t):
    """标准地 and 批而未供 (issue 26, item 4): a contract table joined onto the sample park with
    `import --join`, then `audit` (standard_land_shortfall for the plot that misses one target,
    cannot_decide for an unknown actual and a target in an unknown unit, approved_not_supplied at
    the edge of its period) and `ledger --kind standard_land` in csv and json."""
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return SKIP
    contracts = os.path.join(t.opts.work, "标准地合同.csv")
    with open(contracts, "w", encoding="utf-8-sig", newline="") as f:
        f.write("宗地编号,投资强度（万元/亩）,约定容积率,亩均税收（万元/亩）,亩均增加值（万元/亩）,"
                "初始运营期（年）,增加值（万元）\r\n")
        # QL2011-001 meets every target; QL2011-002 misses 亩均税收 only (60.90 < 70);
        # QL2011-003 has no added value (unknown, never 0); QL2011-004 writes its tax target in
        # 美元; QL2023-001 is still inside its period (agr_finish 2026-03-24).
        f.write("QL2011-001,400,0.8,23.08,116.5,3,6000\r\n")
        f.write("QL2011-002,400,0.8,70,116.5,3,6000\r\n")
        f.write("QL2011-003,200,0.8,23.08,116.5,3,\r\n")
        f.write("QL2011-004,200,0.8,23.08美元/亩,116.5,3,6000\r\n")
        f.write("QL2023-001,400,1.2,30,150,3,\r\n")
    park = os.path.join(t.opts.work, "standard-land.gpkg")
    if os.path.exists(park):
        os.remove(park)
    t.context = "import the sample with --join 标准地合同.csv --on parcel_id"
    run = t.run("import", gpkg, "--out", park, "--join", contracts, "--on", "parcel_id")
    if not t.sane_exit(run, 0) or not os.path.isfile(park):
        return
    # Approval dates on the acquisition batches: QLZD2024-01's two years end on 2026-06-30.
    con = sqlite3.connect(park)
    # The GeoPackage's R-tree triggers name these (they do not fire for an attribute update).
    for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        con.create_function(name, 1, lambda *a: 0)
    con.execute("ALTER TABLE acquisition ADD COLUMN appr_date TEXT")
    con.execute("UPDATE acquisition SET appr_date = '2024-06-30' WHERE batch_id = 'QLZD2024-01'")
    con.execute("UPDATE acquisition SET appr_date = '2025-06-01' WHERE appr_date IS NULL")
    con.commit()
    con.close()

    t.context = "audit the joined park --as-of 2026-06-30 --format json"
    run = t.run("audit", park, "--as-of", "2026-06-30", "--format", "json")
    if t.sane_exit(run, 0):
        doc = run.json()
        findings = doc.get("findings", [])
        short = [f for f in findings if f["rule"] == "standard_land_shortfall"]
        t.check([f.get("parcel_id") for f in short] == ["QL2011-002"],
                "one shortfall, the plot that misses one target (%s)" % short, run)
        if short:
            reason = short[0]["reason"]
            t.check("亩均税收 60.90 万元/亩 < 合同 70.00 万元/亩" in reason and
                    "投资强度" not in reason, "names the missed target only: %s" % reason)
            t.check("浙政办发〔2018〕73号" in short[0]["clause"], "cites 浙政办发〔2018〕73号")
        undecided = {f.get("parcel_id"): f["evidence"].get("needs", "") for f in findings
                     if f["rule"] == "cannot_decide" and "standard_land" in
                     f["evidence"].get("needs", "")}
        t.check("value_add" in undecided.get("QL2011-003", ""),
                "an unknown added value is named, never 0 (%s)" % undecided)
        t.check("sl_tax" in undecided.get("QL2011-004", ""),
                "a target in 美元 is named, never converted (%s)" % undecided)
        t.check("QL2023-001" not in undecided and
                not [f for f in short if f.get("parcel_id") == "QL2023-001"],
                "a plot inside its operating period is no finding")
        t.check(re.search(r"parcels.*sl_tax.*美元/亩", run.err) is not None,
                "the unknown unit is named with its layer and field on stderr", run)
        batches = [f for f in findings if f["rule"] == "approved_not_supplied"]
        t.check(len(batches) == 1 and batches[0].get("layer") == "acquisition" and
                batches[0]["evidence"].get("period_end") == "2026-06-30" and
                batches[0].get("area_mu", 0) > 0,
                "QLZD2024-01 is approved but not supplied on the day its period ends (%s)"
                % batches, run)
    t.context = "audit --as-of 2026-06-29: the batch's period is not over"
    run = t.run("audit", park, "--as-of", "2026-06-29", "--format", "json")
    if t.sane_exit(run, 0):
        t.check(not [f for f in run.json().get("findings", [])
                     if f["rule"] == "approved_not_supplied"], "no 批而未供 the day before")

    t.context = "ledger --kind standard_land --format csv"
    run = t.run("ledger", park, "--kind", "standard_land", "--format", "csv", "--date",
                "2026-06-30")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a UTF-8 BOM")
        tables = csv_tables(run.raw_out)
        t.check(len(tables) == 2, "two tables (by plot, by state)", run)
        if tables:
            header = tables[0][1]
            rows = {r[0]: dict(zip(header, r)) for r in tables[0][2:] if len(r) == len(header)}
            t.check(sorted(k for k in rows if k.startswith("QL")) ==
                    ["QL2011-001", "QL2011-002", "QL2011-003", "QL2011-004", "QL2023-001"],
                    "every contract plot and no other (%s)" % sorted(rows))
            t.check(rows.get("QL2011-001", {}).get("核查结论") == "全部达标", "QL2011-001 meets")
            t.check(rows.get("QL2011-002", {}).get("亩均税收·结论") == "未达标",
                    "QL2011-002 misses 亩均税收")
            t.check(rows.get("QL2023-001", {}).get("运营期") == "初始运营期内",
                    "QL2023-001 is inside its period")
    t.context = "ledger --kind standard_land --format json"
    run = t.run("ledger", park, "--kind", "standard_land", "--format", "json", "--date",
                "2026-06-30")
    if t.sane_exit(run, 0):
        doc = run.json()
        t.check(doc.get("kind") == "standard_land", "kind standard_land", run)
        t.check(any("截至 2026-06-30" in n for n in doc.get("notes", [])), "says its date", run)
        plots = [tb for tb in doc.get("tables", []) if tb["id"] == "by_parcel"]
        rows = plots[0]["rows"] if plots else []
        missed = [r for r in rows if r.get("parcel_id") == "QL2011-002"]
        t.check(missed and abs(missed[0]["tax_per_mu_actual"] - 60.90) < 0.01 and
                missed[0]["tax_per_mu_contract"] == 70 and missed[0]["value_per_mu_actual"] > 0,
                "JSON keeps the unrounded figures (%s)" % missed)
        unknown = [r for r in rows if r.get("parcel_id") == "QL2011-003"]
        t.check(unknown and unknown[0]["value_per_mu_actual"] is None,
                "an unknown actual is null in JSON, not 0")
def group_messages_zh(t):
    """Every message in the user's language (issue 23, the second half): under zh_CN.UTF-8 what
    the rules say about their run (a layer or field the park lacks, a setting ignored, an audit
    rule not run), the VCT reader's warnings, a drawing's import and its missing CRS, and broken
    shapefiles are said in Chinese, with no English sentence left beyond codes, file and layer
    names, formats and CRS names; under C.UTF-8 the same runs print as many lines, in English."""
    sample = t.opts.sample
    here = os.path.dirname(os.path.abspath(__file__))
    data = os.path.join(here, "..", "data")
    bad = os.path.join(data, "bad")
    vct = os.path.join(data, "vct")
    dxf = os.path.join(sample, "控规.dxf")
    if not os.path.isfile(dxf) or not os.path.isdir(vct):
        print("SKIP: the sample drawing or tests/data/vct is not there")
        return SKIP
    out = os.path.join(t.opts.work, "messages-zh")
    os.makedirs(out, exist_ok=True)
    rules = os.path.join(out, "rules.parkatlas.json")
    with open(rules, "w", encoding="utf-8") as fh:
        json.dump({"layers": {"parcels": os.path.join(sample, "shp", "parcels.shp")},
                   "rules": {"outside_boundary": {"boundary_kind": 3, "colour": "red"},
                             "no_such_rule": {}, "duplicate_id": "on"}}, fh)
    # A park of parcels without the fields the idle-land rules read.
    plain = os.path.join(out, "plain.parkatlas.json")
    with open(plain, "w", encoding="utf-8") as fh:
        json.dump({"crs": "EPSG:4547", "layers": {"parcels": os.path.join(bad, "good_parcels.shp")}},
                  fh)

    def run_in(locale_name, *args):
        env = dict(os.environ, LC_ALL=locale_name, LANG=locale_name)
        start = time.time()
        proc = subprocess.run([t.binary] + [str(a) for a in args], capture_output=True, env=env,
                              stdin=subprocess.DEVNULL, timeout=180)
        return Run([t.binary] + [str(a) for a in args], proc.returncode,
                   proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"),
                   time.time() - start)

    def english_prose(line):
        """Two English words in a row once names are taken out: quoted names, CRS names with
        their EPSG codes, file paths, what GDAL or an encoding guess says in brackets."""
        text = re.sub(r"^parkatlas [a-z]+: ", "", line)
        text = re.sub(r"'[^']*'", "", text)
        text = re.sub(r"\"[^\"]*\"", "", text)
        text = re.sub(r"“[^”]*”", "", text)
        text = re.sub(r"[A-Za-z0-9 /\-.]+（EPSG:[^）]*）", "", text)
        text = re.sub(r"GDAL 报告：.*", "", text)
        text = re.sub(r"(/[^\s，：；]+)+", "", text)
        # A command quoted in backticks, an option with its value (--format xlsx).
        text = re.sub(r"`[^`]*`", "", text)
        text = re.sub(r"--[a-z-]+[ =][A-Za-z0-9_.|*\-]+", "", text)
        match = re.search(r"[A-Za-z]{3,}[ ,;:]+[A-Za-z]{3,}", text)
        return match.group(0) if match else ""

    shp = os.path.join(sample, "shp")
    runs = [
        # The rules on a park of parcels only: each rule says what it lacks; settings ignored.
        ("check", rules),
        ("audit", plain, "--as-of", "2026-06-30"),
        # The VCT reader on every broken and good file, info and import.
        ("info", os.path.join(bad, "vct_truncated.vct")),
        ("info", os.path.join(bad, "vct_bad_numbers.vct")),
        ("info", os.path.join(bad, "vct_missing_line.vct")),
        ("info", os.path.join(bad, "vct_no_head.vct")),
        ("import", os.path.join(vct, "indirect.vct"), "--out", os.path.join(out, "vct.gpkg"),
         "--overwrite"),
        # A drawing: with no CRS (the error proposes one), then imported.
        ("import", dxf, "--out", os.path.join(out, "none.gpkg")),
        ("import", dxf, "--s-srs", "EPSG:4547", "--out", os.path.join(out, "dxf.gpkg"),
         "--overwrite"),
        # Broken shapefiles.
        ("area", os.path.join(bad, "self_intersecting.shp")),
        ("area", os.path.join(bad, "nan_coords.shp")),
        ("check", os.path.join(bad, "self_intersecting.shp")),
    ]
    said = 0
    done = {}
    for args in runs:
        t.context = "zh_CN: " + " ".join(os.path.basename(str(a)) for a in args)
        zh = run_in("zh_CN.UTF-8", *args)
        en = run_in("C.UTF-8", *args)
        done[args] = (zh, en)
        t.check(zh.rc == en.rc, "the same exit code in both languages (%d, %d)" % (zh.rc, en.rc),
                zh)
        lines = [l for l in zh.err.splitlines() if l.strip() and not l.startswith("Warning 1:")]
        english = [l for l in en.err.splitlines() if l.strip() and not l.startswith("Warning 1:")]
        t.check(len(lines) == len(english), "as many lines on stderr as in English", zh)
        # What the run says on stdout about rules not run counts too.
        lines += [l for l in zh.out.splitlines() if "未运行" in l]
        for line in lines:
            said += 1
            t.check(re.search(r"[\u4e00-\u9fff]", line) is not None, "in Chinese: %r" % line, zh)
            prose = english_prose(line)
            t.check(prose == "", "no English (%r) in %r" % (prose, line), zh)
    t.check(said >= 30, "the runs said something to check (%d lines)" % said)

    # The rules' own words, and the English beside them as it always was.
    t.context = "check rules.parkatlas.json"
    zh, en = done[("check", rules)]
    t.check("宗地重叠" not in zh.err and "压占道路红线：园区没有道路工程图层，未检查" in zh.err,
            "zh_CN: road_red_line says which layer it lacks, by the rule's name", zh)
    t.check("rules: unknown rule" not in zh.err and "未知规则" in zh.err, "zh_CN: the settings", zh)
    t.check("road_red_line: the park has no roads layer; not checked" in en.err
            and "rules: unknown rule \"no_such_rule\" (ignored)" in en.err,
            "English: as it always was", en)
    t.context = "audit plain.parkatlas.json"
    zh, en = done[("audit", plain, "--as-of", "2026-06-30")]
    t.check("未运行：未动工满一年：宗地图层没有“约定动工日期”字段" in zh.out,
            "zh_CN: the audit rule not run", zh)
    t.check("not run: idle_not_started: the parcels layer has no field agr_start (约定动工日期)"
            in en.out, "English: as it always was", en)
    js = run_in("zh_CN.UTF-8", "audit", plain, "--as-of", "2026-06-30", "--format", "json")
    if t.sane_exit(js, 0):
        t.check("idle_not_started: the parcels layer has no field agr_start (约定动工日期)"
                in js.json().get("not_run", []), "JSON keeps the English", js)
    t.context = "import 控规.dxf without a CRS"
    zh = done[("import", dxf, "--out", os.path.join(out, "none.gpkg"))][0]
    t.check(zh.rc == 2 and "图纸没有坐标系，请用 --s-srs 指定" in zh.err, "zh_CN: the missing CRS", zh)
    t.context = "info vct_truncated.vct"
    zh = done[("info", os.path.join(bad, "vct_truncated.vct"))][0]
    t.check(re.search(r"段第 \d+ 行", zh.err) is not None, "zh_CN: the VCT reader's place", zh)

    # The rest of issue 23: land-use classification (the warning, the detection's reasons),
    # encoding reasons, import reasons, usage errors, push/pull, join and mapping errors, said
    # in Chinese (stderr and the text on stdout), the same runs in English as they were.
    park = os.path.join(sample, "park.gpkg")
    if os.path.isfile(park):
        cadastre, _ = cadastre_variant(sample, os.path.join(out, "cadastre"))
        mapping = os.path.join(out, "bad_mapping.json")
        with open(mapping, "w", encoding="utf-8") as fh:
            json.dump({"layers": {"控规地块": "nonsense"}}, fh)
        ledger = os.path.join(out, "no_key.csv")
        with open(ledger, "w", encoding="utf-8") as fh:
            fh.write("name,tax\nA,1\n")
        taken = os.path.join(out, "taken.gpkg")
        shutil.copyfile(park, taken)
        more = [
            ("check", cadastre, "--rule", "land_use_mismatch"),
            ("info", cadastre),
            ("area", cadastre, "--layer", "parcels", "--by", "land_use"),
            ("info", os.path.join(shp, "parcels.shp")),
            ("convert", os.path.join(shp, "parcels.shp"), os.path.join(out, "converted.gpkg"),
             "--overwrite"),
            ("import", dxf, "--s-srs", "EPSG:4547", "--mapping", mapping, "--out",
             os.path.join(out, "mapped.gpkg")),
            ("import", dxf, "--s-srs", "EPSG:4547", "--join", os.path.join(out, "none.xlsx"),
             "--on", "parcel_id", "--out", os.path.join(out, "joined.gpkg")),
            ("import", dxf, "--s-srs", "EPSG:4547", "--join", ledger, "--on", "parcel_id",
             "--out", os.path.join(out, "joined.gpkg")),
            ("push", park, "postgresql://planner:secret@127.0.0.1:9/none"),
            ("pull", "postgresql://planner:secret@127.0.0.1:9/none", taken),
            # Usage errors.
            ("area",),
            ("area", park, "--no-such-option"),
            ("area", park, "--method"),
            ("check", park, "--rule", "no_such_rule"),
            ("ledger", park, "--kind", "nonsense"),
            ("audit", park, "--as-of", "someday"),
            ("summary", park, "--period", "2026H9"),
            ("no-such-command",),
        ]
        for args in more:
            t.context = "zh_CN: " + " ".join(os.path.basename(str(a)) for a in args)
            zh = run_in("zh_CN.UTF-8", *args)
            en = run_in("C.UTF-8", *args)
            done[args] = (zh, en)
            t.check(zh.rc == en.rc, "the same exit code in both languages (%d, %d)"
                    % (zh.rc, en.rc), zh)
            # Every line but the data info lists as it is (fields with their OGR types, the
            # first feature's values).
            lines = [l for l in zh.err.splitlines() + zh.out.splitlines()
                     if l.strip() and not l.startswith("Warning 1:")
                     and not re.match(r"^\s*(字段|首个要素)", l)]
            english = [l for l in en.err.splitlines() if l.strip()
                       and not l.startswith("Warning 1:")]
            t.check(len([l for l in zh.err.splitlines() if l.strip()
                         and not l.startswith("Warning 1:")]) == len(english),
                    "as many lines on stderr as in English", zh)
            for line in lines:
                # Data stays as it is: ids and field names (with an underscore), lists of role
                # ids, CRS names, drivers, table rows and paths.
                text = re.sub(r"[A-Za-z0-9]*_[A-Za-z0-9_]*", "", line)
                text = re.sub(r"（[a-z_, ]+）", "", text)
                text = re.sub(r"EPSG:\d+ [^（]*（", "（", text)
                text = re.sub(r"ESRI Shapefile", "", text)
                text = re.sub(r"连接键列（[^；]*；", "连接键列（；", text)  # the key's aliases
                if re.match(r"^\s*(约定字段|缺少)：", line):
                    continue  # which field was taken for which: field names
                if not re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[a-z]{3,} [a-z]{3,}", text):
                    continue  # figures, codes, paths and table rows only
                said += 1
                prose = english_prose(text)
                t.check(prose == "", "no English (%r) in %r" % (prose, line), zh)
        t.context = "check cadastre: the classification warning"
        zh, en = done[("check", cadastre, "--rule", "land_use_mismatch")]
        t.check("这些代码同样符合 GB/T 21010-2017 和 GTKJ-2023" in zh.err
                and "用地性质不符" in zh.err, "zh_CN: the ambiguous codes, by the rule's name", zh)
        t.check("land_use_mismatch: the codes fit GB/T 21010-2017 and GTKJ-2023 alike" in en.err,
                "English: as it always was", en)
        t.context = "info cadastre: the detection's reason"
        zh, en = done[("info", cadastre)]
        t.check("按代码识别：" in zh.out and "个数字代码中有" in zh.out,
                "zh_CN: why the codes are read in that system", zh)
        t.check("detected: " in en.out and "numeric codes are" in en.out, "English", en)
        t.context = "push with a password"
        zh, en = done[("push", park, "postgresql://planner:secret@127.0.0.1:9/none")]
        t.check(zh.rc == 2 and "目标的 PostgreSQL 连接带有密码" in zh.err, "zh_CN", zh)
        t.context = "pull from a server that does not answer"
        zh = run_in("zh_CN.UTF-8", "pull", "postgresql://127.0.0.1:9/none", taken)
        t.check(zh.rc == 2 and "错误：无法连接 PostgreSQL：" in zh.err,
                "zh_CN: ours in Chinese, libpq's own reason (over two lines) kept", zh)
        t.context = "import --mapping with a role that is none"
        zh, _ = done[("import", dxf, "--s-srs", "EPSG:4547", "--mapping", mapping, "--out",
                      os.path.join(out, "mapped.gpkg"))]
        t.check(zh.rc == 2 and "'nonsense' 不是图层角色" in zh.err, "zh_CN", zh)
        t.context = "area --method (no value)"
        zh, en = done[("area", park, "--method")]
        t.check("--method 需要一个值（M）" in zh.err and "（参见 `parkatlas area --help`）" in zh.err,
                "zh_CN: the usage error and where to look", zh)
        t.check("--method needs a value (M)" in en.err and "(see parkatlas area --help)" in en.err,
                "English: as it always was", en)
        # The JSON keeps the ids and the English.
        js = run_in("zh_CN.UTF-8", "check", cadastre, "--rule", "land_use_mismatch", "--format",
                    "json")
        if t.sane_exit(js, 0):
            systems = js.json().get("land_use_classification", {}).get("parcels", {})
            t.check(systems.get("reason", "").startswith("detected: ")
                    and "mean different things" in systems.get("warning", ""),
                    "JSON keeps the English reason and warning (%s)" % systems, js)

    # --help of every command in Chinese under zh_CN (option names, metavariables and the
    # synopsis as they are), in English otherwise.
    t.context = "parkatlas --help"
    overview = run_in("zh_CN.UTF-8", "--help")
    commands = re.findall(r"^  ([a-z]+) ", overview.out, re.M)
    t.check(len(commands) >= 10 and "命令：" in overview.out, "the overview in Chinese", overview)
    t.check("commands:" in run_in("C.UTF-8", "--help").out, "the overview in English")
    for line in overview.out.splitlines():
        t.check(english_prose(line) == "", "no English in %r" % line, overview)
    for command in commands:
        t.context = "parkatlas %s --help" % command
        zh = run_in("zh_CN.UTF-8", command, "--help")
        en = run_in("C.UTF-8", command, "--help")
        t.check(zh.rc == 0 and zh.out.startswith("用法：parkatlas " + command),
                "the usage line in Chinese", zh)
        t.check(en.out.startswith("usage: parkatlas " + command) and "options:" in en.out,
                "English otherwise", en)
        options_zh = re.findall(r"^  (--[a-z-]+)", zh.out, re.M)
        options_en = re.findall(r"^  (--[a-z-]+)", en.out, re.M)
        t.check(options_zh == options_en, "the same options by their names", zh)
        body = zh.out.split("\n\n", 1)[1] if "\n\n" in zh.out else ""
        for line in body.splitlines():
            text = line[24:] if line.startswith("  ") else line
            text = re.sub(r"[A-Za-z0-9]*_[A-Za-z0-9_]*", "", text)  # rule ids and fields
            said += 1
            prose = english_prose(text)
            t.check(prose == "", "no English (%r) in %r" % (prose, line), zh)
    return None


GROUPS = {
    "usage": group_usage,
    "realdata-coverage": group_realdata_coverage,
    "realdata-china": lambda t: group_realdata(t, "china"),
    "realdata-parcels": lambda t: group_realdata(t, "parcels"),
    "realdata-gdal": lambda t: group_realdata(t, "gdal"),
    "realdata-others": lambda t: group_realdata(t, "others"),
    "prj": group_prj,
    "encoding": group_encoding,
    "convert-gbk": group_convert_gbk,
    "convert-safety": group_convert_safety,
    "sample": group_sample,
    "import": group_import,
    "area": group_area,
    "check": group_check,
    "classification": group_classification,
    "ballpark": group_ballpark,
    "audit": group_audit,
    "ledger": group_ledger,
    "locale": group_locale,
    "styles": group_styles,
    "map": group_map,
    "postgis": group_postgis,
    "vct": group_vct,
    "bad": lambda t: __import__("bad_inputs").group_bad(t),
    "safe-writes": lambda t: __import__("safe_writes").group_safe_writes(t),
    "diff": lambda t: __import__("diff_summary").group_diff(t),
    "summary": lambda t: __import__("diff_summary").group_summary(t),
    "history": group_history,
    "names": group_names,
    "session": group_session,
    "sheet": lambda t: __import__("parcel_sheets").group_sheet(t),
    "changes": lambda t: __import__("changes_cli").group_changes(t),
    "publish": lambda t: __import__("publish_site").group_publish(t),
    "messages": group_messages,
    "standard-land": group_standard_land,
    "messages-zh": group_messages_zh,
    "monitor": lambda t: __import__("monitor_cli").group_monitor(t),
    "serve": lambda t: __import__("serve_site").group_serve(t),
    "monitor-history": lambda t: __import__("monitor_cli").group_monitor_history(t),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--realdata", required=True)
    parser.add_argument("--sample", required=True)
    parser.add_argument("--work", required=True, help="scratch folder (created, then cleaned)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("group", choices=sorted(GROUPS) + ["all"])
    opts = parser.parse_args()
    opts.binary = os.path.abspath(opts.binary)
    opts.realdata = os.path.abspath(opts.realdata)
    opts.sample = os.path.abspath(opts.sample)
    os.makedirs(opts.work, exist_ok=True)
    opts.work = tempfile.mkdtemp(prefix=opts.group + "-", dir=os.path.abspath(opts.work))
    if not os.access(opts.binary, os.X_OK):
        print("FAIL: no parkatlas binary at %s" % opts.binary)
        return 1
    names = sorted(GROUPS) if opts.group == "all" else [opts.group]
    status = 0
    try:
        for name in names:
            suite = Suite(opts)
            started = time.monotonic()
            outcome = GROUPS[name](suite)
            if outcome == SKIP:
                status = status or (SKIP if len(names) == 1 else 0)
                continue
            rc = suite.report("%s (%.1fs)" % (name, time.monotonic() - started))
            status = status if status == 1 else (rc or status)
    finally:
        if not opts.keep:
            shutil.rmtree(opts.work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
