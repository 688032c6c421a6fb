#include "geo/publish/web_site.h"

#include "geo/error.h"
#include "geo/file_paths.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/measure/units.h"
#include "geo/model/display_names.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/parallel.h"
#include "geo/session/park_session.h"
#include "geo/styles.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_json.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

namespace parkatlas::geo {

namespace {

namespace fs = std::filesystem;

/// "12.35": the one place an area becomes text, rounded once, at the end.
std::string muText(double areaMu)
{
    if (!std::isfinite(areaMu))
        return {};
    char text[64];
    std::snprintf(text, sizeof text, "%.2f", areaMu);
    return text;
}

void reportProgress(const ProgressCallback& progress, double done)
{
    if (progress && !progress(done))
        throw Cancelled();
}

// ---- the look of each role, from styles/roles.json and styles/landuse.json -----------------

struct Symbol {
    std::string fill;   // "" = none
    std::string stroke; // "" = none
    double fillOpacity = 1.0;
    double strokeWidth = 1.0;
    std::string label;
};

struct ClassSymbol {
    std::string value;
    Symbol symbol;
};

struct RoleLook {
    Symbol symbol;
    std::string strokeStyle = "solid";
    std::string classifyField;
    bool landUseColours = false;
    std::vector<ClassSymbol> classes;
    double minScaleZoom = 0; // from max_scale: not drawn below this zoom
};

std::string colourOf(const CPLJSONObject& object, const char* key, const std::string& fallback)
{
    const std::string value = object.GetString(key, fallback);
    if (value == "none")
        return {};
    return value;
}

Symbol symbolFrom(const CPLJSONObject& object, const Symbol& base)
{
    Symbol symbol = base;
    symbol.fill = colourOf(object, "fill", base.fill);
    symbol.stroke = colourOf(object, "stroke", base.stroke);
    symbol.fillOpacity = object.GetDouble("fill_opacity", base.fillOpacity);
    symbol.strokeWidth = object.GetDouble("stroke_width", base.strokeWidth);
    symbol.label = object.GetString("label", base.label);
    return symbol;
}

/// Web Mercator zoom (512-pixel tiles, as MapLibre counts them) at which a map of 1:scale is
/// drawn at 96 DPI on the equator; close enough for "not drawn below".
double zoomOfScale(double scale)
{
    const double metresPerPixel = scale * 0.0254 / 96.0;
    return std::log2(40075016.686 / (512.0 * metresPerPixel));
}

std::map<std::string, RoleLook> readRoleLooks(std::vector<std::string>& order, IssueSink& issues)
{
    std::map<std::string, RoleLook> looks;
    const std::string path = optionalStylePath("roles.json", issues, "one colour a layer");
    if (path.empty())
        return looks;
    CPLJSONDocument document;
    if (!document.Load(path)) {
        issues.report({Issue::Severity::Warning, path, {}, -1,
                       "cannot be read (" + std::string(CPLGetLastErrorMsg()) +
                           "): one colour a layer"});
        return looks;
    }
    const CPLJSONObject root = document.GetRoot();
    for (const CPLJSONObject& name : root.GetArray("order"))
        order.push_back(name.ToString());
    for (const CPLJSONObject& role : root.GetObj("roles").GetChildren()) {
        RoleLook look;
        look.symbol = symbolFrom(role.GetObj("symbol"), Symbol{"", "#4d4d4d", 1.0, 1.0, ""});
        look.strokeStyle = role.GetObj("symbol").GetString("stroke_style", "solid");
        if (role.GetObj("max_scale").IsValid())
            look.minScaleZoom = zoomOfScale(role.GetDouble("max_scale", 0));
        const CPLJSONObject classify = role.GetObj("classify");
        if (classify.IsValid()) {
            look.classifyField = classify.GetString("field", "");
            look.landUseColours = classify.GetString("colours", "") == "landuse";
            Symbol classBase = look.symbol;
            classBase.fillOpacity = classify.GetDouble("fill_opacity", classBase.fillOpacity);
            if (look.landUseColours)
                look.symbol.fillOpacity = classBase.fillOpacity;
            for (const CPLJSONObject& entry : classify.GetArray("classes"))
                look.classes.push_back({entry.GetString("value", ""),
                                        symbolFrom(entry, classBase)});
        }
        looks[role.GetName()] = std::move(look);
    }
    return looks;
}

/// The symbol of one feature and the legend class it is counted in.
struct FeatureLook {
    Symbol symbol;
    std::string legendLabel;
};

class RoleStyler {
public:
    RoleStyler(const ParkLayer& layer, const RoleLook* look, const LandUseClassification& table)
        : m_layer(layer), m_look(look), m_table(table)
    {
        if (!look || look->classifyField.empty())
            return;
        m_field = layer.field(look->classifyField);
        if (m_field < 0)
            m_field = layer.layer->attributes.fieldIndex(look->classifyField);
        if (look->landUseColours && m_field >= 0)
            m_systems = landUseSystemsOf(layer, table).systems;
    }

