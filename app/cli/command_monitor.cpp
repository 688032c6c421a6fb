#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/result_writer.h"

#include "geo/error.h"
#include "geo/io/history_read.h"
#include "geo/io/park_source.h"
#include "geo/ledger/monitoring.h"
#include "geo/model/display_names.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <limits>

namespace parkatlas::cli {

geo::Date today()
{
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return geo::Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
}

int monitoringYear(const CommandLine& cli)
{
    const std::string yearText = cli.value("year");
    int year = 0;
    try {
        std::size_t used = 0;
        year = std::stoi(yearText, &used);
        if (used != yearText.size())
            throw std::invalid_argument(yearText);
    } catch (const std::exception&) {
        throw UsageError("--year must be a year (2026), not '" + yearText + "'");
    }
    const geo::Date now = today();
    if (year < 1980 || year > now.year())
        throw UsageError("--year " + yearText + " is not a year that has ended or is running (" +
                         std::to_string(now.year()) + " is the current one)");
    return year;
}

geo::Economy monitoringEconomy(const CommandLine& cli, int year, geo::IssueSink& issues)
{
    geo::Economy economy;
    if (cli.has("economy")) {
        economy = geo::readEconomy(cli.value("economy"), issues);
        if (economy.year && *economy.year != year)
            issues.report(geo::withMessage(
                {geo::Issue::Severity::Warning, economy.path, "year", -1},
                geo::message("economy_other_year",
                             "the economy file is for {file_year}, the statistics for {year}",
                             {{"file_year", std::to_string(*economy.year)},
                              {"year", std::to_string(year)}})));
    }
    return economy;
}

geo::Date sameDayYearBefore(geo::Date day)
{
    const unsigned d = day.month() == 2 && day.day() == 29 ? 28 : day.day();
    return geo::Date::fromYmd(day.year() - 1, day.month(), d);
}

std::shared_ptr<const geo::Park> monitoredPark(const CommandLine& cli, const std::string& source,
                                               geo::Date date, geo::IssueSink& issues)
{
    const std::string dated = date < today() ? source + "@" + date.toIso() : source;
    const auto session = openSessionFrom(cli, dated);
    return readPark(*session, geo::monitoringRoles(), issues);
}

geo::MonitoringReport runMonitoring(const CommandLine& cli, const std::string& source, const geo::Park& park,
                            int year, const geo::MonitoringOptions& options,
                            const geo::Economy& economy, geo::IssueSink& issues)
{
    // The year before: the park as of the same day a year earlier, where the park keeps history.
    std::optional<geo::MonitoringReport> previous;
    std::string previousNote;
    const geo::Date before = sameDayYearBefore(options.statisticsDate);
    const std::string noHistory = "上年同期（" + before.toIso() + "）无历史：同比未知 / no history for " +
                                  before.toIso() + ": no year-on-year change";
    try {
        geo::ParkDefinition definition = discoverParkFrom(cli, source + "@" + before.toIso());
        if (!definition.warnings.empty()) {
            previousNote = noHistory;
        } else {
            geo::NullIssueSink quiet; // the year before's issues are last year's
            const geo::Park earlier = readPark(definition, geo::monitoringRoles(), quiet);
            geo::MonitoringOptions earlierOptions = options;
            earlierOptions.statisticsDate = before;
            // The economic figures of the year before come from their own file; without one,
            // a figure this year takes from --economy has no comparable value last year.
            geo::Economy earlierEconomy;
            if (cli.has("previous-economy"))
                earlierEconomy = geo::readEconomy(cli.value("previous-economy"), issues);
            previous = geo::computeMonitoring(earlier, before.year(), earlierOptions,
                                              earlierEconomy, quiet);
            previousNote = "上年同期按 " + before.toIso() + " 的园区计算 / the year before from the "
                                                           "park as of " +
                           before.toIso();
            if (!economy.path.empty() && earlierEconomy.path.empty())
                previousNote += "；经济指标上年未知（未给 --previous-economy）/ economic figures: "
                                "no --previous-economy, last year unknown";
        }
    } catch (const geo::Error& why) {
        previousNote = noHistory + " (" + why.what() + ")";
    }
    geo::MonitoringReport report = geo::computeMonitoring(park, year, options, economy, issues,
                                                          previous ? &*previous : nullptr);
    if (previous && !economy.path.empty() && previous->economy.path.empty()) {
        // This year's money figures come from the economy file, last year's would come from the
        // plots' fields: not the same quantity, so no change is said.
        for (geo::MonitoringFigure& f : report.figures)
            if (f.inputs.find(economy.path) != std::string::npos)
                f.previous = f.change = std::numeric_limits<double>::quiet_NaN();
    }
    report.notes.push_back(previousNote);
    return report;
}

int runMonitor(const std::vector<std::string>& args)
{
    CommandLine cli(
        "monitor",
        "PARK --year YYYY [--as-of YYYY-MM-DD] [--economy ECONOMY.json|xlsx] "
        "[--previous-economy FILE] [--plots] [--format table|csv|xlsx|json] [--out FILE] "
        "[--overwrite] [--boundary-kind KIND] [--method ellipsoidal|survey|planar] "
        "[--encoding ENC] [--s-srs CRS]",
        "The annual 开发区土地集约利用监测统计 (land-use monitoring of the development zone) from the "
        "park's layers: every piece of the approved area (核准范围) in the ministry's land classes "
        "(A 已建成城镇建设用地 A1–A6, B 未建成 B11/B12 and B21/B22, C 不可建设 C1–C3; supply D1, "
        "D21, D22, E1, E21, E22, F; G 闲置土地), the tables in the report's order (area by class, "
        "supply, buildings, economy, indicators, potential), the zone type (工业主导型 / 产城融合型 "
        "/ 其他) and the ministry's indicators with their inputs and what was unknown, and the "
        "change from the same day a year before where the park keeps history. The statistical "
        "date (统计时点) is 31 December of --year, today in the current year, or --as-of. The "
        "economy file (固定资产投资, 税收 by sector, 常住人口) is described in the README. How each "
        "class is derived: styles/README.md, 监测统计.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file "
                              "(PARK@YYYY-MM-DD: as --as-of)");
    cli.addOption("year", "YYYY", "the statistical year: the park as of 31 December of it, or "
                                  "today in the current year (required unless --as-of)");
    cli.addOption("as-of", "DATE",
                  "the statistical date (YYYY-MM-DD, within --year when both are given): the park "
                  "as it was at the end of that day, read from the history it keeps; expiries "
                  "and idle cases as of that day");
    cli.addOption("economy", "FILE", "the zone's economic figures: JSON or XLSX (see README)");
    cli.addOption("previous-economy", "FILE",
                  "last year's economic figures, for the year-on-year change of the figures "
                  "--economy gives");
    cli.addFlag("plots", "add the table of every piece of land with its classes");
    ResultWriter::addFormatOption(cli, ResultFormats::WithXlsx);
    cli.addOption("out", "FILE", "write to FILE instead of stdout");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("boundary-kind", "KIND",
                  "the boundary kind that is the approved area (default 核准范围)");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const geo::Date now = today();
    // The statistical date: --as-of or PARK@DATE (one date), else the end of --year (today in
    // the current year).
    const auto [source, datedText] = geo::splitParkDate(cli.positional("PARK"));
    std::string asOfText = cli.value("as-of");
    if (!datedText.empty() && !asOfText.empty() && datedText != asOfText)
        throw UsageError("the park is named as of " + datedText + " and --as-of says " +
                         asOfText + ": give one date");
    if (asOfText.empty())
        asOfText = datedText;
    std::optional<geo::Date> asOf;
    if (!asOfText.empty()) {
        asOf = geo::Date::parse(asOfText);
        if (!asOf)
            throw UsageError("--as-of '" + asOfText + "' is not a date (YYYY-MM-DD)");
        if (now < *asOf)
            throw UsageError("--as-of " + asOfText + " is in the future (today is " +
                             now.toIso() + ")");
    }
    if (!cli.has("year") && !asOf)
        throw UsageError("--year YYYY (or --as-of YYYY-MM-DD) is required");
    const int year = cli.has("year") ? monitoringYear(cli) : asOf->year();
    if (asOf && asOf->year() != year)
        throw UsageError("--as-of " + asOf->toIso() + " is not in --year " +
                         std::to_string(year));
    const std::string out = cli.value("out");
    const ResultWriter writer = ResultWriter::fromCommandLine(cli, ResultFormats::WithXlsx, out);
    std::error_code error;
    if (!out.empty() && std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");

    IssuePrinter issues;
    geo::MonitoringOptions options;
    options.areaMethod = areaMethodFrom(cli);
    options.boundaryKind = cli.value("boundary-kind", "核准范围");
    const geo::Date yearEnd = geo::Date::fromYmd(year, 12, 31);
    options.statisticsDate = asOf ? *asOf : (yearEnd < now ? yearEnd : now);

    const geo::Economy economy = monitoringEconomy(cli, year, issues);

    const auto park = monitoredPark(cli, source, options.statisticsDate, issues);

    const geo::MonitoringReport report =
        runMonitoring(cli, source, *park, year, options, economy, issues);
    const bool chinese = geo::languageFromEnvironment() == geo::Language::Chinese;
    const geo::Ledger ledger = geo::monitoringLedger(report, cli.has("plots"), chinese);
    writer.write(ledgerParts(ledger, [&](std::size_t sheets) {
        std::cerr << say(geo::message("wrote_sheets", "wrote {count} sheet(s) to {path}",
                                      {{"count", std::to_string(sheets)}, {"path", out}}))
                  << "\n";
    }));
    return kExitOk;
}

} // namespace parkatlas::cli
