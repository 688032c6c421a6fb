#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/progress_bar.h"

#include "geo/error.h"
#include "geo/io/source.h"

#include <iostream>

namespace parkatlas::cli {

const std::vector<Command>& commands()
{
    static const std::vector<Command> list = {
        {"info", "layers, CRS, counts, encoding, extent and fields of any source", runInfo},
        {"area", "areas in m², mu and ha (lengths of lines), per layer, field or feature", runArea},
        {"check", "flag every plot against the plan: land use, boundary, red lines …", runCheck},
        {"audit", "idle-land audit (闲置土地认定) as of a date, clause by clause", runAudit},
        {"ledger", "ledgers (台账): acquisition, idle land, works, land supply", runLedger},
        {"indicators", "TD/T 1029 land-use intensity indicators of the park", runIndicators},
        {"convert", "convert a source (for instance GBK shapefiles) into a UTF-8 GeoPackage",
         runConvert},
        {"import", "build a park from CAD drawings (DXF), geodatabases and other sources",
         runImport},
#ifdef PARKATLAS_WITH_MAPS
        {"map", "a map page (PDF, SVG, PNG) for the committee: legend, scale, table in mu", runMap},
        {"report", "the committee pack: template maps, ledgers and findings in one folder",
         runReport},
#endif
        {"push", "publish a park into a PostgreSQL + PostGIS schema", runPush},
        {"pull", "bring a park published in PostGIS back into a GeoPackage", runPull},
        {"diff", "what changed between two parks, and the period's work (进展)", runDiff},
        {"summary", "the work summary's numbers for a period, with targets, 完成率 and 同比",
         runSummary},
        {"history", "what was changed in a park, when, by whom and by which command",
         runHistory},
    };
    return list;
}

namespace {

void printOverview(std::ostream& out)
{
    out << "parkatlas — maps, areas in mu and audits for industrial parks (开发区 / 工业园区)\n\n"
           "usage: parkatlas COMMAND [ARGS] (parkatlas COMMAND --help for each)\n\n"
           "commands:\n";
    for (const Command& command : commands()) {
        std::string name = command.name;
        out << "  " << name << std::string(name.size() < 12 ? 12 - name.size() : 1, ' ')
            << command.summary << "\n";
    }
    out << "\nExit codes: 0 success, 1 findings (with --fail-on-findings), 2 bad input or usage.\n";
}

} // namespace

int run(int argc, char** argv)
{
    installInterruptHandler();
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        printOverview(std::cerr);
        return kExitBadInput;
    }
    const std::string name = args.front();
    if (name == "--help" || name == "-h" || name == "help") {
        printOverview(std::cout);
        return kExitOk;
    }
    if (name == "--version") {
        std::cout << "parkatlas " << PARKATLAS_VERSION << "\n";
        return kExitOk;
    }
    args.erase(args.begin());
    for (const Command& command : commands()) {
        if (name != command.name)
            continue;
        try {
            return command.run(args);
        } catch (const UsageError& error) {
            std::cerr << "parkatlas " << name << ": " << error.what() << "\n"
                      << "(see parkatlas " << name << " --help)\n";
            return kExitBadInput;
        } catch (const geo::Cancelled&) {
            std::cerr << "parkatlas " << name << ": "
                      << say(geo::message("interrupted", "interrupted; nothing was written"))
                      << "\n";
            return kExitInterrupted;
        } catch (const geo::Error& error) {
            std::cerr << "parkatlas " << name << ": " << errorText(error) << "\n";
            return kExitBadInput;
        } catch (const std::exception& error) {
            std::cerr << "parkatlas " << name << ": error: " << error.what() << "\n";
            return kExitBadInput;
        }
    }
    std::cerr << "parkatlas: unknown command '" << name << "'\n\n";
    printOverview(std::cerr);
    return kExitBadInput;
}

} // namespace parkatlas::cli
