#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/diff/diff_io.h"
#include "geo/diff/diff_progress.h"
#include "geo/diff/park_diff.h"
#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/compliance_settings.h"

#include <filesystem>
#include <iostream>

namespace parkatlas::cli {

int runDiff(const std::vector<std::string>& args)
{
    CommandLine cli(
        "diff",
        "OLD NEW [--format table|csv|json] [--out CHANGES.gpkg] [--overwrite] [--audit-date "
        "YYYY-MM-DD] [--no-findings] [--method ellipsoidal|survey|planar] [--encoding ENC] "
        "[--s-srs CRS]",
        "What changed between two parks (two files, or one park at two dates): per role the "
        "features added (新增), removed (灭失) and changed (变更), matched by the role's key "
        "(parcels parcel_id, plan_zones zone_id, acquisition batch_id, idle_land case_id, roads "
        "and pipelines lot + name, the others by fid; a missing or duplicated key falls back to "
        "geometry and says so). A plot cut in two or joined with its neighbour is one item naming "
        "every id it came from and went to. Then the period's work (progress): mu by acquisition "
        "stage then and now, households and persons newly settled, land supplied by use, "
        "projects started, stopped and completed, km of road and pipeline built and the "
        "contract-weighted progress, idle cases identified and disposed of, and the findings of "
        "the plan check and the idle-land audit that are new and that were resolved. Two parks "
        "in different CRSs are compared after transforming NEW into OLD's.");
    cli.addPositional("OLD", "the park at the start of the period (GeoPackage, folder, project)");
    cli.addPositional("NEW", "the park at its end");
    ResultWriter::addFormatOption(cli);
    cli.addOption("out", "CHANGES.gpkg",
                  "write the changed geometries with their kind (新增/变更/灭失) to a GeoPackage");
    cli.addFlag("overwrite", "replace --out when it exists");
    cli.addOption("audit-date", "YYYY-MM-DD",
                  "the idle-land audit's date for the findings new and resolved (default today)");
    cli.addFlag("no-findings", "leave the plan check and the audit out of the progress");
    cli.addOption("method", "M", "area method: ellipsoidal (default), survey or planar");
    addSourceOptions(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    const std::string out = cli.value("out");
    if (!out.empty() && std::filesystem::path(out).extension() != ".gpkg")
        throw UsageError("--out must name a .gpkg file");
    std::error_code error;
    if (!out.empty() && std::filesystem::exists(out, error) && !cli.has("overwrite"))
        throw UsageError("'" + out + "' exists; add --overwrite to replace it");
    geo::Date auditDate = today();
    if (cli.has("audit-date")) {
        const auto date = geo::Date::parse(cli.value("audit-date"));
        if (!date)
            throw UsageError("--audit-date '" + cli.value("audit-date") +
                             "' is not a date (YYYY-MM-DD)");
        auditDate = *date;
    }
    const geo::AreaMethod method = areaMethodFrom(cli);

    IssuePrinter issues;
    const geo::ParkDefinition oldDefinition = discoverParkFrom(cli, cli.positional("OLD"));
    const geo::ParkDefinition newDefinition = discoverParkFrom(cli, cli.positional("NEW"));
    const geo::Park oldPark = readPark(oldDefinition, {}, issues);
    geo::Park newPark = readPark(newDefinition, {}, issues);

    geo::DiffOptions options;
    options.areaMethod = method;
    ProgressBar comparing("comparing");
    const geo::ParkDiff diff = geo::diffParks(oldPark, newPark, options, issues);
    comparing.finish();
    if (writer.format() == ResultFormat::Csv) { // the table and the JSON carry the notes
        for (const std::string& note : diff.notes)
            std::cerr << "note: " << note << "\n";
        for (const geo::LayerDiff& layer : diff.layers)
            for (const std::string& note : layer.notes)
                std::cerr << "note: " << note << "\n";
    }

    geo::ProgressOptions progressOptions;
    progressOptions.areaMethod = method;
    progressOptions.findings = !cli.has("no-findings");
    if (progressOptions.findings) {
        progressOptions.auditAsOf = auditDate;
        progressOptions.complianceSettings =
            geo::ComplianceSettings::load(newDefinition.projectPath, issues);
        progressOptions.auditRules = geo::loadAuditRules(newDefinition.projectPath, issues);
    }
    const geo::Ledger progress = geo::diffProgress(oldPark, newPark, diff, progressOptions, issues);

    if (!out.empty()) {
        geo::writeChangesGeoPackage(out, oldPark, newPark, diff, cli.has("overwrite"));
        std::size_t items = 0;
        for (const geo::LayerDiff& layer : diff.layers)
            items += layer.items.size();
        std::cerr << say(geo::message("wrote_changes", "wrote {count} change(s) to {path}",
                                      {{"count", std::to_string(items)}, {"path", out}}))
                  << "\n";
    }
    writer.write({
        .table = [&](std::ostream& out) { geo::writeDiffText(out, diff, &progress); },
        .csv = [&](std::ostream& out) { geo::writeDiffCsv(out, diff, &progress); },
        .json = [&](geo::JsonWriter& json) { geo::writeDiffJson(json, diff, &progress); },
    });
    return kExitOk;
}

} // namespace parkatlas::cli
