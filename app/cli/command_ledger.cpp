#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/ledger/ledgers.h"
#include "geo/model/park.h"

#include <filesystem>
#include <fstream>
#include <iostream>

namespace parkatlas::cli {

int runLedger(const std::vector<std::string>& args)
{
    CommandLine cli(
        "ledger",
        "PARK --kind acquisition|idle|works|supply|standard_land [--format table|csv|xlsx|json] [--out FILE] "
        "[--overwrite] [--method ellipsoidal|survey|planar] [--date YYYY-MM-DD] [--encoding ENC] "
        "[--s-srs CRS]",
        "Ledgers (台账) from the park's layers: acquisition (征地: by batch, village and group, by "
        "village, by stage; 亩 from geometry, 户, 人, 补偿款), idle (闲置土地: cases by kind and "
        "stage, with the disposal rate 处置率), works (道路/管网: by lot and by road class and "
        "pipeline kind, km built against km planned, contract-weighted progress), supply (供地: "
        "per plot with 亩均投资, 亩均税收, FAR and building coverage; by year), standard_land (标准地: "
        "every contract plot, its initial operating period and, once it is over, each contract "
        "target against the actual figure, as of --as-of or today). Amounts are summed "
        "unrounded and rounded once; the shown rows add up to the shown total. Unknown values "
        "are left out of the sums and counted in the notes.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("kind", "K", "acquisition, idle, works, supply or standard_land (required)");
    ResultWriter::addFormatOption(cli, ResultFormats::WithXlsx);
    cli.addOption("out", "FILE", "write to FILE instead of stdout");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addAsOfOption(cli);
    cli.addOption("date", "YYYY-MM-DD",
                  "standard_land: the date the initial operating periods are counted to "
                  "(default: --as-of, else today)");
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    if (!cli.has("kind"))
        throw UsageError("--kind acquisition|idle|works|supply|standard_land is required");
    const auto kind = geo::ledgerKindFromString(cli.value("kind"));
    if (!kind)
        throw UsageError("--kind must be acquisition, idle, works, supply or standard_land");
    const std::string out = cli.value("out");
    const ResultWriter writer = ResultWriter::fromCommandLine(cli, ResultFormats::WithXlsx, out);
    std::error_code error;
    if (!out.empty() && std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");
    const geo::AreaMethod method = areaMethodFrom(cli);

    const geo::OpenOptions open = openOptionsFrom(cli);
    IssuePrinter issues;
    const auto session = openSessionFrom(cli, cli.positional("PARK"));
    readPark(*session, geo::rolesFor(*kind), issues);
    geo::LedgerOptions options;
    options.areaMethod = method;
    if (!open.asOf.empty())
        options.asOf = geo::Date::parse(open.asOf);
    if (cli.has("date")) {
        options.asOf = geo::Date::parse(cli.value("date"));
        if (!options.asOf)
            throw UsageError("--date '" + cli.value("date") + "' is not a date (YYYY-MM-DD)");
    }
    const geo::Ledger ledger = session->ledger(*kind, options, issues).value;

    writer.write(ledgerParts(ledger, [&](std::size_t sheets) {
        std::cerr << say(geo::message("wrote_sheets", "wrote {count} sheet(s) to {path}",
                                      {{"count", std::to_string(sheets)}, {"path", out}}))
                  << "\n";
    }));
    return kExitOk;
}

} // namespace parkatlas::cli
