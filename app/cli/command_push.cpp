#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"

#include "geo/io/park_source.h"
#include "geo/issue.h"
#include "geo/store/history.h"
#include "geo/store/postgis_transfer.h"

#include <iostream>

namespace parkatlas::cli {

int runPush(const std::vector<std::string>& args)
{
    CommandLine cli("push", "PARK CONNECTION [--schema NAME] [--replace] [--encoding ENC] "
                            "[--s-srs CRS]",
                    "Publishes a park into a PostgreSQL + PostGIS schema: one table per role "
                    "under its conventional name (parcels, plan_zones …) with the source's "
                    "FIDs, fields and geometry, a GiST index and a row_version column for "
                    "editing. One transaction: a failure leaves the server as it was. "
                    "CONNECTION is a libpq URI (postgresql://user@host:port/db) or "
                    "PG:service=NAME; passwords come from ~/.pgpass or the service file, never "
                    "the command line. The schema is --schema, else the connection's "
                    "search_path (postgresql://…/db?options=-csearch_path%3DNAME), else public.");
    cli.addPositional("PARK", "GeoPackage, folder, *.parkatlas.json or PostgreSQL park");
    cli.addPositional("CONNECTION", "postgresql://… or PG:service=…");
    cli.addOption("schema", "NAME", "the schema to publish into (created when missing)");
    cli.addFlag("replace", "replace the park's tables when the schema has them");
    addSourceOptions(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    if (!geo::splitParkDate(cli.positional("PARK")).second.empty())
        throw UsageError("push publishes the park as it is now, not as of a date: name it "
                         "without @DATE");
    const geo::ParkDefinition park = geo::discoverPark(cli.positional("PARK"), openOptionsFrom(cli));
    geo::PushOptions options;
    options.schema = cli.value("schema");
    options.replace = cli.has("replace");
    ProgressBar bar("publishing");
    options.progress = [&bar](double done) { return bar.update(done); };
    IssuePrinter issues;
    const auto layers = geo::pushPark(park, cli.positional("CONNECTION"), options, issues);
    bar.finish();
    for (const geo::TransferredLayer& layer : layers)
        std::cout << say(geo::message("pushed_layer",
                                      "{source} -> {layer}: {count} features, geometry({type}, "
                                      "{srid})",
                                      {{"source", layer.source},
                                       {"layer", layer.layer},
                                       {"count", std::to_string(layer.featureCount)},
                                       {"type", layer.geometryType},
                                       {"srid", std::to_string(layer.srid)}}))
                  << "\n";
    std::cout << say(geo::message("published_layers", "published {count} layers",
                                  {{"count", std::to_string(layers.size())}}))
              << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
