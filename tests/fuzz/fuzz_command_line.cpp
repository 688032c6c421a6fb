// Command-line parsing: the strict parser of every subcommand (flags, options with a value
// inline or after, repeatable options, positionals, "--"), the shared --encoding/--s-srs/
// --method checks, and --help wrapping of whatever text the options carry.
//
// Input: the arguments, separated by NUL bytes. Every failure must be a UsageError or a
// geo::Error (an unknown encoding or CRS); nothing else may escape.

#include "app/cli/command_line.h"
#include "app/cli/park_options.h"

#include "geo/error.h"
#include "geo/io/text_table.h"

#include <cpl_conv.h>

#include <string>
#include <vector>

using namespace parkatlas;

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string> args;
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            args.push_back(current);
            current.clear();
        } else {
            current += static_cast<char>(data[i]);
        }
    }
    args.push_back(current);
    if (args.size() > 64)
        return 0;

    cli::CommandLine line("area", "SOURCE [--layer L] [--by FIELD] [--method M]",
                          "Areas in m² and 亩 (mu) per layer, field or feature.");
    line.addPositional("SOURCE", "file, folder or connection string");
    line.addPositional("EXTRA", "an optional second argument", false);
    cli::addSourceOptions(line);
    line.addOption("layer", "L", "only this layer", true);
    line.addOption("by", "FIELD", "group by FIELD");
    line.addOption("method", "METHOD", "ellipsoidal, survey or planar");
    line.addOption("format", "FORMAT", "table, csv or json");
    line.addFlag("per-feature", "one row per feature");
    line.addFlag("json", "JSON on stdout");
    try {
        line.parse(args);
        (void)line.help();
        (void)line.has("json");
        (void)line.values("layer");
        (void)line.value("by", "x");
        (void)line.positional("SOURCE");
        (void)line.positional("EXTRA");
        for (const std::string& arg : args)
            (void)geo::displayWidth(arg);
        (void)cli::areaMethodFrom(line);
        (void)cli::openOptionsFrom(line);
    } catch (const cli::UsageError&) {
    } catch (const geo::Error&) {
    }
    return 0;
}
