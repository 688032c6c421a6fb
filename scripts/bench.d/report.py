#!/usr/bin/python3
"""Turns the runs of scripts/bench into area-results.md (and prints it).

Reads RESULTS/<size>/{floor,parkatlas,spatialite,ogr_sqlite,postgis_load}.time ("WALL RSS_KB",
"timeout" or "failed"), the matching .out files (each tool's printed total), postgis_query.out
(JSON from postgis.sh), TOOL.when (when it was measured), and RESULTS/phases.json,
perf-dso.txt, perf-symbols.txt, perf-inclusive.txt, postgis-version.txt when present.
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys

from bench_table import count_label, table_head


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return None


def timing(results, size, name):
    """(seconds, rss_mb) or (None, None) / ("timeout", None) / ("failed", None)."""
    text = read(os.path.join(results, size, name + ".time"))
    if not text or not text.strip():
        return None, None
    parts = text.split()
    if parts[0] in ("timeout", "failed"):
        return parts[0], None
    return float(parts[0]), float(parts[1]) / 1024.0


def total_of(results, size, name):
    text = read(os.path.join(results, size, name + ".out"))
    if not text:
        return None
    try:
        if name == "floor":
            return json.loads(text)["planar_area_m2"]
        if name == "flat":
            return json.loads(text)["area_m2"]
        if name == "parkatlas":
            layers = json.loads(text)["layers"]
            return next(iter(layers.values()))["total"]["area_m2"]
        if name == "spatialite":
            return float(text.strip().splitlines()[-1].split("|")[0])
        if name == "ogr_sqlite":
            m = re.search(r"total \(\w+\) = ([0-9.eE+-]+)", text)
            return float(m.group(1)) if m else None
        if name == "postgis_query":
            return json.loads(text)["total_m2"]
    except (ValueError, KeyError, IndexError, StopIteration):
        return None
    return None


def floor_counts(results, size):
    text = read(os.path.join(results, size, "floor.out"))
    if not text:
        return None, None
    try:
        data = json.loads(text)
        return data["features"], data["vertices"]
    except (ValueError, KeyError):
        return None, None


def postgis_query(results, size):
    text = read(os.path.join(results, size, "postgis_query.out"))
    if not text:
        return None
    try:
        return json.loads(text)["best_ms"] / 1000.0
    except (ValueError, KeyError):
        return None


def fmt_s(value):
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if value < 0.1:
        return f"{value:.4f}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def ratio(a, b):
    if not isinstance(a, float) or not isinstance(b, float) or b <= 0:
        return None
    return a / b


def fmt_ratio(value, suffix="×"):
    if value is None:
        return "–"
    return f"{value:.3f}{suffix}" if value < 0.1 else f"{value:.2f}{suffix}"


def fmt_mb(value):
    return "–" if value is None else f"{value:.0f}"


def rel(a, b):
    if a is None or b is None or b == 0:
        return None
    return (a - b) / b


def fmt_rel(value):
    return "–" if value is None else f"{value:+.1e}"


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--load-start", default="")
    ap.add_argument("--load-end", default="")
    ap.add_argument("--parkatlas", default="")
    ap.add_argument("--revision", default="?")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sizes = args.sizes.split(",")


    lines = []
    w = lines.append
    w("# Area of every parcel: ParkAtlas against the floor, SpatiaLite and PostGIS")
    w("")
    w("Ellipsoidal area of every parcel of a synthetic cadastre (EPSG:4547, street blocks around "
      "30.5°N 114°E, 11.8 vertices a parcel; `tests/bench/gen_cadastre.cpp`), each tool from "
      "its own start to its printed total. Wall clock, best of "
      f"{args.runs} (floor and parkatlas: best of {max(int(args.runs), 5)}), page cache warm; "
      "peak RSS from `/usr/bin/time`.")
    w("")
    lines += table_head(["size", "floor s:", "parkatlas s (× floor):",
                         "SpatiaLite s (parkatlas / SpatiaLite):", "PostGIS load s:",
                         "PostGIS query s (parkatlas / PostGIS):", "parkatlas peak RSS MB:"])
    rows = {}
    for size in sizes:
        features, vertices = floor_counts(args.results, size)
        floor_s, _ = timing(args.results, size, "floor")
        ours_s, ours_mb = timing(args.results, size, "parkatlas")
        lite_s, lite_mb = timing(args.results, size, "spatialite")
        ogr_s, ogr_mb = timing(args.results, size, "ogr_sqlite")
        flat_s, flat_mb = timing(args.results, size, "flat")
        load_s, _ = timing(args.results, size, "postgis_load")
        query_s = postgis_query(args.results, size)
        # SpatiaLite: the faster of its two ways in (its CLI on a VirtualShape, or GDAL's SQLite
        # dialect), so our ratio is against its best.
        lite_cli = lite_s
        if isinstance(ogr_s, float) and (not isinstance(lite_s, float) or ogr_s < lite_s):
            lite_s = ogr_s
        rows[size] = dict(features=features, vertices=vertices, floor=floor_s, ours=ours_s,
                          ours_mb=ours_mb, lite=lite_s, lite_cli=lite_cli, lite_mb=lite_mb, ogr=ogr_s, ogr_mb=ogr_mb,
                          load=load_s, query=query_s, flat=flat_s, flat_mb=flat_mb)
        label = count_label(features) if features else size
        w(f"| {label} | {fmt_s(floor_s)} | {fmt_s(ours_s)} ({fmt_ratio(ratio(ours_s, floor_s))}) "
          f"| {fmt_s(lite_s)} ({fmt_ratio(ratio(ours_s, lite_s))}) | {fmt_s(load_s)} "
          f"| {fmt_s(query_s)} ({fmt_ratio(ratio(ours_s, query_s))}) "
          f"| {fmt_mb(ours_mb)} |")
    whens = {}
    for size in sizes:
        for tool in ("floor", "flat", "parkatlas", "spatialite", "ogr_sqlite", "postgis_load",
                     "postgis_query"):
            text = read(os.path.join(args.results, size, tool + ".when"))
            m = re.match(r"(\S+) \(load ([0-9.]+)\)", (text or "").strip())
            if m:
                whens.setdefault(tool, {}).setdefault(m.group(1), []).append(float(m.group(2)))
    stamps = {stamp for runs_ in whens.values() for stamp in runs_}
    if len(stamps) > 1:
        w("")
        w("Not all in one run: measured at (UTC, 1-minute load average over the sizes):")
        for tool, runs_ in whens.items():
            w(f"- {tool}: " + "; ".join(f"{stamp} (load {min(loads):.1f}–{max(loads):.1f})"
                                      for stamp, loads in sorted(runs_.items())))
    elif whens:
        loads = [x for runs_ in whens.values() for v in runs_.values() for x in v]
        w("")
        w(f"All measured in one run ({next(iter(stamps))}), 1-minute load average "
          f"{min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores.")
    w("")
    w("SpatiaLite: the faster of its CLI on a VirtualShape and GDAL's SQLite dialect (both below). "
      "PostGIS's load is one run (`ogr2ogr`, with its default GiST index); its query is psql's "
      "`\\timing` of the SELECT alone, best of the runs, in a server whose shared_buffers hold "
      "the table.")
    w("")

    w("Details: the flat-layout prototype (`tests/bench/shp_flat`: the .shp read into our flat "
      "arrays, exactly sized, filled in place by two threads, measured as planar area / k² at "
      "the centroid; no GDAL, no issues, no attributes: what our read + measure could cost "
      "here), the same SQL as SpatiaLite's through GDAL (`ogrinfo -dialect sqlite`), and the "
      "peers' peak memory.")
    w("")
    lines += table_head(["size", "parcels:", "vertices:", "prototype s (× floor):",
                         "prototype peak MB:", "SpatiaLite CLI s:", "SpatiaLite via ogrinfo s:",
                         "SpatiaLite CLI peak MB:", "ogrinfo peak MB:"])
    for size in sizes:
        r = rows[size]
        w(f"| {count_label(r['features']) if r['features'] else size} | {r['features'] or '?'} "
          f"| {r['vertices'] or '?'} | {fmt_s(r['flat'])} ({fmt_ratio(ratio(r['flat'], r['floor']))}) "
          f"| {fmt_mb(r['flat_mb'])} | {fmt_s(r['lite_cli'])} | {fmt_s(r['ogr'])} "
          f"| {fmt_mb(r['lite_mb'])} | {fmt_mb(r['ogr_mb'])} |")
    w("")

    w("Totals (m²) and how far each is from PostGIS `ST_Area(geography)` (relative):")
    w("")
    lines += table_head(["size", "parkatlas m²:", "parkatlas mu:", "vs PostGIS:",
                         "SpatiaLite vs PostGIS:", "ogrinfo vs PostGIS:", "prototype vs PostGIS:",
                         "planar (floor) vs ellipsoidal:"])
    agreement = {}
    for size in sizes:
        ours = total_of(args.results, size, "parkatlas")
        pg = total_of(args.results, size, "postgis_query")
        lite = total_of(args.results, size, "spatialite")
        ogr = total_of(args.results, size, "ogr_sqlite")
        planar = total_of(args.results, size, "floor")
        flat = total_of(args.results, size, "flat")
        agreement[size] = rel(ours, pg)
        label = count_label(rows[size]["features"]) if rows[size]["features"] else size
        w(f"| {label} | {'–' if ours is None else f'{ours:.3f}'} "
          f"| {'–' if ours is None else f'{ours * 15 / 10000:.2f}'} | {fmt_rel(rel(ours, pg))} "
          f"| {fmt_rel(rel(lite, pg))} | {fmt_rel(rel(ogr, pg))} | {fmt_rel(rel(flat, pg))} "
          f"| {fmt_rel(rel(planar, ours))} |")
    w("")

    big = sizes[-1]
    r = rows[big]
    big_label = count_label(r["features"]) if r["features"] else big
    w(f"## Budgets at {big_label} (DESIGN.md, \"Performance budgets\")")
    w("")

    def verdict(ok):
        return "–" if ok is None else ("**met**" if ok else "**missed**")

    floor_ratio = ratio(r["ours"], r["floor"])
    lite_ratio = ratio(r["ours"], r["lite"])
    pg_ratio = ratio(r["ours"], r["query"]) if isinstance(r["query"], float) else None
    w(f"- within 3× of the floor: {fmt_ratio(floor_ratio)} — "
      f"{verdict(None if floor_ratio is None else floor_ratio <= 3)}")
    w(f"- under 1/3 of SpatiaLite's (best way's) time: {fmt_ratio(lite_ratio)} of it — "
      f"{verdict(None if lite_ratio is None else lite_ratio <= 1 / 3)}")
    w(f"- under PostGIS's query (load not counted): {fmt_ratio(pg_ratio)} of it — "
      f"{verdict(None if pg_ratio is None else pg_ratio < 1)}")
    mb = r["ours_mb"]
    w(f"- peak memory under 1 GB: {'–' if mb is None else f'{mb:.0f} MB'} — "
      f"{verdict(None if mb is None else mb < 1024)}")
    a = agreement.get(big)
    w(f"- agrees with PostGIS to 1e-6: {fmt_rel(a)} — "
      f"{verdict(None if a is None else abs(a) < 1e-6)}")
    w("")

    phases = read(os.path.join(args.results, "phases.json"))
    if phases:
        try:
            p = json.loads(phases)
            s = p["seconds"]
            w(f"## Where parkatlas spends its time at {big_label} (`area_phases`, best of {p['repeat']})")
            w("")
            lines += table_head(["phase", "s:", "what"])
            what = {
                "read_layer": "geo::readLayer as `area` calls it: no fields, geometry straight "
                              "from the .shp",
                "measure_layer": "geo::measureLayer, ellipsoidal, one thread per core",
                "measure_layer_1t": "the same on one thread",
                "measure_planar_1t": "planar, one thread",
                "read_layer_all_fields": "geo::readLayer with every attribute (through GDAL)",
                "read_layer_gdal": "geo::readLayer through GDAL alone (OGR features → WKB → store)",
                "ogr_features": "bare OGR: GetNextFeature over every feature, fields and geometry",
                "ogr_features_geom": "the same, every attribute field ignored",
                "ogr_wkb": "the same plus exportToWkb per feature",
                "ogr_arrow": "OGR_L_GetArrowStream, geometry only (WKB per batch)",
            }
            for key, seconds in s.items():
                w(f"| {key} | {seconds:.3f} | {what.get(key, '')} |")
            w("")
            total = rows[big]["ours"]
            startup, _ = timing(args.results, big, "parkatlas_startup")
            if isinstance(total, float) and isinstance(startup, float):
                read_s = s.get("read_layer", 0)
                measure_s = s.get("measure_layer", 0)
                rest = total - startup - read_s - measure_s
                w(f"`parkatlas area` at {big_label}, {total:.3f} s, taken apart: process start "
                  f"(`parkatlas --version`) {startup:.3f} s, read {read_s:.3f} s, measure "
                  f"{measure_s:.3f} s, "
                  + (f"the rest (park discovery, output, freeing the layer and exit) {rest:.3f} s."
                     if rest > 0 else
                     "which add up to more than the whole run: the phases were timed in another "
                     "process, and on a busy machine best-of times do not add up.")
                  + f" The floor: {fmt_s(rows[big]['floor'])} s.")
                w("")
            w(f"Peak RSS after the read: {p.get('peak_rss_mb_after_read', 0):.0f} MB, of which "
              f"the layer keeps {p.get('layer_memory_mb', 0):.0f} MB.")
            w("")
            w(f"Flat layer in memory: {p.get('layer_memory_mb', 0):.0f} MB. Totals: ellipsoidal "
              f"{p.get('ellipsoidal_area_m2', 0):.3f} m² (one thread: "
              f"{p.get('ellipsoidal_area_m2_1t', 0):.3f}), planar {p.get('planar_area_m2', 0):.3f}.")
            w("")
        except (ValueError, KeyError):
            pass
    for name, title in (("perf-dso.txt", "perf: share of samples by library, every thread"),
                        ("perf-symbols.txt", "perf: top symbols, self time"),
                        ("perf-inclusive.txt", "perf: inclusive time (DWARF call graphs)")):
        text = read(os.path.join(args.results, name))
        if text and text.strip():
            w(f"### {title} (`parkatlas area` at {big_label})")
            w("")
            w("```")
            for line in text.rstrip().splitlines():
                line = re.sub(r"(\s+-){2}\s*$", "", line.rstrip())
                w(line[:150])
            w("```")
            w("")

    w("## Machine and versions")
    w("")
    cpu = ""
    for line in (read("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    w(f"- {os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}; "
      f"load average at start {args.load_start}, at end {args.load_end} (a shared machine: "
      "best-of runs)")
    gdal = command_output(["gdal-config", "--version"])
    proj = command_output(["sh", "-c", "projinfo 2>&1 | head -1 | sed 's/^Rel. //; s/,.*//'"]) or "?"
    lite = command_output(["spatialite", "-silent", ":memory:", "SELECT spatialite_version();"])
    w(f"- parkatlas built from `{args.revision}` (`git describe --dirty` at build time; "
      f"{args.parkatlas}); "
      f"GDAL {gdal}; PROJ {proj}; SpatiaLite {lite}; PostgreSQL "
      f"{(read(os.path.join(args.results, 'postgis-version.txt')) or 'not run').strip()}")
    w("")
    w("## Commands")
    w("")
    w("```")
    w("scripts/bench --sizes " + args.sizes + " --runs " + args.runs)
    w("floor:      build-bench/build/bench/shp_floor parcels.shp")
    w("parkatlas:  parkatlas area parcels.shp --method ellipsoidal --format json")
    w("SpatiaLite: spatialite db.sqlite \"CREATE VIRTUAL TABLE parcels USING "
      "VirtualShape('parcels', 'UTF-8', 4547);")
    w("              SELECT SUM(ST_Area(ST_Transform(Geometry, 4490), 1)) FROM parcels;\"")
    w("ogrinfo:    ogrinfo -ro -q -dialect sqlite -sql \"SELECT SUM(ST_Area(ST_Transform(geometry, "
      "4490), 1)) FROM parcels\" parcels.shp")
    w("PostGIS:    ogr2ogr -f PostgreSQL PG:... parcels.shp -nln parcels -lco GEOMETRY_NAME=geom "
      "-nlt PROMOTE_TO_MULTI   (load, once)")
    w("            VACUUM ANALYZE parcels;   (not timed)")
    w("            SELECT SUM(ST_Area(ST_Transform(geom, 4490)::geography)) FROM parcels;  "
      "(psql \\timing)")
    w("```")
    text = "\n".join(lines) + "\n"
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
