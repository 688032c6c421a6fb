#!/usr/bin/env python3
"""render-report.py: the table of scripts/bench --render (see render-run.sh).

Reads render-results.d/<size>/{parkatlas,qgis}.json and the two pictures, compares the pictures
pixel by pixel (PyQt5's QImage, which python3-qgis brings) and writes the Markdown report.
"""
import argparse
import json
import os
import platform
import subprocess

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.PyQt.QtGui import QImage  # noqa: E402


def compare(first, second):
    """(share of pixels differing by more than 48 in a channel, mean channel difference)."""
    a = QImage(first).convertToFormat(QImage.Format_RGB32)
    b = QImage(second).convertToFormat(QImage.Format_RGB32)
    if a.size() != b.size():
        return None
    width, height = a.width(), a.height()
    abits = a.constBits()
    bbits = b.constBits()
    abits.setsize(a.sizeInBytes())
    bbits.setsize(b.sizeInBytes())
    adata = bytes(abits)
    bdata = bytes(bbits)
    differing = 0
    total = 0
    for i in range(0, len(adata), 4):
        d = max(abs(adata[i] - bdata[i]), abs(adata[i + 1] - bdata[i + 1]),
                abs(adata[i + 2] - bdata[i + 2]))
        total += d
        if d > 48:
            differing += 1
    pixels = width * height
    return differing / pixels, total / pixels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", required=True)
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--runs", required=True)
    parser.add_argument("--revision", default="?")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    qgis_version = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "qgis"],
                                  capture_output=True, text=True).stdout
    lines = [
        "# Full-extent render, 1920×1080, categorised land-use style",
        "",
        f"Machine: {platform.node()}, {os.cpu_count()} cores; parkatlas {args.revision}; "
        f"QGIS {qgis_version}. Best of {args.runs} runs each; wall clock and the process's CPU "
        f"time (the machine is shared; both render on one thread); 1-minute load "
        f"{os.getloadavg()[0]:.1f} when the report was written.",
        "",
        "| parcels | parkatlas render | QGIS render | QGIS ÷ parkatlas | CPU: parkatlas | CPU: QGIS "
        "| CPU: QGIS ÷ parkatlas | parkatlas load (once) | pixels differing > 48 | mean difference |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in args.sizes.split(","):
        folder = os.path.join(args.results, size)
        with open(os.path.join(folder, "parkatlas.json")) as handle:
            ours = json.load(handle)
        with open(os.path.join(folder, "qgis.json")) as handle:
            qgis = json.load(handle)
        diff = compare(os.path.join(folder, "parkatlas.png"), os.path.join(folder, "qgis.png"))
        ratio = qgis["best_render_s"] / ours["best_render_s"]
        cpu_ratio = qgis["best_render_cpu_s"] / ours["best_render_cpu_s"]
        share, mean = diff if diff else (float("nan"), float("nan"))
        lines.append(f"| {ours['features']:,} | {ours['best_render_s']:.3f} s "
                     f"| {qgis['best_render_s']:.3f} s | {ratio:.1f}× "
                     f"| {ours['best_render_cpu_s']:.3f} s | {qgis['best_render_cpu_s']:.3f} s "
                     f"| {cpu_ratio:.1f}× | {ours['load_s']:.2f} s "
                     f"| {share * 100:.2f} % | {mean:.1f} |")
    lines += [
        "",
        "parkatlas: tests/bench/render_bench (render::MapRenderer on the layer in memory, as the "
        "viewer's worker jobs draw); QGIS: QgsMapRendererSequentialJob reading the .shp "
        "(scripts/bench.d/qgis-render.py). The pictures are under render-results.d/<size>/.",
        "",
    ]
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines))


if __name__ == "__main__":
    main()
