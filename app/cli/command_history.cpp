#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/result_writer.h"

#include "geo/io/json_writer.h"
#include "geo/io/park_source.h"
#include "geo/io/text_table.h"
#include "geo/rules/findings_io.h"
#include "geo/store/history.h"

#include <iostream>
#include <set>

namespace parkatlas::cli {

namespace {

std::string valueText(const std::optional<std::string>& value)
{
    return value ? *value : std::string("(null)");
}

/// "land_use: M2 → M1; geometry" for the table and CSV.
std::string changesText(const geo::HistoryEntry& entry)
{
    std::string out;
    for (const auto& [field, values] : entry.changedFields)
        out += (out.empty() ? "" : "; ") + field + ": " + valueText(values.first) + " → " +
               valueText(values.second);
    if (entry.geometryChanged)
        out += (out.empty() ? "" : "; ") + std::string("geometry");
    return out;
}

void jsonValue(geo::JsonWriter& json, const std::optional<std::string>& value)
{
    if (value)
        json.value(*value);
    else
        json.null();
}

} // namespace

int runHistory(const std::vector<std::string>& args)
{
    CommandLine cli("history", "PARK [--role R] [--id ID] [--format table|csv|json]",
                    "Lists the changes a park keeps in its history (<role>_history beside each "
                    "layer): every save of an edit session, every import and push, oldest first: "
                    "when (UTC), who, which command, the layer, the feature (fid and its id: "
                    "parcel_id, zone_id, batch_id, case_id, name) and for an update the fields "
                    "that changed, old → new. A park without history (a folder of shapefiles) "
                    "has nothing to list and says so.");
    cli.addPositional("PARK", "GeoPackage or PostgreSQL park (postgresql://… or PG:service=…)");
    cli.addOption("role", "R", "only this layer (parcels, plan_zones …)");
    cli.addOption("id", "ID", "only this feature: its id (parcel_id …) or its fid");
    ResultWriter::addFormatOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    const std::string source = cli.positional("PARK");
    if (!geo::splitParkDate(source).second.empty())
        throw UsageError("history lists every change; name the park without @DATE");
    std::optional<geo::Role> only;
    if (cli.has("role")) {
        only = geo::roleFromLayerName(cli.value("role"));
        if (!only)
            throw UsageError("--role: \"" + cli.value("role") + "\" is not a role");
    }
    const geo::ParkDefinition definition = geo::discoverPark(source);
    // The history lies beside each layer, in the layer's own dataset.
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> byDataset;
    for (const geo::ParkLayerSource& layer : definition.layers) {
        if (only && layer.role != *only)
            continue;
        const std::string role = geo::toString(layer.role);
        byDataset[layer.ref.datasetPath].push_back(
            {layer.ref.layerName.empty() ? role : layer.ref.layerName, geo::idFieldName(role)});
    }
    if (only && byDataset.empty())
        throw UsageError(std::string("--role: the park has no ") + geo::toString(*only) +
                         " layer");
    std::vector<geo::HistoryEntry> entries;
    for (const auto& [dataset, layers] : byDataset) {
        auto part = geo::readHistory(dataset, layers, cli.value("id"));
        entries.insert(entries.end(), std::make_move_iterator(part.begin()),
                       std::make_move_iterator(part.end()));
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const geo::HistoryEntry& a, const geo::HistoryEntry& b) {
                         return a.validTo < b.validTo;
                     });
    if (entries.empty()) {
        // One message a branch, not a conditional expression: GCC 12 takes the temporaries
        // made in one arm of it for ones that may be destroyed uninitialised
        // (-Wmaybe-uninitialized).
        geo::Message nothing;
        if (cli.has("id") || only)
            nothing = geo::message("no_change_recorded",
                                   "{source}: no change recorded for what was asked",
                                   {{"source", source}});
        else
            nothing = geo::message("keeps_no_history",
                                   "{source} keeps no history (no <role>_history layer)",
                                   {{"source", source}});
        std::cerr << "parkatlas: " << say(nothing) << "\n";
    }

    const std::vector<std::string> header = {"time (UTC)", "who",      "command", "role",
                                             "operation",  "fid",      "id",      "valid_from",
                                             "changes"};
    std::vector<std::vector<std::string>> rows;
    for (const geo::HistoryEntry& entry : entries)
        rows.push_back({entry.validTo, entry.who, entry.command, entry.role, entry.operation,
                        entry.fid ? std::to_string(*entry.fid) : std::string(), entry.id,
                        entry.validFrom, changesText(entry)});
    writer.write({
        .table =
            [&](std::ostream& out) {
                geo::TextTable table;
                // The table's headers in the user's language (CSV and JSON keep the ids).
                const bool zh = geo::languageFromEnvironment() == geo::Language::Chinese;
                static const char* const kChinese[] = {"时间（UTC）", "操作人", "命令",
                                                       "角色",        "操作",   "fid",
                                                       "编号",        "valid_from", "变更"};
                for (std::size_t c = 0; c < header.size(); ++c)
                    table.addColumn(zh ? std::string(kChinese[c]) : header[c],
                                    header[c] == "fid" ? geo::TextTable::Align::Right
                                                       : geo::TextTable::Align::Left);
                for (auto& row : rows)
                    table.addRow(std::move(row));
                table.render(out);
            },
        .csv =
            [&](std::ostream& out) {
                rows.insert(rows.begin(), header);
                geo::writeCsv(out, rows, true);
            },
        .json =
            [&](geo::JsonWriter& json) {
                json.beginObject();
                json.field("park", definition.source);
                json.key("changes").beginArray();
                for (const geo::HistoryEntry& entry : entries) {
                    json.beginObject();
                    json.field("time", entry.validTo);
                    json.field("who", entry.who);
                    json.field("command", entry.command);
                    json.field("role", entry.role);
                    json.field("operation", entry.operation);
                    json.key("fid");
                    if (entry.fid)
                        json.value(*entry.fid);
                    else
                        json.null();
                    json.key("id");
                    if (entry.id.empty())
                        json.null();
                    else
                        json.value(entry.id);
                    json.key("valid_from");
                    if (entry.validFrom.empty())
                        json.null();
                    else
                        json.value(entry.validFrom);
                    json.field("valid_to", entry.validTo);
                    json.key("fields").beginObject();
                    for (const auto& [field, values] : entry.changedFields) {
                        json.key(field).beginArray();
                        jsonValue(json, values.first);
                        jsonValue(json, values.second);
                        json.endArray();
                    }
                    json.endObject();
                    json.field("geometry_changed", entry.geometryChanged);
                    json.endObject();
                }
                json.endArray();
                json.endObject();
            },
    });
    return kExitOk;
}

} // namespace parkatlas::cli
