"""Groups `diff` and `summary`: `parkatlas diff` on the sample park and its second half-year
(data/sample/park-2026H2.gpkg, whose changes data/sample/README.md lists), in three formats and
with --out CHANGES.gpkg; the same park in another CRS; and `parkatlas summary` with targets in
JSON and XLSX, and its bad inputs (a period that does not parse, one in the future, an unknown
indicator)."""

import csv
import hashlib
import io
import os
import sqlite3
import zipfile

import run_cli_tests as cli


def _md5(path):
    with open(path, "rb") as fh:
        return hashlib.md5(fh.read()).hexdigest()


def _items(doc, role, kind):
    return doc["layers"][role][kind]


def _table(ledger, table_id):
    return next(t for t in ledger["tables"] if t["id"] == table_id)


def _row(table, key):
    first = table["columns"][0]["key"]
    return next(r for r in table["rows"] + [table.get("total") or {}] if r.get(first) == key)


def _sample(t):
    old = os.path.join(t.opts.sample, "park.gpkg")
    new = os.path.join(t.opts.sample, "park-2026H2.gpkg")
    if not (os.path.isfile(old) and os.path.isfile(new)):
        print("SKIP: the sample park or its second half-year is not there")
        return None
    return old, new


def group_diff(t):
    paths = _sample(t)
    if not paths:
        return cli.SKIP
    old, new = paths
    before = (_md5(old), _md5(new))
    changes = os.path.join(t.opts.work, "changes.gpkg")

    t.context = "diff park.gpkg park-2026H2.gpkg --format json --out changes.gpkg"
    run = t.run("diff", old, new, "--format", "json", "--audit-date", "2026-12-31",
                "--out", changes)
    if t.sane_exit(run, 0):
        doc = run.json()
        parcels = doc["layers"]["parcels"]
        t.check([i["id"] for i in parcels["added"]] == ["QL2026-101"], "one parcel added", run)
        t.check(parcels["removed"] == [], "no parcel removed: the split and the merge are items "
                "of their own", run)
        split = [i for i in parcels["changed"] if i.get("relation") == "split"]
        merge = [i for i in parcels["changed"] if i.get("relation") == "merge"]
        t.check(len(split) == 1 and split[0]["from"] == ["QL2014-001"]
                and split[0]["to"] == ["QL2014-001-1", "QL2014-001-2"]
                and split[0]["id"] == "QL2014-001", "the split names its ids", run)
        t.check(len(merge) == 1 and merge[0]["from"] == ["QL2011-001", "QL2011-002"]
                and merge[0]["to"] == ["QL2011-001"], "the merge names its ids", run)
        if split:
            old_mu, new_mu = split[0]["area_mu"]
            t.check(abs(old_mu - new_mu) < 1e-6, "the halves add up to the plot (%r, %r)"
                    % (old_mu, new_mu))
        started = next((i for i in parcels["changed"] if i["id"] == "QL2024-014"), None)
        t.check(started is not None and started["fields"].get("act_start") == [None, "2026-08-18"]
                and started["geometry_changed"] is False,
                "the started plot: act_start unknown → 2026-08-18, geometry the same", run)
        t.check(any("QL2016-001 (2 old, 2 new)" in n for n in parcels["notes"]),
                "the sample's duplicated parcel_id is named and matched by geometry", run)
        acq = _items(doc, "acquisition", "changed")
        t.check(sorted(i["id"] for i in acq) == ["QLZD2023-01", "QLZD2023-02", "QLZD2023-03",
                                                 "QLZD2025-01", "QLZD2025-02"],
                "five acquisition batches moved on", run)
        roads = _items(doc, "roads", "changed")
        t.check([i["id"] for i in roads] == ["2021-DL01标段 · 经七路"]
                and roads[0]["fields"].get("progress") == [53, 100], "one road built", run)
        t.check(doc["layers"]["buildings"]["counts"]["unchanged"] == 999,
                "every building unchanged (matched by fid)", run)
        progress = doc["progress"]
        settled = _row(_table(progress, "settled"), "新安置 settled")
        # README: QLZD2025-01 85 户 303 人, QLZD2025-02 144 户 500 人 (签约 → 补偿).
        t.check(settled["households"] == 85 + 144 and settled["persons"] == 303 + 500,
                "households and persons settled are the README's sums (%r)" % settled)
        supply = _table(progress, "supply_by_land_use")
        t.check([r["ids"] for r in supply["rows"]] == ["QL2026-101"]
                and abs(supply["total"]["area_mu"] - parcels["added"][0]["area_mu"]) < 1e-9,
                "land supplied: the added plot, its area", run)
        projects = _table(progress, "projects")
        t.check([_row(projects, k)["ids"] for k in ("新开工 started", "停工 stopped",
                                                   "竣工投产 completed")]
                == ["QL2024-014", "QL2022-002", "QL2023-001"], "projects started, stopped, "
                "completed", run)
        idle = _table(progress, "idle")
        t.check(_row(idle, "新认定 identified")["ids"] == "XZ2026-004"
                and _row(idle, "新处置 disposed")["ids"] == "PW2024-001", "idle cases", run)
        works = _table(progress, "works_by_class")
        road = _row(works, "道路·支路")
        t.check(abs(road["km_built_period"] - (road["km_built_now"] - road["km_built_then"]))
                < 1e-9 and road["ids"] == "2021-DL01标段 · 经七路", "km built this period", run)
        findings = _table(progress, "findings")
        resolved = _row(findings, "idle_not_started")
        t.check(resolved["resolved"] == 1 and resolved["resolved_ids"] == "QL2024-014",
                "the idle plot that started is resolved", run)
    t.check((_md5(old), _md5(new)) == before, "the inputs are unchanged")
    if os.path.isfile(changes):
        db = sqlite3.connect(changes)
        kinds = dict(db.execute("select kind, count(*) from parcels group by kind").fetchall())
        t.check(kinds == {"新增": 1, "变更": 5}, "CHANGES.gpkg parcels: 1 新增, 5 变更 (%r)" % kinds)
        roles = sorted(r[0] for r in db.execute("select table_name from gpkg_contents"))
        t.check(roles == ["acquisition", "idle_land", "parcels", "roads"],
                "a layer per role with changes (%r)" % roles)
        db.close()
    else:
        t.check(False, "--out wrote changes.gpkg")

    t.context = "diff --out on an existing file"
    run = t.run("diff", old, new, "--no-findings", "--out", changes)
    t.sane_exit(run, 2)
    t.check("--overwrite" in run.err, "says to add --overwrite", run)

    t.context = "diff --format csv"
    run = t.run("diff", old, new, "--format", "csv", "--no-findings")
    if t.sane_exit(run, 0):
        t.check(run.raw_out.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM")
        rows = list(csv.reader(io.StringIO(run.out.lstrip("\ufeff"))))
        t.check(rows[0][:3] == ["role", "change", "kind"], "header", run)
        t.check(sum(1 for r in rows if r[:2] == ["parcels", "changed"]) == 5,
                "five changed parcel items", run)

    t.context = "diff with the new park in EPSG:4326"
    lonlat = os.path.join(t.opts.work, "h2-4326.gpkg")
    conv = t.run("convert", new, lonlat, "--t-srs", "EPSG:4326")
    if t.sane_exit(conv, 0):
        run = t.run("diff", old, lonlat, "--format", "json", "--no-findings")
        if t.sane_exit(run, 0):
            doc = run.json()
            t.check(any("transformed from EPSG:4326 to EPSG:4547" in n for n in doc["notes"]),
                    "says the new park was transformed", run)
            parcels = doc["layers"]["parcels"]
            t.check(len(parcels["changed"]) == 5 and len(parcels["added"]) == 1
                    and parcels["counts"]["unchanged"] == 492,
                    "the same changes as in one CRS (%d changed, %d unchanged)"
                    % (len(parcels["changed"]), parcels["counts"]["unchanged"]), run)

    t.context = "map --template 变化图 --previous"
    if t.run("map", "--help").rc == 0:  # the build has maps (not the sanitizer build)
        png = os.path.join(t.opts.work, "change.png")
        run = t.run("map", new, "--previous", old, "--template", "变化图", "--out", png,
                    "--dpi", "60")
        if t.sane_exit(run, 0):
            with open(png, "rb") as fh:
                t.check(fh.read(8) == b"\x89PNG\r\n\x1a\n", "a PNG", run)
        run = t.run("map", new, "--template", "变化图", "--out", png + "2.png")
        t.sane_exit(run, 2)
        t.check("--previous" in run.err and not os.path.exists(png + "2.png"),
                "a change map without --previous says what it needs, writes nothing", run)
        run = t.run("map", new, "--previous", old, "--out", png + "3.png")
        t.sane_exit(run, 2)
        t.check("change map" in run.err, "--previous without a change map is refused", run)

    t.context = "report --period --previous"
    if t.run("report", "--help").rc == 0:
        pack = os.path.join(t.opts.work, "pack")
        run = t.run("report", new, "--out", pack, "--period", "2026H2", "--previous", old,
                    "--as-of", "2026-12-31")
        if t.sane_exit(run, 0):
            names = sorted(os.listdir(pack))
            t.check("06_变化图.pdf" in names and "summary_2026H2.csv" in names
                    and "summary_2026H2.xlsx" in names,
                    "the pack has the change map and the summary (%r)" % names, run)
            with open(os.path.join(pack, "summary_2026H2.csv"), encoding="utf-8-sig") as fh:
                t.check("QL2026-101" in fh.read(), "the summary traces land supplied", run)
        run = t.run("report", new, "--out", pack + "2", "--previous", old)
        t.sane_exit(run, 2)
        t.check("--period" in run.err and not os.path.exists(pack + "2"),
                "--previous without --period is refused, nothing written", run)

    t.context = "diff usage"
    run = t.run("diff", old)
    t.sane_exit(run, 2)
    run = t.run("diff", old, new, "--format", "xml")
    t.sane_exit(run, 2)
    t.check("--format" in run.err, "names --format", run)
    run = t.run("diff", old, os.path.join(t.opts.work, "missing.gpkg"))
    t.sane_exit(run, 2)
    t.check("missing.gpkg" in run.err, "names the missing park", run)
    return None


def _write_xlsx(path, rows):
    """A minimal workbook, one sheet, inline strings and numbers."""
    def cell(ref, value):
        if isinstance(value, (int, float)):
            return '<c r="%s"><v>%s</v></c>' % (ref, value)
        return '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, value)
    sheet_rows = "".join(
        '<row r="%d">%s</row>' % (i + 1, "".join(cell("%s%d" % ("AB"[j], i + 1), v)
                                                 for j, v in enumerate(row)))
        for i, row in enumerate(rows))
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
            'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="目标" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
            '"worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'
            % sheet_rows,
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)


