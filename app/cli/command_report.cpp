#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/map_export.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"

#include "app/report/committee_pack.h"

#include "geo/error.h"
#include "geo/io/history_read.h"
#include "geo/file_paths.h"
#include "geo/ledger/monitoring.h"
#include "geo/model/park.h"

#include <QString>

#include <optional>
#include <filesystem>
#include <iostream>

namespace parkatlas::cli {

namespace {

namespace fs = std::filesystem;
using geo::isEmptyDirectory;
using geo::utf8Path;

} // namespace

int runReport(const std::vector<std::string>& args)
{
    CommandLine cli(
        "report",
        "PARK --out DIR [--force] [--as-of YYYY-MM-DD] [--org O] [--date D] [--paper A4|A3|...] "
        "[--dpi N] [--method ellipsoidal|survey|planar] [--period P [--previous OLD] [--targets F]] "
        "[--year YYYY [--economy F]] [--maps-only]",
        "The committee pack (规委会、区长办公会) in one folder: the template maps as PDF "
        "(用地现状图, 规划符合性分析图, 闲置土地分布图, 征地进度图, 道路管网工程进度图; a map "
        "whose "
        "layer the park lacks is left out and said so), the ledgers (台账) as CSV (UTF-8 with "
        "BOM) and XLSX, the plan-check findings and the idle-land audit as CSV and GeoPackage, "
        "and 清单.txt listing what is there. The pack is written into a temporary folder beside "
        "DIR and renamed to DIR when complete, so DIR is either the whole pack or untouched. An "
        "existing DIR that is not empty is refused unless --force, which replaces it (the old one "
        "is removed only after the new one is in place).");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("out", "DIR", "the folder of the pack (required)");
    cli.addFlag("force", "replace DIR when it exists and is not empty");
    cli.addOption("as-of", "DATE", "the idle-land audit date, YYYY-MM-DD (default: today)");
    cli.addOption("org", "O", "the organisation (编制单位) in the maps' title block");
    cli.addOption("date", "D", "the date in the maps' title block (default: this month)");
    cli.addOption("paper", "P", "A4, A3 (default), A2, A1 or A0");
    cli.addOption("dpi", "N", "a finer grid than 600 DPI for the PDFs' map vertices");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    cli.addOption("period", "P",
                  "add the work summary of this period (2026H2, 2026Q3, 2026-10) to the pack");
    cli.addOption("previous", "OLD",
                  "the park at the start of the period: the summary's compared figures and the "
                  "change map 变化图 (with --period)");
    cli.addOption("targets", "FILE", "yearly targets for the summary, JSON or XLSX");
    cli.addOption("year", "YYYY",
                  "add the 开发区土地集约利用监测统计 of this year (see parkatlas monitor): its "
                  "tables and the map 监测统计图, for the park as of --as-of");
    cli.addOption("economy", "FILE", "the zone's economic figures for --year: JSON or XLSX");
    cli.addFlag("maps-only",
                "only the maps (PDF) and 清单.txt: no ledgers, tables, findings or indicators");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const std::string outText = cli.value("out");
    if (outText.empty())
        throw UsageError("--out DIR is required");
    const fs::path out = fs::absolute(utf8Path(outText)).lexically_normal();
    std::error_code error;
    const bool exists = fs::exists(out, error);
    if (exists && !fs::is_directory(out, error))
        throw UsageError("--out " + outText + " exists and is not a folder");
    if (exists && !isEmptyDirectory(out) && !cli.has("force"))
        throw UsageError("--out " + outText +
                         " exists and is not empty; add --force to replace it");
    geo::Date asOf = today();
    if (cli.has("as-of")) {
        const auto parsed = geo::Date::parse(cli.value("as-of"));
        if (!parsed)
            throw UsageError("--as-of '" + cli.value("as-of") + "' is not a date (YYYY-MM-DD)");
        asOf = *parsed;
    }
    const double dpi = dpiFrom(cli);
    const geo::AreaMethod method = areaMethodFrom(cli);
    render::PageLayout overrides;
    if (cli.has("paper")) {
        overrides.paper = QString::fromStdString(cli.value("paper")).toUpper();
        if (render::paperSizeMm(overrides.paper).isEmpty())
            throw UsageError("--paper must be A4, A3, A2, A1 or A0");
    }

    std::optional<geo::Period> period;
    if (cli.has("period")) {
        period = geo::Period::parse(cli.value("period"));
        if (!period)
            throw UsageError("--period '" + cli.value("period") +
                             "' is not a period: write 2026H1 / 2026H2, 2026Q1 … 2026Q4 or "
                             "2026-01 … 2026-12");
        if (asOf < period->from)
            throw UsageError("--period " + period->label + " starts on " +
                             period->from.toIso() + ", after " + asOf.toIso());
    } else if (cli.has("previous") || cli.has("targets")) {
        throw UsageError("--previous and --targets go with --period");
    }
    std::optional<geo::Targets> targets;
    if (cli.has("targets"))
        targets = geo::readTargets(cli.value("targets"));

    IssuePrinter issues;
    const std::string source = cli.positional("PARK");
    const auto session = openSessionFrom(cli, source);
    const std::shared_ptr<const geo::Park> park = readPark(*session, {}, issues);
    std::shared_ptr<const geo::Park> previous;
    geo::ParkDiff diff;
    if (cli.has("previous")) {
        // The pages draw the session's park: the previous one goes into its CRS.
        ChangesSince since = changesSince(cli, cli.value("previous"), *park, method, issues,
                                          "report");
        previous = std::move(since.previous);
        diff = std::move(since.diff);
    }
    std::optional<geo::MonitoringReport> monitoring;
    if (cli.has("year")) {
        const int year = monitoringYear(cli);
        if (year > asOf.year())
            throw UsageError("--year " + std::to_string(year) + " is after --as-of " +
                             asOf.toIso());
        geo::MonitoringOptions monitoringOptions;
        monitoringOptions.areaMethod = method;
        const geo::Date yearEnd = geo::Date::fromYmd(year, 12, 31);
        monitoringOptions.statisticsDate = yearEnd < asOf ? yearEnd : asOf;
        // A year that has ended is counted on the park as it was on 31 December (or --as-of),
        // read from its history as `monitor` reads it; today's park only for today.
        const std::string undated = geo::splitParkDate(source).first;
        const std::shared_ptr<const geo::Park> monitored =
            monitoringOptions.statisticsDate < today()
                ? monitoredPark(cli, undated, monitoringOptions.statisticsDate, issues)
                : park;
        monitoring = runMonitoring(cli, undated, *monitored, year, monitoringOptions,
                                   monitoringEconomy(cli, year, issues), issues);
    } else if (cli.has("economy")) {
        throw UsageError("--economy goes with --year");
    }
    ensureGuiApplication();

    report::CommitteePackOptions options;
    options.asOf = asOf;
    options.areaMethod = method;
    options.dpi = dpi;
    options.organisation = QString::fromStdString(cli.value("org"));
    options.date = QString::fromStdString(cli.value("date"));
    options.paper = overrides.paper;
    if (!cli.has("paper"))
        options.paper.clear();
    options.replace = cli.has("force");
    options.source = source;
    options.period = period ? &*period : nullptr;
    options.targets = targets ? &*targets : nullptr;
    options.previous = previous;
    options.diff = previous ? &diff : nullptr;
    options.monitoring = monitoring ? &*monitoring : nullptr;
    options.mapsOnly = cli.has("maps-only");
    report::CommitteePackResult result;
    {
        ProgressBar bar("writing the pack");
        options.progress = [&bar](double done) { return bar.update(done); };
        result = report::writeCommitteePack(*session, outText, options, issues);
        bar.finish();
    }
    for (const std::string& warning : result.warnings)
        std::cerr << "parkatlas report: " << warning << "\n";
    const std::vector<std::string>& leftOut = result.leftOut;
    const std::vector<std::string>& contents = result.contents;
    for (const std::string& line : leftOut)
        std::cerr << "parkatlas report: "
                  << say(geo::message("left_out", "left out {what}", {{"what", line}})) << "\n";
    std::cerr << say(geo::message("wrote_items", "wrote {count} item(s) to {path}",
                                  {{"count", std::to_string(contents.size())}, {"path", outText}}))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
