#include "geo/publish/web_site.h"

#include "geo/error.h"
#include "geo/file_paths.h"
#include "geo/io/atomic_file.h"
#include "geo/gdal_session.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/display_names.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/park.h"
#include "geo/parallel.h"
#include "geo/session/park_session.h"
#include "geo/styles.h"
#include "geo/units.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_json.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_alg.h>
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
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#ifdef __GLIBC__
#include <malloc.h>
#endif

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
        issues.report(
            {Issue::Severity::Warning,
             path,
             {},
             -1,
             "cannot be read (" + std::string(CPLGetLastErrorMsg()) + "): one colour a layer"});
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
                look.classes.push_back(
                    {entry.GetString("value", ""), symbolFrom(entry, classBase)});
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
        result.legendLabel =
            m_look->symbol.label.empty() ? chineseName(m_layer.role) : m_look->symbol.label;
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
                result.legendLabel =
                    LandUseClassification::normalise(value) + (name.empty() ? "" : " " + name);
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
        "name",    "kind",       "subpark", "parcel_id", "zone_id",   "land_use",
        "status",  "far_min",    "far_max", "cover_min", "green_max", "batch_id",
        "stage",   "road_class", "width_m", "progress",  "plan_year", "diam_mm",
        "volt_kv", "capacity",   "floors",  "height_m",  "supply_dt", "valid_from"};
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

/// One feature of a tile layer: where it comes from (a row of the park's layer, a finding, a
/// plot available for supply) and what its tiles show of it.
struct TileFeature {
    std::uint32_t source = 0; // the row, finding or available plot
    std::uint32_t look = 0;   // the index of its look in the layer's looks (role layers)
    double areaMu = std::numeric_limits<double>::quiet_NaN();
};

/// One layer of the tiles: its fields and, per feature, only what is needed to choose the
/// tiles it falls in (its extent in Web Mercator) and to make it again when a band of tiles is
/// cut: the geometry comes from the park's flat arrays and the fields from the layer's values
/// each time (`geometryOf`, `fieldsOf`), so no GDAL feature of the whole park is ever held.
/// Built on the calling thread, then only read by every tile writer at once.
class TileLayer {
public:
    /// Feature f's geometry in the park's CRS; nullptr when it has none. Thread-safe.
    using GeometryOf = std::function<OGRGeometry*(const TileFeature&)>;
    /// Sets feature f's fields. Thread-safe.
    using FieldsOf = std::function<void(const TileFeature&, OGRFeature&)>;

    TileLayer(std::string name, const std::vector<std::string>& textFields,
              const std::vector<std::string>& realFields, GeometryOf geometryOf, FieldsOf fieldsOf)
        : m_name(std::move(name)), m_definition(new OGRFeatureDefn(m_name.c_str())),
          m_geometryOf(std::move(geometryOf)), m_fieldsOf(std::move(fieldsOf))
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
    OGRFeatureDefn* GetLayerDefn() const { return m_definition; }
    std::size_t size() const { return m_features.size(); }
    const TileFeature& feature(std::size_t i) const { return m_features[i]; }
    /// Feature i's geometry in the park's CRS (nullptr when it cannot be made). Thread-safe.
    std::unique_ptr<OGRGeometry> geometry(std::size_t i) const
    {
        return std::unique_ptr<OGRGeometry>(m_geometryOf(m_features[i]));
    }
    /// Feature i's extent in Web Mercator metres (empty for a feature with no geometry).
    const OGREnvelope& extentOf(std::size_t i) const { return m_extents[i]; }
    /// The larger side of feature i's envelope, in Web Mercator metres.
    double sizeOf(std::size_t i) const
    {
        const OGREnvelope& extent = m_extents[i];
        return extent.IsInit() ? std::max(extent.MaxX - extent.MinX, extent.MaxY - extent.MinY)
                               : 0.0;
    }

    /// Adds `feature`: measures its extent in Web Mercator. False when it has no geometry (it
    /// is not added); throws IoError when its geometry cannot be transformed.
    bool add(const TileFeature& feature, OGRCoordinateTransformation& toMercator,
             const ErrorContext& where)
    {
        std::unique_ptr<OGRGeometry> geometry(m_geometryOf(feature));
        if (!geometry)
            return false;
        if (geometry->transform(&toMercator) != OGRERR_NONE)
            throw IoError("cannot add a feature to the tiles: " + std::string(CPLGetLastErrorMsg()),
                          where);
        OGREnvelope extent;
        geometry->getEnvelope(&extent);
        m_features.push_back(feature);
        m_extents.push_back(extent);
        return true;
    }

    /// Feature i with its fields and its geometry in Web Mercator, for a tile writer; `toMercator`
    /// is the writer's own (a transformation is not shared between threads). nullptr when the
    /// geometry cannot be made again.
    OGRFeatureUniquePtr make(std::size_t i, OGRCoordinateTransformation& toMercator) const
    {
        OGRFeatureUniquePtr made(new OGRFeature(m_definition));
        OGRGeometry* geometry = m_geometryOf(m_features[i]);
        if (!geometry || geometry->transform(&toMercator) != OGRERR_NONE) {
            delete geometry;
            return nullptr;
        }
        made->SetGeometryDirectly(geometry);
        m_fieldsOf(m_features[i], *made);
        return made;
    }

private:
    std::string m_name;
    OGRFeatureDefn* m_definition;
    GeometryOf m_geometryOf;
    FieldsOf m_fieldsOf;
    std::vector<TileFeature> m_features;
    std::vector<OGREnvelope> m_extents;
};