def group_summary(t):
    paths = _sample(t)
    if not paths:
        return cli.SKIP
    old, new = paths
    targets = os.path.join(t.opts.work, "targets.json")
    with open(targets, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2026, "targets": {"supplied_mu": 600, "started_projects": 10, '
                 '"settled_households": 200}}')

    t.context = "summary park-2026H2.gpkg --period 2026H2 --previous park.gpkg --targets"
    run = t.run("summary", new, "--period", "2026H2", "--previous", old, "--targets", targets,
                "--format", "json")
    if t.sane_exit(run, 0):
        table = _table(run.json(), "summary")
        supplied = _row(table, "supplied_mu")
        t.check(supplied["ids"] == "QL2026-101", "supplied in 2026H2: the new plot", run)
        t.check(abs(supplied["completion_pct"] - 100 * supplied["year_to_date"] / 600) < 1e-9,
                "完成率 = year to date / target", run)
        t.check(supplied["year_to_date"] > supplied["period"], "the year to date holds the "
                "first half too", run)
        started = _row(table, "started_projects")
        t.check(started["period"] == 1 and started["ids"] == "QL2024-014", "one project "
                "started in the period (act_start 2026-08-18)", run)
        if started["same_period_last_year"]:
            t.check(abs(started["yoy_pct"] - 100 * (1 - started["same_period_last_year"])
                        / started["same_period_last_year"]) < 1e-9, "同比", run)
        households = _row(table, "settled_households")
        t.check(households["period"] == 229 and households["target"] == 200
                and households["year_to_date"] is None,
                "households settled, from the comparison; no year to date from July", run)
        road = _row(table, "road_km_built")
        t.check(road["ids"] == "2021-DL01标段 · 经七路" and road["period"] > 0, "road built",
                run)

    t.context = "summary without --previous"
    run = t.run("summary", new, "--period", "2026-09", "--format", "json")
    if t.sane_exit(run, 0):
        table = _table(run.json(), "summary")
        t.check(_row(table, "supplied_mu")["ids"] == "QL2026-101", "supplied in September", run)
        t.check(_row(table, "settled_households")["period"] is None,
                "figures that need the previous park are unknown, not 0", run)

    t.context = "summary --targets XLSX"
    xlsx = os.path.join(t.opts.work, "targets.xlsx")
    _write_xlsx(xlsx, [["indicator", "target"], ["supplied_mu", 600], ["road_km_built", 2]])
    run = t.run("summary", new, "--period", "2026H2", "--targets", xlsx, "--format", "json")
    if t.sane_exit(run, 0):
        table = _table(run.json(), "summary")
        t.check(_row(table, "supplied_mu")["target"] == 600
                and _row(table, "road_km_built")["target"] == 2, "targets read from XLSX", run)

    t.context = "summary --format xlsx --out"
    out = os.path.join(t.opts.work, "summary.xlsx")
    run = t.run("summary", new, "--period", "2026Q4", "--format", "xlsx", "--out", out)
    if t.sane_exit(run, 0):
        t.check(zipfile.is_zipfile(out), "a workbook", run)

    t.context = "summary bad inputs"
    for period, words in (("2026H3", "is not a period"), ("2026-13", "is not a period"),
                          ("H2", "is not a period"), ("2099H1", "after today")):
        run = t.run("summary", new, "--period", period)
        t.sane_exit(run, 2)
        t.check(words in run.err and period in run.err, "--period %s: %s" % (period, words), run)
    run = t.run("summary", new)
    t.sane_exit(run, 2)
    t.check("--period" in run.err, "--period is required", run)
    bad = os.path.join(t.opts.work, "bad-targets.json")
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2026, "targets": {"supplied_mu": 600, "gdp_growth": 7}}')
    run = t.run("summary", new, "--period", "2026H2", "--targets", bad)
    t.sane_exit(run, 2)
    t.check("gdp_growth" in run.err and "bad-targets.json" in run.err and "supplied_mu" in run.err,
            "an unknown indicator is named, with the file and the known ones", run)
    _write_xlsx(xlsx, [["indicator", "target"], ["supplied_mu", "lots"]])
    run = t.run("summary", new, "--period", "2026H2", "--targets", xlsx)
    t.sane_exit(run, 2)
    t.check("supplied_mu" in run.err and "not a number" in run.err, "a target that is not a "
            "number is named", run)
    with open(bad, "w", encoding="utf-8") as fh:
        fh.write('{"year": 2025, "targets": {"supplied_mu": 600}}')
    run = t.run("summary", new, "--period", "2026H2", "--targets", bad)
    t.sane_exit(run, 2)
    t.check("2025" in run.err and "2026H2" in run.err, "targets of another year", run)
    return None
