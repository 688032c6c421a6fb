"""Group `safe-writes`: what a write leaves when it cannot finish.

Killed (SIGKILL) part way through `convert` (into a .gpkg, a .geojson and a folder of
shapefiles, with and without an existing DEST): no file under the final name, or the old DEST
byte for byte; the input byte for byte; at most hidden `.NAME.partial-PID…` temporaries, which
the next run to the same DEST removes. A full disk (RLIMIT_FSIZE in the child, SIGXFSZ ignored,
so writes fail with EFBIG as on a full disk) during convert, check --out, audit --out and ledger
--out (csv, json, xlsx): exit 2, a message naming DEST and saying why, the old DEST kept."""

import hashlib
import os
import resource
import signal
import subprocess
import sys
import time

import run_cli_tests as cli

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "data", "bad")))
from shapefile_writer import write_many_triangles, write_shapefile  # noqa: E402

KILL_COUNT = 1_000_000  # tiny polygons: converting them takes seconds, long enough to kill


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digests(folder, stem):
    return {n: digest(os.path.join(folder, n)) for n in sorted(os.listdir(folder))
            if n.startswith(stem + ".")}


def hidden_temporaries(folder):
    return sorted(n for n in os.listdir(folder) if ".partial-" in n)


def kill_part_way(t, args, out_folder, cwd=None):
    """Starts parkatlas, waits until its temporary output has grown, kills it with SIGKILL.
    Returns (killed_while_writing, seconds)."""
    argv = [t.binary] + [str(a) for a in args]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    writing = False
    while proc.poll() is None and time.monotonic() - started < 60:
        for name in hidden_temporaries(out_folder):
            path = os.path.join(out_folder, name)
            try:
                size = (sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path))
                        if os.path.isdir(path) else os.path.getsize(path))
            except OSError:
                continue
            if size > 256 * 1024:
                writing = True
        if writing:
            break
        time.sleep(0.01)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    return writing and proc.returncode == -signal.SIGKILL, time.monotonic() - started


def run_with_file_limit(t, args, limit, cwd=None):
    """parkatlas with RLIMIT_FSIZE = limit bytes and SIGXFSZ ignored: every write past the limit
    fails with EFBIG, as writes do on a full disk."""
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    argv = [t.binary] + [str(a) for a in args]
    env = dict(os.environ, LC_ALL="C.UTF-8")
    started = time.monotonic()
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, timeout=120,
                              stdin=subprocess.DEVNULL, preexec_fn=preexec)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = "TIMEOUT", e.stdout or b"", e.stderr or b""
    return cli.Run(argv, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                   time.monotonic() - started)


