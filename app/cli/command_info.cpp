#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/park_options.h"
#include "app/cli/progress_bar.h"
#include "app/cli/result_writer.h"

#include "geo/error.h"
#include "geo/io/json_writer.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/issue_text.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/model/role.h"

#include <map>
#include <optional>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

namespace parkatlas::cli {

namespace {

struct LayerReport {
    geo::LayerInfo info;
    std::size_t featuresRead = 0;
    std::vector<std::pair<std::string, std::string>> firstFeature; // field → value
    std::vector<geo::Issue> issues;
    /// The land-use classification of the layer's land_use codes (a layer with such a field).
    std::optional<geo::LandUseDetection> landUse;
    std::string landUseField;
    /// The role the layer's name gives, and for each of its contract fields the source field
    /// taken for it (by name or alias), in the contract's order; "" where none was found.
    std::optional<geo::Role> role;
    std::vector<std::pair<std::string, std::string>> contractFields;
};

std::string formatExtent(const geo::Envelope& e)
{
    if (e.isEmpty())
        return "empty";
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "%.3f, %.3f – %.3f, %.3f", e.minX, e.minY, e.maxX, e.maxY);
    return buffer;
}

/// The systems of a layer's land-use codes, when it has a land_use field (by the role its name
/// gives, else by the parcels' aliases: YDDM, DLBM …): declared with --classification for its
/// role, else detected.
void describeLandUse(LayerReport& report, geo::Layer& layer,
                     const std::map<geo::Role, std::string>& declared)
{
    // A role's kept history (parcels_history) holds old rows, not the park's land use now.
    if (geo::isHistoryLayerName(report.info.ref.layerName))
        return;
    const auto named = geo::roleFromLayerName(report.info.ref.layerName);
    geo::ParkLayer park;
    park.role = named.value_or(geo::Role::Parcels);
    park.fieldIndex = geo::resolveContractFields(park.role, layer.attributes);
    const int field = park.field("land_use");
    if (field < 0)
        return;
    if (const auto it = declared.find(park.role); named && it != declared.end()) {
        park.classification = it->second;
        park.classificationOrigin = "on the command line";
    }
    park.layer = std::make_shared<const geo::Layer>(std::move(layer));
    report.landUseField = park.layer->attributes.fields()[field].name;
    report.landUse = geo::landUseSystemsOf(park, geo::LandUseClassification::standard());
}

LayerReport inspect(const geo::LayerRef& ref, const geo::OpenOptions& options,
                    const std::map<geo::Role, std::string>& declared)
{
    LayerReport report;
    report.info = geo::describeLayer(ref, options);
    // Read every feature too: a corrupt record or a wrong encoding shows only then, and a file
    // that "opens" but cannot be read is not fine.
    geo::IssueList issues;
    geo::ReadOptions read;
    read.open = options;
    read.requireCrs = false;
    ProgressBar bar("reading " + report.info.ref.layerName);
    read.progress = [&bar](double done) { return bar.update(done); };
    geo::Layer layer = geo::readLayer(ref, read, issues);
    bar.finish();
    report.featuresRead = layer.featureCount();
    // The extent of what was read, not what the header claims (headers lie: NaN, stale).
    if (!layer.geometry.extent().isEmpty())
        report.info.extent = layer.geometry.extent();
    if (layer.featureCount() > 0)
        for (std::size_t f = 0; f < layer.attributes.fields().size(); ++f)
            report.firstFeature.emplace_back(layer.attributes.fields()[f].name,
                                             layer.attributes.text(0, static_cast<int>(f)));
    // The CRS warnings are already part of the description; keep the rest.
    for (geo::Issue& issue : issues.issues()) {
        const auto& known = report.info.crs.warnings;
        const auto& gdal = report.info.warnings;
        const auto sameText = [&](const geo::Message& m) { return m.english == issue.message; };
        if (issue.fid < 0 && (std::find_if(known.begin(), known.end(), sameText) != known.end() ||
                              std::find(gdal.begin(), gdal.end(), issue.message) != gdal.end()))
            continue;
        report.issues.push_back(std::move(issue));
    }
    if ((report.role = geo::roleFromLayerName(report.info.ref.layerName))) {
        const auto& contract = geo::contractFields(*report.role);
        const std::vector<int> taken = geo::resolveContractFields(*report.role, layer.attributes);
        for (std::size_t c = 0; c < contract.size() && c < taken.size(); ++c)
            report.contractFields.emplace_back(
                contract[c].name,
                taken[c] < 0 ? std::string()
                             : layer.attributes.fields()[static_cast<std::size_t>(taken[c])].name);
    }
    describeLandUse(report, layer, declared);
    return report;
}

/// A line's label ("  geometry:  "), or under a Chinese locale its Chinese ("  几何类型：").
std::string label(const char* english, const char* chinese)
{
    if (geo::languageFromEnvironment() == geo::Language::English)
        return english;
    return std::string("  ") + chinese + "：";
}

void printText(std::ostream& out, const std::string& source,
               const std::vector<LayerReport>& reports)
{
    const bool zh = geo::languageFromEnvironment() == geo::Language::Chinese;
    out << source << "\n";
    for (const LayerReport& r : reports) {
        const geo::LayerInfo& info = r.info;
        out << (zh ? "\n图层 " : "\nlayer ") << info.ref.layerName << "  (" << info.ref.datasetPath
            << ", " << info.driver << ")\n";
        out << label("  geometry:  ", "几何类型")
            << (zh ? geo::messagePartText(info.geometryType, geo::Language::Chinese)
                   : info.geometryType)
            << "\n";
        out << label("  features:  ", "要素数") << info.featureCount;
        if (static_cast<std::int64_t>(r.featuresRead) != info.featureCount)
            out << (zh ? "（文件头所记），可读 " : " in the header, ") << r.featuresRead
                << (zh ? "" : " readable");
        out << "\n";
        const geo::CrsResolution& crs = info.crs;
        if (!crs.crs.isEmpty()) {
            out << label("  CRS:       ", "坐标系") << crs.crs.label();
            if (crs.crs.label() != crs.crs.name())
                out << " " << crs.crs.name();
            out << (zh ? "（来自 " : " (from ") << crs.origin << (zh ? "）\n" : ")\n");
        } else if (zh) {
            out << label("", "坐标系") << "无";
            if (crs.proposal)
                out << "；东坐标带有 " << crs.proposal->zoneWidthDeg << " 度带高斯-克吕格投影带号 "
                    << crs.proposal->zone << "（中央经线 " << crs.proposal->centralMeridianDeg
                    << "°E），建议 EPSG:" << crs.proposal->epsgCgcs2000
                    << "（CGCS2000）。不会默认采用：请用 --s-srs EPSG:"
                    << crs.proposal->epsgCgcs2000 << " 确认";
            else if (!crs.hint.empty())
                out << "；" << geo::messagePartText(crs.hint, geo::Language::Chinese);
            out << "\n";
        } else {
            out << "  CRS:       none";
            if (crs.proposal)
                out << "; " << crs.proposal->reason
                    << ". Not assumed: confirm with --s-srs EPSG:" << crs.proposal->epsgCgcs2000;
            else if (!crs.hint.empty())
                out << "; " << crs.hint;
            out << "\n";
        }
        out << label("  extent:    ", "范围") << formatExtent(info.extent) << "\n";
        out << label("  encoding:  ", "编码") << info.encoding.name
            << (zh ? "（" : " (")
            << info.encoding.reasonText(zh ? geo::Language::Chinese : geo::Language::English)
            << (zh ? "）" : ")");
        out << "\n";
        if (r.landUse && !r.landUse->systems.empty()) {
            out << label("  land use:  ", "用地分类") << r.landUse->label()
                << (zh ? "（字段 " : " (field ") << r.landUseField;
            const geo::Language language = zh ? geo::Language::Chinese : geo::Language::English;
            out << (zh ? "；" : "; ") << r.landUse->reasonText(language) << (zh ? "）\n" : ")\n");
            if (!r.landUse->warning.empty())
                out << label("  warning:   ", "警告") << r.landUse->warningText(language) << "\n";
        }
        if (r.role) {
            out << label("  role:      ", "角色") << geo::toString(*r.role) << " "
                << geo::chineseName(*r.role) << (zh ? "（按图层名）\n" : " (from the layer name)\n");
            std::string taken, missing;
            for (const auto& [contract, field] : r.contractFields) {
                if (field.empty())
                    missing += (missing.empty() ? "" : ", ") + contract;
                else
                    taken += (taken.empty() ? "" : ", ") + contract + " ← " + field;
            }
            out << label("  contract:  ", "约定字段")
                << (taken.empty() ? (zh ? "未找到约定字段" : "no contract field found") : taken)
                << "\n";
            if (!missing.empty())
                out << label("  missing:   ", "缺少") << missing << "\n";
        }
        out << label("  fields:    ", "字段");
        if (info.fields.empty())
            out << (zh ? "无" : "none");
        for (std::size_t i = 0; i < info.fields.size(); ++i)
            out << (i ? ", " : "") << info.fields[i].name << " " << info.fields[i].type;
        out << "\n";
        if (!r.firstFeature.empty()) {
            out << label("  first:     ", "首个要素");
            for (std::size_t i = 0; i < r.firstFeature.size(); ++i)
                out << (i ? ", " : "") << r.firstFeature[i].first << "="
                    << r.firstFeature[i].second;
            out << "\n";
        }
        for (const geo::Message& warning : crs.warnings)
            out << label("  warning:   ", "警告") << cli::say(warning) << "\n";
        for (const std::string& warning : info.warnings) {
            // The reader's own issues (a VCT's), read again by readLayer: said in the user's
            // language where the same issue is among the run's.
            const auto same = std::find_if(r.issues.begin(), r.issues.end(), [&](const geo::Issue& i) {
                return geo::formatIssue(i) == warning;
            });
            out << label("  warning:   ", "警告")
                << (zh && same != r.issues.end()
                        ? geo::formatIssue(*same, geo::Language::Chinese)
                        : warning)
                << "\n";
        }
    }
}

void writeJson(geo::JsonWriter& json, const std::string& source,
               const std::vector<LayerReport>& reports, const std::vector<std::string>& failures)
{
    json.beginObject();
    json.field("source", source);
    json.key("layers").beginArray();
    for (const LayerReport& r : reports) {
        const geo::LayerInfo& info = r.info;
        json.beginObject();
        json.field("name", info.ref.layerName);
        json.field("dataset", info.ref.datasetPath);
        json.field("driver", info.driver);
        json.field("geometry_type", info.geometryType);
        json.field("kind", geo::toString(info.kind));
        json.field("feature_count", info.featureCount);
        json.field("features_read", r.featuresRead);
        json.key("crs").beginObject();
        if (info.crs.crs.isEmpty()) {
            json.key("label").null();
        } else {
            json.field("label", info.crs.crs.label());
            json.field("name", info.crs.crs.name());
            if (auto epsg = info.crs.crs.epsg())
                json.field("epsg", *epsg);
            json.field("origin", info.crs.origin);
        }
        if (info.crs.proposal) {
            json.key("proposal").beginObject();
            json.field("epsg", info.crs.proposal->epsgCgcs2000);
            json.field("zone", info.crs.proposal->zone);
            json.field("zone_width_deg", info.crs.proposal->zoneWidthDeg);
            json.field("central_meridian_deg", info.crs.proposal->centralMeridianDeg);
            json.field("epsg_xian1980", info.crs.proposal->epsgXian1980);
            json.field("epsg_beijing1954", info.crs.proposal->epsgBeijing1954);
            json.field("reason", info.crs.proposal->reason);
            json.endObject();
        }
        if (!info.crs.hint.empty())
            json.field("hint", info.crs.hint);
        json.endObject();
        json.key("extent");
        if (info.extent.isEmpty()) {
            json.null();
        } else {
            json.beginArray();
            json.value(info.extent.minX).value(info.extent.minY);
            json.value(info.extent.maxX).value(info.extent.maxY);
            json.endArray();
        }
        json.key("encoding").beginObject();
        json.field("name", info.encoding.name);
        json.field("origin", geo::toString(info.encoding.origin));
        json.field("reason", info.encoding.reason);
        json.endObject();
        if (r.landUse) {
            json.key("land_use_classification").beginObject();
            json.field("field", r.landUseField);
            json.field("systems", r.landUse->systems);
            json.field("declared", r.landUse->declared);
            json.field("reason", r.landUse->reason);
            if (!r.landUse->warning.empty())
                json.field("warning", r.landUse->warning);
            json.endObject();
        }
        if (r.role) {
            json.field("role", geo::toString(*r.role));
            json.key("contract_fields").beginObject();
            for (const auto& [contract, field] : r.contractFields) {
                json.key(contract);
                if (field.empty())
                    json.null();
                else
                    json.value(field);
            }
            json.endObject();
        }
        json.key("fields").beginArray();
        for (const geo::FieldInfo& field : info.fields) {
            json.beginObject().field("name", field.name).field("type", field.type);
            json.endObject();
        }
        json.endArray();
        json.key("first_feature").beginObject();
        for (const auto& [name, value] : r.firstFeature)
            json.field(name, value);
        json.endObject();
        json.key("warnings").beginArray();
        for (const geo::Message& warning : info.crs.warnings)
            json.value(warning.english);
        for (const std::string& warning : info.warnings)
            json.value(warning);
        json.endArray();
        json.key("issues").beginArray();
        for (const geo::Issue& issue : r.issues)
            json.value(geo::formatIssue(issue));
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.field("errors", failures);
    json.endObject();
}

} // namespace

int runInfo(const std::vector<std::string>& args)
{
    CommandLine cli("info", "SOURCE [--json] [--as-of YYYY-MM-DD] [--encoding ENC] [--s-srs CRS]",
                    "Describes every layer of SOURCE (a file OGR opens, a folder of files, or a "
                    "connection): geometry, feature count, CRS and where it came from, extent, "
                    "text encoding and why, fields, and the first feature's values. Every "
                    "feature is read, so a corrupt record shows up here.");
    cli.addPositional("SOURCE", "file, folder or connection string");
    cli.addFlag("json", "print one JSON object instead of text");
    addSourceOptions(cli);
    addAsOfOption(cli);
    addClassificationOption(cli);
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    // The land-use table (a 200 KB JSON, read once per process) is read on another core while
    // the layers are opened and their CRS looked up in PROJ's database, which it would
    // otherwise follow. A table that cannot be read is said where a layer needs it, as before.
    std::jthread landUseTable([] {
        try {
            geo::LandUseClassification::standard();
        } catch (const std::exception&) {
        }
    });
    // SOURCE@DATE or --as-of: every layer as it was that day, the history tables not listed.
    const DatedSource dated = datedSourceFrom(cli, cli.positional("SOURCE"));
    const std::string& source = dated.source;
    const geo::OpenOptions& options = dated.open;
    const std::map<geo::Role, std::string> declared = classificationsFrom(cli);

    geo::LayerListing listing;
    std::vector<std::string> failuresSaid; // the failures that were errors, as errorText says them
    try {
        listing = geo::listSourceLayers(source);
        if (dated.dated)
            std::erase_if(listing.layers, [](const geo::LayerRef& ref) {
                return geo::isHistoryLayerName(ref.layerName);
            });
    } catch (const geo::Error& error) {
        // Nothing opens: still one JSON object on stdout when asked, the message on stderr.
        listing.failures.push_back(error.what());
        failuresSaid.push_back(errorText(error));
    }
    std::vector<LayerReport> reports;
    std::vector<std::string> failures = listing.failures;
    for (const geo::LayerRef& ref : listing.layers) {
        try {
            reports.push_back(inspect(ref, options, declared));
        } catch (const geo::Error& error) {
            failures.push_back(error.what());
            failuresSaid.push_back(errorText(error));
        }
    }
    ResultWriter(cli.has("json") ? ResultFormat::Json : ResultFormat::Table)
        .write({
            .table = [&](std::ostream& out) { printText(out, source, reports); },
            .json = [&](geo::JsonWriter& json) { writeJson(json, source, reports, failures); },
        });
    {
        // The problems go to stderr in both forms (the JSON carries them too).
        std::cout.flush();
        IssuePrinter printer;
        for (const LayerReport& r : reports)
            for (const geo::Issue& issue : r.issues)
                printer.report(issue);
    }
    // On stderr in the user's language (the JSON keeps the English).
    for (std::size_t i = 0; i < failures.size(); ++i)
        std::cerr << "parkatlas info: "
                  << (i + failuresSaid.size() >= failures.size()
                          ? failuresSaid[i + failuresSaid.size() - failures.size()]
                          : "error: " + failures[i])
                  << "\n";
    // A layer that opens but has records that cannot be read is bad input too: say so in the
    // exit code, after showing everything that could be read.
    bool brokenRecords = false;
    for (const LayerReport& r : reports)
        for (const geo::Issue& issue : r.issues)
            brokenRecords = brokenRecords || issue.severity == geo::Issue::Severity::Error;
    return failures.empty() && !brokenRecords ? kExitOk : kExitBadInput;
}

} // namespace parkatlas::cli
