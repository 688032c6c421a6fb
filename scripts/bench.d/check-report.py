#!/usr/bin/env python3
"""check-report.py: writes build-bench/check-results.md from build-bench/check-results.d/ (see
check-run.sh): per size, parkatlas check (best wall, peak RSS) against PostGIS (load, query),
the mismatch counts of each and whether they agree; perf of parkatlas at the largest size."""
import argparse
import json
import os
import platform
import re
import sys

MU_PER_M2 = 0.0015  # 1 亩 = 10000/15 m²


def read(path, default=""):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError:
        return default


def parkatlas_of(d):
    runs = [l.split() for l in read(os.path.join(d, "parkatlas.runs")).splitlines() if l.strip()]
    ok = [(float(w), int(r)) for w, r, s in runs if s == "0"]
    failed = [(float(w), s) for w, r, s in runs if s != "0"]
    out = {"runs": [float(w) for w, _, _ in runs], "best": None, "rss_kb": None,
           "failed": failed}
    if ok:
        out["best"] = min(w for w, _ in ok)
        out["rss_kb"] = max(r for _, r in ok)
    try:
        data = json.loads(read(os.path.join(d, "parkatlas.json")))
        found = [f for f in data["findings"] if f.get("rule") == "land_use_mismatch"]
        out["mismatches"] = len(found)
        out["misfit_m2"] = sum(f["evidence"]["misfit_m2"] for f in found)
        out["other"] = len(data["findings"]) - len(found)
    except (ValueError, KeyError):
        pass
    return out


def postgis_of(d):
    out = {}
    loads = []
    for layer in ("parcels", "plan_zones"):
        line = read(os.path.join(d, f"postgis.load_{layer}")).split()
        if line:
            loads.append(float(line[0]))
            out[f"load_{layer}"] = float(line[0])
    if loads:
        out["load"] = sum(loads)
    a = read(os.path.join(d, "postgis.analyze")).strip()
    if a:
        out["analyze"] = float(a)
    ms, results, timeout = [], [], None
    for line in read(os.path.join(d, "postgis.query")).splitlines():
        line = line.strip()
        m = re.match(r"Time: ([0-9.]+) ms", line)
        if m:
            ms.append(float(m.group(1)))
        elif line.startswith("timeout"):
            timeout = float(line.split()[1])
        elif "|" in line:
            n, m2 = line.split("|")
            results.append((int(n), float(m2)))
    out["ms"] = ms
    out["timeout"] = timeout
    if ms:
        out["best"] = min(ms) / 1000
    if results:
        out["mismatches"], out["misfit_m2"] = results[-1]
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
    lines = ["# `parkatlas check` against PostGIS: land_use_mismatch", ""]
    lines += [
        "Written by `scripts/bench --check` (scripts/bench.d/check-run.sh). Same data for both: "
        "`gen_cadastre COUNT parcels --plan-zones plan_zones` (tests/bench/gen_cadastre.cpp), "
        "EPSG:4547. parkatlas: `parkatlas check data/SIZE/plan --rule land_use_mismatch "
        "--format json`, open to printed JSON, best of the runs. PostGIS: ogr2ogr load of both "
        "layers (GiST index included; VACUUM ANALYZE apart), then scripts/bench.d/check-postgis.sql "
        "timed by psql's `\\timing`, best of the runs. Ratio = PostGIS query / parkatlas "
        "(budget at 1M: ≥ 5×).",
        "",
        "| size | parkatlas s | PostGIS load s | PostGIS query s | ratio | mismatches (parkatlas / PostGIS) | peak RSS parkatlas |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    notes = []
    for size in sizes:
        d = os.path.join(args.results, size)
        pa, pg = parkatlas_of(d), postgis_of(d)
        pa_s = fmt(pa["best"]) if pa["best"] is not None else (
            f"failed ({pa['failed'][0][1]})" if pa["failed"] else "—")
        load = pg.get("load")
        load_s = fmt(load)
        if load is not None and "analyze" in pg:
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
        n_pa, n_pg = pa.get("mismatches"), pg.get("mismatches")
        if n_pa is not None and n_pg is not None:
            agree = "equal" if n_pa == n_pg else "DIFFER"
            counts = f"{n_pa} / {n_pg} ({agree})"
            rel = abs(pa["misfit_m2"] - pg["misfit_m2"]) / max(pg["misfit_m2"], 1e-9)
            notes.append(f"- {size}: misfit area parkatlas {pa['misfit_m2'] * MU_PER_M2:.4f} mu, "
                         f"PostGIS {pg['misfit_m2'] * MU_PER_M2:.4f} mu (relative difference "
                         f"{rel:.1e}); parkatlas runs {', '.join(fmt(w) for w in pa['runs'])} s; "
                         f"PostGIS query runs {', '.join(fmt(m / 1000) for m in pg['ms'])} s; "
                         f"load parcels {fmt(pg.get('load_parcels'))} s + plan_zones "
                         f"{fmt(pg.get('load_plan_zones'))} s"
                         + (f"; parkatlas also reported {pa['other']} other findings"
                            if pa.get("other") else ""))
        else:
            counts = f"{fmt(n_pa, 0) if n_pa is not None else '—'} / {n_pg if n_pg is not None else '—'}"
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
