#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/ascii.h"
#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/rules/compliance.h"
#include "geo/rules/findings_io.h"
#include "geo/rules/findings_total.h"
#include "geo/store/server_check.h"

#include <filesystem>
#include <future>
#include <iostream>
#include <optional>
#include <set>

namespace parkatlas::cli {

namespace {

namespace fs = std::filesystem;

std::string ruleList()
{
    std::string names;
    for (geo::ComplianceRule rule : geo::allComplianceRules())
        names += (names.empty() ? "" : ", ") + std::string(geo::toString(rule));
    return names;
}

void writeJson(geo::JsonWriter& json, const geo::Park& park, const geo::ComplianceResult& result,
               const geo::FindingSource& findings, const geo::IssueList& issues)
{
    json.beginObject();
    json.field("park", park.name);
    json.field("crs", park.crs.label());
    writeBallparkTransformsJson(json, issues);
    json.key("rules").beginArray();
    for (geo::ComplianceRule rule : result.rulesRun)
        json.value(geo::toString(rule));
    json.endArray();
    // The summary's totals (GEOS unions, on workers of their own) are made while the findings
    // are written: both only read the findings.
    std::future<geo::FindingsTotals> totals = std::async(
        std::launch::async, [&] { return geo::totalsOfFindings(findings, park.crs); });
    json.key("findings");
    geo::writeFindingsJson(json, findings);
    std::vector<std::string> rulesRun;
    for (geo::ComplianceRule rule : result.rulesRun)
        rulesRun.push_back(geo::toString(rule));
    // land_use_too_coarse is land_use_mismatch's second verdict: listed whenever that rule ran.
    if (std::find(result.rulesRun.begin(), result.rulesRun.end(),
                  geo::ComplianceRule::LandUseMismatch) != result.rulesRun.end())
        rulesRun.push_back(geo::kLandUseTooCoarse);
    geo::writeFindingsSummaryJson(json, totals.get(), rulesRun);
    // The classification each layer's land-use codes were read in, and why.
    json.key("land_use_classification").beginObject();
    for (const auto& [role, detection] : result.landUseSystems) {
        json.key(geo::toString(role)).beginObject();
        json.field("systems", detection.systems);
        json.field("declared", detection.declared);
        json.field("reason", detection.reason);
        if (!detection.warning.empty())
            json.field("warning", detection.warning);
        json.endObject();
    }
    json.endObject();
    json.endObject();
}

/// Every file the park is read from, to refuse writing the findings over one of them.
bool isInput(const geo::ParkDefinition& definition, const fs::path& out)
{
    std::error_code error;
    auto same = [&](const std::string& path) {
        return !path.empty() && fs::exists(path, error) && fs::equivalent(path, out, error);
    };
    if (same(definition.source) || same(definition.projectPath))
        return true;
    for (const geo::ParkLayerSource& layer : definition.layers)
        if (same(layer.ref.datasetPath))
            return true;
    return false;
}

} // namespace

int runCheck(const std::vector<std::string>& args)
{
    CommandLine cli("check",
                    "PARK [--rule R ...] [--format table|csv|json] [--out FINDINGS.gpkg] "
                    "[--fail-on-findings] [--encoding ENC] [--s-srs CRS]",
                    "Flags every plot and expansion zone against the plan (对照规划): land use "
                    "against the 控规 zones, the park boundary, road red lines, protected areas, "
                    "intensity, topology, works on land not yet acquired and expansion zones "
                    "on land not yet acquired (征地未完成). PARK is a GeoPackage with the "
                    "conventional layer names, a folder of files named after them, or a "
                    "*.parkatlas.json project file, whose \"rules\" override the defaults of "
                    "styles/thresholds.json. Areas (亩) are ellipsoidal. A rule that needs a "
                    "value the data leaves unknown says so in a cannot_decide finding.");
    cli.addPositional("PARK", "GeoPackage, folder or project file");
    cli.addOption("rule", "R", "only this rule (repeatable): " + ruleList(), true);
    ResultWriter::addFormatOption(cli);
    cli.addOption("out", "FILE.gpkg",
                  "also write the findings with their geometry as a GeoPackage layer "
                  "\"findings\" (replaced atomically; never one of the park's own files)");
    cli.addFlag("fail-on-findings", "exit 1 when there is any finding");
    cli.addFlag("server",
                "PARK is a PostGIS park: run the spatial joins of land_use_mismatch, "
                "outside_boundary, protected_overlap, invalid_geometry and duplicate_id in SQL and read only the features they can flag (the other rules "
                "run locally); same findings as without it");
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    std::vector<geo::ComplianceRule> rules;
    for (const std::string& name : cli.values("rule")) {
        const auto rule = geo::complianceRuleFromString(name);
        if (!rule)
            throw UsageError("unknown rule '" + name + "' (rules: " + ruleList() + ")");
        if (std::find(rules.begin(), rules.end(), *rule) == rules.end())
            rules.push_back(*rule);
    }
    const std::string out = cli.value("out");
    if (cli.has("out")) {
        if (geo::lowerAscii(fs::path(out).extension().string()) != ".gpkg")
            throw UsageError("--out must name a .gpkg file");
    }

    const auto session = openSessionFrom(cli, cli.positional("PARK"));
    const geo::ParkDefinition definition = session->definition();
    if (!out.empty() && isInput(definition, fs::absolute(out)))
        throw UsageError("--out " + out + " is one of the park's own files; choose another");

    IssuePrinter issues;
    geo::ComplianceOptions options;
    options.settings = session->complianceSettings(issues);
    options.rules = rules;
    // Declared classifications reach the server-side check too (it reads no project layers).
    for (const auto& [role, system] : classificationsFrom(cli)) {
        geo::LandUseDetection declared;
        declared.systems = {system};
        declared.declared = true;
        declared.reason = "declared on the command line";
        options.landUseSystems[role] = declared;
    }
    const std::vector<geo::ComplianceRule> chosen = geo::rulesToRun(rules, options.settings);

    const bool server = cli.has("server");
    if (server && !geo::isPostgresSource(cli.positional("PARK")))
        throw UsageError("--server needs a PostgreSQL PARK (postgresql://… or PG:service=…)");
    std::shared_ptr<const geo::Park> read;
    if (server) {
        // Only the name and the working CRS here: the server-side check reads what it needs.
        auto named = std::make_shared<geo::Park>();
        named->name = definition.name;
        if (const geo::ParkLayerSource* parcels = definition.find(geo::Role::Parcels))
            named->crs = geo::describeLayer(parcels->ref, parcels->open).crs.crs;
        read = std::move(named);
    } else {
        read = readPark(*session, geo::rolesForRules(chosen, options.settings), issues);
    }
    const geo::Park& park = *read;
    bool readFailures = issues.count(geo::Issue::Severity::Error) > 0;

    geo::ComplianceResult result;
    // The findings go to a temporary file as they are made and are written from it, so memory
    // does not grow with their number (the server-side check merges its parts in memory).
    std::optional<geo::FindingSpill> spill;
    if (!server) {
        spill.emplace();
        options.spill = &*spill;
    }
    {
        ProgressBar bar("checking");
        options.progress = [&bar](double done) { return bar.update(done); };
        result = server ? geo::checkComplianceOnServer(cli.positional("PARK"), options, issues)
                        : session->check(options, issues).value;
        bar.finish();
    }
    readFailures = readFailures || issues.count(geo::Issue::Severity::Error) > 0;
    if (const std::string note = landUseSystemsNote(result.landUseSystems); !note.empty())
        std::cerr << "parkatlas check: " << note << "\n";

    const geo::FindingList listed(result.findings);
    const geo::FindingSource& findings =
        spill ? static_cast<const geo::FindingSource&>(*spill) : listed;
    writer.write({
        .table =
            [&](std::ostream& out) {
                if (geo::languageFromEnvironment() == geo::Language::Chinese)
                    out << park.name << "（" << park.crs.label() << "）：" << result.rulesRun.size()
                        << " 条规则，" << findings.size() << " 处问题\n\n";
                else
                    out << park.name << " (" << park.crs.label() << "): " << findings.size()
                        << " finding(s) from " << result.rulesRun.size() << " rule(s)\n\n";
                geo::writeFindingsTable(out, findings, geo::totalsOfFindings(findings, park.crs),
                                        geo::languageFromEnvironment());
            },
        .csv = [&](std::ostream& out) { geo::writeFindingsCsv(out, findings); },
        .json = [&](geo::JsonWriter& json) { writeJson(json, park, result, findings, issues); },
    });
    if (!out.empty())
        geo::writeFindingsGeoPackage(out, findings, park.crs, true);

    if (readFailures) {
        std::cerr << "parkatlas check: "
                  << say(geo::message("rules_incomplete",
                                      "some layers could not be read (see the errors); their "
                                      "rules are incomplete"))
                  << "\n";
        return kExitBadInput;
    }
    if (cli.has("fail-on-findings") && findings.size() > 0)
        return kExitFindings;
    return kExitOk;
}

} // namespace parkatlas::cli
