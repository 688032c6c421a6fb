#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/progress_bar.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/store/import_summary.h"
#include "geo/io/json_writer.h"
#include "geo/store/park_import.h"
#include "geo/io/table_join.h"
#include "geo/issue.h"

#include <iostream>

namespace parkatlas::cli {

namespace {

/// The --join TABLE --on KEY[=COLUMN] pairs, in the order given.
std::vector<geo::JoinSpec> joinSpecsFrom(const CommandLine& cli)
{
    const std::vector<std::string> tables = cli.values("join");
    const std::vector<std::string> keys = cli.values("on");
    if (tables.size() != keys.size())
        throw UsageError("give one --on KEY[=COLUMN] for each --join TABLE (" +
                         std::to_string(tables.size()) + " --join, " + std::to_string(keys.size()) +
                         " --on)");
    std::vector<geo::JoinSpec> specs;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        geo::JoinSpec spec;
        spec.tablePath = tables[i];
        const std::size_t equals = keys[i].find('=');
        spec.key = keys[i].substr(0, equals);
        if (equals != std::string::npos)
            spec.column = keys[i].substr(equals + 1);
        if (spec.key.empty() || (equals != std::string::npos && spec.column.empty()))
            throw UsageError("--on '" + keys[i] + "': give KEY or KEY=COLUMN (parcel_id=地块编号)");
        specs.push_back(std::move(spec));
    }
    return specs;
}

} // namespace

int runImport(const std::vector<std::string>& args)
{
    CommandLine cli(
        "import",
        "SOURCE... --out PARK.gpkg [--s-srs CRS] [--mapping MAP.json] [--encoding ENC] "
        "[--join TABLE --on KEY[=COLUMN]] [--report REPORT.json] [--overwrite]",
        "Builds a park GeoPackage with the conventional layer and field names from any mix of "
        "sources: CAD drawings (DXF; DWG only in the R2000 format), GeoPackages, folders of "
        "shapefiles, File Geodatabases (.gdb), Personal Geodatabases (.mdb), and whatever else "
        "GDAL opens. Layers go to roles by --mapping, by their names (styles/cad_layers.json for "
        "CAD layers: 控规地块, 用地红线, 道路中心线, KG, DLHX …), fields by the contract's names "
        "and aliases. In a drawing, closed polylines, polylines whose ends meet and hatches "
        "become plots, and the texts and block attributes inside each plot become its fields "
        "(land-use code, plot number, 容积率/FAR, 建筑密度, 绿地率). A plot with conflicting "
        "codes or none, and texts outside every plot, are reported, never guessed. Prints what "
        "became what; --report writes it as JSON. The inputs are only read; PARK.gpkg is "
        "written under a temporary name and renamed into place when complete. Exit 2 when "
        "nothing useful could be built, or a drawing has no CRS and --s-srs is not given (the "
        "message proposes one from the coordinates).");
    cli.addRepeatedPositional("SOURCE", "a drawing, file, folder or connection (one or more)");
    cli.addOption("out", "PARK.gpkg", "the park GeoPackage to write");
    cli.addOption("s-srs", "CRS", "the CRS of sources that have none (every drawing): EPSG:4547 …");
    cli.addOption("mapping", "MAP.json",
                  "layer → role and field renames for what the names do not tell (README, "
                  "\"Importing a park\")");
    cli.addOption("encoding", "ENC",
                  "the text encoding of every source (GBK, GB18030, UTF-8 …), overriding the "
                  "drawing's code page");
    cli.addOption("join", "TABLE", "a ledger (XLSX, CSV) to join onto the park (with --on)", true);
    cli.addOption("on", "KEY[=COLUMN]", "the park field and the table column to join by", true);
    cli.addOption("report", "REPORT.json", "write what became what as JSON");
    cli.addFlag("overwrite", "replace PARK.gpkg if it exists");
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    geo::ImportOptions options;
    options.sources = cli.positionals("SOURCE");
    options.output = cli.value("out");
    if (options.output.empty())
        throw UsageError("give the park to write with --out PARK.gpkg");
    options.sourceSrs = cli.value("s-srs");
    options.encoding = cli.value("encoding");
    options.overwrite = cli.has("overwrite");
    if (cli.has("mapping"))
        options.mapping = geo::ImportMapping::load(cli.value("mapping"));
    // The ledgers are joined onto the finished park before it is renamed into place, so a join
    // that fails leaves no half-joined park behind.
    options.joins = joinSpecsFrom(cli);

    ProgressBar bar("importing");
    options.progress = [&bar](double done) { return bar.update(done); };
    IssuePrinter issues;
    geo::ImportReport report;
    const auto writeReport = [&] {
        if (!cli.has("report"))
            return;
        geo::writeFileAtomically(cli.value("report"), [&](std::ostream& out) {
            geo::JsonWriter json(out);
            // The ledger joins go into the same object: "joins": [ … ] (empty without --join).
            geo::writeImportReport(report, json);
            out << "\n";
        });
        std::cout << say(geo::message("import_report_written", "report: {path}",
                                      {{"path", cli.value("report")}}))
                  << "\n";
    };
    try {
        geo::importPark(options, issues, report);
    } catch (const geo::Error&) {
        // What was learnt before the failure is worth a report too (why nothing was built).
        bar.finish();
        if (!report.layers.empty()) {
            geo::writeImportSummary(report, std::cout, false, geo::languageFromEnvironment());
            writeReport();
        }
        throw;
    }
    bar.finish();
    geo::writeImportSummary(report, std::cout, true, geo::languageFromEnvironment());
    writeReport();
    return kExitOk;
}

} // namespace parkatlas::cli
