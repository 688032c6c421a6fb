"""Group `monitor`: `parkatlas monitor` (开发区土地集约利用监测统计) on the sample park, whose
monitoring tables data/sample/README.md lists (checked there by hand with ogrinfo -dialect sqlite
sums), in every format; under a Chinese locale; with an economy file in JSON and its bad inputs
(an unknown key, a negative and a masked figure); and usage errors. Then on a copy of the sample
that keeps history (imported, with dated edits): the previous-year column against a hand
computation from the plots the edits touched, and --as-of."""

import csv
import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
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
        t.check(_close(_row(land, "A")["area_mu"], 22803.42),
                "A = 22803.42 mu (437 plots, 33 pieces of built road)", run)
        t.check(_row(land, "A")["count"] == 470, "437 built plots and 33 road pieces", run)
        t.check(_close(_row(land, "A5")["area_mu"], 2855.16) and _row(land, "A5")["count"] == 33,
                "A5 = 2855.16 mu: the red lines of the 竣工 roads outside every plot", run)
        t.check(_close(_row(land, "A2")["area_mu"], 19443.84), "A2 = 19443.84 mu", run)
        t.check(_close(_row(land, "B11")["area_mu"], 3138.05),
                "B11 = 3138.05 mu (60 plots, 7 pieces of road being built)", run)
        t.check(_close(_row(land, "B21")["area_mu"], 6156.16), "B21 = 6156.16 mu", run)
        t.check(_close(_row(land, "C")["area_mu"], 178.64), "C = 178.64 mu", run)
        t.check(_close(land["total"]["area_mu"], 37405.52),
                "total = 核准范围 not covered by plots (14733.89) + every plot (22671.63)", run)
        supply = _table(doc, "supply")
        t.check(_close(_row(supply, "D")["area_mu"], 25990.17), "D = every plot and road", run)
        t.check(_close(_row(supply, "D1")["area_mu"], 3318.54), "D1 = the roads (划拨)", run)
        t.check(_close(_row(supply, "G")["area_mu"], 150.15), "G = the two 认定 plots", run)
        indicators = _table(doc, "indicators")
        rate = _row(indicators, "land_development_rate")
        a, b = _row(land, "A")["area_mu"], _row(land, "B")["area_mu"]
        t.check(abs(rate["value"] - 100 * (a + _row(land, "B21")["area_mu"]) / (a + b)) < 0.01,
                "土地开发率 = (A + B21) / (A + B)", run)
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
        t.check(abs(_row(indicators, "population_density")["value"] - 41000 / (22803.42 / 15))
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

    t.context = "monitor usage"
    for args, what in ((["monitor", park], "--year is required"),
                       (["monitor", park, "--year", "20x6"], "a year that does not parse"),
                       (["monitor", park, "--year", "2999"], "a year in the future"),
                       (["monitor", park, "--year", "2026", "--economy",
                         os.path.join(t.opts.work, "none.json")], "a missing economy file")):
        run = t.run(*args)
        if t.sane_exit(run, 2):
            t.check(run.err.strip() != "", what + " is said", run)
    if not _draws(t):
        print("map and report: not in this build (PARKATLAS_BUILD_GUI=OFF), their part skipped")
        return
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


def _draws(t):
    """Whether this build draws (map and report are in parkatlas-maps, built with the GUI)."""
    return t.run("map", "--help").rc == 0


def _plot(doc, plot_id):
    return next(r for r in _table(doc, "plots")["rows"]
                if r["source"] == "parcels" and r["id"] == plot_id)


def _history_park(t):
    """The sample imported into a park that keeps history, created 2025-03-10; then, in 2026, plot
    QL2024-001 (在建, 100101) is finished (已投产, 2026-06-20) and idle case XZ2026-004 (plot
    QL2022-002, 调查) is 认定 (2026-04-01). Returns the park's path, or None."""
    work = tempfile.mkdtemp(prefix="monitor-history-", dir=t.opts.work)
    park = os.path.join(work, "park.gpkg")
    run = t.run("import", os.path.join(t.opts.sample, "park.gpkg"), "--out", park)
    if not t.sane_exit(run, 0):
        return None
    con = sqlite3.connect(park)
    for table in [x for x in cli.gpkg_tables(park) if x.endswith("_history")]:
        con.execute('UPDATE "%s" SET hist_valid_to = \'2025-03-10T12:00:00Z\'' % table)
    con.commit()
    plot_fid = con.execute("SELECT fid FROM parcels WHERE parcel_id = 'QL2024-001' AND "
                           "status = '在建' AND land_use = '100101'").fetchone()
    case_fid = con.execute("SELECT fid FROM idle_land WHERE case_id = 'XZ2026-004' AND "
                           "stage = '调查' AND parcel_id = 'QL2022-002'").fetchone()
    con.close()
    if not t.check(plot_fid is not None and case_fid is not None,
                   "the sample has the plot and the idle case the test edits"):
        return None
    cli.gpkg_simulated_edit(park, case_fid[0], {"stage": "认定"}, "carol", "2026-04-01",
                            table="idle_land")
    cli.gpkg_simulated_edit(park, plot_fid[0], {"status": "已投产"}, "bob", "2026-06-20")
    return park


def group_monitor_history(t):
    """monitor on a park that keeps history: the previous year (the park as of 2025-12-31) is
    read from the history and each figure's previous value and change (percentage points) is
    what the two edits of 2026 make of this year's figures, computed here by hand."""
    if not os.path.isfile(os.path.join(t.opts.sample, "park.gpkg")):
        print("SKIP: the sample park is not there")
        return cli.SKIP
    park = _history_park(t)
    if not park:
        return 1

    t.context = "monitor --year 2026 on a park with history"
    run = t.run("monitor", park, "--year", "2026", "--format", "json", "--plots")
    if t.sane_exit(run, 0):
        doc = run.json()
        land, supply = _table(doc, "land"), _table(doc, "supply")
        indicators = _table(doc, "indicators")
        a, a2 = _row(land, "A")["area_mu"], _row(land, "A2")["area_mu"]
        d, g = _row(supply, "D")["area_mu"], _row(supply, "G")["area_mu"]
        finished, idle = _plot(doc, "QL2024-001"), _plot(doc, "QL2022-002")
        t.check(finished["land_class"] == "A2" and idle["idle"] == "G",
                "this year: the finished plot is A2, the 认定 one is G", run)
        a_p, g_p = finished["area_mu"], idle["area_mu"]
        # The year before: the finished plot was B (B11, B21), the idle one not G.
        expected = {
            "land_built_rate": 100 * (a - a_p) / d,
            "industrial_land_rate": 100 * (a2 - a_p) / (a - a_p),
            "idle_land_rate": 100 * (g - g_p) / d,
            # (A + B21) / (A + B): a plot moving from B21 to A changes neither sum.
            "land_development_rate": _row(indicators, "land_development_rate")["value"],
            "land_supply_rate": _row(indicators, "land_supply_rate")["value"],
        }
        for key, previous in expected.items():
            row = _row(indicators, key)
            t.check(row["previous"] is not None and abs(row["previous"] - previous) < 0.005,
                    "%s: last year %.4f (by hand %.4f)" % (key, row["previous"] or -1, previous),
                    run)
            t.check(row["change"] is not None
                    and abs(row["change"] - (row["value"] - row["previous"])) < 1e-9,
                    "%s: the change is this year less last year, in points" % key, run)
        t.check(abs(_row(indicators, "land_built_rate")["change"] - 100 * a_p / d) < 0.005,
                "土地建成率 rose by the finished plot's share of D", run)
        # The statistical date is 31 December, or today while 2026 runs; the year before is
        # the same day of 2025.
        day = min(datetime.date(2026, 12, 31), datetime.date.today())
        before = day.replace(year=2025).isoformat()
        t.check(any(before in n for n in doc.get("notes", [])),
                "a note says the year before is the park as of %s" % before, run)

    t.context = "the year before read as a park of its own"
    before = t.run("monitor", park, "--year", "2025", "--format", "json")
    now = t.run("monitor", park, "--year", "2026", "--format", "json")
    if t.sane_exit(before, 0) and t.sane_exit(now, 0):
        last_year = {r["key"]: r["value"] for r in _table(before.json(), "indicators")["rows"]}
        for r in _table(now.json(), "indicators")["rows"]:
            if r.get("previous") is not None:
                t.check(abs(r["previous"] - last_year[r["key"]]) < 1e-9,
                        "%s: previous is monitor --year 2025's figure" % r["key"], now)

    t.context = "report --year 2025: a year that has ended is counted on the park of its end"
    pack = os.path.join(os.path.dirname(park), "report-2025")
    run = t.run("report", park, "--out", pack, "--year", "2025") if _draws(t) else None
    if run is None:
        print("report: not in this build (PARKATLAS_BUILD_GUI=OFF), its part skipped")
    elif t.sane_exit(run, 0) and before.rc == 0:
        # The first table of monitor_2025.csv (表一, by land class, to its 合计): code → 亩.
        with open(os.path.join(pack, "monitor_2025.csv"), encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))[2:]
        in_pack = {}
        for row in rows:
            if len(row) < 3 or row[0] == "合计":
                break
            in_pack.setdefault(row[0], float(row[2]))
        land = _table(before.json(), "land")
        first = land["columns"][0]["key"]
        by_monitor = {}
        for r in land["rows"]:
            by_monitor.setdefault(r[first], r["area_mu"])
        t.check(in_pack and all(abs(in_pack[k] - by_monitor[k]) < 0.005 for k in in_pack),
                "the pack's 2025 tables are monitor --year 2025's (A2 %s against %s)" %
                (in_pack.get("A2"), by_monitor.get("A2")), run)
        t.check(abs(in_pack.get("A2", 0) - _row(_table(now.json(), "land"), "A2")["area_mu"])
                > 0.005, "and not today's park (the plot finished in 2026 is not A2)", run)

    t.context = "monitor --as-of: the statistical date inside the year"
    run = t.run("monitor", park, "--as-of", "2026-05-01", "--format", "json", "--plots")
    dated = t.run("monitor", park + "@2026-05-01", "--year", "2026", "--format", "json",
                  "--plots")
    if t.sane_exit(run, 0) and t.sane_exit(dated, 0) and now.rc == 0:
        doc = run.json()
        t.check(doc["notes"][0].startswith("统计时点 2026-05-01"),
                "the statistical date is --as-of (%s)" % doc["notes"][0], run)
        t.check(_plot(doc, "QL2024-001")["land_class"] == "B"
                and _plot(doc, "QL2022-002")["idle"] == "G",
                "on 2026-05-01 the plot was still being built, the idle case already 认定", run)
        indicators = _table(doc, "indicators")
        year_end = _table(now.json(), "indicators")
        t.check(abs(_row(indicators, "land_built_rate")["value"]
                    - _row(year_end, "land_built_rate")["previous"]) < 1e-9,
                "土地建成率 on 2026-05-01 is the one before the plot was finished", run)
        t.check(any("2025-05-01" in n for n in doc["notes"]),
                "the year before is the same day of 2025", run)
        t.check(run.out == dated.out, "PARK@2026-05-01 --year 2026 says the same", dated)
    for args, words in ((["--as-of", "2026-05-01", "--year", "2025"], "not in --year 2025"),
                        (["--as-of", "2099-01-01"], "in the future"),
                        (["--as-of", "2026-13-01"], "not a date"),
                        (["--as-of", "2025-01-01"], "first recorded history"),
                        ([], "--year")):
        bad = t.run("monitor", park, *args)
        if t.sane_exit(bad, 2):
            t.check(words in bad.err, "%s: says %s" % (" ".join(args) or "no date", words), bad)
    bad = t.run("monitor", park + "@2026-05-01", "--as-of", "2026-05-02")
    if t.sane_exit(bad, 2):
        t.check("give one date" in bad.err, "two different dates are refused", bad)

    t.context = "year-on-year of the economic figures"
    economy = os.path.join(t.opts.work, "economy-2026.json")
    previous = os.path.join(t.opts.work, "economy-2025.json")
    with open(economy, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2026, "figures": {"industrial_investment": 12000000}}')
    with open(previous, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2025, "figures": {"industrial_investment": 11000000}}')
    run = t.run("monitor", park, "--year", "2026", "--economy", economy, "--format", "json")
    if t.sane_exit(run, 0):
        row = _row(_table(run.json(), "indicators"), "industrial_investment_intensity")
        t.check(row["value"] is not None and row["previous"] is None and row["change"] is None,
                "this year from the economy file, last year's from none: no change said", run)
    run = t.run("monitor", park, "--year", "2026", "--economy", economy, "--previous-economy",
                previous, "--format", "json")
    if t.sane_exit(run, 0):
        doc = run.json()
        row = _row(_table(doc, "indicators"), "industrial_investment_intensity")
        t.check(row["previous"] is not None
                and abs(row["previous"] / row["value"] - 11 / 12) < 0.01,
                "last year's from --previous-economy (11 against 12 million, A2 a little "
                "smaller last year)", run)
    return 0
