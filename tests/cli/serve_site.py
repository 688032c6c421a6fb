"""Group `serve`: `parkatlas serve` on a site `publish --reports` wrote from the sample park, as a
user would preview it: the address on stdout, index.html, site.json, a vector tile and a
committee map fetched with urllib with their MIME types, `../` refused, a second server on the
same port refused with a clear message, Ctrl-C (SIGINT) stops it cleanly (exit 0). Then `serve
PARK` publishes into a temporary folder first and removes it when stopped. `publish --reports`
puts the committee maps of `report` into the site and site.json lists them; with the public
profile it is refused and nothing is written."""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import run_cli_tests as cli


def _start(t, *args):
    """Starts `parkatlas serve ARGS --port 0`; returns (process, url) once the address is on its
    stdout (polled, generously: the CI machine is loaded), or (process, None)."""
    proc = subprocess.Popen([t.binary, "serve", *args, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            env=dict(os.environ, LC_ALL="C.UTF-8"))
    line = proc.stdout.readline().decode("utf-8", "replace").strip()
    return proc, (line if line.startswith("http://") else None)


def _stop(proc, timeout=60):
    """SIGINT, as Ctrl-C sends; returns (exit code, stderr)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
        return "TIMEOUT", err.decode("utf-8", "replace")
    return proc.returncode, err.decode("utf-8", "replace")


def _fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _raw(url, target):
    """GET `target` exactly as written (urllib would tidy it); returns the status line."""
    parts = urllib.parse.urlparse(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as conn:
        conn.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % target)
                     .encode())
        answer = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(), answer


def group_serve(t):
    sample = t.opts.sample
    gpkg = os.path.join(sample, "park.gpkg")
    if not os.path.isfile(gpkg):
        print("SKIP: the sample park is not there (%s)" % gpkg)
        return cli.SKIP
    work = t.opts.work
    help_run = t.run("serve", "--help")
    t.check(help_run.rc == 0 and "--bind" in help_run.out and "127.0.0.1" in help_run.out,
            "serve --help names --bind and 127.0.0.1", help_run)

    t.context = "publish --reports"
    site = os.path.join(work, "site")
    run = t.run("publish", gpkg, "--out", site, "--as-of", "2026-06-30", "--reports",
                "--layers", "boundary,parcels,plan_zones", timeout=600)
    if run.rc != 0 and "scripts/setup" in run.err:
        print("SKIP: MapLibre GL JS is not installed (scripts/setup)")
        return cli.SKIP
    if not t.sane_exit(run, 0):
        return None
    with open(os.path.join(site, "data", "site.json"), encoding="utf-8") as f:
        info = json.load(f)
    reports = info.get("reports", [])
    names = [r["zh"] for r in reports]
    t.check("用地现状图" in names and "规划符合性分析图" in names,
            "site.json lists the committee maps (%s)" % names, run)
    t.check(all(os.path.isfile(os.path.join(site, r["file"])) and r["en"] and r["bytes"] > 1000
                for r in reports), "each listed map is in the site, with its English name")
    t.check(re.search(r"\d+ committee map\(s\)", run.err) is not None, "stderr counts them", run)
    t.check(not [n for n in os.listdir(work) if n.startswith(".site")],
            "no temporary folder is left beside the site")

    t.context = "publish --profile public --reports"
    refused = os.path.join(work, "public-reports")
    run = t.run("publish", gpkg, "--out", refused, "--profile", "public", "--reports")
    t.sane_exit(run, 2)
    t.check("internal" in run.err and "owners" in run.err, "refused: the maps show owners", run)
    t.check(not os.path.exists(refused), "nothing written")

    t.context = "serve the site"
    proc, url = _start(t, site)
    if not t.check(url is not None and url.startswith("http://127.0.0.1:"),
                   "the address on stdout is on 127.0.0.1 (%s)" % url):
        _stop(proc)
        return None
    try:
        status, headers, body = _fetch(url)
        t.check(status == 200 and headers.get("Content-Type", "").startswith("text/html") and
                b"lib/maplibre-gl.js" in body, "/ is index.html, text/html")
        status, headers, body = _fetch(url + "data/site.json")
        t.check(status == 200 and headers.get("Content-Type") == "application/json" and
                json.loads(body)["title"] == info["title"], "site.json as application/json")
        status, headers, _body = _fetch(url + "lib/maplibre-gl.js")
        t.check(status == 200 and headers.get("Content-Type", "").startswith("text/javascript"),
                "MapLibre as text/javascript")
        with open(os.path.join(site, "data", "tiles.json"), encoding="utf-8") as f:
            tile = json.load(f)[0]
        with open(os.path.join(site, "tiles", tile + ".pbf"), "rb") as f:
            on_disk = f.read()
        status, headers, body = _fetch(url + "tiles/%s.pbf" % tile)
        gzipped = on_disk[:2] == b"\x1f\x8b"
        t.check(status == 200 and headers.get("Content-Type") == "application/x-protobuf",
                "a tile as application/x-protobuf (%s)" % headers.get("Content-Type"))
        if gzipped:
            import zlib
            t.check(body == zlib.decompress(on_disk, 31) and "Content-Encoding" not in headers,
                    "a gzip tile, inflated for a client that does not take gzip")
            status, headers, body = _fetch(url + "tiles/%s.pbf" % tile,
                                           {"Accept-Encoding": "gzip"})
            t.check(headers.get("Content-Encoding") == "gzip" and body == on_disk,
                    "the same tile gzip-encoded for a client that takes it")
        else:
            t.check(body == on_disk, "the tile's bytes")
        if reports:
            link = url + "/".join(urllib.parse.quote(p) for p in reports[0]["file"].split("/"))
            status, headers, body = _fetch(link)
            t.check(status == 200 and headers.get("Content-Type") == "application/pdf" and
                    body[:5] == b"%PDF-", "the committee map %s as application/pdf" % link)
        for target in ("/../park.gpkg", "/%2e%2e/%2e%2e/etc/passwd", "/tiles/../../x"):
            line, answer = _raw(url, target)
            t.check(line.startswith("HTTP/1.1 403") and b"SQLite" not in answer,
                    "%s is refused (%s)" % (target, line))
        line, _answer = _raw(url, "/tiles/")
        t.check(line.startswith("HTTP/1.1 404"), "no directory listing (%s)" % line)
        status, headers, _body = _fetch(url + "index.html",
                                        {"If-None-Match": _fetch(url)[1].get("ETag", "")})
        t.check(status == 304, "revalidation gets 304 (%s)" % status)

        port = urllib.parse.urlparse(url).port
        second = t.run("serve", site, "--port", str(port), timeout=60)
        t.sane_exit(second, 2)
        t.check("in use" in second.err and str(port) in second.err,
                "a second server on port %d: 'in use'" % port, second)
    finally:
        rc, err = _stop(proc)
    t.check(rc == 0 and "stopped" in err, "Ctrl-C stops it cleanly (exit %s)" % rc)

    t.context = "serve PARK (publish, then serve)"
    proc, url = _start(t, gpkg, "--profile", "public", "--as-of", "2026-06-30")
    folder = None
    try:
        if t.check(url is not None, "it publishes and prints the address"):
            status, _headers, body = _fetch(url + "data/site.json")
            t.check(status == 200 and json.loads(body)["profile"] == "public",
                    "the public profile it was asked for")
    finally:
        rc, err = _stop(proc, timeout=300)
    found = re.search(r"serving (\S+parkatlas-serve-\w+)", err)
    folder = found.group(1) if found else None
    t.check(rc == 0 and folder is not None and not os.path.exists(folder),
            "stopped, and its temporary site %s is removed" % folder)

    t.context = "serve: bad input"
    for args, what in (([os.path.join(work, "nowhere")], "a folder that is not there"),
                       ([site, "--port", "http"], "a port that is no number"),
                       ([site, "--port", "70000"], "a port out of range"),
                       ([site, "--profile", "public"], "--profile with a site")):
        run = t.run("serve", *args, timeout=60)
        t.sane_exit(run, 2)
        t.check(run.err.strip() != "", "%s: a message" % what, run)
    t.context = ""
    return None
