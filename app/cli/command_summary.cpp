#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/result_writer.h"

#include "geo/diff/park_diff.h"
#include "geo/diff/work_summary.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"

#include <filesystem>
#include <iostream>

namespace parkatlas::cli {

int runSummary(const std::vector<std::string>& args)
{
    CommandLine cli(
        "summary",
        "PARK --period 2026H2|2026Q3|2026-10 [--previous OLD] [--targets TARGETS.json|.xlsx] "
        "[--format table|csv|xlsx|json] [--out FILE] [--overwrite] [--method M] [--encoding ENC] "
        "[--s-srs CRS]",
        "The numbers of the half-year, quarterly or monthly work summary (工作总结): land "
        "supplied, projects started, stopped and completed, acquisition advanced, households and "
        "persons settled, km of road and pipeline built, idle land identified and disposed of; "
        "each with the period's value, the year to date, the yearly target, 完成率 and 同比 "
        "where the data allow, and the ids of the features it sums. Figures from the parcels' "
        "dates come from PARK alone; the others need the park at the start of the period "
        "(--previous). Targets: JSON {\"year\": 2026, \"targets\": {\"supplied_mu\": 1500}} or "
        "an XLSX sheet with columns indicator and target (see README).");
    cli.addPositional("PARK", "the park at the end of the period");
    cli.addOption("period", "P", "2026H1/2026H2 (half-year), 2026Q1…Q4 or 2026-01…12 (required)");
    cli.addOption("previous", "OLD", "the park at the start of the period");
    cli.addOption("targets", "FILE", "yearly targets, JSON or XLSX");
    ResultWriter::addFormatOption(cli, ResultFormats::WithXlsx);
    cli.addOption("out", "FILE", "write to FILE instead of stdout");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    if (!cli.has("period"))
        throw UsageError("--period is required (2026H2, 2026Q3 or 2026-10)");
    const auto period = geo::Period::parse(cli.value("period"));
    if (!period)
        throw UsageError("--period '" + cli.value("period") +
                         "' is not a period: write a half-year 2026H1 / 2026H2, a quarter "
                         "2026Q1 … 2026Q4 or a month 2026-01 … 2026-12");
    const geo::Date now = today();
    if (now < period->from)
        throw UsageError("--period " + period->label + " starts on " + period->from.toIso() +
                         ", after today (" + now.toIso() + "): nothing has happened in it yet");
    const std::string out = cli.value("out");
    const ResultWriter writer = ResultWriter::fromCommandLine(cli, ResultFormats::WithXlsx, out);
    std::error_code error;
    if (!out.empty() && std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");
    const geo::AreaMethod method = areaMethodFrom(cli);
    std::optional<geo::Targets> targets;
    if (cli.has("targets"))
        targets = geo::readTargets(cli.value("targets"));

    IssuePrinter issues;
    const geo::ParkDefinition definition = discoverParkFrom(cli, cli.positional("PARK"));
    geo::Park park = readPark(definition, {}, issues);
    std::optional<geo::Park> previous;
    std::optional<geo::ParkDiff> diff;
    if (cli.has("previous")) {
        const geo::ParkDefinition previousDefinition = discoverParkFrom(cli, cli.value("previous"));
        previous = readPark(previousDefinition, {}, issues);
        geo::DiffOptions options;
        options.areaMethod = method;
        diff = geo::diffParks(*previous, park, options, issues);
        for (const std::string& note : diff->notes)
            std::cerr << "note: " << note << "\n";
    }
    geo::SummaryOptions options;
    options.areaMethod = method;
    const geo::Ledger summary = geo::buildWorkSummary(
        park, *period, previous ? &*previous : nullptr, diff ? &*diff : nullptr,
        targets ? &*targets : nullptr, options, issues);
    writer.write(ledgerParts(summary, [&](std::size_t) {
        std::cerr << say(geo::message("wrote_summary", "wrote the summary to {path}",
                                      {{"path", out}}))
                  << "\n";
    }));
    return kExitOk;
}

} // namespace parkatlas::cli
