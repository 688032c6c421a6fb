#!/usr/bin/env python3
"""check-report.py: writes build-bench/check-results.md from build-bench/check-results.d/ (see
check-run.sh): per size, parkatlas check (best wall, peak RSS) against PostGIS (load, queries),
the findings of each by rule and layer and whether they agree; perf of parkatlas at the largest
size."""
import argparse
import json
import os
import platform
import re
import sys

def read(path, default=""):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return default


def runs_of(path):
    """(all walls, best ok wall, max ok RSS KB, failures) from a file of "WALL RSS EXIT" lines."""
    runs = [l.split() for l in read(path).splitlines() if len(l.split()) == 3]
    ok = [(float(w), int(r)) for w, r, s in runs if s == "0"]
    failed = [(float(w), s) for w, r, s in runs if s != "0"]
    best = min(w for w, _ in ok) if ok else None
    rss = max(r for _, r in ok) if ok else None
    return [float(w) for w, _, _ in runs], best, rss, failed


def parkatlas_of(d):
    walls, best, rss, failed = runs_of(os.path.join(d, "parkatlas.runs"))
    out = {"runs": walls, "best": best, "rss_kb": rss, "failed": failed, "counts": {}}
    try:
        data = json.loads(read(os.path.join(d, "parkatlas.json")))
        for f in data["findings"]:
            key = (f["rule"], f["layer"])
            out["counts"][key] = out["counts"].get(key, 0) + 1
    except (ValueError, KeyError):
        pass
    return out


def postgis_of(d):
    out = {"loads": {}}
    for name in os.listdir(d) if os.path.isdir(d) else []:
        if name.startswith("postgis.load_"):
            line = read(os.path.join(d, name)).split()
            if line:
                out["loads"][name[len("postgis.load_"):]] = float(line[0])
    if out["loads"]:
        out["load"] = sum(out["loads"].values())
    a = read(os.path.join(d, "postgis.analyze")).strip()
    if a:
        out["analyze"] = float(a)
    walls, best, _, failed = runs_of(os.path.join(d, "postgis.runs"))
    out["runs"], out["best"], out["failed"] = walls, best, failed
    timeout = re.search(r"^timeout ([0-9.]+)", read(os.path.join(d, "postgis.runs")), re.M)
    out["timeout"] = float(timeout.group(1)) if timeout else None
    out["counts"] = {}
    for line in read(os.path.join(d, "postgis.counts")).splitlines():
        parts = line.strip().split("|")
        if len(parts) == 3:
            out["counts"][(parts[0], parts[1])] = int(parts[2])
    return out


def fmt(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    for a in ("--results", "--sizes", "--runs", "--load-start", "--load-end", "--parkatlas",
              "--revision", "--out"):
        ap.add_argument(a, default="")
    args = ap.parse_args()
    sizes = args.sizes.split(",")
    lines = ["# `parkatlas check` against PostGIS: every rule", ""]
    lines += [
        "Written by `scripts/bench --check` (scripts/bench.d/check-run.sh). Same data for both: "
        "`gen_cadastre COUNT parcels --plan-zones plan_zones` (tests/bench/gen_cadastre.cpp) and "
        "scripts/bench.d/gen_park.py (boundary, roads, pipelines, protected, acquisition, the "
        "intensity fields), EPSG:4547. parkatlas: `parkatlas check data/SIZE/park/"
        "park.parkatlas.json --format json` (every rule), open to printed JSON, best of the "
        "runs. PostGIS: ogr2ogr load of the seven layers (GiST indexes included; VACUUM ANALYZE "
        "apart), then scripts/bench.d/check-postgis-all.sql (every rule; the bench park has no "
        "expansion layer, so unacquired_land and land_use_mismatch on expansion zones find "
        "nothing on either side), wall clock of psql. "
        "Ratio = PostGIS queries / parkatlas (budget at 1M: ≥ 5×).",
        "",
        "| size | parkatlas s | PostGIS load s | PostGIS queries s | ratio | findings per rule | peak RSS parkatlas |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    notes = []
    for size in sizes:
        d = os.path.join(args.results, size)
        pa, pg = parkatlas_of(d), postgis_of(d)
        pa_s = fmt(pa["best"]) if pa["best"] is not None else (
            f"failed ({pa['failed'][0][1]})" if pa["failed"] else "—")
        load_s = fmt(pg.get("load"))
        if pg.get("load") is not None and "analyze" in pg:
            load_s += f" (+{pg['analyze']:.1f} analyze)"
        if pg.get("best") is not None:
            q_s = fmt(pg["best"])
        elif pg.get("timeout"):
            q_s = f"> {pg['timeout']:.0f} (timed out)"
        else:
            q_s = "—"
        ratio = "—"
        if pa["best"] and pg.get("best"):
            ratio = f"{pg['best'] / pa['best']:.1f}×"
        elif pa["best"] and pg.get("timeout"):
            ratio = f"> {pg['timeout'] / pa['best']:.1f}×"
        counts = "—"
        if pa["counts"] and pg["counts"]:
            keys = sorted(set(pa["counts"]) | set(pg["counts"]))
            differ = [k for k in keys if pa["counts"].get(k, 0) != pg["counts"].get(k, 0)]
            counts = ("equal" if not differ else "DIFFER") + \
                f" ({sum(pa['counts'].values())} findings)"
            notes.append(f"- {size}: findings by rule and layer, parkatlas / PostGIS: " + "; ".join(
                f"{r} {l} {pa['counts'].get((r, l), 0)} / {pg['counts'].get((r, l), 0)}"
                for r, l in keys))
        notes.append(f"- {size}: parkatlas runs {', '.join(fmt(w) for w in pa['runs'])} s; "
                     f"PostGIS query runs {', '.join(fmt(w) for w in pg['runs'])} s; loads " +
                     ", ".join(f"{k} {v:.1f} s" for k, v in sorted(pg["loads"].items())))
        rss = f"{pa['rss_kb'] / 1024:.0f} MB" if pa["rss_kb"] else "—"
        lines.append(f"| {size} | {pa_s} | {load_s} | {q_s} | {ratio} | {counts} | {rss} |")
    lines += ["", *notes, ""]
    version = read(os.path.join(args.results, "postgis-version.txt")).strip()
    lines += [
        f"Machine: {os.cpu_count()} cores, {platform.platform()}; load average (1, 5, 15 min) "
        f"{args.load_start} at the start, {args.load_end} at the end (a shared machine).",
        f"parkatlas: {args.parkatlas} (source tree {args.revision}). PostGIS: {version or '?'}.",
        "",
    ]
    for name, title in (("perf-dso.txt", "perf: parkatlas check at the largest size, self time by library"),
                        ("perf-symbols.txt", "perf: self time by symbol (every thread)"),
                        ("perf-inclusive.txt", "perf: inclusive time (DWARF call graphs; % of all "
                         "samples, every thread)")):
        text = read(os.path.join(args.results, name)).rstrip()
        if text:
            lines += [f"### {title}", "", "```", text, "```", ""]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines[:len(sizes) + 10]))


if __name__ == "__main__":
    sys.exit(main())
