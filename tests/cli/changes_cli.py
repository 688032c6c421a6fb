"""The `changes` group (issue 17, the last of it): `area`, `info` and `convert` read a park as of
a day (--as-of and PARK@DATE) from the history it keeps; `map` and `report --previous` with the
previous park in another CRS draw one consistent change map (the session park's CRS)."""

import hashlib
import os
import sqlite3
import subprocess
import tempfile

import run_cli_tests as cli


def _md5(path):
    with open(path, "rb") as fh:
        return hashlib.md5(fh.read()).hexdigest()


def _count(path, table):
    con = sqlite3.connect(path)
    try:
        return con.execute('SELECT count(*) FROM "%s"' % table).fetchone()[0]
    finally:
        con.close()


def group_changes(t):
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    second = os.path.join(sample, "park-2026H2.gpkg")
    before = cli.snapshot(sample)
    work = tempfile.mkdtemp(prefix="changes-", dir=t.opts.work)

    # A park with history: imported on 2026-03-10, a parcel deleted on 2026-06-20.
    t.context = "a park with history"
    park = cli.park_with_history(t, gpkg, work)
    if not park:
        return 1
    con = sqlite3.connect(park)
    fid = con.execute("SELECT fid FROM parcels ORDER BY fid LIMIT 1").fetchone()[0]
    con.close()
    run = t.run("area", park, "--layer", "parcels", "--format", "json")
    full = run if t.sane_exit(run, 0) else None
    cli.gpkg_simulated_edit(park, fid, None, "bob", "2026-06-20", delete=True)
    park_md5 = _md5(park)

    t.context = "area --as-of and PARK@DATE"
    now = t.run("area", park, "--layer", "parcels", "--format", "json")
    dated = t.run("area", park + "@2026-06-01", "--layer", "parcels", "--format", "json")
    option = t.run("area", park, "--as-of", "2026-06-01", "--layer", "parcels", "--format", "json")
    if t.sane_exit(now, 0) and t.sane_exit(dated, 0) and t.sane_exit(option, 0) and full:
        total = lambda run: run.json()["layers"]["parcels"]["total"]["area_mu"]
        t.check(total(now) < total(full) - 0.01,
                "now the deleted parcel is not counted (%.4f < %.4f mu)" % (total(now), total(full)),
                now)
        t.check(abs(total(dated) - total(full)) < 1e-6 and abs(total(option) - total(full)) < 1e-6,
                "as of 2026-06-01 (PARK@DATE and --as-of) the park before the deletion "
                "(%.4f mu, %.4f mu)" % (total(dated), total(option)), dated)
    run = t.run("area", park + "@2026-03-01", "--layer", "parcels")
    t.sane_exit(run, 2)
    t.check("before the park's first recorded history" in run.err,
            "a date before the history is refused, saying why", run)
    run = t.run("area", park + "@2026-06-01", "--as-of", "2026-05-01")
    t.sane_exit(run, 2)
    run = t.run("area", os.path.join(sample, "shp"), "--as-of", "2026-06-01", "--layer", "parcels")
    if t.sane_exit(run, 0):
        t.check("keeps no history" in run.err or "keep no history" in run.err,
                "a folder of shapefiles is read as it is, and it says so", run)

    t.context = "info --as-of"
    now = t.run("info", park, "--json")
    dated = t.run("info", park + "@2026-06-01", "--json")
    if t.sane_exit(now, 0) and t.sane_exit(dated, 0):
        def layers(run):
            return {x["name"]: x for x in run.json()["layers"]}
        a, b = layers(now), layers(dated)
        count = lambda x: x["features_read"]
        t.check(count(a["parcels"]) + 1 == count(b["parcels"]),
                "info as of the day before the deletion reads one parcel more (%s, %s)"
                % (count(a["parcels"]), count(b["parcels"])), dated)
        t.check("parcels_history" in a and not any(k.endswith("_history") for k in b),
                "the history tables are listed now, not as of a day", dated)
    run = t.run("info", park + "@2099-01-01")
    t.sane_exit(run, 2)
    t.check("future" in run.err, "a date in the future is refused", run)

    t.context = "convert --as-of"
    out = os.path.join(work, "then.gpkg")
    run = t.run("convert", park + "@2026-06-01", out)
    if t.sane_exit(run, 0):
        t.check(_count(out, "parcels") == _count(park, "parcels") + 1,
                "the converted park has the deleted parcel back", run)
        t.check(not any(x.endswith("_history") for x in cli.gpkg_tables(out)),
                "and no history tables (it is the park on that day)", run)
    out2 = os.path.join(work, "then2.gpkg")
    run = t.run("convert", park, out2, "--as-of", "2026-06-01")
    if t.sane_exit(run, 0):
        t.check(_count(out2, "parcels") == _count(park, "parcels") + 1, "--as-of says the same",
                run)
    out3 = os.path.join(work, "now.gpkg")
    run = t.run("convert", park, out3)
    if t.sane_exit(run, 0):
        t.check(_count(out3, "parcels") == _count(park, "parcels"),
                "without a date: as it is now", run)
    t.check(_md5(park) == park_md5, "the park read as of a day is never written")

    # The previous park in another CRS: one change map, drawn in the session park's CRS.
    if not os.path.isfile(second):
        print("SKIP: data/sample/park-2026H2.gpkg is not there")
    elif t.run("map", "--help").rc == 0:
        t.context = "map --previous in another CRS"
        lonlat = os.path.join(work, "park-4326.gpkg")
        run = t.run("convert", gpkg, lonlat, "--t-srs", "EPSG:4326")
        if t.sane_exit(run, 0):
            same = os.path.join(work, "same.png")
            moved = os.path.join(work, "moved.png")
            a = t.run("map", second, "--previous", gpkg, "--template", "变化图", "--out", same,
                      "--dpi", "30")
            b = t.run("map", second, "--previous", lonlat, "--template", "变化图", "--out",
                      moved, "--dpi", "30")
            if t.sane_exit(a, 0) and t.sane_exit(b, 0):
                t.check("previous park was transformed from EPSG:4326" in b.err,
                        "the transform is said", b)
                share = cli.block_difference(cli.png_pixels(same), cli.png_pixels(moved))
                t.check(share is not None and share <= 0.01,
                        "the change map with the previous park in lon/lat is the one in the "
                        "park's own CRS (%.2f %% of cells differ)" % (100 * (share or 0)), b)
        # The other way round (the second half-year as the previous park), so that a plot is
        # removed (灭失) and drawn from the previous park: in lon/lat it must land where it is.
        lonlat2 = os.path.join(work, "park-2026H2-4326.gpkg")
        if t.run("report", "--help").rc == 0 and \
                t.sane_exit(t.run("convert", second, lonlat2, "--t-srs", "EPSG:4326"), 0) and \
                subprocess.run(["which", "pdftoppm"], capture_output=True).returncode == 0:
            t.context = "report --previous in another CRS"
            pages = []
            for name, previous in (("pack-same", second), ("pack-moved", lonlat2)):
                pack = os.path.join(work, name)
                run = t.run("report", gpkg, "--out", pack, "--period", "2026H2",
                            "--previous", previous, "--as-of", "2026-12-31", timeout=600)
                if not t.sane_exit(run, 0):
                    break
                page = os.path.join(work, name + "-changes")
                subprocess.run(["pdftoppm", "-r", "60", "-singlefile",
                                os.path.join(pack, "06_变化图.pdf"), page], check=True)
                pages.append(cli.ppm_pixels(page + ".ppm"))
            if len(pages) == 2:
                # The removed plot alone is about 10 cells of 5,400: none may differ.
                share = cli.block_difference(pages[0], pages[1])
                t.check(share is not None and share <= 0.0005,
                        "the pack's change map with the previous park in lon/lat is the one in "
                        "the park's own CRS (%.3f %% of cells differ)" % (100 * (share or 0)))
    t.check(cli.snapshot(sample) == before, "the sample is never written")
    return 0
