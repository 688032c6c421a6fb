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
#include "geo/io/shapefile_reader.h"
#include "geo/io/text_table.h"
#include "geo/issue.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/land_use_classification.h"
#include "geo/store/server_measure.h"
#include "geo/units.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace parkatlas::cli {

namespace {

/// One layer to measure, with what the park knows about it.
struct Target {
    geo::LayerRef ref;
    geo::OpenOptions open;
    std::optional<geo::Role> role;
    std::map<std::string, std::string> fieldMap;
    std::string classification; // declared land-use system ("" = detect)
    std::string classificationOrigin;
};

struct Group {
    double areaM2 = 0;
    double lengthM = 0;
    std::size_t count = 0;
    std::size_t unknownCount = 0;
};

struct Result {
    std::string name;
    geo::Layer layer;
    geo::LayerMeasure measure;
    int byField = -1;
    std::map<std::string, Group> groups; // by value
    /// With --by land_use: the classification the codes are named in.
    std::optional<geo::LandUseDetection> landUse;
};

const std::string kUnknownGroup = "(unknown)";

/// Passes issues on to the printer and remembers the features whose geometry the readers could
/// not keep (geo::issueDropsGeometry), so that they count as unknown, never as 0.
class DroppedGeometries : public geo::IssueSink {
public:
    explicit DroppedGeometries(geo::IssueSink& next) : m_next(next) {}
    void report(geo::Issue issue) override
    {
        if (geo::issueDropsGeometry(issue)) {
            std::lock_guard lock(m_mutex);
            m_dropped.insert({issue.path, issue.fid});
        }
        m_next.report(std::move(issue));
    }
    /// Makes the dropped features of `layer` unknown in `measure` (NaN, out of the totals).
    void markUnknown(const geo::Layer& layer, geo::LayerMeasure& measure) const
    {
        std::lock_guard lock(m_mutex);
        if (m_dropped.empty())
            return;
        for (std::vector<double>* values : {&measure.areaM2, &measure.lengthM}) {
            double& total = values == &measure.areaM2 ? measure.totalAreaM2 : measure.totalLengthM;
            for (std::size_t f = 0; f < values->size() && f < layer.fids.size(); ++f) {
                if (std::isnan((*values)[f]) || !m_dropped.count({layer.sourcePath, layer.fids[f]}))
                    continue;
                total -= (*values)[f];
                (*values)[f] = std::nan("");
                ++measure.unknownCount;
                if (measure.emptyCount > 0)
                    --measure.emptyCount;
            }
        }
    }

private:
    geo::IssueSink& m_next;
    mutable std::mutex m_mutex;
    std::set<std::pair<std::string, std::int64_t>> m_dropped;
};

std::vector<Target> selectTargets(const std::string& source, const geo::OpenOptions& open,
                                  const std::string& wanted, std::vector<std::string>& unreadable)
{
    const geo::ParkDefinition park = geo::discoverPark(source, open);
    unreadable = park.unreadable;
    // What a date cannot be honoured on (a folder of shapefiles keeps no history) is said.
    for (const std::string& warning : park.warnings)
        std::cerr << "parkatlas area: warning: " << warning << "\n";
    std::vector<Target> targets;
    for (const geo::ParkLayerSource& layer : park.layers)
        targets.push_back({layer.ref, layer.open, layer.role, layer.fieldMap, layer.classification,
                           layer.classificationOrigin});
    for (const geo::LayerRef& ref : park.unassigned)
        targets.push_back({ref, open, std::nullopt, {}, {}, {}});
    if (wanted.empty())
        return targets;
    std::vector<Target> chosen;
    for (const Target& target : targets) {
        const bool byName = target.ref.layerName == wanted;
        const bool byRole = target.role && wanted == geo::toString(*target.role);
        const bool byChineseRole = target.role && wanted == geo::chineseName(*target.role);
        if (byName || byRole || byChineseRole)
            chosen.push_back(target);
    }
    if (chosen.empty()) {
        std::string names;
        for (const Target& target : targets)
            names += (names.empty() ? "" : ", ") + target.ref.layerName;
        throw UsageError("no layer '" + wanted + "' in " + source + " (it has: " + names + ")");
    }
    return chosen;
}

int findByField(const Target& target, const geo::Layer& layer, const std::string& by)
{
    int index = layer.attributes.fieldIndex(by);
    if (index < 0 && target.role) {
        // A contract name ("land_use") finds its alias ("YDDM", "用地代码") too.
        const std::vector<int> resolved =
            geo::resolveContractFields(*target.role, layer.attributes, target.fieldMap);
        const auto& fields = geo::contractFields(*target.role);
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (by == fields[i].name)
                index = resolved[i];
    }
    if (index < 0) {
        std::string names;
        for (const geo::FieldDef& field : layer.attributes.fields())
            names += (names.empty() ? "" : ", ") + field.name;
        throw geo::IoError("no field '" + by + "' (fields: " + names + ")",
                           {layer.sourcePath, layer.name, -1, by});
    }
    return index;
}

std::string groupKey(const geo::Layer& layer, std::size_t row, int field)
{
    if (layer.attributes.isUnknown(row, field))
        return kUnknownGroup;
    return layer.attributes.text(row, field);
}

std::string fixed(double value, int decimals)
{
    return geo::formatForDisplay(value, decimals);
}

/// A table column's header: `english` as it has always been printed, or under a Chinese locale
/// the column's name in styles/names.json (geo::displayName).
std::string header(const char* id, const char* english)
{
    const geo::Language language = geo::languageFromEnvironment();
    return language == geo::Language::English
               ? english
               : geo::displayName(geo::NameGroup::Column, id, language);
}

/// Without --by and --per-feature: one table of polygon layers and one of line layers, a row
/// each. Layers overlap (parcels lie inside the boundary), so there is no grand total.
void printLayerSummary(std::ostream& out, const std::vector<Result>& results,
                       geo::AreaMethod method)
{
    using Align = geo::TextTable::Align;
    geo::TextTable areas;
    areas.addColumn(header("layer", "layer"));
    areas.addColumn(header("crs", "CRS"));
    areas.addColumn(header("features", "features"), Align::Right);
    areas.addColumn(header("area_m2", "m²"), Align::Right);
    areas.addColumn(header("area_mu", "亩 (mu)"), Align::Right);
    areas.addColumn(header("area_ha", "ha"), Align::Right);
    geo::TextTable lengths;
    lengths.addColumn(header("layer", "layer"));
    lengths.addColumn(header("crs", "CRS"));
    lengths.addColumn(header("features", "features"), Align::Right);
    lengths.addColumn(header("length_m", "m"), Align::Right);
    lengths.addColumn(header("length_km", "km"), Align::Right);
    bool anyArea = false, anyLength = false;
    std::size_t unknown = 0;
    for (const Result& r : results) {
        unknown += r.measure.unknownCount;
        const std::string count = std::to_string(r.layer.featureCount());
        if (r.layer.geometry.kind() == geo::GeometryKind::Line) {
            anyLength = true;
            lengths.addRow({r.name, r.layer.crs.label(), count, fixed(r.measure.totalLengthM, 2),
                            fixed(r.measure.totalLengthM / 1000.0, 3)});
        } else {
            anyArea = true;
            const double m2 = r.measure.totalAreaM2;
            areas.addRow({r.name, r.layer.crs.label(), count, fixed(m2, 2),
                          fixed(geo::muFromM2(m2), 2), fixed(geo::hectaresFromM2(m2), 4)});
        }
    }
    if (anyArea) {
        out << say(geo::message("areas_title", "Areas ({method})",
                                {{"method", geo::toString(method)}}))
            << "\n";
        areas.render(out);
    }
    if (anyLength) {
        out << (anyArea ? "\n" : "")
            << say(geo::message(
                   method == geo::AreaMethod::Planar ? "lengths_planar" : "lengths_geodesic",
                   method == geo::AreaMethod::Planar ? "Lengths (planar)" : "Lengths (geodesic)"))
            << "\n";
        lengths.render(out);
    }
    if (unknown > 0)
        out << say(geo::message("unmeasured_totals",
                                "{count} feature(s) could not be measured and are left out "
                                "of the totals (see the warnings)",
                                {{"count", std::to_string(unknown)}}))
            << "\n";
}

/// With --by land_use (or one of its aliases): the system the codes are named in, declared
/// (--classification, the project file) or detected from the layer's codes.
void describeLandUse(Result& result, const Target& target, const std::string& by,
                     const std::map<geo::Role, std::string>& declared)
{
    if (!target.role || result.byField < 0)
        return;
    bool isLandUse = by == "land_use";
    for (const geo::ContractField& field : geo::contractFields(*target.role))
        if (field.name == std::string("land_use"))
            for (const char* alias : field.aliases)
                isLandUse = isLandUse || geo::LandUseClassification::normalise(alias) ==
                                             geo::LandUseClassification::normalise(by);
    if (!isLandUse)
        return;
    geo::LandUseDetection detection;
    if (const auto it = declared.find(*target.role); it != declared.end()) {
        detection.setDeclared(it->second, "on the command line");
    } else if (!target.classification.empty()) {
        detection.setDeclared(target.classification, target.classificationOrigin);
    } else {
        std::vector<std::string> codes;
        for (const auto& [key, group] : result.groups)
            if (key != kUnknownGroup)
                codes.push_back(key);
        detection = geo::LandUseClassification::standard().detect(
            codes, result.layer.attributes.fields()[result.byField].name, target.role);
        detection.markDetected();
    }
    result.landUse = std::move(detection);
}

void printTable(std::ostream& out, const std::vector<Result>& results, const std::string& by,
                bool perFeature, geo::AreaMethod method)
{
    if (by.empty() && !perFeature)
        return printLayerSummary(out, results, method);
    bool first = true;
    for (const Result& r : results) {
        if (!first)
            out << "\n";
        first = false;
        const bool lines = r.layer.geometry.kind() == geo::GeometryKind::Line;
        out << say(geo::message(lines ? (r.measure.method == geo::AreaMethod::Planar
                                             ? "table_title_planar"
                                             : "table_title_geodesic")
                                      : "table_title_area",
                                lines ? (r.measure.method == geo::AreaMethod::Planar
                                             ? "{layer}  ({crs}, planar length)"
                                             : "{layer}  ({crs}, geodesic length)")
                                      : "{layer}  ({crs}, {method} area)",
                                {{"layer", r.name},
                                 {"crs", r.layer.crs.label()},
                                 {"method", geo::toString(method)}}))
            << "\n";
        geo::TextTable table;
        using Align = geo::TextTable::Align;
        // The --by field by its name (用地性质), as the user typed it in English.
        const std::string byHeader =
            geo::languageFromEnvironment() == geo::Language::English
                ? by
                : geo::displayName(geo::NameGroup::Field, by, geo::Language::Chinese,
                                   geo::roleFromLayerName(r.layer.name)
                                       ? geo::toString(*geo::roleFromLayerName(r.layer.name))
                                       : std::string_view());
        if (perFeature) {
            table.addColumn(header("fid", "fid"), Align::Right);
            if (r.byField >= 0)
                table.addColumn(byHeader);
        } else if (r.byField >= 0) {
            table.addColumn(byHeader);
            if (r.landUse)
                table.addColumn(header("land_use_name", "名称 (name)"));
        } else {
            table.addColumn("");
        }
        table.addColumn(header("features", "features"), Align::Right);
        if (lines) {
            table.addColumn(header("length_m", "m"), Align::Right);
            table.addColumn(header("length_km", "km"), Align::Right);
        } else {
            table.addColumn(header("area_m2", "m²"), Align::Right);
            table.addColumn(header("area_mu", "亩 (mu)"), Align::Right);
            table.addColumn(header("area_ha", "ha"), Align::Right);
        }

        // Rows, then the total; the shown mu/m² of the rows add up to the shown total.
        std::vector<std::vector<std::string>> labels;
        std::vector<double> values;
        std::vector<std::size_t> counts;
        const std::vector<double>& perFeatureValues = lines ? r.measure.lengthM : r.measure.areaM2;
        if (perFeature) {
            for (std::size_t f = 0; f < perFeatureValues.size(); ++f) {
                std::vector<std::string> label = {std::to_string(r.layer.fids[f])};
                if (r.byField >= 0)
                    label.push_back(groupKey(r.layer, f, r.byField));
                labels.push_back(label);
                values.push_back(perFeatureValues[f]);
                counts.push_back(1);
            }
        } else if (r.byField >= 0) {
            for (const auto& [key, group] : r.groups) {
                labels.push_back({key});
                if (r.landUse)
                    labels.back().push_back(
                        geo::LandUseClassification::standard().nameOf(key, r.landUse->systems));
                values.push_back(lines ? group.lengthM : group.areaM2);
                counts.push_back(group.count);
            }
        }
        auto shownParts = [&](double scale, int decimals) {
            std::vector<double> scaled;
            for (double v : values)
                scaled.push_back(v * scale);
            return geo::roundPartsForDisplay(scaled, decimals);
        };
        const double total = lines ? r.measure.totalLengthM : r.measure.totalAreaM2;
        const std::size_t featureCount = r.layer.featureCount();
        if (!values.empty()) {
            if (lines) {
                const auto metres = shownParts(1.0, 2);
                const auto km = shownParts(1e-3, 3);
                for (std::size_t i = 0; i < values.size(); ++i) {
                    auto row = labels[i];
                    row.push_back(std::to_string(counts[i]));
                    row.push_back(fixed(metres.parts[i], 2));
                    row.push_back(fixed(km.parts[i], 3));
                    table.addRow(row);
                }
            } else {
                const auto m2 = shownParts(1.0, 2);
                const auto mu = shownParts(15.0 / 10000.0, 2);
                const auto ha = shownParts(1e-4, 4);
                for (std::size_t i = 0; i < values.size(); ++i) {
                    auto row = labels[i];
                    row.push_back(std::to_string(counts[i]));
                    row.push_back(fixed(m2.parts[i], 2));
                    row.push_back(fixed(mu.parts[i], 2));
                    row.push_back(fixed(ha.parts[i], 4));
                    table.addRow(row);
                }
            }
            table.addRule();
        }
        std::vector<std::string> totalRow = {header("total", "total")};
        if ((perFeature && r.byField >= 0) || (!perFeature && r.landUse))
            totalRow.push_back("");
        totalRow.push_back(std::to_string(featureCount));
        if (lines) {
            totalRow.push_back(fixed(total, 2));
            totalRow.push_back(fixed(total / 1000.0, 3));
        } else {
            totalRow.push_back(fixed(total, 2));
            totalRow.push_back(fixed(geo::muFromM2(total), 2));
            totalRow.push_back(fixed(geo::hectaresFromM2(total), 4));
        }
        table.addRow(totalRow);
        table.render(out);
        if (r.measure.unknownCount > 0)
            out << say(geo::message("unmeasured_total",
                                    "{count} feature(s) could not be measured and are left "
                                    "out of the total (see the warnings)",
                                    {{"count", std::to_string(r.measure.unknownCount)}}))
                << "\n";
        if (r.landUse && !r.landUse->systems.empty()) {
            const geo::Language language = geo::languageFromEnvironment();
            out << say(geo::message("land_use_named_in", "land use named in {systems} ({reason})",
                                    {{"systems", r.landUse->label()},
                                     {"reason", r.landUse->reasonText(language)}}))
                << "\n";
            if (r.landUse->systems.size() > 1)
                out << say(geo::message("mixed_classifications",
                                        "note: this table mixes classifications ({systems}); "
                                        "each code is named in the system that has it",
                                        {{"systems", r.landUse->label()}}))
                    << "\n";
            if (!r.landUse->warning.empty())
                out << say(geo::message("ambiguous_codes", "warning: {warning}",
                                        {{"warning", r.landUse->warningText(language)}}))
                    << "\n";
        }
    }
}

void writeCsv(std::ostream& out, const std::vector<Result>& results, const std::string& by,
              bool perFeature)
{
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> header = {"layer"};
    if (perFeature)
        header.push_back("fid");
    if (!by.empty())
        header.push_back(by);
    for (const char* column : {"count", "area_m2", "area_mu", "area_ha", "length_m"})
        header.push_back(column);
    rows.push_back(header);
    for (const Result& r : results) {
        const bool lines = r.layer.geometry.kind() == geo::GeometryKind::Line;
        auto add = [&](std::vector<std::string> lead, std::size_t count, double value) {
            std::vector<std::string> row = {r.name};
            row.insert(row.end(), lead.begin(), lead.end());
            row.push_back(std::to_string(count));
            if (lines) {
                row.insert(row.end(), {"", "", "", geo::shortestDecimal(value)});
            } else {
                row.push_back(geo::shortestDecimal(value));
                row.push_back(geo::shortestDecimal(geo::muFromM2(value)));
                row.push_back(geo::shortestDecimal(geo::hectaresFromM2(value)));
                row.push_back("");
            }
            if (std::isnan(value))
                for (std::size_t i = row.size() - 4; i < row.size(); ++i)
                    row[i] = "";
            rows.push_back(row);
        };
        const std::vector<double>& values = lines ? r.measure.lengthM : r.measure.areaM2;
        const double total = lines ? r.measure.totalLengthM : r.measure.totalAreaM2;
        if (perFeature) {
            for (std::size_t f = 0; f < values.size(); ++f) {
                std::vector<std::string> lead = {std::to_string(r.layer.fids[f])};
                if (!by.empty())
                    lead.push_back(r.byField >= 0 ? groupKey(r.layer, f, r.byField) : "");
                add(lead, 1, values[f]);
            }
        } else if (r.byField >= 0) {
            for (const auto& [key, group] : r.groups)
                add({key}, group.count, lines ? group.lengthM : group.areaM2);
        }
        std::vector<std::string> lead;
        if (perFeature)
            lead.push_back("total");
        if (!by.empty())
            lead.push_back(perFeature ? "" : "total");
        if (lead.empty())
            lead = {};
        add(lead, r.layer.featureCount(), total);
    }
    geo::writeCsv(out, rows, true);
}

void writeJson(geo::JsonWriter& json, const std::string& source, geo::AreaMethod method,
               const std::vector<Result>& results, const std::string& by, bool perFeature)
{
    json.beginObject();
    json.field("source", source);
    json.field("method", geo::toString(method));
    json.key("layers").beginObject();
    for (const Result& r : results) {
        const bool lines = r.layer.geometry.kind() == geo::GeometryKind::Line;
        json.key(r.name).beginObject();
        json.field("dataset", r.layer.sourcePath);
        json.field("crs", r.layer.crs.label());
        json.field("geometry", geo::toString(r.layer.geometry.kind()));
        json.key("total").beginObject();
        json.field("count", r.layer.featureCount());
        if (lines) {
            json.field("length_m", r.measure.totalLengthM);
            json.field("length_km", r.measure.totalLengthM / 1000.0);
        } else {
            json.field("area_m2", r.measure.totalAreaM2);
            json.field("area_mu", geo::muFromM2(r.measure.totalAreaM2));
            json.field("area_ha", geo::hectaresFromM2(r.measure.totalAreaM2));
        }
        json.field("unknown_count", r.measure.unknownCount);
        json.endObject();
        if (r.landUse) {
            json.key("land_use_classification").beginObject();
            json.field("systems", r.landUse->systems);
            json.field("declared", r.landUse->declared);
            json.field("reason", r.landUse->reason);
            json.field("mixed", r.landUse->systems.size() > 1);
            if (!r.landUse->warning.empty())
                json.field("warning", r.landUse->warning);
            json.endObject();
        }
        if (r.byField >= 0) {
            json.key("by").beginObject();
            for (const auto& [key, group] : r.groups) {
                json.key(key).beginObject();
                if (r.landUse)
                    if (const std::string name =
                            geo::LandUseClassification::standard().nameOf(key, r.landUse->systems);
                        !name.empty())
                        json.field("name", name);
                if (lines) {
                    json.field("length_m", group.lengthM);
                } else {
                    json.field("area_m2", group.areaM2);
                    json.field("area_mu", geo::muFromM2(group.areaM2));
                }
                json.field("count", group.count);
                if (group.unknownCount > 0)
                    json.field("unknown_count", group.unknownCount);
                json.endObject();
            }
            json.endObject();
        }
        if (perFeature) {
            json.key("features").beginArray();
            const std::vector<double>& values = lines ? r.measure.lengthM : r.measure.areaM2;
            for (std::size_t f = 0; f < values.size(); ++f) {
                json.beginObject();
                json.field("fid", r.layer.fids[f]);
                if (lines) {
                    json.field("length_m", values[f]);
                } else {
                    json.field("area_m2", values[f]);
                    json.field("area_mu", geo::muFromM2(values[f]));
                }
                if (r.byField >= 0) {
                    json.key(by);
                    if (r.layer.attributes.isUnknown(f, r.byField))
                        json.null();
                    else
                        json.value(r.layer.attributes.text(f, r.byField));
                }
                json.endObject();
            }
            json.endArray();
        }
        json.endObject();
    }
    json.endObject();
    json.endObject();
}

/// A shapefile measured straight from the file when no attribute is wanted: the same numbers
/// without keeping the layer (the fast path for totals on big layers). nullopt when the file
/// needs the general path (no CRS, a corrupt record, another format).
std::optional<Result> measureShapefileTarget(const Target& target, geo::AreaMethod method,
                                             geo::IssueSink& issues)
{
    const std::string extension =
        geo::lowerAscii(std::filesystem::path(target.ref.datasetPath).extension().string());
    if (extension != ".shp" || !geo::canReadShapefileGeometry(target.ref.datasetPath))
        return std::nullopt;
    // The layer's CRS is made (GDAL, PROJ's database) while the workers measure: see
    // geo::measureShapefile. No CRS: readLayer says why, with the zone it proposes.
    geo::LayerInfo info;
    auto streamed = geo::measureShapefile(
        target.ref.datasetPath,
        [&] {
            info = geo::describeLayerCrs(target.ref, target.open);
            return info.crs.crs;
        },
        method, issues);
    if (!streamed)
        return std::nullopt;
    for (const geo::Message& warning : info.crs.warnings)
        issues.report(geo::withMessage(
            {geo::Issue::Severity::Warning, target.ref.datasetPath, info.ref.layerName, -1},
            warning));
    Result result;
    result.layer.name = info.ref.layerName;
    result.layer.sourcePath = target.ref.datasetPath;
    result.layer.crs = info.crs.crs;
    result.layer.crsOrigin = info.crs.origin;
    result.layer.geometry.setKind(streamed->kind);
    result.layer.fids = std::move(streamed->fids);
    for (std::size_t i = 0; i < result.layer.fids.size(); ++i)
        result.layer.attributes.commitRow();
    result.measure = std::move(streamed->measure);
    return result;
}

/// --server: the server measures (ST_Area / ST_Length on geography), only numbers travel.
Result measureTargetOnServer(const std::string& connection, const Target& target,
                             geo::AreaMethod method, const std::string& by)
{
    std::vector<std::string> byColumns;
    if (!by.empty()) {
        byColumns.push_back(by);
        if (target.role)
            for (const geo::ContractField& field : geo::contractFields(*target.role))
                if (by == field.name)
                    byColumns.insert(byColumns.end(), field.aliases.begin(), field.aliases.end());
    }
    geo::ServerMeasure measured =
        geo::measureOnServer(connection, target.ref.layerName, method, byColumns);
    Result result;
    result.layer.name = target.ref.layerName;
    result.layer.sourcePath = target.ref.datasetPath;
    result.layer.crs = measured.crs;
    result.layer.geometry.setKind(measured.kind);
    result.layer.fids = measured.fids;
    result.measure.method = method;
    const bool lines = measured.kind == geo::GeometryKind::Line;
    (lines ? result.measure.lengthM : result.measure.areaM2) = measured.valuesM;
    if (!measured.byColumn.empty()) {
        result.layer.attributes.setFields({{measured.byColumn, geo::FieldType::String, 0, 0}});
        result.byField = 0;
    }
    for (std::size_t f = 0; f < measured.fids.size(); ++f) {
        if (measured.empty[f])
            ++result.measure.emptyCount;
        (lines ? result.measure.totalLengthM : result.measure.totalAreaM2) += measured.valuesM[f];
        if (result.byField >= 0) {
            if (measured.byValues[f] && !geo::isUnknownText(*measured.byValues[f]))
                result.layer.attributes.setText(0, *measured.byValues[f]);
            else
                result.layer.attributes.setUnknown(0);
        }
        result.layer.attributes.commitRow();
        if (result.byField >= 0) {
            Group& group = result.groups[groupKey(result.layer, f, result.byField)];
            ++group.count;
            (lines ? group.lengthM : group.areaM2) += measured.valuesM[f];
        }
    }
    return result;
}

std::optional<Result> measureTarget(const Target& target, geo::AreaMethod method,
                                    const std::string& by, bool layerNamed,
                                    DroppedGeometries& issues, const std::string& serverConnection)
{
    if (!serverConnection.empty()) {
        Result result = measureTargetOnServer(serverConnection, target, method, by);
        const geo::GeometryKind kind = result.layer.geometry.kind();
        if (kind == geo::GeometryKind::Polygon || kind == geo::GeometryKind::Line)
            return result;
        if (layerNamed)
            throw geo::GeometryError("the layer holds points: nothing to measure",
                                     {result.layer.sourcePath, result.layer.name, -1, {}});
        return std::nullopt;
    }
    if (by.empty()) {
        if (auto result = measureShapefileTarget(target, method, issues)) {
            issues.markUnknown(result->layer, result->measure);
            const geo::GeometryKind kind = result->layer.geometry.kind();
            if (kind == geo::GeometryKind::Polygon || kind == geo::GeometryKind::Line)
                return result;
            if (layerNamed)
                throw geo::GeometryError("the layer holds points: nothing to measure",
                                         {result->layer.sourcePath, result->layer.name, -1, {}});
            return std::nullopt;
        }
    }
    geo::ReadOptions read;
    read.open = target.open;
    // Only the --by field is read (with its aliases): a total needs no attributes at all.
    std::vector<std::string> fields;
    if (!by.empty()) {
        fields.push_back(by);
        if (target.role)
            for (const geo::ContractField& field : geo::contractFields(*target.role))
                if (by == field.name) {
                    fields.insert(fields.end(), field.aliases.begin(), field.aliases.end());
                    if (auto it = target.fieldMap.find(by); it != target.fieldMap.end())
                        fields.push_back(it->second);
                }
    }
    read.fields = fields;
    ProgressBar bar("reading " + target.ref.layerName);
    read.progress = [&bar](double done) { return bar.update(done); };
    Result result;
    result.layer = geo::readLayer(target.ref, read, issues);
    bar.finish();
    const geo::GeometryKind kind = result.layer.geometry.kind();
    if (kind != geo::GeometryKind::Polygon && kind != geo::GeometryKind::Line) {
        if (layerNamed)
            throw geo::GeometryError("the layer holds points: nothing to measure",
                                     {result.layer.sourcePath, result.layer.name, -1, {}});
        return std::nullopt;
    }
    ProgressBar measuring("measuring " + result.layer.name);
    result.measure = geo::measureLayer(
        result.layer, method, issues, [&measuring](double done) { return measuring.update(done); });
    measuring.finish();
    issues.markUnknown(result.layer, result.measure);
    if (!by.empty()) {
        result.byField = findByField(target, result.layer, by);
        const bool lines = kind == geo::GeometryKind::Line;
        const auto& values = lines ? result.measure.lengthM : result.measure.areaM2;
        for (std::size_t f = 0; f < values.size(); ++f) {
            Group& group = result.groups[groupKey(result.layer, f, result.byField)];
            ++group.count;
            if (std::isnan(values[f]))
                ++group.unknownCount;
            else if (lines)
                group.lengthM += values[f];
            else
                group.areaM2 += values[f];
        }
    }
    return result;
}

} // namespace

