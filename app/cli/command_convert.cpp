#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"

#include "geo/io/convert.h"
#include "geo/issue.h"

#include <iostream>

namespace parkatlas::cli {

int runConvert(const std::vector<std::string>& args)
{
    CommandLine cli("convert",
                    "SOURCE DEST [--as-of YYYY-MM-DD] [--encoding ENC] [--s-srs CRS] [--t-srs CRS] "
                    "[--vct-encoding ENC] [--overwrite]",
                    "Converts every layer of SOURCE into DEST, decoding legacy text (GBK …) per "
                    "file and writing UTF-8. The format of DEST follows its extension (.gpkg, "
                    ".geojson, .shp, .fgb, .kml, .csv, .dxf, .vct (GB/T 17798 exchange file, "
                    "GBK); no extension: a folder of shapefiles). DEST is written under a temporary name and renamed into "
                    "place when complete; it may never be the input.");
    cli.addPositional("SOURCE", "file, folder or connection string");
    cli.addPositional("DEST", "the file or folder to write");
    addSourceOptions(cli);
    addAsOfOption(cli);
    cli.addOption("t-srs", "CRS", "reproject into CRS (EPSG:4547, EPSG:4490 …)");
    cli.addOption("vct-encoding", "ENC",
                  "text encoding of a .vct DEST (default GBK; GB18030, UTF-8 …)");
    cli.addFlag("overwrite", "replace DEST if it exists");
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    geo::ConvertOptions options;
    // SOURCE@DATE or --as-of: each layer as it was that day (convertSource reads it so).
    const DatedSource dated = datedSourceFrom(cli, cli.positional("SOURCE"));
    options.open = dated.open;
    options.targetSrs = cli.value("t-srs");
    options.overwrite = cli.has("overwrite");
    options.vctEncoding = cli.value("vct-encoding");
    ProgressBar bar("converting");
    options.progress = [&bar](double done) { return bar.update(done); };

    IssuePrinter issues;
    const auto converted =
        geo::convertSource(dated.source, cli.positional("DEST"), options, issues);
    bar.finish();
    for (const geo::ConvertedLayer& layer : converted)
        std::cout << say(geo::message(
                         "converted_layer",
                         "{source} -> {target}: {count} features, text {encoding} ({reason}), CRS "
                         "{crs}",
                         geo::withNested({{"source", layer.sourceLayer},
                                          {"target", layer.targetLayer},
                                          {"count", std::to_string(layer.featureCount)},
                                          {"encoding", layer.encoding.name},
                                          {"crs", layer.crsLabel}},
                                         "reason", layer.encoding.reason,
                                         layer.encoding.reasonMessage().id,
                                         layer.encoding.reasonMessage().parts)))
                  << "\n";
    std::cout << say(geo::message("wrote", "wrote {path}", {{"path", cli.positional("DEST")}}))
              << "\n";
    // Written, but not everything could be: the input was not all good.
    return issues.count(geo::Issue::Severity::Error) > 0 ? kExitBadInput : kExitOk;
}

} // namespace parkatlas::cli
