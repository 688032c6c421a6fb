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
        "PARK --kind acquisition|idle|works|supply [--format table|csv|xlsx|json] [--out FILE] "
        "[--overwrite] [--method ellipsoidal|survey|planar] [--encoding ENC] [--s-srs CRS]",
        "Ledgers (台账) from the park's layers: acquisition (征地: by batch, village and group, by "
        "village, by stage; 亩 from geometry, 户, 人, 补偿款), idle (闲置土地: cases by kind and "
        "stage, with the disposal rate 处置率), works (道路/管网: by lot and by road class and "
        "pipeline kind, km built against km planned, contract-weighted progress), supply (供地: "
        "per plot with 亩均投资, 亩均税收, FAR and building coverage; by year). Amounts are summed "
        "unrounded and rounded once; the shown rows add up to the shown total. Unknown values "
        "are left out of the sums and counted in the notes.");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("kind", "K", "acquisition, idle, works or supply (required)");
    ResultWriter::addFormatOption(cli, ResultFormats::WithXlsx);
    cli.addOption("out", "FILE", "write to FILE instead of stdout");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    if (!cli.has("kind"))
        throw UsageError("--kind acquisition|idle|works|supply is required");
    const auto kind = geo::ledgerKindFromString(cli.value("kind"));
    if (!kind)
        throw UsageError("--kind must be acquisition, idle, works or supply");
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
    const geo::Ledger ledger = session->ledger(*kind, options, issues).value;

    writer.write(ledgerParts(ledger, [&](std::size_t sheets) {
        std::cerr << say(geo::message("wrote_sheets", "wrote {count} sheet(s) to {path}",
                                      {{"count", std::to_string(sheets)}, {"path", out}}))
                  << "\n";
    }));
    return kExitOk;
}

} // namespace parkatlas::cli
