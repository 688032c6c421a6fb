#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/pg_connection.h"
#include "geo/model/park.h"
#include "geo/rules/audit.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/findings_io.h"
#include "geo/rules/findings_total.h"
#include "geo/store/server_audit.h"
#include "geo/units.h"

#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

namespace parkatlas::cli {

int runAudit(const std::vector<std::string>& args)
{
    CommandLine cli(
        "audit",
        "PARK --as-of YYYY-MM-DD [--format table|csv|json] [--out FINDINGS.gpkg] [--overwrite] "
        "[--method ellipsoidal|survey|planar] [--fail-on-findings] [--encoding ENC] "
        "[--s-srs CRS]",
        "The idle-land audit (闲置土地认定) of the park's plots as of a date, after the "
        "闲置土地处置"
        "办法 (国土资源部令第53号, 2012): idle_not_started (第二条第一款: not started one full "
        "year "
        "after agr_start), idle_stalled (第二条第二款: built under 1/3 or invested under 25 %, "
        "stopped one full year), idle_low_coverage (almost no building footprint two years "
        "after supply, whatever the ledger says), low_efficiency (tax or investment per mu under "
        "the park's thresholds), standard_land_shortfall (标准地: a contract plot past its initial "
        "operating period that misses a contract target: 浙政办发〔2018〕73号, DB33/T "
        "2172-2018), approved_not_supplied (批而未供: an approved acquisition batch not covered "
        "by supplied parcels when the project file's period after appr_date is over, two years "
        "unless set; 增存挂钩, 自然资规〔2018〕1号) and cannot_decide (a "
        "rule needs a value that is unknown). Each "
        "finding names its clause, the numbers that triggered it and what follows as of the date "
        "(第十四条: 土地闲置费 after one year, 无偿收回 after two). \"One full year\" ends on the "
        "same calendar date a year later; from 29 February, on 28 February (民法典 第二百零二条). "
        "Thresholds: styles/thresholds.json, then the project file's \"rules\".");
    cli.addPositional("PARK", "GeoPackage, folder or *.parkatlas.json project file");
    cli.addOption("as-of", "DATE", "the audit date, YYYY-MM-DD (required)");
    ResultWriter::addFormatOption(cli);
    cli.addOption("out", "FILE.gpkg", "also write the findings as a GeoPackage layer");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("method", "M",
                  "area method for plot areas: ellipsoidal (default), survey, planar");
    cli.addFlag("fail-on-findings", "exit 1 when there are findings");
    cli.addFlag("server",
                "PARK is a PostGIS park: measure the building coverage of every plot on the "
                "server (indexed ST_Intersects, ST_Intersection, ST_UnaryUnion) instead of "
                "reading the buildings; the rules then run locally on the parcels");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    if (!cli.has("as-of"))
        throw UsageError("--as-of YYYY-MM-DD is required (the date the audit speaks for)");
    const std::string asOfText = cli.value("as-of");
    const auto asOf = geo::Date::parse(asOfText);
    if (!asOf)
        throw UsageError("--as-of '" + asOfText + "' is not a date (YYYY-MM-DD)");
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    const geo::AreaMethod method = areaMethodFrom(cli);
    const std::string out = cli.value("out");
    if (!out.empty() && std::filesystem::path(out).extension() != ".gpkg")
        throw UsageError("--out must name a .gpkg file");

    const geo::OpenOptions open = openOptionsFrom(cli);
    const std::string source = cli.positional("PARK");
    IssuePrinter issues;
    const auto session = openSessionFrom(cli, source);
    geo::AuditOptions options;
    options.asOf = *asOf;
    options.areaMethod = method;
    options.rules = session->auditRules(issues);

    const bool server = cli.has("server");
    if (server && !geo::isPostgresSource(source))
        throw UsageError("--server needs a PostgreSQL PARK (postgresql://… or PG:service=…)");
    std::vector<geo::Role> roles = {geo::Role::Parcels};
    if (!server)
        roles.push_back(geo::Role::Buildings);
    if (options.rules.approvedNotSuppliedEnabled)
        roles.push_back(geo::Role::Acquisition);
    const std::shared_ptr<const geo::Park> read = readPark(*session, roles, issues);
    const geo::Park& park = *read;
    if (server && park.layer(geo::Role::Parcels) && geo::serverHasTable(source, "buildings"))
        options.coverage =
            geo::coverageOnServer(source, *park.layer(geo::Role::Parcels)->layer, issues);
    ProgressBar auditing("auditing");
    options.progress = [&auditing](double done) { return auditing.update(done); };
    const geo::AuditResult result = session->audit(options, issues).value;
    auditing.finish();

    if (!out.empty())
        geo::writeFindingsGeoPackage(out, result.findings, park.crs, cli.has("overwrite"));

    writer.write({
        .table =
            [&](std::ostream& out) {
                std::string origins;
                for (std::size_t i = 0; i < options.rules.origins.size(); ++i)
                    origins += (i ? ", " : "") + options.rules.origins[i];
                out << say(geo::message(
                           "audit_heading",
                           "闲置土地认定 / idle-land audit of {park} as of {date} ({count} plots, "
                           "{method} areas; 闲置土地处置办法, 国土资源部令第53号)",
                           {{"park", park.name},
                            {"date", result.asOf},
                            {"count", std::to_string(result.parcelCount)},
                            {"method", geo::toString(method)}}))
                    << "\n"
                    << say(geo::message(
                           "audit_thresholds",
                           "thresholds: stalled built < {built}%, invested < {invested}%; low "
                           "coverage < {coverage}% {years} years after supply; tax ≥ {tax} "
                           "万元/亩, investment ≥ {investment} 万元/亩 (from {origins})",
                           {{"built",
                             geo::formatForDisplay(options.rules.stalledBuiltShareMax * 100, 1)},
                            {"invested",
                             geo::formatForDisplay(options.rules.stalledInvestShareMax * 100, 1)},
                            {"coverage",
                             geo::formatForDisplay(options.rules.lowCoverageShareMin * 100, 1)},
                            {"years", std::to_string(options.rules.lowCoverageYears)},
                            {"tax", geo::formatForDisplay(options.rules.taxPerMuMinWan)},
                            {"investment", geo::formatForDisplay(options.rules.investPerMuMinWan)},
                            {"origins", origins}}))
                    << "\n\n";
                geo::writeFindingsTable(out, result.findings,
                                        geo::totalsOfFindings(result.findings, park.crs, method),
                                        geo::languageFromEnvironment());
                for (const geo::Message& note : result.notRun)
                    out << say(geo::message("not_run", "not run: {note}",
                                            geo::withNested({}, "note", note.english, note.id,
                                                            note.parts)))
                        << "\n";
            },
        .csv = [&](std::ostream& out) { geo::writeFindingsCsv(out, result.findings); },
        .json =
            [&](geo::JsonWriter& json) {
                json.beginObject();
                json.field("source", source);
                json.field("park", park.name);
                json.field("as_of", result.asOf);
                json.field("method", geo::toString(method));
                json.field("parcels", result.parcelCount);
                json.field("buildings", result.buildingsPresent);
                writeBallparkTransformsJson(json, issues);
                geo::writeAuditRulesJson(json, options.rules);
                std::vector<std::string> notRun;
                for (const geo::Message& note : result.notRun)
                    notRun.push_back(note.english);
                json.field("not_run", notRun);
                geo::writeFindingsSummaryJson(
                    json, geo::totalsOfFindings(result.findings, park.crs, method));
                json.key("findings");
                geo::writeFindingsJson(json, result.findings);
                json.endObject();
            },
    });
    if (!out.empty())
        std::cerr << say(geo::message("wrote_findings", "wrote {count} finding(s) to {path}",
                                      {{"count", std::to_string(result.findings.size())},
                                       {"path", out}}))
                  << "\n";
    return cli.has("fail-on-findings") && !result.findings.empty() ? kExitFindings : kExitOk;
}

} // namespace parkatlas::cli
