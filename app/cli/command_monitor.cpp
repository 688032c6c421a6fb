#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/result_writer.h"

#include "geo/error.h"
#include "geo/ledger/monitoring.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"

#include <chrono>
#include <filesystem>
#include <iostream>

namespace parkatlas::cli {

namespace {

geo::Date today()
{
    const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return geo::Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
}

/// PARK without a trailing @YYYY-MM-DD.
std::string withoutDate(const std::string& source)
{
    const auto at = source.rfind('@');
    if (at != std::string::npos && source.size() - at == 11 && geo::Date::parse(source.substr(at + 1)))
        return source.substr(0, at);
    return source;
}

} // namespace

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

int runMonitor(const std::vector<std::string>& args)
{
    CommandLine cli(
        "monitor",
        "PARK --year YYYY [--economy ECONOMY.json|xlsx] [--plots] [--format table|csv|xlsx|json] "
        "[--out FILE] [--overwrite] [--boundary-kind KIND] [--method ellipsoidal|survey|planar] "
        "[--encoding ENC] [--s-srs CRS]",
        "The annual 开发区土地集约利用监测统计 (land-use monitoring of the development zone) from the "
        "park's layers: every piece of the approved area (核准范围) in the ministry's land classes "
        "(A 已建成城镇建设用地 A1–A6, B 未建成 B11/B12 and B21/B22, C 不可建设 C1–C3; supply D1, "
        "D21, D22, E1, E21, E22, F; G 闲置土地), the tables in the report's order (area by class, "
        "supply, buildings, economy, indicators, potential), the zone type (工业主导型 / 产城融合型 "
        "/ 其他) and the ministry's indicators with their inputs and what was unknown, and the "
        "change from the year before where the park keeps history. The economy file (固定资产投资, "
        "税收 by sector, 常住人口) is described in the README. How each class is derived: "
        "styles/README.md, 监测统计.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("year", "YYYY", "the statistical year (required): the park as of 31 December "
                                  "of it, or today in the current year");
    cli.addOption("economy", "FILE", "the zone's economic figures: JSON or XLSX (see README)");
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
    if (!cli.has("year"))
        throw UsageError("--year YYYY is required");
    const int year = monitoringYear(cli);
    const geo::Date now = today();
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
    options.statisticsDate = yearEnd < now ? yearEnd : now;

    const geo::Economy economy = monitoringEconomy(cli, year, issues);

    // The park at the statistical date (a past year: as of its 31 December).
    const std::string source = withoutDate(cli.positional("PARK"));
    const std::string dated =
        options.statisticsDate < now ? source + "@" + options.statisticsDate.toIso() : source;
    const auto session = openSessionFrom(cli, dated);
    const auto park = readPark(*session, geo::monitoringRoles(), issues);

    // The year before, where the park keeps history.
    std::optional<geo::MonitoringReport> previous;
    std::string previousNote;
    {
        const geo::Date before = geo::Date::fromYmd(year - 1, 12, 31);
        try {
            geo::ParkDefinition definition =
                discoverParkFrom(cli, source + "@" + before.toIso());
            if (!definition.warnings.empty()) {
                previousNote = "上年（" + before.toIso() + "）无历史：同比未知 / no history for " +
                               before.toIso() + ": no year-on-year change";
            } else {
                geo::NullIssueSink quiet; // the year before's issues are last year's
                const geo::Park earlier = readPark(definition, geo::monitoringRoles(), quiet);
                geo::MonitoringOptions earlierOptions = options;
                earlierOptions.statisticsDate = before;
                previous = geo::computeMonitoring(earlier, year - 1, earlierOptions, geo::Economy{},
                                                  quiet);
                previousNote = "上年按 " + before.toIso() + " 的园区计算（经济数据未给出）/ the year "
                                                            "before from the park as of " +
                               before.toIso();
            }
        } catch (const geo::Error& why) {
            previousNote = "上年（" + before.toIso() + "）无历史：同比未知 / no history for " +
                           before.toIso() + " (" + why.what() + ")";
        }
    }

    geo::MonitoringReport report = geo::computeMonitoring(*park, year, options, economy, issues,
                                                          previous ? &*previous : nullptr);
    report.notes.push_back(previousNote);
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