int runArea(const std::vector<std::string>& args)
{
    CommandLine cli(
        "area",
        "SOURCE [--layer L] [--by FIELD] [--method ellipsoidal|survey|planar] "
        "[--per-feature] [--format table|csv|json] [--as-of YYYY-MM-DD] [--encoding ENC] "
        "[--s-srs CRS]",
        "Areas in m², mu (亩 = 10000/15 m²) and ha of every polygon layer of SOURCE "
        "(lengths of line layers), each in its own CRS on its own datum's ellipsoid. "
        "SOURCE is any source, or a park (GeoPackage, folder, *.parkatlas.json) whose "
        "layers can be named by role (--layer parcels). Totals are summed unrounded "
        "and rounded once; the shown rows add up to the shown total.");
    cli.addPositional("SOURCE", "file, folder, project file or connection string");
    cli.addOption("layer", "L", "only this layer (its name, or a role: parcels, 征地 …)");
    cli.addOption("by", "FIELD", "subtotals by this field (a contract name finds its aliases)");
    cli.addOption("method", "M",
                  "ellipsoidal (default), survey (三调椭球面积: the 2008 trapezoid series, "
                  "edges split to 30 m as for ellipsoidal) or planar (projected CRS only)");
    cli.addFlag("per-feature", "one row per feature");
    ResultWriter::addFormatOption(cli);
    cli.addFlag("server", "SOURCE is a PostGIS park: measure on the server (ST_Area / ST_Length on "
                          "geography; ellipsoidal or planar) and bring back only the numbers");
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    const geo::AreaMethod method = areaMethodFrom(cli);
    const ResultWriter writer = ResultWriter::fromCommandLine(cli);
    const std::string source = cli.positional("SOURCE");
    const std::string by = cli.value("by");
    const bool perFeature = cli.has("per-feature");
    const geo::OpenOptions open = openOptionsFrom(cli);
    const bool server = cli.has("server");
    if (server && !geo::isPostgresSource(source))
        throw UsageError("--server needs a PostgreSQL SOURCE (postgresql://… or PG:service=…)");

    const std::map<geo::Role, std::string> declared = classificationsFrom(cli);
    IssuePrinter printer;
    DroppedGeometries issues(printer);
    std::vector<Result> results;
    std::vector<std::string> names;
    std::vector<std::string> failures;
    for (const Target& target : selectTargets(source, open, cli.value("layer"), failures)) {
        // One layer that cannot be measured (no CRS, broken file) does not stop the others;
        // it is reported and the exit code says the input was not all good.
        try {
            if (auto result = measureTarget(target, method, by, !cli.value("layer").empty(), issues,
                                            server ? source : std::string())) {
                result->name = result->layer.name;
                describeLandUse(*result, target, by, declared);
                for (int n = 2; std::find(names.begin(), names.end(), result->name) != names.end();
                     ++n)
                    result->name = result->layer.name + "_" + std::to_string(n);
                names.push_back(result->name);
                results.push_back(std::move(*result));
            }
        } catch (const geo::Error& error) {
            failures.push_back(errorText(error));
        }
    }
    for (const std::string& failure : failures)
        std::cerr << "parkatlas area: " << failure << "\n";
    if (results.empty() && !failures.empty())
        return kExitBadInput;
    if (results.empty())
        throw geo::IoError(
            geo::message("nothing_to_measure", "no polygon or line layer to measure"),
            {source, {}, -1, {}});

    writer.write({
        .table = [&](std::ostream& out) { printTable(out, results, by, perFeature, method); },
        .csv = [&](std::ostream& out) { writeCsv(out, results, by, perFeature); },
        .json =
            [&](geo::JsonWriter& json) {
                writeJson(json, source, method, results, by, perFeature);
            },
    });
    // Measured, but a feature could not be read: the input was not all good (as info and
    // convert say it).
    return failures.empty() && printer.count(geo::Issue::Severity::Error) == 0 ? kExitOk
                                                                               : kExitBadInput;
}

} // namespace parkatlas::cli
