#!/usr/bin/env python3
"""scaling-report.py: the table of scripts/bench --scaling (scaling-run.sh) from its results:
per task and size the best run's wall clock, CPU and peak RSS, and the growth exponent b of
t ∝ n^b between consecutive sizes and over the whole range (least squares on log-log)."""
import argparse
import math
import os

from bench_table import count_of, table_head

LABELS = {
    "area": "area (ellipsoidal, open to total)",
    "check": "check (every rule of the park)",
    "render": "render (viewer: open + full extent, 1920×1080)",
    "pdf": "PDF (committee map, A3)",
}


def read(results, task, size):
    path = os.path.join(results, f"{task}-{size}")
    if not os.path.exists(path):
        return None
    wall, cpu, rss, load, status = open(path).read().split()
    if status != "0" or wall == "-":
        return {"failed": True, "load": load}
    return {"wall": float(wall), "cpu": float(cpu), "rss_mb": int(rss) / 1024, "load": load}


def exponent(points):
    """Least-squares slope of log(value) on log(n) over (n, value) points."""
    points = [(math.log(n), math.log(v)) for n, v in points if v and v > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else None


def fmt_exp(b):
    if b is None:
        return "–"
    return f"{b:.2f}" + (" ⚠" if b > 1.1 else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--only", required=True)
    ap.add_argument("--revision", default="?")
    ap.add_argument("--load", default="?")
    ap.add_argument("--cores", default="?")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    sizes = a.sizes.split(",")
    # Every task with results: one left out of --only keeps its last results (re-time one
    # task against the others' last numbers; each row says its load).
    tasks = [t for t in ["area", "check", "render", "pdf"]
             if t in a.only.split(",") or any(read(a.results, t, s) for s in sizes)]
    lines = [
        f"# Scaling: area, check, render and PDF from {sizes[0]} to {sizes[-1]} parcels",
        "",
        f"Revision {a.revision}; {a.cores} cores; 1-minute load {a.load}. Whole processes, best"
        " run by wall clock; CPU = user + system; b = growth exponent of t ∝ n^b (wall and CPU)"
        " and of peak RSS, between consecutive sizes and fitted over all (⚠: worse than"
        " linear, b > 1.1). Commands: scripts/bench.d/scaling-run.sh.",
        "",
    ]
    lines += table_head(["task"] + sizes + ["b wall", "b CPU", "b RSS"])
    for task in tasks:
        rows = {s: read(a.results, task, s) for s in sizes}
        cells = []
        for s in sizes:
            r = rows[s]
            if r is None:
                cells.append("not run")
            elif r.get("failed"):
                cells.append("failed")
            else:
                cells.append(f"{r['wall']:.2f} s (CPU {r['cpu']:.2f} s), {r['rss_mb']:.0f} MB,"
                             f" load {r['load']}")
        ok = [(count_of(s), rows[s]) for s in sizes if rows[s] and not rows[s].get("failed")]

        def steps(key):
            parts = []
            for (n1, r1), (n2, r2) in zip(ok, ok[1:]):
                b = exponent([(n1, r1[key]), (n2, r2[key])])
                parts.append(fmt_exp(b))
            overall = exponent([(n, r[key]) for n, r in ok])
            return (" → ".join(parts) + f" (all {fmt_exp(overall)})") if parts else "–"

        lines.append(f"| {LABELS[task]} | " + " | ".join(cells) + f" | {steps('wall')} |"
                     f" {steps('cpu')} | {steps('rss_mb')} |")
    pdf_sizes = []
    for s in sizes:
        path = os.path.join(a.results, f"pdf-{s}.bytes")
        if "pdf" in tasks and os.path.exists(path):
            pdf_sizes.append(f"{s} {int(open(path).read()) / 1e6:.1f} MB")
    if pdf_sizes:
        lines += ["", "PDF file sizes: " + ", ".join(pdf_sizes) + "."]
    lines.append("")
    with open(a.out, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