TileLayer* createLayer(std::vector<std::unique_ptr<TileLayer>>& layers, const std::string& name,
                       const std::vector<std::string>& textFields,
                       const std::vector<std::string>& realFields, TileLayer::GeometryOf geometryOf,
                       TileLayer::FieldsOf fieldsOf)
{
    layers.push_back(std::make_unique<TileLayer>(name, textFields, realFields,
                                                 std::move(geometryOf), std::move(fieldsOf)));
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
        throw IoError("cannot copy into the site: " + error.message(),
                      {pathText(from), {}, -1, {}});
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

// ---- cutting the tiles, band by band ---------------------------------------------------------

constexpr double kWorldM = 40075016.685578488; // the Web Mercator world's width, 2π × 6378137 m
/// How far beyond a band's tiles its features are taken, in tiles: more than GDAL's MVT buffer
/// (80 units of 4096) around a tile, so every feature GDAL cuts into a tile of the band is fed.
constexpr double kBandMargin = 0.05;

/// A block of tiles at one zoom written by one GDAL MVT writer: rows and columns inclusive.
struct TileBand {
    int zoom = 0;
    long rowFrom = 0;
    long rowTo = 0;
    long columnFrom = 0;
    long columnTo = 0;
};

double tileSizeM(int zoom)
{
    return kWorldM / std::ldexp(1.0, zoom);
}

long tileColumn(double x, double tileM, long tiles)
{
    return std::clamp(static_cast<long>(std::floor((x + kWorldM / 2) / tileM)), 0L, tiles - 1);
}

long tileRow(double y, double tileM, long tiles)
{
    return std::clamp(static_cast<long>(std::floor((kWorldM / 2 - y) / tileM)), 0L, tiles - 1);
}

/// Whether feature i is drawn at a zoom whose tile unit is `unitM`: a feature smaller than one
/// unit would be a speck (GDAL cuts it, checks it and drops it); points are always kept.
bool keptAt(const TileLayer& layer, std::size_t i, double unitM)
{
    const double size = layer.sizeOf(i);
    return !(size > 0 && size < unitM);
}

/// A tile layer and the zooms whose tiles carry it (inclusive).
struct ZoomedLayer {
    const TileLayer* layer;
    int minZoom;
    int maxZoom;
    bool at(int zoom) const { return minZoom <= zoom && zoom <= maxZoom; }
};

/// Cuts `zoom`'s tiles into bands of whole tile rows (a row too full alone: of columns) holding
/// at most about `limit` features each, counting a feature once in every row it reaches.
std::vector<TileBand> planBands(const std::vector<ZoomedLayer>& layers, int zoom, std::size_t limit)
{
    const double tileM = tileSizeM(zoom);
    const double unitM = tileM / 4096.0;
    const double marginM = tileM * kBandMargin;
    const long tiles = 1L << zoom;
    // The rows (and columns) each kept feature reaches, margin included.
    auto span = [&](const OGREnvelope& extent) {
        return std::array<long, 4>{tileRow(extent.MaxY + marginM, tileM, tiles),
                                   tileRow(extent.MinY - marginM, tileM, tiles),
                                   tileColumn(extent.MinX - marginM, tileM, tiles),
                                   tileColumn(extent.MaxX + marginM, tileM, tiles)};
    };
    long firstRow = tiles;
    long lastRow = -1;
    // The tile span of every feature kept at this zoom, handed to `use`.
    auto eachReach = [&](auto&& use) {
        for (const ZoomedLayer& zoomed : layers) {
            if (!zoomed.at(zoom))
                continue;
            for (std::size_t i = 0; i < zoomed.layer->size(); ++i)
                if (keptAt(*zoomed.layer, i, unitM))
                    use(span(zoomed.layer->extentOf(i)));
        }
    };
    eachReach([&](const auto& reach) {
        firstRow = std::min(firstRow, reach[0]);
        lastRow = std::max(lastRow, reach[1]);
    });
    std::vector<TileBand> bands;
    if (lastRow < firstRow)
        return bands;
    std::vector<std::size_t> perRow(static_cast<std::size_t>(lastRow - firstRow + 1), 0);
    eachReach([&](const auto& reach) {
        for (long row = reach[0]; row <= reach[1]; ++row)
            ++perRow[static_cast<std::size_t>(row - firstRow)];
    });
    // The columns of one row, grouped likewise.
    auto splitRow = [&](long row) {
        std::map<long, std::size_t> perColumn;
        eachReach([&](const auto& reach) {
            if (reach[0] <= row && row <= reach[1])
                for (long column = reach[2]; column <= reach[3]; ++column)
                    ++perColumn[column];
        });
        std::size_t count = 0;
        for (const auto& [column, features] : perColumn) {
            if (!bands.empty() && bands.back().rowFrom == row && count + features <= limit &&
                bands.back().columnTo == column - 1) {
                bands.back().columnTo = column;
                count += features;
                continue;
            }
            bands.push_back({zoom, row, row, column, column});
            count = features;
        }
    };
    std::size_t count = 0;
    bool open = false;
    for (long row = firstRow; row <= lastRow; ++row) {
        const std::size_t features = perRow[static_cast<std::size_t>(row - firstRow)];
        if (features == 0) {
            open = false;
            continue;
        }
        if (features > limit) {
            splitRow(row);
            open = false;
            continue;
        }
        if (open && count + features <= limit) {
            bands.back().rowTo = row;
            count += features;
            continue;
        }
        bands.push_back({zoom, row, row, 0, tiles - 1});
        count = features;
        open = true;
    }
    return bands;
}

// ---- the low zooms: a layer of small features as its classes, dissolved ---------------------

/// The lowest zoom in [from, to] at which the median feature of `layer` (the larger side of
/// its extent) is at least `pixels` screen pixels across, 512 to a tile as MapLibre draws
/// vector tiles; `to` when none is (the features are always in the deepest tiles).
int detailZoomOf(const TileLayer& layer, int from, int to, double pixels)
{
    std::vector<double> sizes;
    sizes.reserve(layer.size());
    for (std::size_t i = 0; i < layer.size(); ++i)
        if (const double size = layer.sizeOf(i); size > 0)
            sizes.push_back(size);
    if (sizes.empty())
        return from;
    const auto middle = sizes.begin() + static_cast<std::ptrdiff_t>(sizes.size() / 2);
    std::nth_element(sizes.begin(), middle, sizes.end());
    for (int zoom = from; zoom < to; ++zoom)
        if (*middle >= pixels * tileSizeM(zoom) / 512.0)
            return zoom;
    return to;
}

/// A piece of a dissolved layer: a polygon (WKB, in the park's CRS) of the cells of one look.
struct DissolvedPiece {
    std::vector<unsigned char> wkb;
    std::uint32_t look = 0;
};

/// The most cells a dissolving grid has (2 bytes each); a larger park gets coarser cells.
constexpr double kMaxDissolveCells = 64e6;

/// `layer`'s features burnt by look (`lookOf(i)` < 65535) into a grid of cells one screen pixel
/// wide at each of `zooms`, over `extent` (the park's CRS, `unitsPerMercatorM` of its units to a
/// Web Mercator metre there), and each grid's cells of one look made polygons again, simplified
/// by most of a cell (GDAL's rasterize and polygonize: whatever the features, overlapping or
/// not, the pieces are as many as the map shows). A cell takes the look of the last polygon over
/// its centre, or of the last line or point that touches it. Per zoom of `zooms`, its pieces.
std::vector<std::vector<DissolvedPiece>>
dissolveByLook(const TileLayer& layer, const std::vector<int>& zooms,
               const std::function<std::uint32_t(std::size_t)>& lookOf, const Envelope& extent,
               double unitsPerMercatorM, const ProgressCallback& progress)
{
    GDALDriver* rasterDriver = GetGDALDriverManager()->GetDriverByName("MEM");
    GDALDriver* vectorDriver = GetGDALDriverManager()->GetDriverByName("Memory");
    if (!rasterDriver || !vectorDriver)
        throw IoError("GDAL has no MEM or Memory driver (to dissolve the low zooms)");
    struct Grid {
        DatasetPtr dataset;
        double cell = 0;
    };
    std::vector<Grid> grids;
    const double width = extent.maxX - extent.minX;
    const double height = extent.maxY - extent.minY;
    for (const int zoom : zooms) {
        double cell = tileSizeM(zoom) / 512.0 * unitsPerMercatorM;
        cell = std::max(cell, std::sqrt(std::max(width * height, 1e-12) / kMaxDissolveCells));
        const int columns = static_cast<int>(std::ceil(width / cell)) + 2;
        const int rows = static_cast<int>(std::ceil(height / cell)) + 2;
        DatasetPtr dataset(rasterDriver->Create("", columns, rows, 1, GDT_UInt16, nullptr));
        if (!dataset)
            throw IoError("cannot make a grid to dissolve the low zooms: " +
                          std::string(CPLGetLastErrorMsg()));
        double transform[6] = {extent.minX - cell, cell, 0, extent.maxY + cell, 0, -cell};
        dataset->SetGeoTransform(transform);
        dataset->GetRasterBand(1)->SetNoDataValue(0);
        grids.push_back({std::move(dataset), cell});
    }
    const char* const touched[] = {"ALL_TOUCHED=TRUE", nullptr};
    const int bandList[] = {1};
    constexpr std::size_t kChunk = 16384;
    std::vector<std::unique_ptr<OGRGeometry>> owned;
    // Polygons, then lines and points (every cell they touch: a cell's centre is rarely on one).
    std::array<std::vector<OGRGeometryH>, 2> handles;
    std::array<std::vector<double>, 2> burn;
    for (std::size_t first = 0; first < layer.size(); first += kChunk) {
        reportProgress(progress, 0.8 * static_cast<double>(first) / layer.size());
        owned.clear();
        for (std::size_t kind = 0; kind < 2; ++kind) {
            handles[kind].clear();
            burn[kind].clear();
        }
        for (std::size_t i = first; i < std::min(first + kChunk, layer.size()); ++i) {
            std::unique_ptr<OGRGeometry> geometry = layer.geometry(i);
            if (!geometry)
                continue;
            const std::size_t kind =
                OGR_GT_IsSubClassOf(wkbFlatten(geometry->getGeometryType()), wkbCurvePolygon) ||
                        OGR_GT_IsSubClassOf(wkbFlatten(geometry->getGeometryType()),
                                            wkbMultiSurface)
                    ? 0
                    : 1;
            handles[kind].push_back(OGRGeometry::ToHandle(geometry.get()));
            burn[kind].push_back(static_cast<double>(lookOf(i) + 1));
            owned.push_back(std::move(geometry));
        }
        for (Grid& grid : grids)
            for (std::size_t kind = 0; kind < 2; ++kind)
                if (!handles[kind].empty() &&
                    GDALRasterizeGeometries(GDALDataset::ToHandle(grid.dataset.get()), 1,
                                            bandList, static_cast<int>(handles[kind].size()),
                                            handles[kind].data(), nullptr, nullptr,
                                            burn[kind].data(), kind == 1 ? touched : nullptr,
                                            nullptr, nullptr) != CE_None)
                    throw IoError("cannot dissolve the low zooms: " +
                                      std::string(CPLGetLastErrorMsg()),
                                  {{}, layer.name(), -1, {}});
    }
    owned.clear();
    std::vector<std::vector<DissolvedPiece>> pieces(grids.size());
    for (std::size_t number = 0; number < grids.size(); ++number) {
        reportProgress(progress, 0.8 + 0.2 * static_cast<double>(number) / grids.size());
        DatasetPtr vectors(vectorDriver->Create("", 0, 0, 0, GDT_Unknown, nullptr));
        OGRLayer* cells = vectors ? vectors->CreateLayer("pieces", nullptr, wkbPolygon, nullptr)
                                  : nullptr;
        OGRFieldDefn lookField("look", OFTInteger);
        if (!cells || cells->CreateField(&lookField) != OGRERR_NONE)
            throw IoError("cannot dissolve the low zooms: " + std::string(CPLGetLastErrorMsg()));
        GDALRasterBand* band = grids[number].dataset->GetRasterBand(1);
        if (GDALPolygonize(GDALRasterBand::ToHandle(band),
                           GDALRasterBand::ToHandle(band->GetMaskBand()),
                           OGRLayer::ToHandle(cells), 0, nullptr, nullptr, nullptr) != CE_None)
            throw IoError("cannot dissolve the low zooms: " + std::string(CPLGetLastErrorMsg()),
                          {{}, layer.name(), -1, {}});
        grids[number].dataset.reset();
        for (const auto& feature : *cells) {
            const OGRGeometry* geometry = feature->GetGeometryRef();
            const int look = feature->GetFieldAsInteger(0);
            if (!geometry || look <= 0)
                continue;
            // The stairs of the cells' edges, most of a cell high, become slopes.
            std::unique_ptr<OGRGeometry> simple(
                geometry->SimplifyPreserveTopology(0.75 * grids[number].cell));
            const OGRGeometry* kept = simple && !simple->IsEmpty() ? simple.get() : geometry;
            DissolvedPiece piece;
            piece.look = static_cast<std::uint32_t>(look - 1);
            piece.wkb.resize(kept->WkbSize());
            kept->exportToWkb(wkbNDR, piece.wkb.data(), wkbVariantIso);
            pieces[number].push_back(std::move(piece));
        }
    }
    return pieces;
}

/// Writes the tile layers as Mapbox vector tiles into `tilesDir` (tiles/{z}/{x}/{y}.pbf and
/// metadata.json), zooms minZoom–maxZoom, with GDAL's MVT driver. A zoom is cut in bands of
/// tiles (planBands), each band written by its own GDAL writer, side by side on the workers:
/// GDAL's writer keeps every feature it is given until it assembles the tiles, so a writer is
/// given only the features that reach its band (made again from the park's arrays: no feature
/// of the whole park is held), and keeps only the tiles inside its band (those it cut outside
/// it lack the features beyond the band, and are another band's). The tiles are those one
/// writer per zoom would make. Returns the number of bands written.
std::size_t writeTiles(const std::vector<ZoomedLayer>& layers, int minZoom, int maxZoom,
                       std::size_t bandLimit, const OGRCoordinateTransformation& toMercator,
                       const fs::path& staging, const fs::path& tilesDir,
                       const ProgressCallback& progress, double progressFrom, double progressTo)
{
    ensureGdal(); // a park of shapefiles alone may have registered only their driver
    GDALDriver* mvtDriver = GetGDALDriverManager()->GetDriverByName("MVT");
    if (!mvtDriver)
        throw IoError("GDAL has no MVT driver (vector tiles)");
    std::error_code error;
    fs::create_directories(tilesDir, error);
    if (error)
        throw IoError("cannot make the folder: " + error.message(),
                      {pathText(tilesDir), {}, -1, {}});
    std::vector<TileBand> bands;
    for (int zoom = maxZoom; zoom >= minZoom; --zoom) {
        const std::vector<TileBand> zoomBands = planBands(layers, zoom, bandLimit);
        bands.insert(bands.end(), zoomBands.begin(), zoomBands.end());
    }
    std::vector<fs::path> parts;
    for (std::size_t number = 0; number < bands.size(); ++number)
        parts.push_back(staging / ("tiles.band" + std::to_string(number)));

    OGRSpatialReference mercator;
    mercator.importFromEPSG(3857);
    mercator.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::atomic<std::size_t> nextBand{0};
    std::atomic<std::size_t> bandsDone{0};
    std::atomic<bool> cancelled{false};
    std::mutex failureMutex;
    std::mutex folderMutex;
    std::string failure;
    auto writeBand = [&](std::size_t number) {
        const TileBand& band = bands[number];
        const fs::path& part = parts[number];
        CPLStringList creation;
        creation.SetNameValue("FORMAT", "DIRECTORY");
        creation.SetNameValue("COMPRESS", "NO");
        creation.SetNameValue("TILE_EXTENSION", "pbf");
        creation.SetNameValue("MINZOOM", std::to_string(band.zoom).c_str());
        creation.SetNameValue("MAXZOOM", std::to_string(band.zoom).c_str());
        creation.SetNameValue("NAME", "tiles");
        // GDAL keeps every cut feature in a temporary SQLite database before it assembles the
        // tiles; on disk, through GDAL's file layer, its page reads were a quarter of the time
        // (seek, read and stat calls). In memory: one band's features at a time.
        static std::atomic<unsigned> temporaryNumber{0};
        const std::string temporary =
            "/vsimem/parkatlas-publish-tiles-" + std::to_string(++temporaryNumber) + ".db";
        creation.SetNameValue("TEMPORARY_DB", temporary.c_str());
        DatasetPtr dataset(
            mvtDriver->Create(pathText(part).c_str(), 0, 0, 0, GDT_Unknown, creation.List()));
        if (!dataset)
            throw IoError("cannot write the vector tiles: " + std::string(CPLGetLastErrorMsg()),
                          {pathText(part), {}, -1, {}});
        const std::unique_ptr<OGRCoordinateTransformation> transform(toMercator.Clone());
        if (!transform)
            throw CrsError("no transformation to Web Mercator: " +
                           std::string(CPLGetLastErrorMsg()));
        const double tileM = tileSizeM(band.zoom);
        const double unitM = tileM / 4096.0;
        const double marginM = tileM * kBandMargin;
        OGREnvelope reach;
        reach.MinX = -kWorldM / 2 + band.columnFrom * tileM - marginM;
        reach.MaxX = -kWorldM / 2 + (band.columnTo + 1) * tileM + marginM;
        reach.MaxY = kWorldM / 2 - band.rowFrom * tileM + marginM;
        reach.MinY = kWorldM / 2 - (band.rowTo + 1) * tileM - marginM;
        for (const ZoomedLayer& zoomed : layers) {
            if (!zoomed.at(band.zoom))
                continue;
            const TileLayer& tileLayer = *zoomed.layer;
            OGRLayer* target =
                dataset->CreateLayer(tileLayer.name().c_str(), &mercator, wkbUnknown, nullptr);
            if (!target)
                throw IoError("cannot make the tiles' layer: " + std::string(CPLGetLastErrorMsg()),
                              {pathText(part), tileLayer.name(), -1, {}});
            OGRFeatureDefn* definition = tileLayer.GetLayerDefn();
            for (int field = 0; field < definition->GetFieldCount(); ++field)
                target->CreateField(definition->GetFieldDefn(field));
            for (std::size_t i = 0; i < tileLayer.size(); ++i) {
                if (cancelled)
                    return;
                if (!keptAt(tileLayer, i, unitM) || !tileLayer.extentOf(i).Intersects(reach))
                    continue;
                const OGRFeatureUniquePtr feature = tileLayer.make(i, *transform);
                if (!feature || target->CreateFeature(feature.get()) != OGRERR_NONE)
                    throw IoError(
                        "cannot add a feature to the tiles: " + std::string(CPLGetLastErrorMsg()),
                        {pathText(part), tileLayer.name(), static_cast<std::int64_t>(i), {}});
            }
        }
        dataset.reset(); // GDAL assembles and writes the band's tiles here
        {
            // The temporary database, whether or not GDAL removed it; the band's memory back
            // to the system before the next band (each worker's heap would keep it).
            const CPLErrorHandlerPusher quiet(CPLQuietErrorHandler);
            VSIUnlink(temporary.c_str());
        }
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        // The band's own tiles into place.
        std::error_code moved;
        const fs::path zoomDir = part / std::to_string(band.zoom);
        for (const auto& column : fs::directory_iterator(zoomDir, moved)) {
            const long x = std::strtol(pathText(column.path().filename()).c_str(), nullptr, 10);
            if (x < band.columnFrom || x > band.columnTo)
                continue;
            for (const auto& tile : fs::directory_iterator(column.path(), moved)) {
                const long y = std::strtol(pathText(tile.path().stem()).c_str(), nullptr, 10);
                if (y < band.rowFrom || y > band.rowTo)
                    continue;
                const fs::path folder = tilesDir / std::to_string(band.zoom) / std::to_string(x);
                {
                    const std::lock_guard<std::mutex> lock(folderMutex);
                    fs::create_directories(folder, moved);
                }
                if (!moved)
                    fs::rename(tile.path(), folder / tile.path().filename(), moved);
                if (moved)
                    throw IoError("cannot move the tiles into place: " + moved.message(),
                                  {pathText(tile.path()), {}, -1, {}});
            }
        }
        if (moved)
            throw IoError("cannot read the tiles written: " + moved.message(),
                          {pathText(zoomDir), {}, -1, {}});
        fs::remove_all(zoomDir, moved); // what was cut beyond the band
    };
    const unsigned workers =
        std::min<unsigned>(workerCount(bands.size(), 0, 1),
                           static_cast<unsigned>(std::max<std::size_t>(bands.size(), 1)));
    std::atomic<unsigned> running{workers};
    auto work = [&]() {
        try {
            while (!cancelled) {
                const std::size_t number = nextBand++;
                if (number >= bands.size())
                    break;
                writeBand(number);
                ++bandsDone;
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
            !progress(progressFrom +
                      (progressTo - progressFrom) * static_cast<double>(bandsDone) /
                          static_cast<double>(std::max<std::size_t>(bands.size(), 1))))
            cancelled = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (std::thread& thread : threads)
        thread.join();
    if (!failure.empty())
        throw IoError(failure);
    if (cancelled)
        throw Cancelled();
    // The metadata of the lowest zoom first (its centre and statistics lead, as with one
    // writer a zoom).
    std::vector<fs::path> lowFirst;
    for (int zoom = minZoom; zoom <= maxZoom; ++zoom)
        for (std::size_t number = 0; number < bands.size(); ++number)
            if (bands[number].zoom == zoom)
                lowFirst.push_back(parts[number]);
    mergeTileMetadata(lowFirst, tilesDir, minZoom, maxZoom);
    for (const fs::path& part : parts)
        fs::remove_all(part, error);
    return bands.size();
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

    const fs::path page =
        utf8Path(options.pageDirectory.empty() ? webPageDirectory() : options.pageDirectory);
    const fs::path library = page / "node_modules" / "maplibre-gl" / "dist";
    for (const fs::path& needed : {page / "index.html", page / "app.js", page / "app.css",
                                   library / "maplibre-gl.js", library / "maplibre-gl.css"})
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
        /// A role layer's fields are not in its tiles (see below): they go to
        /// data/attributes/, read from its park layer (`source`, field indices `columns` in
        /// the order of `fields`) for the features of its tile layer when the site is written.
        bool attributesApart = false;
        const ParkLayer* source = nullptr;
        const TileLayer* tiles = nullptr;
        std::vector<int> columns;
    };
    std::vector<PublishedLayer> published;
    // The tile layers that may be dissolved at the low zooms (polygons with a fill, and the
    // findings): each feature's look.
    std::map<const TileLayer*, std::shared_ptr<const std::vector<FeatureLook>>> dissolvable;
    // What search finds (plot number, owner where the profile keeps it): read from the parcels'
    // layer for the features of its tile layer when data/search.json is written.
    struct SearchSource {
        const ParkLayer* layer = nullptr;
        const TileLayer* tiles = nullptr;
        int id = -1;
        int owner = -1;
        int landUse = -1;
    };
    SearchSource searchSource;

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
        // A feature's look is one of the layer's few (kept once, by index).
        auto featureLooks = std::make_shared<std::vector<FeatureLook>>();
        std::map<std::tuple<std::string, std::string, std::string, double, double>, std::uint32_t>
            lookIndex;
        const Layer* source = &layer;
        TileLayer* target = createLayer(
            tileLayers, role, {"area_mu", "_fill", "_stroke", "_class"}, {"_fo", "_sw", "_fid"},
            [source](const TileFeature& feature) {
                return geometryFromWkb(featureWkb(source->geometry, feature.source));
            },
            [source, featureLooks](const TileFeature& tileFeature, OGRFeature& feature) {
                if (std::isfinite(tileFeature.areaMu))
                    feature.SetField("area_mu", muText(tileFeature.areaMu).c_str());
                const FeatureLook& look = (*featureLooks)[tileFeature.look];
                setIfNotEmpty(feature, "_fill", look.symbol.fill);
                setIfNotEmpty(feature, "_stroke", look.symbol.stroke);
                feature.SetField("_class", look.legendLabel.c_str());
                feature.SetField("_fo", look.symbol.fillOpacity);
                feature.SetField("_sw", look.symbol.strokeWidth);
                feature.SetField("_fid", static_cast<GIntBig>(source->fids[tileFeature.source]));
            });
        const auto lookIt = looks.find(role);
        const RoleLook* look = lookIt == looks.end() ? nullptr : &lookIt->second;
        const RoleStyler styler(parkLayer, look, table);
        if (parkLayer.role == Role::Parcels) {
            searchSource.layer = &parkLayer;
            searchSource.tiles = target;
            searchSource.id = parkLayer.field("parcel_id");
            searchSource.owner =
                options.profile == WebProfile::Internal ? parkLayer.field("owner") : -1;
            searchSource.landUse = parkLayer.field("land_use");
        }

        PublishedLayer entry{role, role, kind, look, 0, {}, true, &parkLayer, target, {}};
        for (const auto& [key, index] : columns) {
            entry.fields.push_back(key);
            entry.columns.push_back(index);
        }
        for (std::size_t row = 0; row < layer.featureCount(); ++row) {
            if (row % 4096 == 0)
                reportProgress(progress, 0.45 + layerShare * (layerNumber + 0.5 +
                                                              0.5 * row / layer.featureCount()));
            TileFeature tileFeature;
            tileFeature.source = static_cast<std::uint32_t>(row);
            if (row < areasM2.size() && std::isfinite(areasM2[row]))
                tileFeature.areaMu = areasM2[row] / kSquareMetresPerMu;
            const FeatureLook featureLook = styler.lookOf(row);
            const auto [lookAt, newLook] = lookIndex.emplace(
                std::make_tuple(featureLook.legendLabel, featureLook.symbol.fill,
                                featureLook.symbol.stroke, featureLook.symbol.fillOpacity,
                                featureLook.symbol.strokeWidth),
                static_cast<std::uint32_t>(featureLooks->size()));
            if (newLook)
                featureLooks->push_back(featureLook);
            tileFeature.look = lookAt->second;
            if (!target->add(tileFeature, *toMercator,
                             {layer.sourcePath, layer.name, layer.fids[row], {}}))
                continue;
            ++entry.count;
            grow(layer.geometry.envelope(row));

            const auto key = std::make_tuple(role, featureLook.legendLabel, featureLook.symbol.fill,
                                             featureLook.symbol.stroke);
            auto [legendIt, added] = legendIndex.emplace(key, legend.size());
            if (added)
                legend.push_back({role, featureLook.legendLabel, featureLook.symbol.fill,
                                  featureLook.symbol.stroke});
            LegendEntry& legendEntry = legend[legendIt->second];
            ++legendEntry.count;
            if (std::isfinite(tileFeature.areaMu)) {
                legendEntry.areaMu += tileFeature.areaMu; // summed unrounded, rounded once
                legendEntry.hasArea = true;
            }
        }
        result.features += entry.count;
        published.push_back(std::move(entry));
        if (kind == GeometryKind::Polygon && featureLooks->size() < 65535 &&
            std::any_of(featureLooks->begin(), featureLooks->end(),
                        [](const FeatureLook& one) { return !one.symbol.fill.empty(); }))
            dissolvable[target] = featureLooks;
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
        struct AvailablePlot {
            std::size_t row = 0;
            std::string batch;
            std::string stage;
            std::string planCode;
            std::string planName;
            std::string farMin;
            std::string farMax;
        };
        auto plots = std::make_shared<std::vector<AvailablePlot>>();
        const Layer* source = &layer;
        TileLayer* target = createLayer(
            tileLayers, "available",
            {"area_mu", "batch_id", "stage", "plan_land_use", "plan_land_use_name", "far_min",
             "far_max", "_fill", "_stroke", "_class"},
            {"_fo", "_sw", "_fid"},
            [source, plots](const TileFeature& feature) {
                return geometryFromWkb(featureWkb(source->geometry, (*plots)[feature.source].row));
            },
            [source, plots](const TileFeature& tileFeature, OGRFeature& feature) {
                const AvailablePlot& plot = (*plots)[tileFeature.source];
                if (std::isfinite(tileFeature.areaMu))
                    feature.SetField("area_mu", muText(tileFeature.areaMu).c_str());
                setIfNotEmpty(feature, "batch_id", plot.batch);
                feature.SetField("stage", plot.stage.c_str());
                setIfNotEmpty(feature, "plan_land_use", plot.planCode);
                setIfNotEmpty(feature, "plan_land_use_name", plot.planName);
                setIfNotEmpty(feature, "far_min", plot.farMin);
                setIfNotEmpty(feature, "far_max", plot.farMax);
                feature.SetField("_fill", "#1a9850");
                feature.SetField("_stroke", "#006837");
                feature.SetField("_class", "可供地块");
                feature.SetField("_fo", 0.55);
                feature.SetField("_sw", 2.0);
                feature.SetField("_fid", static_cast<GIntBig>(source->fids[plot.row]));
            });
        PublishedLayer entry{
            "available",
            "available",
            GeometryKind::Polygon,
            nullptr,
            0,
            {"batch_id", "stage", "plan_land_use", "plan_land_use_name", "far_min", "far_max"},
            false,
            nullptr,
            nullptr,
            {}};
        const LandUseSystems zoneSystems =
            zones ? landUseSystemsOf(*zones, table).systems : LandUseSystems{};
        for (std::size_t row = 0; row < layer.featureCount(); ++row) {
            const std::string stage = layer.attributes.text(row, stageField);
            if (!availableForSupply(stage))
                continue;
            const std::unique_ptr<OGRGeometry> geometry(
                geometryFromWkb(featureWkb(layer.geometry, row)));
            if (!geometry)
                continue;
            AvailablePlot plot;
            plot.row = row;
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
                const double overlapArea = surface    ? surface->get_Area()
                                           : surfaces ? surfaces->get_Area()
                                                      : 0.0;
                if (overlapArea <= bestOverlap)
                    continue;
                bestOverlap = overlapArea;
                const AttributeTable& zoneTable = zones->layer->attributes;
                const int landUse = zones->field("land_use");
                const int minField = zones->field("far_min");
                const int maxField = zones->field("far_max");
                plot.planCode = landUse >= 0 ? zoneTable.text(zone, landUse) : "";
                plot.farMin = minField >= 0 ? zoneTable.text(zone, minField) : "";
                plot.farMax = maxField >= 0 ? zoneTable.text(zone, maxField) : "";
            }
            if (batchField >= 0)
                plot.batch = layer.attributes.text(row, batchField);
            plot.stage = stage;
            if (!plot.planCode.empty())
                plot.planName = table.nameOf(plot.planCode, zoneSystems);
            TileFeature tileFeature;
            tileFeature.source = static_cast<std::uint32_t>(plots->size());
            if (row < areasM2.size() && std::isfinite(areasM2[row]))
                tileFeature.areaMu = areasM2[row] / kSquareMetresPerMu;
            plots->push_back(std::move(plot));
            if (!target->add(tileFeature, *toMercator,
                             {layer.sourcePath, layer.name, layer.fids[row], {}})) {
                plots->pop_back();
                continue;
            }
            ++entry.count;
            grow(extent);
        }
        result.available = entry.count;
        if (entry.count > 0)
            published.push_back(std::move(entry));
    }

    // The findings, each where it is (its own geometry, else its feature's).
    if (options.profile == WebProfile::Internal && !findings.empty()) {
        struct FindingPlace {
            std::size_t finding = 0;
            const Layer* layer = nullptr; // the feature's layer when the finding has no geometry
            std::size_t row = 0;
        };
        auto places = std::make_shared<std::vector<FindingPlace>>();
        const std::vector<Finding>* all = &findings;
        TileLayer* target = createLayer(
            tileLayers, "findings",
            {"rule", "rule_zh", "rule_en", "layer", "id", "area_mu", "reason", "reason_en",
             "clause", "_class"},
            {},
            [all, places](const TileFeature& feature) {
                const FindingPlace& place = (*places)[feature.source];
                return place.layer ? geometryFromWkb(featureWkb(place.layer->geometry, place.row))
                                   : geometryFromWkb((*all)[place.finding].geometryWkb);
            },
            [all, places](const TileFeature& tileFeature, OGRFeature& feature) {
                const Finding& finding = (*all)[(*places)[tileFeature.source].finding];
                feature.SetField("rule", finding.rule.c_str());
                feature.SetField(
                    "rule_zh",
                    displayName(NameGroup::Rule, finding.rule, Language::Chinese).c_str());
                feature.SetField(
                    "rule_en",
                    displayName(NameGroup::Rule, finding.rule, Language::English).c_str());
                feature.SetField("layer", finding.layer.c_str());
                setIfNotEmpty(feature, "id", finding.featureId);
                setIfNotEmpty(feature, "area_mu", muText(finding.areaMu));
                setIfNotEmpty(feature, "reason", finding.reasonZh);
                setIfNotEmpty(feature, "reason_en", finding.reasonEn);
                setIfNotEmpty(feature, "clause", finding.clause);
                feature.SetField("_class", finding.rule.c_str());
            });
        std::map<std::string, std::map<std::int64_t, std::size_t>> rowOfFid;
        std::size_t withoutPlace = 0;
        for (std::size_t number = 0; number < findings.size(); ++number) {
            const Finding& finding = findings[number];
            TileFeature tileFeature;
            tileFeature.source = static_cast<std::uint32_t>(places->size());
            places->push_back({number, nullptr, 0});
            const ErrorContext where{park->name, finding.layer, -1, {}};
            bool added = target->add(tileFeature, *toMercator, where);
            if (!added && !finding.fids.empty()) {
                for (const ParkLayer& layer : park->layers) {
                    if (toString(layer.role) != finding.layer)
                        continue;
                    auto& rows = rowOfFid[finding.layer];
                    if (rows.empty())
                        for (std::size_t row = 0; row < layer.layer->featureCount(); ++row)
                            rows[layer.layer->fids[row]] = row;
                    if (const auto it = rows.find(finding.fids.front()); it != rows.end()) {
                        places->back().layer = layer.layer.get();
                        places->back().row = it->second;
                        added = target->add(tileFeature, *toMercator, where);
                        break;
                    }
                }
            }
            if (!added) {
                places->pop_back();
                ++withoutPlace;
                continue;
            }
            ++result.findings;
        }
        dissolvable[target] = std::make_shared<const std::vector<FeatureLook>>(
            1, FeatureLook{{"#e31a1c", "#e31a1c", 0.25, 1.0, ""}, "findings"});
        if (withoutPlace > 0)
            result.notes.push_back(std::to_string(withoutPlace) +
                                   " finding(s) with no place on the map are not in the layer");
        published.push_back(
            {"findings",
             "findings",
             GeometryKind::None,
             nullptr,
             result.findings,
             {"rule_zh", "rule_en", "layer", "id", "area_mu", "reason", "reason_en", "clause"},
             false,
             nullptr,
             nullptr,
             {}});
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
    const double widthM = std::max({(bounds[2] - bounds[0]) * pi / 180 * 6378137.0,
                                    mercatorY(bounds[3]) - mercatorY(bounds[1]), 100.0});
    const double fitZoom = std::log2(1000.0 * 40075016.686 / (512.0 * widthM));
    result.minZoom = std::clamp(static_cast<int>(std::floor(fitZoom)) - 4, 0, 14);
    // At least zoom 14 (a tile 2.4 km wide at the equator, 0.6 m a unit), whatever the park's
    // size, so a plot keeps its shape; MapLibre draws closer views from those tiles.
    result.maxZoom =
        std::clamp(std::max(static_cast<int>(std::floor(fitZoom)) + 3, 14), result.minZoom + 1, 16);

    // Into a hidden folder beside `out`, moved into place when complete (and removed when not).
    AtomicOutput output(out, AtomicOutput::Kind::Folder);
    const fs::path& staging = output.path();
    {
        fs::create_directories(staging / "data", error);
        fs::create_directories(staging / "lib", error);
        if (error)
            throw IoError("cannot make the folder: " + error.message(),
                          {pathText(staging), {}, -1, {}});

        // The tiles (writeTiles). A layer starts at the zoom its style draws it from. Where the
        // median feature of a layer of polygons (or of the findings) is narrower than
        // options.dissolveBelowPixels, its tiles carry its classes dissolved instead
        // (dissolveByLook: a piece a patch of one class, no outline, no field but the class);
        // its features start at the zoom where they are that wide (its "detail_minzoom" in
        // site.json). At the whole park's extent a big park's plots are a pixel or two: drawn
        // one by one with their outlines they are a grey haze that costs the browser seconds.
        std::vector<ZoomedLayer> zoomedLayers;
        std::vector<std::unique_ptr<TileLayer>> dissolvedLayers;
        std::map<std::string, int> detailZooms;
        double unitsPerMercatorM = 1;
        {
            double x[4] = {parkExtent.minX, parkExtent.maxX, parkExtent.maxX, parkExtent.minX};
            double y[4] = {parkExtent.minY, parkExtent.minY, parkExtent.maxY, parkExtent.maxY};
            if (toMercator->Transform(4, x, y)) {
                const double mercatorArea =
                    (*std::max_element(x, x + 4) - *std::min_element(x, x + 4)) *
                    (*std::max_element(y, y + 4) - *std::min_element(y, y + 4));
                const double parkArea = (parkExtent.maxX - parkExtent.minX) *
                                        (parkExtent.maxY - parkExtent.minY);
                if (mercatorArea > 0 && parkArea > 0)
                    unitsPerMercatorM = std::sqrt(parkArea / mercatorArea);
            }
        }
        for (const auto& tileLayer : tileLayers) {
            int minZoom = result.minZoom;
            for (const PublishedLayer& layer : published)
                if (layer.id == tileLayer->name() && layer.look && layer.look->minScaleZoom > 0)
                    minZoom = std::clamp(static_cast<int>(std::floor(layer.look->minScaleZoom)),
                                         result.minZoom, result.maxZoom);
            const auto dissolveIt = dissolvable.find(tileLayer.get());
            const int detail =
                options.dissolveBelowPixels > 0 && dissolveIt != dissolvable.end()
                    ? detailZoomOf(*tileLayer, minZoom, result.maxZoom, options.dissolveBelowPixels)
                    : minZoom;
            if (detail > minZoom) {
                std::vector<int> zooms;
                for (int zoom = minZoom; zoom < detail; ++zoom)
                    zooms.push_back(zoom);
                const TileLayer& source = *tileLayer;
                auto pieces = std::make_shared<const std::vector<std::vector<DissolvedPiece>>>(
                    dissolveByLook(
                        source, zooms, [&source](std::size_t i) { return source.feature(i).look; },
                        parkExtent, unitsPerMercatorM, part(0.7, 0.72)));
                std::vector<std::string> textFields;
                std::vector<std::string> realFields;
                OGRFeatureDefn* definition = source.GetLayerDefn();
                for (int field = 0; field < definition->GetFieldCount(); ++field)
                    (definition->GetFieldDefn(field)->GetType() == OFTReal ? realFields
                                                                           : textFields)
                        .push_back(definition->GetFieldDefn(field)->GetNameRef());
                const std::shared_ptr<const std::vector<FeatureLook>> looksOf = dissolveIt->second;
                for (std::size_t number = 0; number < zooms.size(); ++number) {
                    const std::vector<DissolvedPiece>* zoomPieces = &(*pieces)[number];
                    dissolvedLayers.push_back(std::make_unique<TileLayer>(
                        source.name(), textFields, realFields,
                        [pieces, zoomPieces](const TileFeature& feature) {
                            return geometryFromWkb((*zoomPieces)[feature.source].wkb);
                        },
                        [looksOf](const TileFeature& tileFeature, OGRFeature& feature) {
                            const FeatureLook& look = (*looksOf)[tileFeature.look];
                            if (feature.GetFieldIndex("_fill") >= 0)
                                setIfNotEmpty(feature, "_fill", look.symbol.fill);
                            if (feature.GetFieldIndex("_fo") >= 0)
                                feature.SetField("_fo", look.symbol.fillOpacity);
                            feature.SetField("_class", look.legendLabel.c_str());
                        }));
                    TileLayer& dissolved = *dissolvedLayers.back();
                    for (std::size_t piece = 0; piece < zoomPieces->size(); ++piece) {
                        TileFeature feature;
                        feature.source = static_cast<std::uint32_t>(piece);
                        feature.look = (*zoomPieces)[piece].look;
                        dissolved.add(feature, *toMercator, {park->name, source.name(), -1, {}});
                    }
                    zoomedLayers.push_back({&dissolved, zooms[number], zooms[number]});
                }
                detailZooms[source.name()] = detail;
                minZoom = detail;
            }
            zoomedLayers.push_back({tileLayer.get(), minZoom, result.maxZoom});
        }
        const fs::path tilesDir = staging / "tiles";
        try {
            result.tileBands =
                writeTiles(zoomedLayers, result.minZoom, result.maxZoom,
                           options.tileBandFeatures > 0 ? options.tileBandFeatures : 100000,
                           *toMercator, staging, tilesDir, progress, 0.72, 0.9);
            dissolvedLayers.clear();
        } catch (const IoError&) {
            const std::string disk = diskProblemAt(out);
            if (disk.empty())
                throw;
            throw IoError("cannot write the vector tiles: " + disk,
                          {pathText(tilesDir), {}, -1, {}});
        }

        // Each role layer's fields, by feature: data/attributes/LAYER/N.json holds the
        // features whose _fid / 1000 is N, as {"_fid": [value or null, …]} in the order of
        // the layer's "fields" in site.json; read from the park's layer as they are written.
        for (const PublishedLayer& layer : published) {
            if (!layer.attributesApart)
                continue;
            const fs::path folder = staging / "data" / "attributes" / utf8Path(layer.id);
            fs::create_directories(folder, error);
            const Layer& source = *layer.source->layer;
            std::map<std::int64_t, std::vector<std::uint32_t>> chunks;
            for (std::size_t i = 0; i < layer.tiles->size(); ++i) {
                const std::uint32_t row = layer.tiles->feature(i).source;
                chunks[source.fids[row] >= 0 ? source.fids[row] / 1000 : -1].push_back(row);
            }
            for (const auto& [chunk, rows] : chunks)
                writeText(folder / (std::to_string(chunk) + ".json"), [&](std::ostream& stream) {
                    JsonWriter json(stream, false);
                    json.beginObject();
                    for (const std::uint32_t row : rows) {
                        json.key(std::to_string(source.fids[row])).beginArray();
                        for (const int index : layer.columns) {
                            if (source.attributes.isUnknown(row, index))
                                json.null();
                            else
                                json.value(source.attributes.text(row, index));
                        }
                        json.endArray();
                    }
                    json.endObject();
                });
        }
        reportProgress(progress, 0.93);

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

        // The plots search finds: plot number, owner (internal), area, land use, extent.
        writeText(staging / "data" / "search.json", [&](std::ostream& stream) {
            JsonWriter json(stream, false);
            json.beginArray();
            if (searchSource.tiles && (searchSource.id >= 0 || searchSource.owner >= 0)) {
                const Layer& source = *searchSource.layer->layer;
                auto known = [&source](std::size_t row, int field) {
                    return field >= 0 && !source.attributes.isUnknown(row, field)
                               ? source.attributes.text(row, field)
                               : std::string();
                };
                for (std::size_t i = 0; i < searchSource.tiles->size(); ++i) {
                    const TileFeature& feature = searchSource.tiles->feature(i);
                    const std::string id = known(feature.source, searchSource.id);
                    const std::string owner = known(feature.source, searchSource.owner);
                    if (id.empty() && owner.empty())
                        continue;
                    const auto box = lonLat.bounds(source.geometry.envelope(feature.source));
                    json.beginArray();
                    json.value(id).value(owner).value(muText(feature.areaMu));
                    json.value(known(feature.source, searchSource.landUse));
                    for (double value : box)
                        json.value(std::round(value * 1e7) / 1e7);
                    json.endArray();
                }
            }
            json.endArray();
        });
        tileLayers.clear();

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
                if (const auto detail = detailZooms.find(layer.id); detail != detailZooms.end())
                    json.field("detail_minzoom", detail->second);
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
