"""Group `monitor`: `parkatlas monitor` (开发区土地集约利用监测统计) on the sample park, whose
monitoring tables data/sample/README.md lists (checked there by hand with ogrinfo -dialect sqlite
sums), in every format; under a Chinese locale; with an economy file in JSON and its bad inputs
(an unknown key, a negative and a masked figure); and usage errors."""

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile

import run_cli_tests as cli


def _table(doc, table_id):
    return next(t for t in doc["tables"] if t["id"] == table_id)


def _row(table, key):
    first = table["columns"][0]["key"]
    return next(r for r in table["rows"] if r.get(first) == key)


def _close(a, b, tolerance=0.005):
    return a is not None and b is not None and abs(a - b) <= tolerance


def group_monitor(t):
    park = os.path.join(t.opts.sample, "park.gpkg")
    if not os.path.isfile(park):
        print("SKIP: the sample park is not there")
        return cli.SKIP

    t.context = "monitor park.gpkg --year 2026 --format json"
    run = t.run("monitor", park, "--year", "2026", "--format", "json", "--plots")
    if t.sane_exit(run, 0):
        doc = run.json()
        t.check([x["id"] for x in doc["tables"]] == ["land", "supply", "buildings", "economy",
                                                    "indicators", "potential", "plots"],
                "the tables in the report's order", run)
        land = _table(doc, "land")
        # data/sample/README.md, 监测统计: the numbers checked with ogrinfo -dialect sqlite.
        t.check(_close(_row(land, "A")["area_mu"], 19948.26), "A = 19948.26 mu (437 plots)", run)
        t.check(_row(land, "A")["count"] == 437, "437 built plots", run)
        t.check(_close(_row(land, "A2")["area_mu"], 19443.84), "A2 = 19443.84 mu", run)
        t.check(_close(_row(land, "B11")["area_mu"], 2674.66), "B11 = 2674.66 mu (60 plots)",
                run)
        t.check(_close(_row(land, "B21")["area_mu"], 8935.38), "B21 = 8935.38 mu", run)
        t.check(_close(_row(land, "C")["area_mu"], 178.64), "C = 178.64 mu", run)
        t.check(_close(land["total"]["area_mu"], 37405.52),
                "total = 核准范围 not covered by plots (14733.89) + every plot (22671.63)", run)
        supply = _table(doc, "supply")
        t.check(_close(_row(supply, "D")["area_mu"], 22671.63), "D = every plot", run)
        t.check(_close(_row(supply, "G")["area_mu"], 150.15), "G = the two 认定 plots", run)
        indicators = _table(doc, "indicators")
        rate = _row(indicators, "land_development_rate")
        t.check(abs(rate["value"] - 100 * (19948.2612 + 8935.3840) / (19948.2612 + 17229.9131))
                < 0.01, "土地开发率 = (A + B21) / (A + B)", run)
        t.check(_row(indicators, "zone_type")["value"] == "工业主导型", "工业主导型", run)
        t.check(_row(indicators, "population_density")["value"] is None,
                "人口密度 without an economy file: unknown, not zero", run)
        t.check(rate["previous"] is None and rate["change"] is None,
                "no history: no year-on-year change", run)
        plots = _table(doc, "plots")
        unknown = [r for r in plots["rows"] if r["source"] == "parcels" and not r["land_class"]]
        t.check(len(unknown) == 1 and unknown[0]["fid"] == "481" and "status" in unknown[0]["why"],
                "the plot without a status is not classed, and says why", run)
        t.check("status unknown" in run.err, "and it is on stderr", run)

    t.context = "monitor with an economy file"
    economy = os.path.join(t.opts.work, "economy.json")
    with open(economy, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2026, "figures": {"industrial_investment": 12000000, '
                 '"tax_industry": 900000, "tax_secondary": 950000, "tax_tertiary": 150000, '
                 '"population": 41000}}')
    run = t.run("monitor", park, "--year", "2026", "--economy", economy, "--format", "json")
    if t.sane_exit(run, 0):
        indicators = _table(run.json(), "indicators")
        a2_ha = 19443.84 / 15
        t.check(abs(_row(indicators, "industrial_investment_intensity")["value"]
                    - 12000000 / a2_ha) < 0.5, "投入强度 = 投资 / A2 (万元/公顷)", run)
        t.check(abs(_row(indicators, "population_density")["value"] - 41000 / (19948.26 / 15))
                < 0.01, "人口密度 = 常住人口 / A", run)
        t.check(run.err.strip() == "" or "economy" not in run.err, "a clean file says nothing",
                run)

    t.context = "monitor with a bad economy file"
    bad = os.path.join(t.opts.work, "bad-economy.json")
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write('{"figures": {"populaton": 41000, "tax_industry": -3, "tax_secondary": "**"}}')
    run = t.run("monitor", park, "--year", "2026", "--economy", bad, "--format", "json")
    if t.sane_exit(run, 0):
        t.check("bad-economy.json" in run.err and "populaton" in run.err,
                "the unknown key is named with the file", run)
        t.check("tax_industry" in run.err and "negative" in run.err, "the negative figure", run)
        t.check("tax_secondary" in run.err and "masked" in run.err, "the masked figure", run)
        economy_rows = _table(run.json(), "economy")["rows"]
        t.check(all(r["value"] is None for r in economy_rows), "all unknown, none zero", run)

    t.context = "monitor --format csv and xlsx"
    run = t.run("monitor", park, "--year", "2026", "--format", "csv")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV with a BOM", run)
        rows = list(csv.reader(io.StringIO(run.out.lstrip("\ufeff"))))
        t.check(any(r and r[0] == "A2" for r in rows), "the class rows", run)
    book = os.path.join(t.opts.work, "monitor.xlsx")
    run = t.run("monitor", park, "--year", "2026", "--format", "xlsx", "--out", book)
    if t.sane_exit(run, 0):
        with zipfile.ZipFile(book) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        t.check(len(sheets) == 6, "six sheets", run)

    t.context = "monitor under zh_CN.UTF-8"
    env = dict(os.environ, LC_ALL="zh_CN.UTF-8", LANG="zh_CN.UTF-8")
    proc = subprocess.run([t.binary, "monitor", park, "--year", "2026"], capture_output=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=cli.TIMEOUT)
    out = proc.stdout.decode("utf-8", "replace")
    t.check(proc.returncode == 0 and "已建成城镇建设用地" in out and "面积（亩）" in out
            and "表一 土地利用状况" in out, "Chinese headers and class names:\n" + out[:400])

    t.context = "map --template 监测统计图"
    png = os.path.join(t.opts.work, "监测统计图.png")
    run = t.run("map", park, "--template", "监测统计图", "--out", png, "--dpi", "50",
                timeout=120)
    if t.sane_exit(run, 0):
        with open(png, "rb") as fh:
            t.check(fh.read(8) == b"\x89PNG\r\n\x1a\n", "a PNG is written", run)

    t.context = "report --year 2026: the monitoring tables and map in the committee pack"
    # The pack is in Chinese; both as of today (in 2026, the year running or ended).
    csv_run = subprocess.run([t.binary, "monitor", park, "--year", "2026", "--format", "csv",
                              "--plots"], capture_output=True, env=env,
                             stdin=subprocess.DEVNULL, timeout=cli.TIMEOUT)
    pack = os.path.join(t.opts.work, "monitor_pack")
    shutil.rmtree(pack, ignore_errors=True)
    run = t.run("report", park, "--out", pack, "--year", "2026", "--paper", "A4", timeout=300)
    t.check(csv_run.returncode == 0, "monitor --format csv --plots under zh_CN", run)
    if t.sane_exit(run, 0) and csv_run.returncode == 0:
        names = sorted(os.listdir(pack))
        t.check("06_监测统计图.pdf" in names, "the map 监测统计图 after the five maps: %s" % names, run)
        with open(os.path.join(pack, "06_监测统计图.pdf"), "rb") as fh:
            t.check(fh.read(5) == b"%PDF-", "a PDF", run)
        with open(os.path.join(pack, "monitor_2026.csv"), "rb") as fh:
            t.check(fh.read() == csv_run.stdout,
                    "monitor_2026.csv is what monitor --plots --format csv prints", run)
        t.check("monitor_2026.xlsx" in names, "and its workbook", run)
    run = t.run("report", park, "--out", pack + "2", "--economy", "x.json")
    t.check(run.rc == 2 and "--economy goes with --year" in run.err, "--economy needs --year", run)

    t.context = "monitor usage"
    for args, what in ((["monitor", park], "--year is required"),
                       (["monitor", park, "--year", "20x6"], "a year that does not parse"),
                       (["monitor", park, "--year", "2999"], "a year in the future"),
                       (["monitor", park, "--year", "2026", "--economy",
                         os.path.join(t.opts.work, "none.json")], "a missing economy file")):
        run = t.run(*args)
        if t.sane_exit(run, 2):
            t.check(run.err.strip() != "", what + " is said", run)