    FeatureLook lookOf(std::size_t row) const
    {
        FeatureLook result;
        if (!m_look) {
            result.symbol = {"#9e9e9e", "#4d4d4d", 0.6, 1.0, ""};
            result.legendLabel = chineseName(m_layer.role);
            return result;
        }
        result.symbol = m_look->symbol;
        result.legendLabel = m_look->symbol.label.empty() ? chineseName(m_layer.role)
                                                          : m_look->symbol.label;
        if (m_field < 0 || m_layer.layer->attributes.isUnknown(row, m_field))
            return result;
        const std::string value = m_layer.layer->attributes.text(row, m_field);
        for (const ClassSymbol& entry : m_look->classes)
            if (entry.value == value) {
                result.symbol = entry.symbol;
                result.legendLabel = value;
                return result;
            }
        for (const ClassSymbol& entry : m_look->classes)
            if (!entry.value.empty() && value.find(entry.value) != std::string::npos) {
                result.symbol = entry.symbol;
                result.legendLabel = entry.value;
                return result;
            }
        if (m_look->landUseColours) {
            for (const std::string& system : m_systems) {
                const std::string colour = m_table.colourOf(value, system);
                if (colour.empty())
                    continue;
                result.symbol.fill = colour;
                const std::string name = m_table.nameOf(value, m_systems);
                result.legendLabel = LandUseClassification::normalise(value) +
                                     (name.empty() ? "" : " " + name);
                return result;
            }
        }
        return result;
    }

private:
    const ParkLayer& m_layer;
    const RoleLook* m_look;
    const LandUseClassification& m_table;
    int m_field = -1;
    LandUseSystems m_systems;
};

// ---- which fields a profile publishes ------------------------------------------------------

/// The contract fields the public profile keeps: what a plot is, how big, at what stage, never
/// who holds it, what it pays or who lived there.
const std::set<std::string>& publicFields()
{
    static const std::set<std::string> fields = {
        "name",     "kind",      "subpark",   "parcel_id", "zone_id",   "land_use", "status",
        "far_min",  "far_max",   "cover_min", "green_max", "batch_id",  "stage",    "road_class",
        "width_m",  "progress",  "plan_year", "diam_mm",   "volt_kv",   "capacity", "floors",
        "height_m", "supply_dt", "valid_from"};
    return fields;
}

/// A layer's published columns: the key the page sees (the contract name where the field is
/// one, else the source's) and the source field index.
std::vector<std::pair<std::string, int>> publishedColumns(const ParkLayer& layer,
                                                          WebProfile profile)
{
    std::vector<std::pair<std::string, int>> columns;
    std::set<int> contractIndices;
    const std::vector<ContractField>& contract = contractFields(layer.role);
    for (std::size_t i = 0; i < contract.size() && i < layer.fieldIndex.size(); ++i) {
        const int index = layer.fieldIndex[i];
        if (index < 0)
            continue;
        contractIndices.insert(index);
        if (profile == WebProfile::Public && !publicFields().count(contract[i].name))
            continue;
        columns.emplace_back(contract[i].name, index);
    }
    if (profile == WebProfile::Internal) {
        const std::vector<FieldDef>& fields = layer.layer->attributes.fields();
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (!contractIndices.count(static_cast<int>(i)) && !fields[i].name.empty() &&
                fields[i].name[0] != '_')
                columns.emplace_back(fields[i].name, static_cast<int>(i));
    }
    return columns;
}

// ---- the features the tiles are cut from ----------------------------------------------------

struct GdalDatasetCloser {
    void operator()(GDALDataset* dataset) const noexcept { GDALClose(dataset); }
};
using DatasetPtr = std::unique_ptr<GDALDataset, GdalDatasetCloser>;

/// One layer of the tiles: its fields and its features, in Web Mercator, built once on the
/// calling thread and then only read, by every tile writer at once (the MVT writer leaves a
/// feature in its own CRS untouched: it clones the geometry it cuts).
class TileLayer {
public:
    TileLayer(std::string name, const std::vector<std::string>& textFields,
              const std::vector<std::string>& realFields,
              std::shared_ptr<OGRCoordinateTransformation> toMercator)
        : m_name(std::move(name)), m_definition(new OGRFeatureDefn(m_name.c_str())),
          m_toMercator(std::move(toMercator))
    {
        m_definition->Reference();
        for (const std::string& field : textFields) {
            OGRFieldDefn definition(field.c_str(), OFTString);
            m_definition->AddFieldDefn(&definition);
        }
        for (const std::string& field : realFields) {
            OGRFieldDefn definition(field.c_str(), OFTReal);
            m_definition->AddFieldDefn(&definition);
        }
    }
    ~TileLayer() { m_definition->Release(); }
    TileLayer(const TileLayer&) = delete;
    TileLayer& operator=(const TileLayer&) = delete;

    const std::string& name() const { return m_name; }
    OGRFeatureDefn* GetLayerDefn() { return m_definition; }
    const std::vector<OGRFeatureUniquePtr>& features() const { return m_features; }

    /// Keeps a copy of `feature` with its geometry in Web Mercator; a geometry that cannot be
    /// transformed is an error.
    OGRErr CreateFeature(const OGRFeature* feature)
    {
        OGRFeatureUniquePtr copy(feature->Clone());
        if (OGRGeometry* geometry = copy->GetGeometryRef()) {
            if (geometry->transform(m_toMercator.get()) != OGRERR_NONE)
                return OGRERR_FAILURE;
            OGREnvelope extent;
            geometry->getEnvelope(&extent);
            m_extents.push_back(std::max(extent.MaxX - extent.MinX, extent.MaxY - extent.MinY));
        } else {
            m_extents.push_back(0);
        }
        m_features.push_back(std::move(copy));
        return OGRERR_NONE;
    }
    /// The larger side of feature i's envelope, in Web Mercator metres.
    double sizeOf(std::size_t i) const { return m_extents[i]; }

private:
    std::string m_name;
    OGRFeatureDefn* m_definition;
    std::shared_ptr<OGRCoordinateTransformation> m_toMercator;
    std::vector<OGRFeatureUniquePtr> m_features;
    std::vector<double> m_extents;
};

TileLayer* createLayer(std::vector<std::unique_ptr<TileLayer>>& layers, const std::string& name,
                       const std::shared_ptr<OGRCoordinateTransformation>& toMercator,
                       const std::vector<std::string>& textFields,
                       const std::vector<std::string>& realFields)
{
    layers.push_back(std::make_unique<TileLayer>(name, textFields, realFields, toMercator));
    return layers.back().get();
}

/// Merges the metadata.json of the tile sets written zoom by zoom into one for `tiles`: zooms
/// minZoom–maxZoom, each layer's fields and its zooms over all of them (GDAL's MVT reader takes
/// the fields' types from it).
void mergeTileMetadata(const std::vector<fs::path>& parts, const fs::path& tiles, int minZoom,
                       int maxZoom)
{
    CPLJSONDocument merged;
    std::map<std::string, CPLJSONObject> layers;
    std::vector<std::string> order;
    CPLJSONDocument mergedInner;
    for (const fs::path& part : parts) {
        CPLJSONDocument document;
        if (!document.Load(pathText(part / "metadata.json")))
            continue;
        if (!merged.GetRoot().IsValid() || merged.GetRoot().GetChildren().empty())
            merged.LoadMemory(document.SaveAsString());
        CPLJSONDocument inner;
        if (!inner.LoadMemory(document.GetRoot().GetString("json", "")))
            continue;
        if (mergedInner.GetRoot().GetChildren().empty())
            mergedInner.LoadMemory(inner.SaveAsString());
        for (CPLJSONObject layer : inner.GetRoot().GetArray("vector_layers")) {
            const std::string id = layer.GetString("id", "");
            auto it = layers.find(id);
            if (it == layers.end()) {
                CPLJSONDocument copy;
                copy.LoadMemory(layer.Format(CPLJSONObject::PrettyFormat::Plain));
                layers.emplace(id, copy.GetRoot());
                order.push_back(id);
                continue;
            }
            it->second.Set("minzoom", std::min(it->second.GetInteger("minzoom", maxZoom),
                                               layer.GetInteger("minzoom", maxZoom)));
            it->second.Set("maxzoom", std::max(it->second.GetInteger("maxzoom", minZoom),
                                               layer.GetInteger("maxzoom", minZoom)));
        }
    }
    CPLJSONObject root = merged.GetRoot();
    root.Set("minzoom", minZoom);
    root.Set("maxzoom", maxZoom);
    CPLJSONArray vectorLayers;
    for (const std::string& id : order)
        vectorLayers.Add(layers[id]);
    CPLJSONObject innerRoot = mergedInner.GetRoot();
    innerRoot.Delete("vector_layers");
    innerRoot.Add("vector_layers", vectorLayers);
    root.Set("json", mergedInner.SaveAsString());
    if (!merged.Save(pathText(tiles / "metadata.json")))
        throw IoError("cannot write", {pathText(tiles / "metadata.json"), {}, -1, {}});
}

OGRGeometry* geometryFromWkb(const std::vector<unsigned char>& wkb)
{
    if (wkb.empty())
        return nullptr;
    OGRGeometry* geometry = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &geometry, wkb.size()) !=
        OGRERR_NONE)
        return nullptr;
    return geometry;
}

