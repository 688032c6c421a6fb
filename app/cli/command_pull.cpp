#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"

#include "geo/issue.h"
#include "geo/store/postgis_transfer.h"

#include <iostream>

namespace parkatlas::cli {

int runPull(const std::vector<std::string>& args)
{
    CommandLine cli("pull", "CONNECTION DEST.gpkg [--schema NAME] [--overwrite]",
                    "Brings a park published with `parkatlas push` back into a GeoPackage: the "
                    "conventional tables of the schema, with their FIDs, fields and geometry "
                    "(the row_version column stays on the server). DEST is written under a "
                    "temporary name and renamed into place when complete.");
    cli.addPositional("CONNECTION", "postgresql://… or PG:service=…");
    cli.addPositional("DEST", "the GeoPackage to write");
    cli.addOption("schema", "NAME", "the schema to read (default: the connection's search_path)");
    cli.addFlag("overwrite", "replace DEST if it exists");
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    geo::PullOptions options;
    options.schema = cli.value("schema");
    options.overwrite = cli.has("overwrite");
    IssuePrinter issues;
    const auto layers =
        geo::pullPark(cli.positional("CONNECTION"), cli.positional("DEST"), options, issues);
    for (const geo::TransferredLayer& layer : layers)
        std::cout << say(geo::message("pulled_layer", "{source} -> {layer}: {count} features",
                                      {{"source", layer.source},
                                       {"layer", layer.layer},
                                       {"count", std::to_string(layer.featureCount)}}))
                  << "\n";
    std::cout << say(geo::message("wrote", "wrote {path}", {{"path", cli.positional("DEST")}}))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
