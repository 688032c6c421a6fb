#!/usr/bin/env python3
"""The installed program (issue 20), without root: a staged `cmake --install` of the build, the
man pages and bash completion made from --help, the desktop entry and MIME type, --version,
the user's own styles and templates, and the viewer without a display.

    test_packaging.py --build BUILD --source SOURCE
"""

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

FAILURES = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        FAILURES.append(what)


def run(args, env=None, **kwargs):
    base = {k: v for k, v in os.environ.items() if not k.startswith("PARKATLAS_")}
    base.update(env or {})
    return subprocess.run(args, capture_output=True, text=True, env=base, **kwargs)


def commands_of(program):
    text = run([program, "--help"]).stdout
    names, inside = [], False
    for line in text.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and re.match(r"^  \S", line):
            names.append(line.split()[0])
        elif inside and names:
            break
    return names


def complete(completion, words):
    """What the bash completion offers for the command line `words` (the last one is typed)."""
    script = (f"source {completion}\n"
              f"COMP_WORDS=({' '.join(repr(w) for w in words)}); COMP_CWORD={len(words) - 1}\n"
              "_parkatlas; printf '%s\\n' \"${COMPREPLY[@]}\"\n")
    return run(["bash", "-c", script]).stdout.split()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    build, source = args.build, args.source
    program = os.path.join(build, "app", "cli", "parkatlas")
    sample = os.path.join(source, "data", "sample", "park.gpkg")

    with tempfile.TemporaryDirectory() as scratch:
        # A staged install, as the package's files lie: the programs find their styles next
        # to themselves, never in the source tree (which is still there).
        stage = os.path.join(scratch, "stage")
        result = run(["cmake", "--install", build, "--prefix", os.path.join(stage, "usr")])
        check(result.returncode == 0, "cmake --install into a staging folder: " +
              result.stderr.strip()[-300:])
        usr = os.path.join(stage, "usr")
        installed = os.path.join(usr, "bin", "parkatlas")
        version = run([installed, "--version"], env={"HOME": scratch}).stdout
        check(re.match(r"parkatlas \d+\.\d+\.\d+", version) is not None,
              f"--version starts with the version: {version.splitlines()[:1]}")
        check(re.search(r"GDAL \d.*GEOS \d.*PROJ \d", version) is not None,
              "--version names GDAL, GEOS and PROJ")
        styles = os.path.join(usr, "share", "parkatlas", "styles")
        check(f"styles: {styles}\n" in version,
              f"the installed program reads {styles}: {version!r}")
        result = run([installed, "check", os.path.join(usr, "share", "parkatlas", "sample",
                                                       "park.gpkg"), "--format", "json"],
                     env={"HOME": scratch})
        check(result.returncode == 0 and json.loads(result.stdout)["findings"],
              "parkatlas check on the installed sample park finds what it should")
        # publish copies the installed page and MapLibre GL JS (share/parkatlas/web).
        site = os.path.join(scratch, "site")
        result = run([installed, "publish", sample, "--out", site], env={"HOME": scratch})
        check(result.returncode == 0 and os.path.exists(os.path.join(site, "index.html")) and
              any(name.endswith(".js") for _, _, files in os.walk(os.path.join(site, "lib"))
                  for name in files),
              "publish from the installed program writes the page and the map library: " +
              result.stderr[-300:])
        # Moved away from its share/ folder, it says where it looked instead of reading the
        # source tree.
        lonely = os.path.join(scratch, "lonely")
        os.makedirs(lonely)
        shutil.copy(installed, lonely)
        version = run([os.path.join(lonely, "parkatlas"), "--version"],
                      env={"HOME": scratch}).stdout
        check("styles: none found" in version and "looked in" in version and
              os.path.join(source, "styles") not in version,
              f"a program away from share/ names where it looked: {version!r}")

        for size in ("48x48", "256x256", "scalable"):
            folder = os.path.join(usr, "share", "icons", "hicolor", size, "apps")
            check(os.path.isdir(folder) and os.listdir(folder), f"an icon at {size}")
        desktop = os.path.join(usr, "share", "applications", "parkatlas.desktop")
        if shutil.which("desktop-file-validate"):
            result = run(["desktop-file-validate", desktop])
            check(result.returncode == 0, "the desktop entry validates: " + result.stdout)
        entry = open(desktop, encoding="utf-8").read()
        check("Name[zh_CN]=" in entry and "application/geopackage+sqlite3" in entry,
              "the desktop entry has a Chinese name and opens GeoPackages")
        mime = ElementTree.parse(os.path.join(usr, "share", "mime", "packages", "parkatlas.xml"))
        globs = [g.get("pattern") for g in mime.iter("{http://www.freedesktop.org/standards/"
                                                      "shared-mime-info}glob")]
        check("*.parkatlas.json" in globs and "*.gpkg" in globs,
              f"the MIME types cover projects and GeoPackages: {globs}")

        # A man page per command the program has, and the completion knows them all.
        man = os.path.join(usr, "share", "man", "man1")
        commands = commands_of(program)
        check(len(commands) >= 10, f"the overview lists the commands: {commands}")
        for command in commands:
            page = os.path.join(man, f"parkatlas-{command}.1.gz")
            text = gzip.open(page, "rt", encoding="utf-8").read() if os.path.exists(page) else ""
            check(".SH OPTIONS" in text and "\\-\\-help" in text, f"man parkatlas-{command}")
        check(os.path.exists(os.path.join(man, "parkatlas.1.gz")), "man parkatlas")
        completion = os.path.join(usr, "share", "bash-completion", "completions", "parkatlas")
        check(run(["bash", "-n", completion]).returncode == 0, "the completion is valid bash")
        check(set(complete(completion, ["parkatlas", ""])) >= set(commands),
              "the completion offers every command")
        check("--format" in complete(completion, ["parkatlas", "check", "--fo"]),
              "the completion offers check's options")
        check(complete(completion, ["parkatlas", "check", "--format", ""]) ==
              ["table", "csv", "json"], "the completion offers --format's values")

        # The user's own styles and templates (~/.local/share/ParkAtlas): a thresholds.json
        # there replaces the installed one; a template there is found by name.
        home = os.path.join(scratch, "home")
        own = os.path.join(home, ".local", "share", "ParkAtlas")
        os.makedirs(os.path.join(own, "styles"))
        os.makedirs(os.path.join(own, "layouts"))
        thresholds = json.load(open(os.path.join(source, "styles", "thresholds.json"),
                                    encoding="utf-8"))
        thresholds["rules"]["land_use_mismatch"]["enabled"] = False
        json.dump(thresholds, open(os.path.join(own, "styles", "thresholds.json"), "w",
                                   encoding="utf-8"), ensure_ascii=False)

        def rules_found(home_dir):
            result = run([installed, "check", sample, "--format", "json"],
                         env={"HOME": home_dir, "XDG_DATA_HOME": ""})
            return {f["rule"] for f in json.loads(result.stdout)["findings"]}

        check("land_use_mismatch" in rules_found(scratch), "the installed rules flag land use")
        check("land_use_mismatch" not in rules_found(home),
              "the user's thresholds.json (land use off) replaces the installed one")
        version = run([installed, "--version"], env={"HOME": home, "XDG_DATA_HOME": ""}).stdout
        check(os.path.join(own, "styles") in version, "--version names the user's styles")
        layout = json.load(open(os.path.join(source, "styles", "layouts", "用地现状图.json"),
                                encoding="utf-8"))
        layout["name"] = "我的底图"
        json.dump(layout, open(os.path.join(own, "layouts", "我的底图.json"), "w",
                               encoding="utf-8"), ensure_ascii=False)
        pdf = os.path.join(scratch, "mine.pdf")
        result = run([installed, "map", sample, "--template", "我的底图", "--out", pdf],
                     env={"HOME": home, "XDG_DATA_HOME": "", "QT_QPA_PLATFORM": "offscreen"})
        check(result.returncode == 0 and os.path.getsize(pdf) > 10000,
              "a template in the user's layouts/ is found by name: " + result.stderr[-300:])

        # The viewer without a display says how to draw offscreen.
        gui = os.path.join(usr, "bin", "parkatlas-gui")
        result = run([gui, sample], env={"HOME": scratch, "DISPLAY": "", "WAYLAND_DISPLAY": "",
                                         "QT_QPA_PLATFORM": ""}, timeout=60)
        check(result.returncode == 2 and "QT_QPA_PLATFORM=offscreen" in result.stderr,
              f"parkatlas-gui without a display: exit {result.returncode}, {result.stderr!r}")
        result = run([gui, "--version"], env={"HOME": scratch, "DISPLAY": "",
                                              "WAYLAND_DISPLAY": "", "QT_QPA_PLATFORM": ""},
                     timeout=60)
        check(result.returncode == 0 and "ParkAtlas" in result.stdout,
              f"parkatlas-gui --version needs no display: {result.stdout!r} {result.stderr!r}")

    if FAILURES:
        print(f"{len(FAILURES)} failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