void setIfNotEmpty(OGRFeature& feature, const char* field, const std::string& value)
{
    if (!value.empty())
        feature.SetField(field, value.c_str());
}

struct LegendEntry {
    std::string role;
    std::string label;
    std::string fill;
    std::string stroke;
    std::size_t count = 0;
    double areaMu = 0;
    bool hasArea = false;
};

struct SearchEntry {
    std::string id;
    std::string owner;
    std::string areaMu;
    std::string landUse;
    Envelope extent; // working CRS
};

/// Transforms envelopes of the working CRS into longitude/latitude.
class LonLat {
public:
    explicit LonLat(const Crs& crs)
    {
        m_target.importFromEPSG(4326);
        m_target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReference source(*crs.ogr());
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        m_transform.reset(OGRCreateCoordinateTransformation(&source, &m_target));
        if (!m_transform)
            throw CrsError("no transformation to longitude/latitude: " +
                           std::string(CPLGetLastErrorMsg()));
    }
    /// minLon, minLat, maxLon, maxLat of the envelope's corners.
    std::array<double, 4> bounds(const Envelope& extent) const
    {
        double x[4] = {extent.minX, extent.maxX, extent.maxX, extent.minX};
        double y[4] = {extent.minY, extent.minY, extent.maxY, extent.maxY};
        m_transform->Transform(4, x, y);
        return {*std::min_element(x, x + 4), *std::min_element(y, y + 4),
                *std::max_element(x, x + 4), *std::max_element(y, y + 4)};
    }

private:
    OGRSpatialReference m_target;
    std::unique_ptr<OGRCoordinateTransformation> m_transform;
};

std::string strokeDash(const std::string& style)
{
    if (style == "dash")
        return "[4,2]";
    if (style == "dot")
        return "[1,2]";
    if (style == "dashdot" || style == "dashdotdot")
        return "[4,2,1,2]";
    return "";
}

const char* geometryKindName(GeometryKind kind)
{
    switch (kind) {
    case GeometryKind::Point:
        return "point";
    case GeometryKind::Line:
        return "line";
    case GeometryKind::Polygon:
        return "polygon";
    case GeometryKind::None:
        break;
    }
    return "none";
}

/// The stage names of acquisition, in order, from 场平 on: land acquired and levelled and not
/// supplied yet is 场平 itself (已供地 is supplied).
bool availableForSupply(const std::string& stage)
{
    return stage.find("场平") != std::string::npos && stage.find("纠纷") == std::string::npos;
}

void copyFile(const fs::path& from, const fs::path& to)
{
    std::error_code error;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
    if (error)
        throw IoError("cannot copy into the site: " + error.message(), {pathText(from), {}, -1, {}});
}

void writeText(const fs::path& path, const std::function<void(std::ostream&)>& write)
{
    std::ofstream out(path, std::ios::binary);
    write(out);
    out.close();
    if (!out)
        throw IoError("cannot write", {pathText(path), {}, -1, {}});
}

/// "Plan zones" for "plan_zones".
std::string englishRoleName(std::string name)
{
    std::replace(name.begin(), name.end(), '_', ' ');
    if (!name.empty() && name[0] >= 'a' && name[0] <= 'z')
        name[0] = static_cast<char>(name[0] - 'a' + 'A');
    return name;
}

/// What the page calls a committee map: "01_用地现状图.pdf" → 用地现状图 and the English name its
/// page template gives in its "about" ("Land use as it is (用地现状图): …" → "Land use as it is").
std::pair<std::string, std::string> reportNames(const fs::path& file)
{
    std::string name = pathText(file.stem());
    if (name.size() > 3 && std::isdigit(static_cast<unsigned char>(name[0])) &&
        std::isdigit(static_cast<unsigned char>(name[1])) && name[2] == '_')
        name.erase(0, 3);
    std::string english = name;
    try {
        CPLJSONDocument layout;
        const std::string path = stylePath("layouts/" + name + ".json");
        const CPLErrorStateBackuper keepLastError;
        const CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
        if (fs::exists(utf8Path(path)) && layout.Load(path)) {
            const std::string about = layout.GetRoot().GetString("about", "");
            const std::size_t bracket = about.find(" (");
            if (bracket != std::string::npos && bracket > 0)
                english = about.substr(0, bracket);
        }
    } catch (const Error&) {
        // No styles folder: the Chinese name serves in both languages.
    }
    return {name, english};
}

} // namespace

const char* toString(WebProfile profile)
{
    return profile == WebProfile::Public ? "public" : "internal";
}

std::string webPageDirectory()
{
    std::vector<std::string> tried;
    auto holdsPage = [&tried](const std::string& directory) {
        tried.push_back(directory);
        std::error_code error;
        return fs::exists(utf8Path(directory) / "index.html", error);
    };
    if (const char* env = std::getenv("PARKATLAS_WEB"); env && *env) {
        if (holdsPage(env))
            return env;
    }
    std::error_code error;
    const fs::path executable = fs::read_symlink("/proc/self/exe", error);
    if (!error) {
        for (const char* relative : {"../share/parkatlas/web", "../../web", "../web"}) {
            const fs::path candidate = (executable.parent_path() / relative).lexically_normal();
            if (holdsPage(pathText(candidate)))
                return pathText(candidate);
        }
    }
    if (const std::string source = sourceTreeDirectory(); !source.empty())
        if (holdsPage(source + "/web"))
            return source + "/web";
    std::string places;
    for (const std::string& place : tried)
        places += (places.empty() ? "" : ", ") + place;
    throw IoError("no web page folder (index.html) found; looked in " + places +
                  " (set PARKATLAS_WEB)");
}

