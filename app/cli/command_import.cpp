#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/progress_bar.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_import.h"
#include "geo/io/table_join.h"
#include "geo/issue.h"

#include <algorithm>
#include <iostream>
#include <map>


namespace parkatlas::cli {

namespace {

/// The --join TABLE --on KEY[=COLUMN] pairs, in the order given.
struct JoinRequest {
    std::string table;
    std::string key;    // the contract field of the park
    std::string column; // the table's column ("" : found from the key's name and aliases)
};

std::vector<JoinRequest> joinRequestsFrom(const CommandLine& cli)
{
    const std::vector<std::string> tables = cli.values("join");
    const std::vector<std::string> keys = cli.values("on");
    if (tables.size() != keys.size())
        throw UsageError("give one --on KEY[=COLUMN] for each --join TABLE (" +
                         std::to_string(tables.size()) + " --join, " + std::to_string(keys.size()) +
                         " --on)");
    std::vector<JoinRequest> requests;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        JoinRequest request;
        request.table = tables[i];
        const std::size_t equals = keys[i].find('=');
        request.key = keys[i].substr(0, equals);
        if (equals != std::string::npos)
            request.column = keys[i].substr(equals + 1);
        if (request.key.empty() || (equals != std::string::npos && request.column.empty()))
            throw UsageError("--on '" + keys[i] + "': give KEY or KEY=COLUMN (parcel_id=地块编号)");
        requests.push_back(std::move(request));
    }
    return requests;
}

/// One join in a few lines: what matched, and what did not (the whole lists are in --report).
void printJoinReport(const geo::JoinReport& join, std::ostream& out)
{
    constexpr std::size_t kShown = 5;
    out << "\njoin " << join.tablePath << " [" << join.sheet << "] on " << join.key << " = '"
        << join.keyColumn << "': " << join.rows << " rows, " << join.matched << " matched\n";
    out << "  columns:";
    for (const geo::JoinColumn& column : join.columns)
        out << " " << column.header << "→" << column.field;
    out << "\n";
    for (std::size_t i = 0; i < join.unmatchedKeys.size() && i < kShown; ++i)
        out << "  row " << join.unmatchedKeys[i].row << ": key '" << join.unmatchedKeys[i].key
            << "' matches no feature\n";
    if (join.unmatchedKeys.size() > kShown)
        out << "  … " << join.unmatchedKeys.size() - kShown << " more rows match no feature\n";
    if (!join.featuresWithoutRow.empty())
        out << "  " << join.featuresWithoutRow.size() << " features have no row in the table\n";
    for (const geo::JoinDuplicateKey& duplicate : join.duplicateKeys)
        out << "  key '" << duplicate.key << "' is held by " << duplicate.rowsOrFids.size()
            << (duplicate.side == "table" ? " rows" : " features") << ": not written\n";
    for (std::size_t i = 0; i < join.unparseable.size() && i < kShown; ++i) {
        const geo::JoinCellProblem& cell = join.unparseable[i];
        out << "  row " << cell.row << ", '" << cell.column << "': '" << cell.text
            << "' " << cell.why << "\n";
    }
    if (join.unparseable.size() > kShown)
        out << "  … " << join.unparseable.size() - kShown << " more cells could not be read\n";
    for (const std::string& note : join.notes)
        out << "  note: " << note << "\n";
}

void printReport(const geo::ImportReport& report, std::ostream& out, bool written)
{
    constexpr std::size_t kShown = 10;
    for (const geo::ImportedSource& source : report.sources) {
        out << source.path << "  (" << source.kind;
        if (!source.cadVersion.empty())
            out << " " << source.cadVersion;
        out << "; text " << source.encoding.name << ": " << source.encoding.reason << ")\n";
    }
    out << "\n";
    for (const geo::ImportedLayer& layer : report.layers) {
        out << "  " << layer.layer << " → " << (layer.role ? geo::toString(*layer.role) : "(none)")
            << "  [" << layer.roleReason << "]";
        if (!layer.kind.empty())
            out << " kind " << layer.kind;
        out << "\n    " << layer.featuresIn << " in, " << layer.featuresOut << " out";
        if (layer.cad)
            out << ", " << layer.texts << " texts";
        out << "\n";
        const bool renamed = std::any_of(layer.fields.begin(), layer.fields.end(),
                                         [](const auto& f) { return f.first != f.second; });
        if (renamed) {
            out << "    fields:";
            for (const auto& [from, to] : layer.fields) {
                if (to.empty())
                    out << " " << from << "→(dropped)";
                else if (from != to)
                    out << " " << from << "→" << to;
            }
            out << "\n";
        }
        // The reasons, each with a count and its first entities.
        std::map<std::string, std::vector<std::string>> byReason;
        for (const geo::DroppedFeature& dropped : layer.dropped)
            byReason[dropped.reason].push_back(dropped.entity);
        for (const auto& [reason, entities] : byReason) {
            out << "    dropped";
            if (!(entities.size() == 1 && entities.front() == "all")) {
                out << " " << entities.size() << " (";
                for (std::size_t i = 0; i < entities.size() && i < 3; ++i)
                    out << (i ? ", " : "") << entities[i];
                out << (entities.size() > 3 ? ", …" : "") << ")";
            } else {
                out << " all";
            }
            out << ": " << reason << "\n";
        }
    }
    const bool anyCad = std::any_of(report.layers.begin(), report.layers.end(),
                                    [](const geo::ImportedLayer& l) { return l.cad; });
    if (anyCad) {
        out << "\ntexts: " << report.textsAssigned << " assigned to plots, "
            << report.unassignedTexts.size() << " unassigned, " << report.textsNotLabels
            << " on line/boundary layers (not labels); " << report.plotsLabelled
            << " plots labelled\n";
        for (std::size_t i = 0; i < report.unassignedTexts.size() && i < kShown; ++i) {
            const geo::UnassignedText& text = report.unassignedTexts[i];
            out << "  unassigned '" << text.text << "' (" << text.entity << ", layer '"
                << text.layer << "' at " << geo::shortestDecimal(text.x) << ", "
                << geo::shortestDecimal(text.y) << "): " << text.reason << "\n";
        }
        if (report.unassignedTexts.size() > kShown)
            out << "  … and " << report.unassignedTexts.size() - kShown << " more (see --report)\n";
        for (std::size_t i = 0; i < report.plotProblems.size() && i < kShown; ++i) {
            const geo::PlotProblem& problem = report.plotProblems[i];
            out << "  plot " << problem.entity << " on layer '" << problem.layer << "' → "
                << problem.role << " fid " << problem.fid
                << (problem.plotId.empty() ? "" : " (" + problem.plotId + ")") << ": "
                << problem.problem << "\n";
        }
        if (report.plotProblems.size() > kShown)
            out << "  … and " << report.plotProblems.size() - kShown
                << " more plot problems (see --report)\n";
    }
    if (!written) {
        out << "\nnothing written\n";
        return;
    }
    out << "\nwrote " << report.output << " (CRS " << report.crs << " from " << report.crsOrigin
        << "):";
    for (const auto& [role, count] : report.written)
        out << " " << role << " " << count;
    out << "\n";
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
    const std::vector<JoinRequest> joins = joinRequestsFrom(cli);

    // The ledgers are joined onto the finished park before it is renamed into place, so a join
    // that fails leaves no half-joined park behind.
    std::vector<geo::JoinReport> joinReports;
    if (!joins.empty()) {
        options.beforeCommit = [&](GDALDataset& park, geo::IssueSink& sink) {
            for (const JoinRequest& request : joins) {
                geo::JoinSpec spec;
                spec.tablePath = request.table;
                spec.key = request.key;
                spec.column = request.column;
                spec.encoding = options.encoding;
                joinReports.push_back(geo::joinTable(park, spec, sink));
            }
        };
    }

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
            geo::writeImportReport(report, json, [&](geo::JsonWriter& more) {
                more.key("joins").beginArray();
                for (const geo::JoinReport& join : joinReports)
                    geo::writeJoinReport(join, more);
                more.endArray();
            });
            out << "\n";
        });
        std::cout << "report: " << cli.value("report") << "\n";
    };
    try {
        geo::importPark(options, issues, report);
    } catch (const geo::Error&) {
        // What was learnt before the failure is worth a report too (why nothing was built).
        bar.finish();
        if (!report.layers.empty()) {
            printReport(report, std::cout, false);
            writeReport();
        }
        throw;
    }
    bar.finish();
    printReport(report, std::cout, true);
    for (const geo::JoinReport& join : joinReports)
        printJoinReport(join, std::cout);
    writeReport();
    return kExitOk;
}

} // namespace parkatlas::cli
