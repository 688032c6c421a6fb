#include "app/cli/park_options.h"

#include "app/cli/command_line.h"
#include "app/cli/progress_bar.h"

#include "geo/crs/ballpark.h"
#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/history_read.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/model/display_names.h"
#include "geo/model/role.h"

#include <gdal_priv.h>

#include <iostream>

namespace parkatlas::cli {

void addSourceOptions(CommandLine& cli)
{
    cli.addOption("encoding", "ENC", "decode DBF text as ENC (GBK, CP936, UTF-8, BIG5 …)");
    cli.addOption("s-srs", "CRS", "the source's CRS, where it has none or a wrong one");
}

namespace {
constexpr const char* kAsOfHelp =
    "read the park as it was at the end of that day (YYYY-MM-DD), from the history it keeps; "
    "PARK@YYYY-MM-DD says the same";
} // namespace

void addAsOfOption(CommandLine& cli)
{
    cli.addOption("as-of", "DATE", kAsOfHelp);
}

geo::OpenOptions openOptionsFrom(const CommandLine& cli)
{
    geo::OpenOptions open;
    open.encoding = cli.value("encoding");
    open.sourceSrs = cli.value("s-srs");
    if (cli.optionHelp("as-of") == kAsOfHelp)
        open.asOf = cli.value("as-of");
    return open;
}

DatedSource datedSourceFrom(const CommandLine& cli, const std::string& source)
{
    DatedSource out;
    out.open = openOptionsFrom(cli);
    const auto [plain, dated] = geo::splitParkDate(source);
    out.source = plain;
    if (!dated.empty() && !out.open.asOf.empty() && dated != out.open.asOf)
        throw UsageError("the source is named as of " + dated + " and --as-of says " +
                         out.open.asOf + ": give one date");
    const std::string given = dated.empty() ? std::string("--as-of") : source;
    if (!dated.empty())
        out.open.asOf = dated;
    if (out.open.asOf.empty())
        return out;
    out.dated = true;
    const geo::Date day = geo::parseParkDate(out.open.asOf, given);
    const std::string cutoff = geo::parkDateCutoff(day);
    // Before the first change any layer recorded, how the source was is not known.
    std::map<std::string, GDALDatasetUniquePtr> datasets;
    for (const geo::LayerRef& ref : geo::listSourceLayers(plain).layers) {
        auto it = datasets.find(ref.datasetPath);
        if (it == datasets.end()) {
            geo::ensureGdal();
            geo::GdalErrorCapture quiet;
            it = datasets
                     .emplace(ref.datasetPath,
                              GDALDatasetUniquePtr(GDALDataset::Open(
                                  ref.datasetPath.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                  nullptr, nullptr, nullptr)))
                     .first;
        }
        if (!it->second)
            continue;
        if (const auto first = geo::firstHistoryTime(*it->second, ref.layerName);
            first && *first >= cutoff)
            throw geo::Error(given + ": " + day.toIso() +
                                 " is before the first recorded history of layer " +
                                 ref.layerName + " (" + *first + "): how it was then is not known",
                             {plain, ref.layerName, -1, {}});
    }
    return out;
}

ChangesSince changesSince(const CommandLine& cli, const std::string& previousSource,
                          const geo::Park& park, geo::AreaMethod method, geo::IssueSink& issues,
                          const std::string& command)
{
    geo::Park previous = readPark(discoverParkFrom(cli, previousSource), {}, issues);
    const std::string transformed = geo::transformPark(previous, park.crs, issues);
    geo::DiffOptions options;
    options.areaMethod = method;
    ChangesSince out;
    out.diff = geo::diffParks(previous, park, options, issues);
    if (!transformed.empty())
        out.diff.notes.insert(out.diff.notes.begin(),
                              "the parks are in different CRSs: the previous park was "
                              "transformed from " +
                                  transformed + " to be compared and drawn with this one");
    for (const std::string& note : out.diff.notes)
        std::cerr << "parkatlas " << command << ": " << note << "\n";
    out.previous = std::make_shared<const geo::Park>(std::move(previous));
    return out;
}

void addClassificationOption(CommandLine& cli)
{
    std::string known;
    for (const std::string& id : geo::landUseSystemIds())
        known += (known.empty() ? "" : ", ") + id;
    cli.addOption("classification", "ROLE=SYSTEM",
                  "the land-use classification of a layer's codes (" + known +
                      "); repeatable; else detected from the codes",
                  true);
}

std::map<geo::Role, std::string> classificationsFrom(const CommandLine& cli)
{
    std::map<geo::Role, std::string> out;
    for (const std::string& value : cli.values("classification")) {
        const auto equals = value.find('=');
        if (equals == std::string::npos)
            throw UsageError("--classification takes ROLE=SYSTEM (parcels=GB/T 21010-2017), not \"" +
                             value + "\"");
        const std::string roleName = value.substr(0, equals);
        const auto role = geo::roleFromLayerName(roleName);
        if (!role)
            throw UsageError("--classification: \"" + roleName + "\" is not a role");
        try {
            out[*role] = geo::landUseSystemFromString(value.substr(equals + 1));
        } catch (const geo::Error& e) {
            throw UsageError(std::string("--classification: ") + e.what());
        }
    }
    return out;
}

geo::ParkDefinition discoverParkFrom(const CommandLine& cli, const std::string& source)
{
    const std::map<geo::Role, std::string> declared = classificationsFrom(cli);
    geo::ParkDefinition definition = geo::discoverPark(source, openOptionsFrom(cli));
    for (const auto& [role, system] : declared) {
        bool found = false;
        for (geo::ParkLayerSource& layer : definition.layers)
            if (layer.role == role) {
                layer.classification = system;
                layer.classificationOrigin = "on the command line";
                found = true;
            }
        if (!found)
            throw UsageError(std::string("--classification: the park has no ") +
                             geo::toString(role) + " layer");
    }
    return definition;
}

std::string landUseSystemsNote(const std::map<geo::Role, geo::LandUseDetection>& systems)
{
    std::string out;
    if (geo::languageFromEnvironment() == geo::Language::Chinese) {
        // The systems and how they were found; the English detail of the detection is for
        // --format json (land_use_systems).
        for (const auto& [role, detection] : systems) {
            if (detection.systems.empty())
                continue;
            out += std::string(out.empty() ? "" : "；") + geo::chineseName(role) + " " +
                   detection.label() +
                   (detection.declared ? "（已声明" : "（按代码识别");
            if (detection.codesInNoSystem > 0)
                out += "，" + std::to_string(detection.codesInNoSystem) + " 个代码不属于任何分类";
            out += "）";
            if (!detection.warning.empty())
                out += "——警告：部分代码在两种分类中含义不同，未作判定；请声明该图层的用地分类";
        }
        return out.empty() ? out : "用地分类：" + out;
    }
    for (const auto& [role, detection] : systems) {
        if (detection.systems.empty())
            continue;
        out += (out.empty() ? "" : "; ") + std::string(geo::toString(role)) + " " +
               detection.label() + " (" + detection.reason + ")";
        if (!detection.warning.empty())
            out += " — warning: " + detection.warning;
    }
    return out.empty() ? out : "land use: " + out;
}

geo::AreaMethod areaMethodFrom(const CommandLine& cli)
{
    const auto method = geo::areaMethodFromString(cli.value("method", "ellipsoidal"));
    if (!method)
        throw UsageError("--method must be ellipsoidal, survey or planar");
    return *method;
}

std::shared_ptr<geo::ParkSession> openSessionFrom(const CommandLine& cli, const std::string& source)
{
    return std::make_shared<geo::ParkSession>(discoverParkFrom(cli, source));
}

std::shared_ptr<const geo::Park>
readPark(geo::ParkSession& session, const std::vector<geo::Role>& roles, geo::IssueSink& issues)
{
    ProgressBar bar("reading " + session.definition().name);
    auto park = session.park(roles, issues, [&bar](double done) { return bar.update(done); });
    bar.finish();
    return park;
}

geo::Park readPark(const geo::ParkDefinition& definition, std::vector<geo::Role> roles,
                   geo::IssueSink& issues)
{
    ProgressBar bar("reading " + definition.name);
    geo::ParkLoadOptions load;
    load.roles = std::move(roles);
    load.progress = [&bar](double done) { return bar.update(done); };
    geo::Park park = geo::loadPark(definition, load, issues);
    bar.finish();
    return park;
}

void writeBallparkTransformsJson(geo::JsonWriter& json, const geo::IssueList& issues)
{
    json.key("ballpark_transforms").beginArray();
    for (const geo::Issue& issue : issues.issues()) {
        if (!geo::isBallparkWarning(issue))
            continue;
        json.beginObject();
        json.field("path", issue.path);
        json.field("layer", issue.layer);
        json.field("warning", issue.message);
        json.endObject();
    }
    json.endArray();
}

} // namespace parkatlas::cli