WebSiteResult publishWebSite(ParkSession& session, const std::string& outDir,
                             const WebSiteOptions& options, IssueSink& issues)
{
    const fs::path out = fs::absolute(utf8Path(outDir)).lexically_normal();
    std::error_code error;
    if (fs::exists(out, error) && !fs::is_directory(out, error))
        throw IoError("exists and is not a folder", {outDir, {}, -1, {}});
    if (fs::exists(out, error) && !isEmptyDirectory(out) && !options.replace)
        throw IoError("exists and is not empty (replace it with --force)", {outDir, {}, -1, {}});

    const fs::path page = utf8Path(options.pageDirectory.empty() ? webPageDirectory()
                                                                 : options.pageDirectory);
    const fs::path library = page / "node_modules" / "maplibre-gl" / "dist";
    for (const fs::path& needed :
         {page / "index.html", page / "app.js", page / "app.css", library / "maplibre-gl.js",
          library / "maplibre-gl.css"})
        if (!fs::exists(needed, error))
            throw IoError(message("web_page_missing",
                                  "missing: the web page and MapLibre GL JS are installed by "
                                  "scripts/setup (npm ci in web/)"),
                          {pathText(needed), {}, -1, {}});

    if (options.profile == WebProfile::Public && !options.reportFiles.empty())
        throw IoError("the committee maps carry owners and findings: they go into the internal "
                      "profile only",
                      {outDir, {}, -1, {}});
    for (const std::string& file : options.reportFiles)
        if (!fs::is_regular_file(utf8Path(file), error))
            throw IoError("the committee map to publish is not there", {file, {}, -1, {}});

    WebSiteResult result;
    const ProgressCallback& progress = options.progress;
    auto part = [&progress](double from, double to) -> ProgressCallback {
        if (!progress)
            return {};
        return [&progress, from, to](double done) { return progress(from + (to - from) * done); };
    };

    // The park, and the findings of the internal profile.
    const std::shared_ptr<const Park> park = session.park(options.roles, issues, part(0, 0.3));
    if (park->crs.isEmpty())
        throw CrsError("the park has no coordinate system: it cannot be placed on a web map",
                       {park->name, {}, -1, {}});
    std::vector<Finding> findings;
    if (options.profile == WebProfile::Internal) {
        ComplianceOptions check;
        check.progress = part(0.3, 0.4);
        findings = session.check(check, issues).value.findings;
        if (park->layer(Role::Parcels)) {
            AuditOptions audit;
            audit.asOf = options.auditDate;
            audit.areaMethod = options.areaMethod;
            audit.progress = part(0.4, 0.45);
            const AuditResult audited = session.audit(audit, issues).value;
            findings.insert(findings.end(), audited.findings.begin(), audited.findings.end());
        }
    }
    reportProgress(progress, 0.45);

    std::vector<std::string> order;
    const std::map<std::string, RoleLook> looks = readRoleLooks(order, issues);
    const LandUseClassification& table = LandUseClassification::standard();

    // The layers to publish, in drawing order (bottom first).
    std::vector<const ParkLayer*> layers;
    for (const std::string& name : order)
        for (const ParkLayer& layer : park->layers)
            if (toString(layer.role) == name)
                layers.push_back(&layer);
    for (const ParkLayer& layer : park->layers)
        if (std::find(layers.begin(), layers.end(), &layer) == layers.end())
            layers.push_back(&layer);
    if (!options.roles.empty())
        std::erase_if(layers, [&options](const ParkLayer* layer) {
            return std::find(options.roles.begin(), options.roles.end(), layer->role) ==
                   options.roles.end();
        });
    if (options.profile == WebProfile::Public)
        std::erase_if(layers, [&result](const ParkLayer* layer) {
            if (layer->role != Role::IdleLand)
                return false;
            result.notes.push_back("public profile: the idle-land layer (闲置土地) is left out");
            return true;
        });

    std::vector<std::unique_ptr<TileLayer>> tileLayers;
    std::shared_ptr<OGRCoordinateTransformation> toMercator;
    {
        OGRSpatialReference source(*park->crs.ogr());
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        OGRSpatialReference mercator;
        mercator.importFromEPSG(3857);
        mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        toMercator.reset(OGRCreateCoordinateTransformation(&source, &mercator));
        if (!toMercator)
            throw CrsError("no transformation to Web Mercator: " +
                           std::string(CPLGetLastErrorMsg()));
    }
    const LonLat lonLat(park->crs);

    std::vector<LegendEntry> legend;
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t>
        legendIndex;
    std::vector<SearchEntry> search;
    Envelope parkExtent;
    auto grow = [&parkExtent](const Envelope& extent) {
        if (!extent.isEmpty() && std::isfinite(extent.minX) && std::isfinite(extent.maxY))
            parkExtent.expand(extent);
    };

    struct PublishedLayer {
        std::string id;
        std::string role;
        GeometryKind kind = GeometryKind::None;
        const RoleLook* look = nullptr;
        std::size_t count = 0;
        std::vector<std::string> fields;
        /// The fields' values by feature (_fid), for data/attributes/: a role layer's fields
        /// are not in its tiles (see below). Empty for the layers whose tiles carry them.
        std::vector<std::pair<std::int64_t, std::vector<std::optional<std::string>>>> rows;
        bool attributesApart = false;
    };
    std::vector<PublishedLayer> published;

    const double layerShare = 0.25 / std::max<std::size_t>(layers.size(), 1);
    for (std::size_t layerNumber = 0; layerNumber < layers.size(); ++layerNumber) {
        const ParkLayer& parkLayer = *layers[layerNumber];
        const Layer& layer = *parkLayer.layer;
        const std::string role = toString(parkLayer.role);
        const GeometryKind kind = layer.geometry.kind();
        std::vector<double> areasM2;
        if (kind == GeometryKind::Polygon)
            areasM2 = measureLayer(layer, options.areaMethod, issues,
                                   part(0.45 + layerShare * layerNumber,
                                        0.45 + layerShare * (layerNumber + 0.5)))
                          .areaM2;
        const auto columns = publishedColumns(parkLayer, options.profile);
        // The tiles carry what draws a feature and its area; its fields go to
        // data/attributes/ and the page reads them when the feature is identified. Every value
        // in a tile is cut, encoded and indexed again at every zoom: with a plot's two dozen
        // fields in them, GDAL spent most of its time on the attributes (scripts/bench --speed).
        const std::vector<std::string> textFields = {"area_mu", "_fill", "_stroke", "_class"};
        TileLayer* target =
            createLayer(tileLayers, role, toMercator, textFields, {"_fo", "_sw", "_fid"});
        const auto lookIt = looks.find(role);
        const RoleLook* look = lookIt == looks.end() ? nullptr : &lookIt->second;
        const RoleStyler styler(parkLayer, look, table);
        const int idField = parkLayer.role == Role::Parcels ? parkLayer.field("parcel_id") : -1;
        const int ownerField = parkLayer.role == Role::Parcels &&
                                       options.profile == WebProfile::Internal
                                   ? parkLayer.field("owner")
                                   : -1;
        const int landUseField = parkLayer.field("land_use");

        PublishedLayer entry{role, role, kind, look, 0, {}, {}, true};
        for (const auto& [key, index] : columns)
            entry.fields.push_back(key);
        entry.rows.reserve(layer.featureCount());
        for (std::size_t row = 0; row < layer.featureCount(); ++row) {
            if (row % 4096 == 0)
                reportProgress(progress, 0.45 + layerShare * (layerNumber + 0.5 +
                                                              0.5 * row / layer.featureCount()));
            OGRGeometry* geometry = geometryFromWkb(featureWkb(layer.geometry, row));
            if (!geometry)
                continue;
            OGRFeature feature(target->GetLayerDefn());
            feature.SetGeometryDirectly(geometry);
            std::vector<std::optional<std::string>> values;
            values.reserve(columns.size());
            for (const auto& [key, index] : columns)
                values.push_back(layer.attributes.isUnknown(row, index)
                                     ? std::nullopt
                                     : std::optional<std::string>(layer.attributes.text(row, index)));
            std::string areaText;
            double areaMu = std::nan("");
            if (row < areasM2.size() && std::isfinite(areasM2[row])) {
                areaMu = areasM2[row] / kSquareMetresPerMu;
                areaText = muText(areaMu);
                feature.SetField("area_mu", areaText.c_str());
            }
            const FeatureLook featureLook = styler.lookOf(row);
            setIfNotEmpty(feature, "_fill", featureLook.symbol.fill);
            setIfNotEmpty(feature, "_stroke", featureLook.symbol.stroke);
            feature.SetField("_class", featureLook.legendLabel.c_str());
            feature.SetField("_fo", featureLook.symbol.fillOpacity);
            feature.SetField("_sw", featureLook.symbol.strokeWidth);
            feature.SetField("_fid", static_cast<GIntBig>(layer.fids[row]));
            if (target->CreateFeature(&feature) != OGRERR_NONE)
                throw IoError("cannot add a feature to the tiles: " +
                                  std::string(CPLGetLastErrorMsg()),
                              {layer.sourcePath, layer.name, layer.fids[row], {}});
            entry.rows.emplace_back(layer.fids[row], std::move(values));
            ++entry.count;
            grow(layer.geometry.envelope(row));

            const auto key = std::make_tuple(role, featureLook.legendLabel,
                                             featureLook.symbol.fill, featureLook.symbol.stroke);
            auto [legendIt, added] = legendIndex.emplace(key, legend.size());
            if (added)
                legend.push_back({role, featureLook.legendLabel, featureLook.symbol.fill,
                                  featureLook.symbol.stroke});
            LegendEntry& legendEntry = legend[legendIt->second];
            ++legendEntry.count;
            if (std::isfinite(areaMu)) {
                legendEntry.areaMu += areaMu; // summed unrounded, rounded once when written
                legendEntry.hasArea = true;
            }

            if (idField >= 0 || ownerField >= 0) {
                SearchEntry hit;
                auto known = [&layer, row](int field) {
                    return field >= 0 && !layer.attributes.isUnknown(row, field)
                               ? layer.attributes.text(row, field)
                               : std::string();
                };
                hit.id = known(idField);
                hit.owner = known(ownerField);
                hit.landUse = known(landUseField);
                hit.areaMu = areaText;
                hit.extent = layer.geometry.envelope(row);
                if (!hit.id.empty() || !hit.owner.empty())
                    search.push_back(std::move(hit));
            }
        }
        result.features += entry.count;
        published.push_back(std::move(entry));
    }

    // The plots available for supply: acquired to 场平, not supplied yet, with the plan's land
    // use and FAR of the zone they overlap most.
    const ParkLayer* acquisition = park->layer(Role::Acquisition);
    if (acquisition && acquisition->field("stage") >= 0) {
        const Layer& layer = *acquisition->layer;
        const int stageField = acquisition->field("stage");
        const int batchField = acquisition->field("batch_id");
        const ParkLayer* zones = park->layer(Role::PlanZones);
        std::vector<std::unique_ptr<OGRGeometry>> zoneGeometries;
        if (zones)
            for (std::size_t row = 0; row < zones->layer->featureCount(); ++row)
                zoneGeometries.emplace_back(
                    geometryFromWkb(featureWkb(zones->layer->geometry, row)));
        std::vector<double> areasM2;
        bool any = false;
        for (std::size_t row = 0; row < layer.featureCount() && !any; ++row)
            any = availableForSupply(layer.attributes.text(row, stageField));
        if (any)
            areasM2 = measureLayer(layer, options.areaMethod, issues).areaM2;
        TileLayer* target = createLayer(
            tileLayers, "available", toMercator,
            {"area_mu", "batch_id", "stage", "plan_land_use", "plan_land_use_name", "far_min",
             "far_max", "_fill", "_stroke", "_class"},
            {"_fo", "_sw", "_fid"});
        PublishedLayer entry{"available", "available", GeometryKind::Polygon, nullptr, 0,
                             {"batch_id", "stage", "plan_land_use", "plan_land_use_name",
                              "far_min", "far_max"},
                             {}, false};
        const LandUseSystems zoneSystems =
            zones ? landUseSystemsOf(*zones, table).systems : LandUseSystems{};
        for (std::size_t row = 0; row < layer.featureCount(); ++row) {
            const std::string stage = layer.attributes.text(row, stageField);
            if (!availableForSupply(stage))
                continue;
            OGRGeometry* geometry = geometryFromWkb(featureWkb(layer.geometry, row));
            if (!geometry)
                continue;
            OGRFeature feature(target->GetLayerDefn());
            std::string planCode;
            std::string farMin;
            std::string farMax;
            double bestOverlap = 0;
            const Envelope extent = layer.geometry.envelope(row);
            for (std::size_t zone = 0; zone < zoneGeometries.size(); ++zone) {
                const Envelope zoneExtent = zones->layer->geometry.envelope(zone);
                if (!zoneGeometries[zone] || !zoneExtent.intersects(extent))
                    continue;
                std::unique_ptr<OGRGeometry> overlap(
                    geometry->Intersection(zoneGeometries[zone].get()));
                const OGRSurface* surface =
                    overlap ? dynamic_cast<const OGRSurface*>(overlap.get()) : nullptr;
                const OGRMultiSurface* surfaces =
                    overlap ? dynamic_cast<const OGRMultiSurface*>(overlap.get()) : nullptr;
                const double overlapArea =
                    surface ? surface->get_Area() : surfaces ? surfaces->get_Area() : 0.0;
                if (overlapArea <= bestOverlap)
                    continue;
                bestOverlap = overlapArea;
                const AttributeTable& zoneTable = zones->layer->attributes;
                const int landUse = zones->field("land_use");
                const int minField = zones->field("far_min");
                const int maxField = zones->field("far_max");
                planCode = landUse >= 0 ? zoneTable.text(zone, landUse) : "";
                farMin = minField >= 0 ? zoneTable.text(zone, minField) : "";
                farMax = maxField >= 0 ? zoneTable.text(zone, maxField) : "";
            }
            feature.SetGeometryDirectly(geometry);
            if (row < areasM2.size() && std::isfinite(areasM2[row]))
                feature.SetField("area_mu", muText(areasM2[row] / kSquareMetresPerMu).c_str());
            if (batchField >= 0)
                setIfNotEmpty(feature, "batch_id", layer.attributes.text(row, batchField));
            feature.SetField("stage", stage.c_str());
            setIfNotEmpty(feature, "plan_land_use", planCode);
            if (!planCode.empty())
                setIfNotEmpty(feature, "plan_land_use_name", table.nameOf(planCode, zoneSystems));
            setIfNotEmpty(feature, "far_min", farMin);
            setIfNotEmpty(feature, "far_max", farMax);
            feature.SetField("_fill", "#1a9850");
            feature.SetField("_stroke", "#006837");
            feature.SetField("_class", "可供地块");
            feature.SetField("_fo", 0.55);
            feature.SetField("_sw", 2.0);
            feature.SetField("_fid", static_cast<GIntBig>(layer.fids[row]));
            if (target->CreateFeature(&feature) != OGRERR_NONE)
                throw IoError("cannot add a feature to the tiles: " +
                                  std::string(CPLGetLastErrorMsg()),
                              {layer.sourcePath, layer.name, layer.fids[row], {}});
            ++entry.count;
            grow(extent);
        }
        result.available = entry.count;
        if (entry.count > 0)
            published.push_back(std::move(entry));
    }

    // The findings, each where it is (its own geometry, else its feature's).
    if (options.profile == WebProfile::Internal && !findings.empty()) {
        TileLayer* target = createLayer(
            tileLayers, "findings", toMercator,
            {"rule", "rule_zh", "rule_en", "layer", "id", "area_mu", "reason", "reason_en",
             "clause", "_class"},
            {});
        std::map<std::string, std::map<std::int64_t, std::size_t>> rowOfFid;
        std::size_t withoutPlace = 0;
        for (const Finding& finding : findings) {
            OGRGeometry* geometry = geometryFromWkb(finding.geometryWkb);
            if (!geometry && !finding.fids.empty()) {
                for (const ParkLayer& layer : park->layers) {
                    if (toString(layer.role) != finding.layer)
                        continue;
                    auto& rows = rowOfFid[finding.layer];
                    if (rows.empty())
                        for (std::size_t row = 0; row < layer.layer->featureCount(); ++row)
                            rows[layer.layer->fids[row]] = row;
                    if (const auto it = rows.find(finding.fids.front()); it != rows.end())
                        geometry = geometryFromWkb(featureWkb(layer.layer->geometry, it->second));
                }
            }
            if (!geometry) {
                ++withoutPlace;
                continue;
            }
            OGRFeature feature(target->GetLayerDefn());
            feature.SetGeometryDirectly(geometry);
            feature.SetField("rule", finding.rule.c_str());
            feature.SetField("rule_zh",
                             displayName(NameGroup::Rule, finding.rule, Language::Chinese).c_str());
            feature.SetField("rule_en",
                             displayName(NameGroup::Rule, finding.rule, Language::English).c_str());
            feature.SetField("layer", finding.layer.c_str());
            setIfNotEmpty(feature, "id", finding.featureId);
            setIfNotEmpty(feature, "area_mu", muText(finding.areaMu));
            setIfNotEmpty(feature, "reason", finding.reasonZh);
            setIfNotEmpty(feature, "reason_en", finding.reasonEn);
            setIfNotEmpty(feature, "clause", finding.clause);
            feature.SetField("_class", finding.rule.c_str());
            if (target->CreateFeature(&feature) != OGRERR_NONE)
                throw IoError("cannot add a finding to the tiles: " +
                              std::string(CPLGetLastErrorMsg()));
            ++result.findings;
        }
        if (withoutPlace > 0)
            result.notes.push_back(std::to_string(withoutPlace) +
                                   " finding(s) with no place on the map are not in the layer");
        published.push_back({"findings", "findings", GeometryKind::None, nullptr,
                             result.findings,
                             {"rule_zh", "rule_en", "layer", "id", "area_mu", "reason",
                              "reason_en", "clause"},
                             {}, false});
    }
    if (parkExtent.isEmpty())
        throw IoError("the park has nothing to show on a map (no feature with a geometry)",
                      {park->name, {}, -1, {}});
    reportProgress(progress, 0.7);

    // Zooms: the whole park in about 1000 pixels four levels above minZoom (a phone sees it
    // whole too), plots down to a unit of 0.15–0.6 m at maxZoom (MapLibre overzooms beyond it).
    const auto bounds = lonLat.bounds(parkExtent);
    const double pi = 3.14159265358979323846;
    auto mercatorY = [pi](double latitude) {
        return 6378137.0 * std::log(std::tan(pi / 4 + latitude * pi / 360));
    };
    const double widthM = std::max(
        {(bounds[2] - bounds[0]) * pi / 180 * 6378137.0,
         mercatorY(bounds[3]) - mercatorY(bounds[1]), 100.0});
    const double fitZoom = std::log2(1000.0 * 40075016.686 / (512.0 * widthM));
    result.minZoom = std::clamp(static_cast<int>(std::floor(fitZoom)) - 4, 0, 14);
    // At least zoom 14 (a tile 2.4 km wide at the equator, 0.6 m a unit), whatever the park's
    // size, so a plot keeps its shape; MapLibre draws closer views from those tiles.
    result.maxZoom = std::clamp(std::max(static_cast<int>(std::floor(fitZoom)) + 3, 14),
                                result.minZoom + 1, 16);

    // Into a hidden folder beside `out`, moved into place when complete (and removed when not).
    AtomicOutput output(out, AtomicOutput::Kind::Folder);
    const fs::path& staging = output.path();
    {
        fs::create_directories(staging / "data", error);
        fs::create_directories(staging / "lib", error);
        if (error)
            throw IoError("cannot make the folder: " + error.message(),
                          {pathText(staging), {}, -1, {}});

        // The tiles, one GDAL MVT tile set per zoom level written side by side by the workers
        // (GDAL's writer assembles a tile set's tiles on one thread: one set a zoom puts every
        // core to work), each zoom then moved into tiles/. A layer starts at the zoom its style
        // draws it from; a feature smaller than one tile unit at a zoom (it would be drawn as a
        // speck, and costs GDAL a clip and a validity check) is left out of that zoom.
        std::map<std::string, int> layerMinZoom;
        for (const PublishedLayer& layer : published) {
            const double minZoom = layer.look && layer.look->minScaleZoom > 0
                                       ? std::floor(layer.look->minScaleZoom)
                                       : result.minZoom;
            layerMinZoom[layer.id] =
                std::clamp(static_cast<int>(minZoom), result.minZoom, result.maxZoom);
        }
        const fs::path tilesDir = staging / "tiles";
        fs::create_directories(tilesDir, error);
        std::vector<int> zooms;
        for (int zoom = result.maxZoom; zoom >= result.minZoom; --zoom)
            zooms.push_back(zoom);
        std::vector<fs::path> parts;
        for (int zoom = result.minZoom; zoom <= result.maxZoom; ++zoom)
            parts.push_back(staging / ("tiles.z" + std::to_string(zoom)));
        std::atomic<std::size_t> nextZoom{0};
        std::atomic<std::size_t> zoomsDone{0};
        std::atomic<bool> cancelled{false};
        std::mutex failureMutex;
        std::string failure;
        GDALDriver* mvtDriver = GetGDALDriverManager()->GetDriverByName("MVT");
        if (!mvtDriver)
            throw IoError("GDAL has no MVT driver (vector tiles)");
        OGRSpatialReference mercator;
        mercator.importFromEPSG(3857);
        mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        auto writeZoom = [&](int zoom) {
            const fs::path part = staging / ("tiles.z" + std::to_string(zoom));
            CPLStringList creation;
            creation.SetNameValue("FORMAT", "DIRECTORY");
            creation.SetNameValue("COMPRESS", "NO");
            creation.SetNameValue("TILE_EXTENSION", "pbf");
            creation.SetNameValue("MINZOOM", std::to_string(zoom).c_str());
            creation.SetNameValue("MAXZOOM", std::to_string(zoom).c_str());
            creation.SetNameValue("NAME", "tiles");
            // GDAL keeps every cut feature in a temporary SQLite database before it assembles
            // the tiles; on disk, through GDAL's file layer, its page reads were a quarter of
            // the time (seek, read and stat calls). In memory: one zoom's features at a time.
            static std::atomic<unsigned> temporaryNumber{0};
            creation.SetNameValue(
                "TEMPORARY_DB",
                ("/vsimem/parkatlas-publish-tiles-" + std::to_string(++temporaryNumber) + ".db")
                    .c_str());
            DatasetPtr dataset(
                mvtDriver->Create(pathText(part).c_str(), 0, 0, 0, GDT_Unknown, creation.List()));
            if (!dataset)
                throw IoError("cannot write the vector tiles: " +
                                  std::string(CPLGetLastErrorMsg()),
                              {pathText(part), {}, -1, {}});
            // One unit of a 4096-unit tile at this zoom, in Web Mercator metres.
            const double unitM = 40075016.686 / std::ldexp(1.0, zoom) / 4096.0;
            for (const auto& tileLayer : tileLayers) {
                if (layerMinZoom.count(tileLayer->name()) && layerMinZoom[tileLayer->name()] > zoom)
                    continue;
                OGRLayer* target = dataset->CreateLayer(tileLayer->name().c_str(), &mercator,
                                                        wkbUnknown, nullptr);
                if (!target)
                    throw IoError("cannot make the tiles' layer: " +
                                      std::string(CPLGetLastErrorMsg()),
                                  {pathText(part), tileLayer->name(), -1, {}});
                OGRFeatureDefn* definition = tileLayer->GetLayerDefn();
                for (int field = 0; field < definition->GetFieldCount(); ++field)
                    target->CreateField(definition->GetFieldDefn(field));
                const auto& features = tileLayer->features();
                for (std::size_t i = 0; i < features.size(); ++i) {
                    if (cancelled)
                        return;
                    // Points have no size and are always kept.
                    const double size = tileLayer->sizeOf(i);
                    if (size > 0 && size < unitM)
                        continue;
                    if (target->CreateFeature(features[i].get()) != OGRERR_NONE)
                        throw IoError("cannot add a feature to the tiles: " +
                                          std::string(CPLGetLastErrorMsg()),
                                      {pathText(part), tileLayer->name(), static_cast<std::int64_t>(i), {}});
                }
            }
            dataset.reset(); // GDAL assembles and writes the tiles here
        };
        const unsigned workers =
            std::min<unsigned>(workerCount(zooms.size(), 0, 1), static_cast<unsigned>(zooms.size()));
        std::atomic<unsigned> running{workers};
        auto work = [&]() {
            try {
                while (!cancelled) {
                    const std::size_t index = nextZoom++;
                    if (index >= zooms.size())
                        break;
                    writeZoom(zooms[index]);
                    ++zoomsDone;
                }
            } catch (const std::exception& caught) {
                const std::lock_guard<std::mutex> lock(failureMutex);
                if (failure.empty())
                    failure = caught.what();
                cancelled = true;
            }
            --running;
        };
        std::vector<std::thread> threads;
        for (unsigned worker = 0; worker < workers; ++worker)
            threads.emplace_back(work);
        // This thread reports progress and passes a cancel on.
        while (running > 0) {
            if (progress && !cancelled &&
                !progress(0.7 + 0.25 * static_cast<double>(zoomsDone) /
                                    static_cast<double>(zooms.size())))
                cancelled = true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        for (std::thread& thread : threads)
            thread.join();
        if (!failure.empty()) {
            const std::string disk = diskProblemAt(out);
            throw IoError(disk.empty() ? failure : "cannot write the vector tiles: " + disk,
                          {pathText(tilesDir), {}, -1, {}});
        }
        if (cancelled)
            throw Cancelled();
        for (int zoom = result.minZoom; zoom <= result.maxZoom; ++zoom) {
            const fs::path part = staging / ("tiles.z" + std::to_string(zoom));
            if (fs::exists(part / std::to_string(zoom), error))
                fs::rename(part / std::to_string(zoom), tilesDir / std::to_string(zoom), error);
            if (error)
                throw IoError("cannot move the tiles into place: " + error.message(),
                              {pathText(part), {}, -1, {}});
        }
        mergeTileMetadata(parts, tilesDir, result.minZoom, result.maxZoom);
        for (const fs::path& part : parts)
            fs::remove_all(part, error);
        tileLayers.clear();

        // Each role layer's fields, by feature: data/attributes/LAYER/N.json holds the
        // features whose _fid / 1000 is N, as {"_fid": [value or null, …]} in the order of
        // the layer's "fields" in site.json.
        for (PublishedLayer& layer : published) {
            if (!layer.attributesApart)
                continue;
            const fs::path folder = staging / "data" / "attributes" / utf8Path(layer.id);
            fs::create_directories(folder, error);
            std::map<std::int64_t, std::vector<std::size_t>> chunks;
            for (std::size_t i = 0; i < layer.rows.size(); ++i)
                chunks[layer.rows[i].first >= 0 ? layer.rows[i].first / 1000 : -1].push_back(i);
            for (const auto& [chunk, members] : chunks)
                writeText(folder / (std::to_string(chunk) + ".json"), [&](std::ostream& stream) {
                    JsonWriter json(stream, false);
                    json.beginObject();
                    for (std::size_t i : members) {
                        json.key(std::to_string(layer.rows[i].first)).beginArray();
                        for (const auto& value : layer.rows[i].second) {
                            if (value)
                                json.value(*value);
                            else
                                json.null();
                        }
                        json.endArray();
                    }
                    json.endObject();
                });
            layer.rows.clear();
            layer.rows.shrink_to_fit();
        }

        // The tiles there are (the page asks for no other: no 404 for an empty corner).
        std::vector<std::string> tileNames;
        for (const auto& entry : fs::recursive_directory_iterator(staging / "tiles", error)) {
            if (!entry.is_regular_file() || entry.path().extension() != ".pbf")
                continue;
            const fs::path relative = fs::relative(entry.path(), staging / "tiles");
            std::string name = pathText(relative);
            name.resize(name.size() - 4);
            tileNames.push_back(name);
        }
        std::sort(tileNames.begin(), tileNames.end());
        result.tiles = tileNames.size();
        writeText(staging / "data" / "tiles.json", [&tileNames](std::ostream& stream) {
            JsonWriter json(stream, false);
            json.beginArray();
            for (const std::string& name : tileNames)
                json.value(name);
            json.endArray();
        });

        writeText(staging / "data" / "search.json", [&](std::ostream& stream) {
            JsonWriter json(stream, false);
            json.beginArray();
            for (const SearchEntry& hit : search) {
                const auto box = lonLat.bounds(hit.extent);
                json.beginArray();
                json.value(hit.id).value(hit.owner).value(hit.areaMu).value(hit.landUse);
                for (double value : box)
                    json.value(std::round(value * 1e7) / 1e7);
                json.endArray();
            }
            json.endArray();
        });

        writeText(staging / "data" / "site.json", [&](std::ostream& stream) {
            JsonWriter json(stream, true);
            json.beginObject();
            json.field("title", options.title.empty() ? park->name : options.title);
            json.field("park", park->name);
            json.field("profile", std::string(toString(options.profile)));
            json.field("published", options.publishedAt);
            json.field("area_method", std::string(toString(options.areaMethod)));
            if (options.profile == WebProfile::Internal)
                json.field("audit_date", options.auditDate.toIso());
            json.field("minzoom", result.minZoom);
            json.field("maxzoom", result.maxZoom);
            json.key("bounds").beginArray();
            for (double value : bounds)
                json.value(value);
            json.endArray();
            json.key("layers").beginArray();
            for (const PublishedLayer& layer : published) {
                json.beginObject();
                json.field("id", layer.id);
                json.field("zh", layer.id == "available" ? std::string("可供地块")
                                 : layer.id == "findings"
                                     ? std::string("问题（规划核查与闲置土地）")
                                     : std::string(chineseName(*roleFromLayerName(layer.role))));
                json.field("en", layer.id == "available" ? std::string("Plots available for supply")
                                 : layer.id == "findings"
                                     ? std::string("Findings (plan check and idle-land audit)")
                                     : englishRoleName(layer.role));
                json.field("geometry", std::string(geometryKindName(layer.kind)));
                json.field("count", layer.count);
                json.field("attributes", layer.attributesApart);
                const bool dashed = layer.look && !strokeDash(layer.look->strokeStyle).empty();
                if (dashed) {
                    json.key("dash").beginArray();
                    const std::string dash = strokeDash(layer.look->strokeStyle);
                    for (char c : dash)
                        if (c >= '0' && c <= '9')
                            json.value(c - '0');
                    json.endArray();
                }
                json.key("fields").beginArray();
                for (const std::string& field : layer.fields)
                    json.value(field);
                json.endArray();
                json.endObject();
            }
            json.endArray();
            json.key("legend").beginArray();
            for (const LegendEntry& entry : legend) {
                json.beginObject();
                json.field("layer", entry.role);
                json.field("label", entry.label);
                json.field("fill", entry.fill);
                json.field("stroke", entry.stroke);
                json.field("count", entry.count);
                if (entry.hasArea)
                    json.field("area_mu", muText(entry.areaMu));
                json.endObject();
            }
            json.endArray();
            // What the page calls each field, in both languages (styles/names.json).
            json.key("names").beginObject();
            std::set<std::string> named;
            for (const PublishedLayer& layer : published)
                for (const std::string& field : layer.fields) {
                    const std::string key = layer.role + "." + field;
                    if (!named.insert(key).second)
                        continue;
                    const bool isRole = roleFromLayerName(layer.role).has_value();
                    json.key(key).beginObject();
                    json.field("zh", displayName(NameGroup::Field, field, Language::Chinese,
                                                 isRole ? layer.role : std::string_view{}));
                    json.field("en", displayName(NameGroup::Field, field, Language::English,
                                                 isRole ? layer.role : std::string_view{}));
                    json.endObject();
                }
            json.endObject();
            json.key("reports").beginArray();
            for (const std::string& file : options.reportFiles) {
                const fs::path source = utf8Path(file);
                const auto [chinese, english] = reportNames(source);
                json.beginObject();
                json.field("file", "reports/" + pathText(source.filename()));
                json.field("zh", chinese);
                json.field("en", english);
                json.field("bytes", static_cast<std::size_t>(fs::file_size(source, error)));
                json.endObject();
            }
            json.endArray();
            json.key("notes").beginArray();
            for (const std::string& note : result.notes)
                json.value(note);
            json.endArray();
            json.endObject();
        });

        if (!options.reportFiles.empty()) {
            fs::create_directories(staging / "reports", error);
            for (const std::string& file : options.reportFiles)
                copyFile(utf8Path(file), staging / "reports" / utf8Path(file).filename());
            result.reports = options.reportFiles.size();
        }
        copyFile(page / "index.html", staging / "index.html");
        copyFile(page / "app.js", staging / "app.js");
        copyFile(page / "app.css", staging / "app.css");
        copyFile(library / "maplibre-gl.js", staging / "lib" / "maplibre-gl.js");
        copyFile(library / "maplibre-gl.css", staging / "lib" / "maplibre-gl.css");
        if (fs::exists(library / "LICENSE.txt", error))
            copyFile(library / "LICENSE.txt", staging / "lib" / "LICENSE.txt");
        else if (fs::exists(library.parent_path() / "LICENSE.txt", error))
            copyFile(library.parent_path() / "LICENSE.txt", staging / "lib" / "LICENSE.txt");

        for (const auto& entry : fs::recursive_directory_iterator(staging, error))
            if (entry.is_regular_file())
                result.bytes += entry.file_size();
        reportProgress(progress, 0.98);
    }

    // Into place: flushed to the disk, then swapped with the old site in one step (the old one
    // removed after), or renamed where there was none or an empty folder.
    output.commit();
    reportProgress(progress, 1.0);
    return result;
}

} // namespace parkatlas::geo
