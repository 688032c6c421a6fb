"""Group `publish`: `parkatlas publish` on the sample park. The site is complete (page, MapLibre,
tiles GDAL reads back, data); every plot's area in the site is the engine's (`area
--per-feature`) to the hundredth of a mu; --layers and the profiles publish what they say (the
public one: no owner, tax or investment field, no findings, the plots available for supply with
the plan's land use); bad input is refused with a clear message (a PARK that cannot be read, an
--out that is a file or not empty, an unknown profile or layer) and leaves nothing behind; the
input is never written. The browser side is tests/web/site_test.js."""

import json
import os
import shutil
import sqlite3
import subprocess

import run_cli_tests as cli


def _files(folder):
    found = set()
    for root, _dirs, names in os.walk(folder):
        for name in names:
            found.add(os.path.relpath(os.path.join(root, name), folder))
    return found


def _site(folder):
    with open(os.path.join(folder, "data", "site.json"), encoding="utf-8") as f:
        return json.load(f)


def _top_tiles(folder, info):
    """The tiles at the site's smallest zoom: together they hold the whole park."""
    top = os.path.join(folder, "tiles", str(info["minzoom"]))
    return sorted(os.path.join(root, name) for root, _dirs, names in os.walk(top)
                  for name in names if name.endswith(".pbf"))