def group_safe_writes(t):
    work = os.path.join(t.opts.work, "safe")
    source = os.path.join(work, "in")
    out = os.path.join(work, "out")
    os.makedirs(source)
    os.makedirs(out)
    many = os.path.join(source, "many")
    write_many_triangles(many, KILL_COUNT)
    small = os.path.join(source, "small")
    write_shapefile(small, 5, [[[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]], [("ID", 4)], [("1",)])
    before = digests(source, "many")

    # Killed while converting: into a new DEST, then over an existing one.
    for dest_name in ("killed.gpkg", "killed.geojson", "killed_folder"):
        dest = os.path.join(out, dest_name)
        t.context = "convert many.shp %s, killed part way" % dest_name
        killed, seconds = kill_part_way(t, ("convert", many + ".shp", dest), out)
        t.check(killed, "was killed while writing (after %.1fs)" % seconds)
        t.check(not os.path.exists(dest), "no file under the final name %s" % dest_name)
        left = hidden_temporaries(out)
        t.check(all(n.startswith(".") for n in left), "only hidden temporaries left: %s" % left)
        t.check(digests(source, "many") == before, "the input is byte for byte unchanged")

    # The next run to the same DEST clears what the killed one left.
    t.context = "convert again to killed.gpkg after a kill"
    stale = [n for n in hidden_temporaries(out) if n.startswith(".killed.partial-")]
    t.check(stale, "the killed run left its temporary (%s)" % hidden_temporaries(out))
    run = t.run("convert", small + ".shp", os.path.join(out, "killed.gpkg"))
    if t.sane_exit(run, 0):
        t.check(not [n for n in hidden_temporaries(out) if n.startswith(".killed.partial-")],
                "the stale temporary of the killed run is gone: %s" % hidden_temporaries(out),
                run)
        t.check(cli.gpkg_tables(os.path.join(out, "killed.gpkg")) == ["small"],
                "killed.gpkg is the new conversion", run)

    # Killed while replacing an existing DEST (--overwrite): the old DEST stays whole.
    for dest_name in ("killed.gpkg", "killed.geojson"):
        dest = os.path.join(out, dest_name)
        if not os.path.exists(dest):
            with open(dest, "wb") as f:
                f.write(b'{"type": "FeatureCollection", "features": []}')
        old = digest(dest)
        t.context = "convert many.shp %s --overwrite, killed part way" % dest_name
        killed, seconds = kill_part_way(t, ("convert", many + ".shp", dest, "--overwrite"), out)
        t.check(killed, "was killed while writing (after %.1fs)" % seconds)
        t.check(os.path.exists(dest) and digest(dest) == old, "the old DEST is intact")
        t.check(digests(source, "many") == before, "the input is byte for byte unchanged")

    # A full disk: the write fails, the old DEST is kept, the message names DEST.
    sample = t.opts.sample
    park = os.path.join(sample, "park.gpkg")
    cases = [
        ("convert", ("convert", park, "DEST", "--overwrite"), "full.gpkg"),
        ("convert to a folder", ("convert", os.path.join(sample, "shp"), "DEST", "--overwrite"),
         "full_folder"),
        ("check --out", ("check", park, "--out", "DEST"), "findings.gpkg"),
        ("audit --out", ("audit", park, "--as-of", "2024-06-30", "--out", "DEST", "--overwrite"),
         "audit.gpkg"),
        ("ledger --format csv --out", ("ledger", park, "--kind", "supply", "--format", "csv",
                                       "--out", "DEST", "--overwrite"), "ledger.csv"),
        ("ledger --format json --out", ("ledger", park, "--kind", "supply", "--format", "json",
                                        "--out", "DEST", "--overwrite"), "ledger.json"),
        ("ledger --format xlsx --out", ("ledger", park, "--kind", "supply", "--format", "xlsx",
                                        "--out", "DEST", "--overwrite"), "ledger.xlsx"),
    ]
    if not os.path.isfile(park):
        print("NOTE: no sample park; the full-disk cases are skipped")
        cases = []
    for label, args, name in cases:
        dest = os.path.join(out, name)
        folder = not os.path.splitext(name)[1]
        if folder:
            os.makedirs(dest)
            with open(os.path.join(dest, "keep.txt"), "wb") as f:
                f.write(b"the old folder")
            old = {"keep.txt": digest(os.path.join(dest, "keep.txt"))}
        else:
            with open(dest, "wb") as f:
                f.write(b"the old file, which must survive")
            old = digest(dest)
        argv = [dest if a == "DEST" else a for a in args]
        t.context = "%s on a full disk" % label
        run = run_with_file_limit(t, argv, 2048)
        t.sane_exit(run, 2)
        # check spills its findings to a temporary file while it runs; under the limit that
        # write fails first, and then the error names the temporary file's folder instead.
        spilled = label.startswith("check") and "findings' temporary file in" in run.err
        t.check(name in run.err or spilled, "stderr names %s (or the spill's folder)" % name, run)
        t.check(any(w in run.err for w in ("full", "too large", "disk", "File too large")),
                "stderr says the disk is full or the file too large", run)
        now = ({n: digest(os.path.join(dest, n)) for n in os.listdir(dest)} if folder
               else digest(dest) if os.path.exists(dest) else None)
        t.check(now == old, "the old %s is kept as it was" % name, run)
        mine = [n for n in hidden_temporaries(out)
                if n.startswith("." + os.path.splitext(name)[0] + ".partial-")]
        t.check(not mine, "no temporaries of %s left: %s" % (name, mine), run)
        # And with room, the same command succeeds (the limit was what failed it).
        run = t.run(*argv)
        t.check(run.rc in (0, 1), "with room it writes %s (exit %s)" % (name, run.rc), run)
    return None