def group_publish(t):
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return cli.SKIP
    help_run = t.run("publish", "--help")
    if help_run.rc != 0 or "MapLibre" not in help_run.out:
        t.check(False, "publish --help", help_run)
        return None
    work = t.opts.work
    before = cli.snapshot(sample)

    t.context = "publish the sample (internal)"
    site = os.path.join(work, "site")
    run = t.run("publish", gpkg, "--out", site, "--as-of", "2026-06-30", timeout=180)
    if not (t.sane_exit(run, 0) and t.check(os.path.isdir(site), "the site is there", run)):
        return None
    if run.rc != 0 and "scripts/setup" in run.err:
        print("SKIP: MapLibre GL JS is not installed (scripts/setup)")
        return cli.SKIP
    files = _files(site)
    for needed in ("index.html", "app.js", "app.css", "lib/maplibre-gl.js", "lib/maplibre-gl.css",
                   "data/site.json", "data/search.json", "data/tiles.json", "tiles/metadata.json"):
        t.check(needed in files, "%s is in the site" % needed)
    t.check(not any(name.endswith(".db") for name in files), "no temporary database is left")
    info = _site(site)
    t.check(info["profile"] == "internal" and info["audit_date"] == "2026-06-30",
            "site.json says the profile and the audit date")
    layers = {layer["id"]: layer for layer in info["layers"]}
    t.check({"parcels", "plan_zones", "roads", "boundary", "findings"} <= set(layers),
            "every role and the findings are layers (%s)" % sorted(layers))
    t.check(layers.get("parcels", {}).get("count") == 498, "498 parcels published")
    t.check("owner" in layers.get("parcels", {}).get("fields", []),
            "the internal profile keeps the owner")
    t.check(layers.get("findings", {}).get("count", 0) > 0, "the findings are a layer")
    t.check(0 <= info["minzoom"] < info["maxzoom"] <= 16, "zooms %s–%s" % (info["minzoom"],
                                                                         info["maxzoom"]))
    # The land-use colours are styles/landuse.json's: M2 二类工业用地 is in the legend.
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..",
                           "styles", "landuse.json"), encoding="utf-8") as f:
        classes = json.load(f)["classes"]
    m2 = next(c for c in classes if c["code"] == "M2" and c["system"] == "GB 50137-2011")
    legend_m2 = [e for e in info["legend"] if e["layer"] == "parcels" and e["label"].startswith("M2")]
    t.check(len(legend_m2) == 1 and legend_m2[0]["fill"].lower() == m2["colour"].lower(),
            "the legend's M2 colour is styles/landuse.json's (%s)" % m2["colour"])

    # Tiles: exactly those listed, and GDAL reads them back.
    with open(os.path.join(site, "data", "tiles.json"), encoding="utf-8") as f:
        listed = set(json.load(f))
    on_disk = {name[len("tiles/"):-len(".pbf")] for name in files
               if name.startswith("tiles/") and name.endswith(".pbf")}
    t.check(listed == on_disk and len(listed) > 10, "tiles.json lists the %d tiles" % len(on_disk))
    top = _top_tiles(site, info)
    tiles_info = "".join(subprocess.run(["ogrinfo", "-ro", "-so", "-q", tile], capture_output=True,
                                        text=True).stdout for tile in top)
    t.check(top and "parcels" in tiles_info and "findings" in tiles_info,
            "ogrinfo reads the layers of the whole-park tiles at zoom %d" % info["minzoom"])

    # Every plot's area is the engine's.
    t.context = "areas in the site"
    area = t.run("area", gpkg, "--layer", "parcels", "--per-feature", "--by", "parcel_id",
                 "--format", "json")
    if t.sane_exit(area, 0):
        expected = {f["parcel_id"]: "%.2f" % f["area_mu"]
                    for f in area.json()["layers"]["parcels"]["features"]}
        with open(os.path.join(site, "data", "search.json"), encoding="utf-8") as f:
            search = json.load(f)
        found = {entry[0]: entry[2] for entry in search}
        wrong = [k for k in expected if found.get(k) != expected[k]]
        t.check(len(found) == len(expected) and not wrong,
                "search.json's area of each of %d plots is `area`'s (wrong: %s)" %
                (len(expected), wrong[:3]))
        owners = {entry[1] for entry in search if entry[1]}
        t.check(len(owners) >= 10, "search.json has the owners (internal)")

    # --layers
    t.context = "publish --layers parcels,boundary"
    some = os.path.join(work, "some")
    run = t.run("publish", gpkg, "--out", some, "--layers", "parcels,boundary", timeout=180)
    if t.sane_exit(run, 0):
        ids = {layer["id"] for layer in _site(some)["layers"]}
        t.check({"parcels", "boundary"} <= ids and not ids & {"roads", "plan_zones", "buildings"},
                "only the layers asked for (and the findings): %s" % sorted(ids))

    # The public profile, on a copy of the sample where one batch is levelled (场平).
    t.context = "publish --profile public"
    copy = os.path.join(work, "park-levelled.gpkg")
    shutil.copyfile(gpkg, copy)
    with sqlite3.connect(copy) as db:
        batch = db.execute("SELECT fid, batch_id FROM acquisition WHERE stage = '签约' "
                           "ORDER BY fid LIMIT 1").fetchone()
    # Through GDAL: the GeoPackage's triggers call its ST_ functions.
    subprocess.run(["ogrinfo", "-q", copy, "-sql",
                    "UPDATE acquisition SET stage = '场平' WHERE fid = %d" % batch[0]],
                   check=True, capture_output=True)
    public = os.path.join(work, "public")
    run = t.run("publish", copy, "--out", public, "--profile", "public", "--title", "招商地图",
                timeout=180)
    if t.sane_exit(run, 0):
        info = _site(public)
        layers = {layer["id"]: layer for layer in info["layers"]}
        t.check(info["profile"] == "public" and info["title"] == "招商地图" and
                "audit_date" not in info, "site.json: public, its title, no audit date")
        t.check("findings" not in layers and "idle_land" not in layers,
                "no findings and no idle-land layer")
        banned = {"owner", "tax", "invest_tot", "invested", "households", "persons", "compensate"}
        leaked = [(role, f) for role, layer in layers.items() for f in layer["fields"] if f in banned]
        t.check(not leaked, "no owner, tax, investment, household, person or compensation field "
                "(%s)" % leaked)
        available = layers.get("available")
        t.check(available is not None and available["count"] == 1,
                "the levelled batch is the one plot available for supply", run)
        t.check("1 plot(s) available for supply" in run.err, "stderr says so", run)
        feature = None
        for tile in _top_tiles(public, info):
            tiles_json = subprocess.run(["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", tile,
                                         "available"], capture_output=True, text=True)
            if tiles_json.returncode == 0 and tiles_json.stdout.strip():
                collection = json.loads(tiles_json.stdout)
                if collection["features"]:
                    feature = collection["features"][0]["properties"]
        t.check(feature is not None and feature.get("batch_id") == batch[1] and
                feature.get("plan_land_use") and feature.get("area_mu"),
                "the available plot carries its batch, plan land use and area (%s)" % feature)
        with open(os.path.join(public, "data", "search.json"), encoding="utf-8") as f:
            t.check(all(entry[1] == "" for entry in json.load(f)), "search.json has no owner")

    # Bad input: clear errors, nothing written.
    t.context = "bad input"
    a_file = os.path.join(work, "a-file")
    with open(a_file, "w") as f:
        f.write("keep me")
    run = t.run("publish", gpkg, "--out", a_file)
    t.sane_exit(run, 2)
    t.check("a-file" in run.err and "not a folder" in run.err, "--out a file is named", run)
    with open(a_file) as f:
        t.check(f.read() == "keep me", "the file is untouched")

    full = os.path.join(work, "full")
    os.makedirs(full)
    with open(os.path.join(full, "mine.txt"), "w") as f:
        f.write("mine")
    run = t.run("publish", gpkg, "--out", full)
    t.sane_exit(run, 2)
    t.check("not empty" in run.err and "--force" in run.err, "a full --out needs --force", run)
    t.check(_files(full) == {"mine.txt"}, "the full folder is untouched")
    run = t.run("publish", gpkg, "--out", full, "--force", "--layers", "boundary", timeout=180)
    if t.sane_exit(run, 0):
        t.check("mine.txt" not in _files(full) and "index.html" in _files(full),
                "--force replaces it with the site")

    for args, what in ((["--profile", "secret"], "an unknown profile"),
                       (["--layers", "parcels,nonsense"], "an unknown layer"),
                       (["--as-of", "2026-13-45"], "a date that is none")):
        out = os.path.join(work, "never")
        run = t.run("publish", gpkg, "--out", out, *args)
        t.sane_exit(run, 2)
        t.check(not os.path.exists(out), "%s: nothing written" % what, run)
    missing = os.path.join(work, "no-such-park.gpkg")
    run = t.run("publish", missing, "--out", os.path.join(work, "never"))
    t.sane_exit(run, 2)
    t.check("no-such-park.gpkg" in run.err, "a PARK that is not there is named", run)
    not_a_park = os.path.join(work, "not-a-park.gpkg")
    with open(not_a_park, "w") as f:
        f.write("this is no GeoPackage")
    run = t.run("publish", not_a_park, "--out", os.path.join(work, "never"))
    t.sane_exit(run, 2)
    t.check("not-a-park.gpkg" in run.err, "a PARK that cannot be read is named", run)
    t.check(not os.path.exists(os.path.join(work, "never")), "no site for bad input")
    leftovers = [n for n in os.listdir(work) if ".partial" in n or ".old-" in n]
    t.check(not leftovers, "no hidden temporary folder is left (%s)" % leftovers)

    t.context = ""
    t.check(cli.snapshot(sample) == before, "the sample park is unchanged")
    return None
