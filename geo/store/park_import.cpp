#include "geo/store/park_import.h"

#include "geo/ascii.h"
#include "geo/crs/gauss_kruger.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/cad_label.h"
#include "geo/io/cad_layer_table.h"
#include "geo/io/cad_text.h"
#include "geo/io/gdal_open.h"
#include "geo/io/json_writer.h"
#include "geo/issue.h"
#include "geo/store/history.h"

#include <cpl_json.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

std::string extensionOf(const std::string& path)
{
    return lowerAscii(fs::path(path).extension().string());
}

std::string formatNumber(double value, int decimals = 3)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

/// Sets GDAL configuration options for this thread while alive (the DXF driver reads them when
/// it opens and reads a drawing), and puts the old values back.
class ThreadConfig {
public:
    void set(const char* key, const std::string& value)
    {
        const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
        m_saved.emplace_back(key, old ? std::optional<std::string>(old) : std::nullopt);
        CPLSetThreadLocalConfigOption(key, value.c_str());
    }
    ~ThreadConfig()
    {
        for (auto it = m_saved.rbegin(); it != m_saved.rend(); ++it)
            CPLSetThreadLocalConfigOption(it->first.c_str(),
                                          it->second ? it->second->c_str() : nullptr);
    }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> m_saved;
};

enum class Shape { Polygon, Line, Any };

Shape shapeOf(Role role)
{
    switch (role) {
    case Role::Roads:
    case Role::Pipelines:
        return Shape::Line;
    case Role::Facilities:
        return Shape::Any;
    default:
        return Shape::Polygon;
    }
}

/// The field a plot's number goes to, per role that takes labels; "" for roles that take none.
std::string idFieldOf(Role role)
{
    switch (role) {
    case Role::PlanZones:
        return "zone_id";
    case Role::Parcels:
        return "parcel_id";
    case Role::IdleLand:
        return "case_id";
    case Role::Acquisition:
        return "batch_id";
    case Role::Expansion:
        return "name";
    default:
        return "";
    }
}

bool hasLandUse(Role role)
{
    return role == Role::PlanZones || role == Role::Parcels || role == Role::Expansion;
}

bool hasKindField(Role role)
{
    for (const ContractField& field : contractFields(role))
        if (std::string(field.name) == "kind")
            return true;
    return false;
}

/// The contract field a source field name stands for (its name or an alias, any letter case).
std::string contractFieldFor(Role role, const std::string& sourceName)
{
    const std::string wanted = lowerAscii(sourceName);
    for (const ContractField& field : contractFields(role)) {
        if (lowerAscii(field.name) == wanted)
            return field.name;
        for (const char* alias : field.aliases)
            if (lowerAscii(alias) == wanted)
                return field.name;
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// Geometry: what a feature becomes in a role's layer
// ---------------------------------------------------------------------------------------------

struct Converted {
    OGRGeometryUniquePtr geometry; // null: dropped
    std::string reason;            // why dropped
    std::string note;              // what was done (a gap closed)
};

double distance(const OGRPoint& a, const OGRPoint& b)
{
    return std::hypot(a.getX() - b.getX(), a.getY() - b.getY());
}

/// A line string as a polygon when its ends meet within `tolerance`.
Converted polygonFromLine(const OGRLineString& line, double tolerance)
{
    Converted out;
    const int n = line.getNumPoints();
    if (n < 3) {
        out.reason = "a line of " + std::to_string(n) + " points cannot be a shape";
        return out;
    }
    OGRPoint first, last;
    line.StartPoint(&first);
    line.EndPoint(&last);
    const double gap = distance(first, last);
    if (gap > tolerance) {
        out.reason = "open polyline: its ends are " + formatNumber(gap) +
                     " apart (more than the closing tolerance " + formatNumber(tolerance) + ")";
        return out;
    }
    auto ring = std::make_unique<OGRLinearRing>();
    for (int i = 0; i < n; ++i)
        ring->addPoint(line.getX(i), line.getY(i));
    if (gap > 0) {
        ring->addPoint(line.getX(0), line.getY(0));
        out.note = "closed a gap of " + formatNumber(gap) + " between its ends";
    }
    auto polygon = std::make_unique<OGRPolygon>();
    polygon->addRingDirectly(ring.release());
    if (!(polygon->get_Area() > 0)) {
        out.reason = "the closed polyline encloses no area";
        return out;
    }
    out.geometry.reset(polygon.release());
    return out;
}

/// `source` with its curves made straight (at the densification set for drawings) and in 2D;
/// null when it is empty.
OGRGeometryUniquePtr linearCopy(const OGRGeometry& source)
{
    OGRGeometryUniquePtr linear(source.hasCurveGeometry() ? source.getLinearGeometry()
                                                          : source.clone());
    if (!linear || linear->IsEmpty())
        return nullptr;
    linear->flattenTo2D();
    return linear;
}

/// `source` in the shape its role takes, curves made straight and in 2D: a multi-polygon (a
/// polyline whose ends meet within `tolerance` closed into one), a multi-line string, or for a
/// role of any shape a point as it is and anything else as an area; else the reason it cannot be.
Converted toRoleShape(Role role, const OGRGeometry& source, double tolerance)
{
    const Shape shape = shapeOf(role);
    Converted out;
    if (shape == Shape::Any) {
        const OGRwkbGeometryType type = wkbFlatten(source.getGeometryType());
        if (type == wkbPoint || type == wkbMultiPoint) {
            out.geometry.reset(source.clone());
            out.geometry->flattenTo2D();
            return out;
        }
    }
    OGRGeometryUniquePtr linear = linearCopy(source);
    if (!linear) {
        out.reason = "empty geometry";
        return out;
    }
    const OGRwkbGeometryType type = wkbFlatten(linear->getGeometryType());
    const bool polygonal = type == wkbPolygon || type == wkbMultiPolygon;
    const bool lineal = type == wkbLineString || type == wkbMultiLineString;
    if (shape == Shape::Line) {
        if (lineal)
            out.geometry.reset(OGRGeometryFactory::forceToMultiLineString(linear.release()));
        else if (polygonal)
            out.reason = "an area (a hatch or polygon) on a line layer";
        else
            out.reason = std::string("a ") + OGRGeometryTypeToName(type) + " is not a line";
        return out;
    }
    if (polygonal) {
        out.geometry.reset(OGRGeometryFactory::forceToMultiPolygon(linear.release()));
        return out;
    }
    if (type == wkbLineString) {
        Converted one = polygonFromLine(*linear->toLineString(), tolerance);
        if (one.geometry)
            one.geometry.reset(OGRGeometryFactory::forceToMultiPolygon(one.geometry.release()));
        return one;
    }
    if (type == wkbMultiLineString) {
        auto multi = std::make_unique<OGRMultiPolygon>();
        for (const OGRLineString* part : *linear->toMultiLineString()) {
            Converted one = polygonFromLine(*part, tolerance);
            if (!one.geometry)
                return one;
            if (!one.note.empty())
                out.note = one.note;
            multi->addGeometryDirectly(one.geometry.release());
        }
        out.geometry.reset(multi.release());
        return out;
    }
    if (type == wkbPoint || type == wkbMultiPoint)
        out.reason = "a point (or a block with no shape), not an area";
    else
        out.reason = std::string("a ") + OGRGeometryTypeToName(type) + " cannot be an area";
    return out;
}

// ---------------------------------------------------------------------------------------------
// Point in plot, with the plot's edge as its own answer
// ---------------------------------------------------------------------------------------------

enum class Where { Outside, Inside, OnBoundary };

double segmentDistance(double px, double py, double ax, double ay, double bx, double by)
{
    const double dx = bx - ax, dy = by - ay;
    const double length2 = dx * dx + dy * dy;
    double t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

Where locate(const OGRMultiPolygon& plot, double x, double y, double tolerance)
{
    bool inside = false;
    for (const OGRPolygon* polygon : plot) {
        for (const OGRLinearRing* ring : *polygon) {
            const int n = ring->getNumPoints();
            for (int i = 0, j = n - 1; i < n; j = i++) {
                const double xi = ring->getX(i), yi = ring->getY(i);
                const double xj = ring->getX(j), yj = ring->getY(j);
                if (segmentDistance(x, y, xj, yj, xi, yi) <= tolerance)
                    return Where::OnBoundary;
                if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
                    inside = !inside;
            }
        }
    }
    return inside ? Where::Inside : Where::Outside;
}

/// A uniform grid over plot envelopes, for finding the plots a text may lie in.
class PlotGrid {
public:
    void build(const std::vector<OGREnvelope>& envelopes)
    {
        m_envelopes = envelopes;
        OGREnvelope all;
        for (const OGREnvelope& e : envelopes)
            all.Merge(e);
        if (envelopes.empty())
            return;
        m_x0 = all.MinX;
        m_y0 = all.MinY;
        const double width = std::max(all.MaxX - all.MinX, 1e-9);
        const double height = std::max(all.MaxY - all.MinY, 1e-9);
        const double cells = std::max<double>(1.0, static_cast<double>(envelopes.size()));
        m_cell = std::max(std::sqrt(width * height / cells), 1e-9);
        m_nx = std::clamp(static_cast<int>(width / m_cell) + 1, 1, 4096);
        m_ny = std::clamp(static_cast<int>(height / m_cell) + 1, 1, 4096);
        m_cell = std::max(width / (m_nx - 0.5), height / (m_ny - 0.5));
        m_cells.assign(static_cast<std::size_t>(m_nx) * static_cast<std::size_t>(m_ny), {});
        for (std::size_t k = 0; k < envelopes.size(); ++k) {
            const OGREnvelope& e = envelopes[k];
            for (int cy = cellY(e.MinY); cy <= cellY(e.MaxY); ++cy)
                for (int cx = cellX(e.MinX); cx <= cellX(e.MaxX); ++cx)
                    m_cells[static_cast<std::size_t>(cy) * m_nx + cx].push_back(k);
        }
    }
    /// The plots whose envelope (grown by `margin`) holds the point.
    std::vector<std::size_t> candidates(double x, double y, double margin) const
    {
        std::vector<std::size_t> out;
        if (m_cells.empty())
            return out;
        for (std::size_t k : m_cells[static_cast<std::size_t>(cellY(y)) * m_nx + cellX(x)]) {
            const OGREnvelope& e = m_envelopes[k];
            if (x >= e.MinX - margin && x <= e.MaxX + margin && y >= e.MinY - margin &&
                y <= e.MaxY + margin)
                out.push_back(k);
        }
        return out;
    }

private:
    int cellX(double x) const
    {
        return std::clamp(static_cast<int>(std::floor((x - m_x0) / m_cell)), 0, m_nx - 1);
    }
    int cellY(double y) const
    {
        return std::clamp(static_cast<int>(std::floor((y - m_y0) / m_cell)), 0, m_ny - 1);
    }
    std::vector<OGREnvelope> m_envelopes;
    std::vector<std::vector<std::size_t>> m_cells;
    double m_x0 = 0, m_y0 = 0, m_cell = 1;
    int m_nx = 1, m_ny = 1;
};

// ---------------------------------------------------------------------------------------------
// The park being written
// ---------------------------------------------------------------------------------------------

using SpatialRefPtr = std::unique_ptr<OGRSpatialReference, decltype(&OGRSpatialReference::DestroySpatialReference)>;

SpatialRefPtr cloneSrs(const OGRSpatialReference* srs)
{
    SpatialRefPtr out(srs ? srs->Clone() : nullptr, &OGRSpatialReference::DestroySpatialReference);
    if (out)
        out->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return out;
}

SpatialRefPtr srsFromUser(const std::string& definition)
{
    SpatialRefPtr srs(new OGRSpatialReference(), &OGRSpatialReference::DestroySpatialReference);
    if (srs->SetFromUserInput(definition.c_str()) != OGRERR_NONE)
        throw CrsError("cannot make sense of --s-srs '" + definition + "' (try EPSG:4547)");
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string srsLabel(const OGRSpatialReference& srs)
{
    const char* authority = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (authority && code)
        return std::string(authority) + ":" + code;
    const char* name = srs.GetName();
    return name ? name : "unnamed CRS";
}

class ParkWriter {
public:
    ParkWriter(GDALDataset& dataset) : m_dataset(dataset) {}

    /// The CRS of the park: the first source layer's. Later layers are transformed into it.
    void adoptCrs(const OGRSpatialReference& srs, const std::string& origin, ImportReport& report)
    {
        if (m_srs)
            return;
        m_srs = cloneSrs(&srs);
        report.crs = srsLabel(*m_srs);
        report.crsOrigin = origin;
    }

    /// A transform from `srs` into the park's CRS, or null when they are the same.
    std::unique_ptr<OGRCoordinateTransformation> transformFrom(const OGRSpatialReference& srs,
                                                               const ErrorContext& context) const
    {
        if (!m_srs || srs.IsSame(m_srs.get()))
            return nullptr;
        SpatialRefPtr source = cloneSrs(&srs);
        std::unique_ptr<OGRCoordinateTransformation> transform(
            OGRCreateCoordinateTransformation(source.get(), m_srs.get()));
        if (!transform)
            throw CrsError("cannot transform from " + srsLabel(srs) + " into the park's " +
                               srsLabel(*m_srs) + ": " + CPLGetLastErrorMsg(),
                           context);
        return transform;
    }

    OGRLayer& layer(Role role)
    {
        auto it = m_layers.find(role);
        if (it != m_layers.end())
            return *it->second;
        const Shape shape = shapeOf(role);
        const OGRwkbGeometryType type = shape == Shape::Polygon ? wkbMultiPolygon
                                        : shape == Shape::Line  ? wkbMultiLineString
                                                                : wkbUnknown;
        CPLStringList options;
        options.SetNameValue("DESCRIPTION",
                             (std::string(chineseName(role)) + " " + toString(role)).c_str());
        OGRLayer* created = m_dataset.CreateLayer(toString(role), m_srs.get(), type, options.List());
        if (!created)
            throw IoError(std::string("cannot create the layer: ") + CPLGetLastErrorMsg(),
                          {m_dataset.GetDescription(), toString(role), -1, {}});
        m_layers[role] = created;
        return *created;
    }

    /// The index of field `name` in the role's layer, created with `type` when missing.
    int field(Role role, const std::string& name, OGRFieldType type, OGRFieldSubType subType = OFSTNone)
    {
        OGRLayer& target = layer(role);
        const int existing = target.GetLayerDefn()->GetFieldIndex(name.c_str());
        if (existing >= 0)
            return existing;
        OGRFieldDefn definition(name.c_str(), type);
        definition.SetSubType(subType);
        if (target.CreateField(&definition) != OGRERR_NONE)
            throw IoError("cannot create the field: " + std::string(CPLGetLastErrorMsg()),
                          {m_dataset.GetDescription(), toString(role), -1, name});
        return target.GetLayerDefn()->GetFieldIndex(name.c_str());
    }

    std::int64_t write(Role role, OGRFeature& feature)
    {
        OGRLayer& target = layer(role);
        if (target.CreateFeature(&feature) != OGRERR_NONE)
            throw IoError("cannot write a feature: " + std::string(CPLGetLastErrorMsg()),
                          {m_dataset.GetDescription(), toString(role), -1, {}});
        ++m_written[toString(role)];
        return feature.GetFID();
    }

    const std::map<std::string, std::int64_t>& written() const { return m_written; }
    bool hasCrs() const { return m_srs != nullptr; }

    /// Each role layer's history starts with its creation by this import (geo/store/history.h).
    void recordCreation()
    {
        for (const auto& [role, layer] : m_layers)
            GeoPackageHistory(m_dataset, *layer, HistoryStamp{"import", {}}).recordCreation();
    }

private:
    GDALDataset& m_dataset;
    SpatialRefPtr m_srs{nullptr, &OGRSpatialReference::DestroySpatialReference};
    std::map<Role, OGRLayer*> m_layers;
    std::map<std::string, std::int64_t> m_written;
};

/// The message when a source has no CRS and the user gave none: what the coordinates suggest.
/// `value` as printf's %.0f writes it (as proposeZoneFromExtent's reason does).
std::string wholeNumber(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    return buffer;
}

/// `what` ("drawing" or "layer") has no CRS: what its coordinates suggest, as a message.
Message noCrsMessage(const std::string& what, const OGREnvelope& extent)
{
    Envelope e;
    e.expand(extent.MinX, extent.MinY);
    e.expand(extent.MaxX, extent.MaxY);
    if (auto proposal = proposeZoneFromExtent(e)) {
        return message("import_no_crs_zone",
                       "the {what} has no coordinate system; give it with --s-srs. eastings "
                       "{min_x}–{max_x} carry the {width}-degree Gauss-Krüger zone number {zone} "
                       "(central meridian {meridian}E); proposed EPSG:{epsg} (CGCS2000), or "
                       "EPSG:{xian} (Xi'an 1980) / EPSG:{beijing} (Beijing 1954) for older "
                       "surveys: --s-srs EPSG:{epsg} (CGCS2000; Xi'an 1980 EPSG:{xian}, Beijing "
                       "1954 EPSG:{beijing}). Not assumed",
                       {{"what", what},
                        {"min_x", wholeNumber(e.minX)},
                        {"max_x", wholeNumber(e.maxX)},
                        {"width", std::to_string(proposal->zoneWidthDeg)},
                        {"zone", std::to_string(proposal->zone)},
                        {"meridian", std::to_string(proposal->centralMeridianDeg)},
                        {"epsg", std::to_string(proposal->epsgCgcs2000)},
                        {"xian", std::to_string(proposal->epsgXian1980)},
                        {"beijing", std::to_string(proposal->epsgBeijing1954)}});
    }
    const std::vector<MessagePart> extentParts = {{"what", what},
                                                  {"min_x", formatNumber(extent.MinX)},
                                                  {"min_y", formatNumber(extent.MinY)},
                                                  {"max_x", formatNumber(extent.MaxX)},
                                                  {"max_y", formatNumber(extent.MaxY)}};
    const std::string hint = crsHintFromExtent(e);
    if (hint.empty())
        return message("import_no_crs",
                       "the {what} has no coordinate system; give it with --s-srs. Extent "
                       "{min_x}, {min_y} – {max_x}, {max_y}",
                       extentParts);
    std::string capital = hint;
    capital[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(capital[0])));
    std::vector<MessagePart> parts = extentParts;
    parts.push_back({"hint", hint});
    parts.push_back({"hint_capital", capital});
    if (hint.find("without a zone number") != std::string::npos)
        return message("import_no_crs_no_zone",
                       "the {what} has no coordinate system; give it with --s-srs. {hint_capital}: "
                       "CGCS2000 3-degree zones without the prefix are EPSG:4534 (CM 75E) to "
                       "EPSG:4554 (CM 135E), one per 3 degrees; take the one whose central "
                       "meridian is nearest the park (CM 114E, as for Wuhan: EPSG:4547). Extent "
                       "{min_x}, {min_y} – {max_x}, {max_y}",
                       parts);
    return message("import_no_crs_hint",
                   "the {what} has no coordinate system; give it with --s-srs. {hint_capital}. "
                   "Extent {min_x}, {min_y} – {max_x}, {max_y}",
                   parts);
}

// ---------------------------------------------------------------------------------------------
// Drawings
// ---------------------------------------------------------------------------------------------

struct CadEntity {
    std::string layer;
    std::string handle;
    OGRGeometryUniquePtr geometry;
    std::string text; // TEXT, MTEXT, ATTRIB: decoded and cleaned
};

std::string entityName(const CadEntity& entity, std::int64_t fid)
{
    return entity.handle.empty() ? "feature " + std::to_string(fid) : "entity " + entity.handle;
}

/// The version of a DWG from its first six bytes ("AC1015").
std::string dwgVersion(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[6] = {};
    in.read(magic, 6);
    if (in.gcount() != 6)
        return {};
    return std::string(magic, 6);
}

struct PlotRecord {
    std::size_t entity; // index into the drawing's entities
    Role role;
    std::size_t layerReport;
    OGRGeometryUniquePtr geometry;
    OGREnvelope envelope;
    double areaM2 = 0;
    std::vector<std::size_t> texts; // entities inside
};

class Importer {
public:
    /// `plan` set: planning (planImport): a source without a CRS is a question, not an error,
    /// and every text is recorded with what became of it.
    Importer(const ImportOptions& options, IssueSink& issues, ImportReport& report,
             ParkWriter& writer, ImportPlan* plan = nullptr)
        : m_options(options), m_issues(issues), m_report(report), m_writer(writer), m_plan(plan)
    {
    }

    void importDrawing(const std::string& path, double progressStart, double progressEnd);
    void importGisSource(const std::string& path, double progressStart, double progressEnd);

private:
    struct RoleChoice {
        std::optional<Role> role;
        std::string reason;
        std::string kind;
        bool skip = false;
        const ImportMapping::LayerRule* rule = nullptr;
    };
    RoleChoice chooseRole(const std::string& source, const std::string& layer, bool cad) const;
    void progress(double fraction)
    {
        if (m_options.progress && !m_options.progress(fraction))
            throw Cancelled();
    }
    void assignTexts(const std::string& path, std::vector<CadEntity>& entities,
                     std::vector<PlotRecord>& plots, const std::vector<std::size_t>& texts,
                     const std::map<std::string, std::size_t>& layerReports);
    void writePlots(const std::string& path, std::vector<CadEntity>& entities,
                    std::vector<PlotRecord>& plots, const OGRSpatialReference* srs);

    void recordText(const std::string& path, const CadEntity& text, std::size_t index,
                    const PlotRecord* plot, const std::vector<CadEntity>& entities,
                    const std::string& reason)
    {
        if (!m_plan)
            return;
        PlannedText planned;
        planned.source = path;
        planned.layer = text.layer;
        planned.entity = entityName(text, static_cast<std::int64_t>(index));
        planned.text = text.text;
        const OGRPoint* point = text.geometry->toPoint();
        planned.x = point->getX();
        planned.y = point->getY();
        planned.assigned = plot != nullptr;
        if (plot) {
            planned.plotLayer = entities[plot->entity].layer;
            planned.plotEntity =
                entityName(entities[plot->entity], static_cast<std::int64_t>(plot->entity));
        }
        planned.reason = reason;
        m_plan->texts.push_back(std::move(planned));
    }
    /// No CRS and none given: the build stops with the message, the plan asks it.
    void noCrs(const std::string& path, const std::string& layer, const std::string& what,
               const OGREnvelope& extent)
    {
        const Message said = noCrsMessage(what, extent);
        if (!m_plan)
            throw CrsError(said, {path, layer, -1, {}});
        CrsQuestion question;
        question.path = path;
        question.layer = layer;
        question.extent.expand(extent.MinX, extent.MinY);
        question.extent.expand(extent.MaxX, extent.MaxY);
        question.proposal = proposeZoneFromExtent(question.extent);
        question.hint = crsHintFromExtent(question.extent);
        question.message = said.english;
        m_plan->crsQuestions.push_back(std::move(question));
    }

    const ImportOptions& m_options;
    IssueSink& m_issues;
    ImportReport& m_report;
    ParkWriter& m_writer;
    ImportPlan* m_plan;
};

Importer::RoleChoice Importer::chooseRole(const std::string& source, const std::string& layer,
                                          bool cad) const
{
    RoleChoice choice;
    if (isHistoryLayerName(layer)) {
        // A park's kept history (parcels_history …) is no role's data: the import writes a
        // new park whose history starts now.
        choice.skip = true;
        choice.reason = "the history of a role layer (not imported)";
        return choice;
    }
    if (const ImportMapping::LayerRule* rule = m_options.mapping.find(source, layer)) {
        choice.rule = rule;
        choice.skip = rule->skip;
        choice.role = rule->role;
        choice.kind = rule->kind;
        choice.reason = rule->skip ? "skipped by " + rule->origin : rule->origin;
        return choice;
    }
    if (auto role = roleFromLayerName(layer)) {
        choice.role = role;
        choice.reason = "layer name";
        return choice;
    }
    if (!cad) {
        // A source named after its role (宗地.gpkg holding a layer called "layer1").
        if (auto role = roleFromLayerName(fs::path(source).stem().string())) {
            choice.role = role;
            choice.reason = "file name";
            return choice;
        }
    }
    if (const CadLayerTable::Pattern* pattern = CadLayerTable::standard().match(layer)) {
        choice.role = pattern->role;
        choice.kind = pattern->kind;
        if (pattern->role)
            choice.reason = "CAD layer table: " + pattern->match;
        else {
            choice.skip = true;
            choice.reason = "CAD layer table: " + pattern->match + ": " + pattern->why;
        }
        return choice;
    }
    choice.reason = "no role: the name matches no entry of styles/cad_layers.json and no "
                    "conventional name; map it with --mapping";
    return choice;
}

void Importer::importDrawing(const std::string& path, double progressStart, double progressEnd)
{
    ImportedSource source;
    source.path = path;
    const bool dwg = extensionOf(path) == ".dwg";
    bool entitiesOnly = false;
    std::vector<Message> encodingWarnings;
    source.kind = dwg ? "DWG" : "DXF";
    ThreadConfig config;
    config.set("OGR_ARC_STEPSIZE", formatNumber(kArcStepDeg, 6));
    config.set("OGR_ARC_MAX_GAP", formatNumber(kArcMaxGapM, 6));
    // Every entity on its own (a block's shapes too), texts included.
    config.set("DXF_MERGE_BLOCK_GEOMETRIES", "FALSE");
    config.set("DXF_INLINE_BLOCKS", "TRUE");
    if (dwg) {
        const std::string version = dwgVersion(path);
        const std::string release = autocadRelease(version);
        source.cadVersion = version + (release.empty() ? "" : " (" + release + ")");
        if (version != "AC1015")
            throw IoError("this DWG is " +
                              (release.empty() ? "of an unknown version ('" + version + "')"
                                               : "AutoCAD " + release + " (" + version + ")") +
                              "; GDAL 3.6 reads DWG only in the R2000 format (AC1015). Save it as "
                              "DXF (in AutoCAD: SAVEAS, type 'AutoCAD DXF'; or with the free ODA "
                              "File Converter) and import the .dxf",
                          {path, {}, -1, {}});
        source.encoding = {m_options.encoding.empty() ? "UTF-8" : m_options.encoding,
                           m_options.encoding.empty() ? EncodingChoice::Origin::Format
                                                      : EncodingChoice::Origin::User,
                           "decoded by GDAL's CAD driver"};
    } else {
        const DxfHeader header = readDxfHeader(path);
        entitiesOnly = header.entitiesOnly;
        source.cadVersion = header.acadVersion;
        if (const std::string release = autocadRelease(header.acadVersion); !release.empty())
            source.cadVersion += " (" + release + ")";
        source.encoding = chooseDxfEncoding(header, m_options.encoding, encodingWarnings);
        for (const Message& warning : encodingWarnings)
            source.warnings.push_back(warning.english);
        config.set("DXF_ENCODING", source.encoding.name);
    }
    for (const Message& warning : encodingWarnings)
        m_issues.report(withMessage({Issue::Severity::Warning, path, {}, -1}, warning));

    // GDAL 3.6 decodes a drawing of nothing but an ENTITIES section as ISO-8859-1 whatever
    // DXF_ENCODING says: its text is taken back to the file's bytes and decoded as decided.
    const auto decoded = [&](const char* text) -> std::string {
        if (!entitiesOnly || source.encoding.name == "ISO-8859-1")
            return text;
        char* bytes = CPLRecode(text, CPL_ENC_UTF8, CPL_ENC_ISO8859_1);
        std::string out = toUtf8(bytes, source.encoding.name);
        CPLFree(bytes);
        return out;
    };
    GdalErrorCapture errors;
    GDALDatasetUniquePtr dataset = openVectorDataset(path, source.encoding, errors);
    std::vector<CadEntity> entities;
    OGREnvelope extent;
    {
        std::int64_t total = 0;
        for (OGRLayer* layer : dataset->GetLayers())
            total += std::max<GIntBig>(0, layer->GetFeatureCount(FALSE));
        std::int64_t done = 0;
        for (OGRLayer* layer : dataset->GetLayers()) {
            const OGRFeatureDefn* definition = layer->GetLayerDefn();
            const int layerField = definition->GetFieldIndex("Layer");
            int textField = definition->GetFieldIndex("Text");
            if (textField < 0)
                textField = definition->GetFieldIndex("text");
            const int handleField = definition->GetFieldIndex("EntityHandle");
            for (auto& feature : *layer) {
                if (++done % 512 == 0)
                    progress(progressStart + (progressEnd - progressStart) * 0.6 *
                                                 static_cast<double>(done) /
                                                 std::max<std::int64_t>(total, 1));
                CadEntity entity;
                entity.layer = decodeMifEscapes(
                    decoded(layerField >= 0 ? feature->GetFieldAsString(layerField) : layer->GetName()));
                if (handleField >= 0)
                    entity.handle = feature->GetFieldAsString(handleField);
                const OGRGeometry* geometry = feature->GetGeometryRef();
                if (!geometry)
                    continue;
                const OGRwkbGeometryType type = wkbFlatten(geometry->getGeometryType());
                if (textField >= 0 && type == wkbPoint && feature->IsFieldSetAndNotNull(textField)) {
                    entity.text = cleanCadText(decoded(feature->GetFieldAsString(textField)));
                    // An empty TEXT or attribute says nothing and is no shape either.
                    if (entity.text.find_first_not_of(" \t\n") == std::string::npos)
                        continue;
                }
                entity.geometry.reset(geometry->clone());
                OGREnvelope e;
                entity.geometry->getEnvelope(&e);
                extent.Merge(e);
                entities.push_back(std::move(entity));
            }
        }
    }
    for (const auto& message : errors.take())
        m_issues.report({message.failure ? Issue::Severity::Error : Issue::Severity::Warning, path,
                         {}, -1, message.text});
    m_report.sources.push_back(source);

    // A DXF has no CRS; GDAL's CAD driver may find one beside a DWG (a .prj). Else --s-srs.
    SpatialRefPtr srs{nullptr, &OGRSpatialReference::DestroySpatialReference};
    if (dwg && dataset->GetLayerCount() > 0)
        srs = cloneSrs(dataset->GetLayer(0)->GetSpatialRef());
    if (!srs) {
        if (m_options.sourceSrs.empty())
            noCrs(path, {}, "drawing", extent);
        else
            srs = srsFromUser(m_options.sourceSrs);
    }
    if (srs)
        m_writer.adoptCrs(*srs, m_options.sourceSrs.empty() ? path : "--s-srs", m_report);

    // Layers, in order of appearance.
    std::map<std::string, std::size_t> layerReports;
    std::map<std::string, RoleChoice> choices;
    for (const CadEntity& entity : entities) {
        if (layerReports.count(entity.layer))
            continue;
        RoleChoice choice = chooseRole(path, entity.layer, true);
        ImportedLayer report;
        report.source = path;
        report.layer = entity.layer;
        report.cad = true;
        report.role = choice.skip ? std::nullopt : choice.role;
        report.roleReason = choice.reason;
        report.kind = choice.kind;
        report.geometryType = "CAD entities";
        report.sourceCrs = srs ? srsLabel(*srs) : std::string();
        layerReports[entity.layer] = m_report.layers.size();
        m_report.layers.push_back(std::move(report));
        choices[entity.layer] = std::move(choice);
    }

    std::vector<PlotRecord> plots;
    std::vector<std::size_t> texts;
    // Outlines drawn twice (a hatch over its polyline, or copy-paste): kept once per role.
    std::map<std::pair<Role, std::string>, std::string> seenShapes;
    for (std::size_t index = 0; index < entities.size(); ++index) {
        CadEntity& entity = entities[index];
        ImportedLayer& layer = m_report.layers[layerReports[entity.layer]];
        if (!entity.text.empty()) {
            ++layer.texts;
            texts.push_back(index);
            continue;
        }
        ++layer.featuresIn;
        const std::int64_t fid = static_cast<std::int64_t>(index);
        if (!layer.role) {
            if (layer.dropped.empty() || layer.dropped.back().entity != "all")
                layer.dropped.push_back({"all", "the layer goes to no role (" + layer.roleReason + ")"});
            continue;
        }
        const Role role = *layer.role;
        Converted converted = toRoleShape(role, *entity.geometry, m_options.mapping.closeToleranceM);
        if (!converted.geometry) {
            layer.dropped.push_back({entityName(entity, fid), converted.reason});
            m_issues.report(withMessage({Issue::Severity::Warning, path, entity.layer, fid},
                                        message("entity_not_imported", "{entity} not imported: {reason}",
                                                {{"entity", entityName(entity, fid)},
                                                 {"reason", converted.reason}})));
            continue;
        }
        if (!converted.note.empty())
            m_issues.report(withMessage({Issue::Severity::Note, path, entity.layer, fid},
                                        message("entity_note", "{entity}: {what}",
                                                {{"entity", entityName(entity, fid)},
                                                 {"what", converted.note}})));
        PlotRecord plot;
        plot.entity = index;
        plot.role = role;
        plot.layerReport = layerReports[entity.layer];
        converted.geometry->getEnvelope(&plot.envelope);
        if (shapeOf(role) != Shape::Line &&
            wkbFlatten(converted.geometry->getGeometryType()) == wkbMultiPolygon) {
            plot.areaM2 = converted.geometry->toMultiPolygon()->get_Area();
            const std::string key = formatNumber(plot.areaM2, 2) + "|" +
                                    formatNumber(plot.envelope.MinX, 2) + "|" +
                                    formatNumber(plot.envelope.MinY, 2) + "|" +
                                    formatNumber(plot.envelope.MaxX, 2) + "|" +
                                    formatNumber(plot.envelope.MaxY, 2);
            auto [it, inserted] = seenShapes.try_emplace({role, key}, entityName(entity, fid) +
                                                                          " on layer '" +
                                                                          entity.layer + "'");
            if (!inserted) {
                layer.dropped.push_back({entityName(entity, fid),
                                         "the same shape as " + it->second +
                                             " (a hatch over its outline, or drawn twice)"});
                continue;
            }
        }
        plot.geometry = std::move(converted.geometry);
        plots.push_back(std::move(plot));
    }
    progress(progressStart + (progressEnd - progressStart) * 0.7);
    assignTexts(path, entities, plots, texts, layerReports);
    progress(progressStart + (progressEnd - progressStart) * 0.8);
    writePlots(path, entities, plots, srs.get());
    for (auto& [name, index] : layerReports) {
        ImportedLayer& layer = m_report.layers[index];
        if (layer.featuresIn > 0 && !layer.role)
            m_issues.report(withMessage({Issue::Severity::Warning, path, name, -1},
                                        message("entities_not_imported",
                                                "{count} entities not imported: {reason}",
                                                {{"count", std::to_string(layer.featuresIn)},
                                                 {"reason", layer.roleReason}})));
    }
}

void Importer::assignTexts(const std::string& path, std::vector<CadEntity>& entities,
                           std::vector<PlotRecord>& plots, const std::vector<std::size_t>& texts,
                           const std::map<std::string, std::size_t>& layerReports)
{
    std::vector<std::size_t> labelled; // plot indices
    std::vector<OGREnvelope> envelopes;
    for (std::size_t k = 0; k < plots.size(); ++k)
        if (takesCadLabels(plots[k].role) && shapeOf(plots[k].role) == Shape::Polygon) {
            labelled.push_back(k);
            envelopes.push_back(plots[k].envelope);
        }
    PlotGrid grid;
    grid.build(envelopes);
    // A text on a plot's edge belongs to no plot for sure: within 1 mm of it, it is reported.
    constexpr double kEdgeToleranceM = 0.001;
    for (std::size_t textIndex : texts) {
        CadEntity& text = entities[textIndex];
        const ImportedLayer& layer = m_report.layers[layerReports.at(text.layer)];
        if (layer.role && !takesCadLabels(*layer.role)) {
            ++m_report.textsNotLabels; // road names on a road layer …
            recordText(path, text, textIndex, nullptr, entities,
                       "on a layer going to " + std::string(toString(*layer.role)) +
                           ", whose texts are not plot labels");
            if (m_plan)
                m_plan->texts.back().label = false;
            continue;
        }
        const OGRPoint* point = text.geometry->toPoint();
        const double x = point->getX(), y = point->getY();
        // Per role, the smallest plot that holds the text (plots may nest).
        std::map<Role, std::pair<double, std::size_t>> best;
        std::vector<std::string> edges;
        for (std::size_t candidate : grid.candidates(x, y, kEdgeToleranceM)) {
            PlotRecord& plot = plots[labelled[candidate]];
            const Where where = locate(*plot.geometry->toMultiPolygon(), x, y, kEdgeToleranceM);
            if (where == Where::OnBoundary) {
                edges.push_back(entityName(entities[plot.entity], static_cast<std::int64_t>(plot.entity)) +
                                " on layer '" + entities[plot.entity].layer + "'");
            } else if (where == Where::Inside) {
                auto it = best.find(plot.role);
                if (it == best.end() || plot.areaM2 < it->second.first)
                    best[plot.role] = {plot.areaM2, labelled[candidate]};
            }
        }
        if (!best.empty()) {
            for (auto& [role, hit] : best)
                plots[hit.second].texts.push_back(textIndex);
            ++m_report.textsAssigned;
            recordText(path, text, textIndex, &plots[best.begin()->second.second], entities, {});
            continue;
        }
        UnassignedText unassigned;
        unassigned.source = path;
        unassigned.layer = text.layer;
        unassigned.entity = entityName(text, static_cast<std::int64_t>(textIndex));
        unassigned.text = text.text;
        unassigned.x = x;
        unassigned.y = y;
        if (!edges.empty()) {
            unassigned.reason = "on the edge of " + edges.front();
            for (std::size_t e = 1; e < edges.size(); ++e)
                unassigned.reason += " and " + edges[e];
            unassigned.reason += ": which plot it labels cannot be told";
        } else if (labelled.empty()) {
            unassigned.reason = "the drawing has no plot polygons to put it in";
        } else {
            unassigned.reason = "outside every plot";
        }
        recordText(path, text, textIndex, nullptr, entities, unassigned.reason);
        m_report.unassignedTexts.push_back(std::move(unassigned));
    }
}

void Importer::writePlots(const std::string& path, std::vector<CadEntity>& entities,
                          std::vector<PlotRecord>& plots, const OGRSpatialReference* srs)
{
    // No CRS (a plan without --s-srs): the raw coordinates, not transformed.
    const auto transform =
        srs ? m_writer.transformFrom(*srs, {path, {}, -1, {}}) : nullptr;
    const LandUseCodeTest isCode = standardLandUseCodeTest();
    for (PlotRecord& plot : plots) {
        CadEntity& entity = entities[plot.entity];
        ImportedLayer& layer = m_report.layers[plot.layerReport];
        const Role role = plot.role;
        const std::int64_t entityFid = static_cast<std::int64_t>(plot.entity);
        OGRLayer& target = m_writer.layer(role);
        std::vector<std::pair<int, std::string>> textValues;
        std::vector<std::pair<int, double>> numberValues;
        std::vector<std::string> problems;
        std::string plotId;
        if (takesCadLabels(role)) {
            PlotLabel merged;
            std::string allTexts;
            for (std::size_t t : plot.texts) {
                const std::string& text = entities[t].text;
                if (!allTexts.empty())
                    allTexts += " | ";
                for (char c : text)
                    allTexts += c == '\n' ? std::string(" / ") : std::string(1, c);
                PlotLabel one = readPlotLabel(text, isCode);
                for (const std::string& code : one.landUseCodes)
                    if (std::find(merged.landUseCodes.begin(), merged.landUseCodes.end(), code) ==
                        merged.landUseCodes.end())
                        merged.landUseCodes.push_back(code);
                for (const std::string& id : one.plotIds)
                    if (std::find(merged.plotIds.begin(), merged.plotIds.end(), id) ==
                        merged.plotIds.end())
                        merged.plotIds.push_back(id);
                const auto take = [&](std::optional<double>& slot, const std::optional<double>& v,
                                      const char* name) {
                    if (!v)
                        return;
                    if (slot && std::fabs(*slot - *v) > 1e-9)
                        merged.conflicts.push_back(std::string(name) + " is " +
                                                   formatNumber(*slot, 4) + " in one text and " +
                                                   formatNumber(*v, 4) + " in another");
                    else
                        slot = v;
                };
                take(merged.farMin, one.farMin, "far_min");
                take(merged.farMax, one.farMax, "far_max");
                take(merged.coverMin, one.coverMin, "cover_min");
                take(merged.coverMax, one.coverMax, "cover_max");
                take(merged.greenMin, one.greenMin, "green_min");
                take(merged.greenMax, one.greenMax, "green_max");
                for (std::string& c : one.conflicts)
                    merged.conflicts.push_back(std::move(c));
            }
            const std::string idField = idFieldOf(role);
            if (merged.plotIds.size() == 1) {
                plotId = merged.plotIds.front();
                textValues.emplace_back(m_writer.field(role, idField, OFTString), plotId);
            } else if (merged.plotIds.size() > 1) {
                std::string list;
                for (const std::string& id : merged.plotIds)
                    list += (list.empty() ? "" : ", ") + id;
                problems.push_back("two or more plot numbers (" + list + "): " + idField +
                                   " left empty");
            } else if (role == Role::PlanZones || role == Role::Parcels) {
                problems.push_back("no plot number among its texts: " + idField + " left empty");
            }
            if (hasLandUse(role)) {
                if (merged.landUseCodes.size() == 1) {
                    textValues.emplace_back(m_writer.field(role, "land_use", OFTString),
                                            merged.landUseCodes.front());
                } else if (merged.landUseCodes.size() > 1) {
                    std::string list;
                    for (const std::string& code : merged.landUseCodes)
                        list += (list.empty() ? "" : ", ") + code;
                    problems.push_back("conflicting land-use codes (" + list +
                                       "): land_use left empty, not guessed");
                } else if (role == Role::PlanZones || role == Role::Parcels) {
                    problems.push_back("no land-use code among its texts: land_use left empty");
                }
            }
            if (role == Role::PlanZones) {
                const auto number = [&](const char* name, const std::optional<double>& value) {
                    if (value)
                        numberValues.emplace_back(m_writer.field(role, name, OFTReal), *value);
                };
                number("far_min", merged.farMin);
                number("far_max", merged.farMax);
                number("cover_min", merged.coverMin);
                number("green_max", merged.greenMax);
                number("cover_max", merged.coverMax);
                number("green_min", merged.greenMin);
            }
            for (const std::string& conflict : merged.conflicts)
                problems.push_back(conflict);
            if (!allTexts.empty()) {
                textValues.emplace_back(m_writer.field(role, "cad_labels", OFTString), allTexts);
                ++m_report.plotsLabelled;
            }
        }
        if (!layer.kind.empty() && hasKindField(role))
            textValues.emplace_back(m_writer.field(role, "kind", OFTString), layer.kind);
        textValues.emplace_back(m_writer.field(role, "cad_layer", OFTString), entity.layer);
        if (!entity.handle.empty())
            textValues.emplace_back(m_writer.field(role, "cad_entity", OFTString), entity.handle);

        OGRFeature out(target.GetLayerDefn());
        for (const auto& [index, value] : textValues)
            out.SetField(index, value.c_str());
        for (const auto& [index, value] : numberValues)
            out.SetField(index, value);
        if (transform && plot.geometry->transform(transform.get()) != OGRERR_NONE) {
            layer.dropped.push_back({entityName(entity, entityFid),
                                     "cannot be transformed into the park's CRS"});
            continue;
        }
        out.SetGeometryDirectly(plot.geometry.release());
        const std::int64_t fid = m_writer.write(role, out);
        ++layer.featuresOut;
        for (const std::string& problem : problems) {
            PlotProblem record{path, entity.layer, entityName(entity, entityFid), toString(role),
                               fid, plotId, problem};
            m_report.plotProblems.push_back(std::move(record));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// GIS sources
// ---------------------------------------------------------------------------------------------

void Importer::importGisSource(const std::string& path, double progressStart, double progressEnd)
{
    const std::string ext = extensionOf(path);
    LayerListing listing;
    try {
        listing = listSourceLayers(path);
    } catch (const IoError& error) {
        if (ext == ".mdb" || ext == ".accdb") {
            // GDAL's message ends with the ODBC driver's empty detail (",\n").
            std::string gdal = error.message();
            while (!gdal.empty() && (std::isspace(static_cast<unsigned char>(gdal.back())) ||
                                     gdal.back() == ',' || gdal.back() == '.'))
                gdal.pop_back();
            std::string odbc;
            {
                std::ifstream ini("/etc/odbcinst.ini");
                std::ostringstream text;
                text << ini.rdbuf();
                odbc = text.str();
            }
            const bool registered = odbc.find("[MDBTools]") != std::string::npos;
            const bool pgeo = GetGDALDriverManager()->GetDriverByName("PGeo") != nullptr;
            std::string advice;
            if (!pgeo)
                advice = "this GDAL has no PGeo driver for Personal Geodatabases";
            else if (!registered)
                advice = "GDAL reads a Personal Geodatabase through its PGeo driver and the "
                         "mdbtools ODBC driver, which is not registered here (no [MDBTools] in "
                         "/etc/odbcinst.ini): install mdbtools, odbc-mdbtools and unixodbc "
                         "(scripts/setup)";
            else
                advice = "the mdbtools ODBC driver is installed but could not read the file as "
                         "an Access database (is it a .mdb of Access 97–2003, not damaged, not "
                         "an .accdb?)";
            throw IoError("cannot open this Personal Geodatabase: " + advice + "; or export its "
                              "layers to a File Geodatabase in ArcGIS and import the .gdb (GDAL: " +
                              gdal + ")",
                          error.context());
        }
        throw;
    }
    for (const std::string& failure : listing.failures)
        m_issues.report(withMessage({Issue::Severity::Error, path, {}, -1},
                                    message("source_layer_not_imported", "{reason} (not imported)",
                                            {{"reason", failure}})));
    OpenOptions open;
    open.encoding = m_options.encoding;
    ImportedSource source;
    source.path = path;
    bool first = true;
    const double share = (progressEnd - progressStart) / std::max<std::size_t>(listing.layers.size(), 1);
    double at = progressStart;
    for (const LayerRef& ref : listing.layers) {
        GdalErrorCapture errors;
        ThreadConfig config;
        config.set("OGR_ARC_STEPSIZE", formatNumber(kArcStepDeg, 6));
        config.set("OGR_ARC_MAX_GAP", formatNumber(kArcMaxGapM, 6));
        const EncodingChoice encoding = encodingForDataset(ref.datasetPath, open);
        GDALDatasetUniquePtr dataset = openVectorDataset(ref.datasetPath, encoding, errors);
        OGRLayer* layer = dataset->GetLayerByName(ref.layerName.c_str());
        if (!layer)
            throw IoError("the layer disappeared while importing", {ref.datasetPath, ref.layerName, -1, {}});
        if (first) {
            source.kind = dataset->GetDriverName();
            source.encoding = encoding;
            first = false;
        }
        ImportedLayer report;
        report.source = ref.datasetPath;
        report.layer = ref.layerName;
        RoleChoice choice = chooseRole(ref.datasetPath, ref.layerName, false);
        report.role = choice.skip ? std::nullopt : choice.role;
        report.roleReason = choice.reason;
        report.kind = choice.kind;
        report.featuresIn = layer->GetFeatureCount(TRUE);
        report.geometryType = OGRGeometryTypeToName(layer->GetGeomType());
        if (const OGRSpatialReference* own = layer->GetSpatialRef())
            report.sourceCrs = srsLabel(*own);
        for (int f = 0; f < layer->GetLayerDefn()->GetFieldCount(); ++f) {
            const OGRFieldDefn* field = layer->GetLayerDefn()->GetFieldDefn(f);
            FieldDef def;
            def.name = field->GetNameRef();
            def.type = field->GetType() == OFTInteger || field->GetType() == OFTInteger64
                           ? FieldType::Integer
                       : field->GetType() == OFTReal ? FieldType::Real
                       : field->GetType() == OFTDate ? FieldType::Date
                                                     : FieldType::String;
            def.width = field->GetWidth();
            def.precision = field->GetPrecision();
            report.sourceFields.push_back(std::move(def));
        }
        if (!report.role) {
            if (report.featuresIn > 0 && !choice.skip)
                m_issues.report(withMessage({Issue::Severity::Warning, ref.datasetPath, ref.layerName, -1},
                                            message("features_not_imported",
                                                    "{count} features not imported: {reason}",
                                                    {{"count", std::to_string(report.featuresIn)},
                                                     {"reason", choice.reason}})));
            if (report.featuresIn > 0)
                report.dropped.push_back({"all", "the layer goes to no role (" + choice.reason + ")"});
            m_report.layers.push_back(std::move(report));
            continue;
        }
        const Role role = *report.role;

        // The CRS: the layer's own, else --s-srs, else stop and say what the coordinates suggest.
        SpatialRefPtr srs = cloneSrs(layer->GetSpatialRef());
        if (!srs) {
            if (m_options.sourceSrs.empty()) {
                OGREnvelope extent;
                if (layer->GetExtent(&extent, TRUE) != OGRERR_NONE)
                    extent = OGREnvelope();
                noCrs(ref.datasetPath, ref.layerName, "layer", extent);
            } else {
                srs = srsFromUser(m_options.sourceSrs);
            }
        }
        if (srs)
            m_writer.adoptCrs(*srs, m_options.sourceSrs.empty() || layer->GetSpatialRef()
                                        ? ref.datasetPath + " (" + ref.layerName + ")"
                                        : "--s-srs",
                              m_report);
        const auto transform =
            srs ? m_writer.transformFrom(*srs, {ref.datasetPath, ref.layerName, -1, {}}) : nullptr;

        // Fields: the mapping, then the contract's names and aliases; others kept as they are.
        OGRLayer& target = m_writer.layer(role);
        const OGRFeatureDefn* definition = layer->GetLayerDefn();
        std::vector<int> targetIndex(static_cast<std::size_t>(definition->GetFieldCount()), -1);
        std::vector<bool> sameType(targetIndex.size(), false);
        std::set<std::string> used;
        for (int f = 0; f < definition->GetFieldCount(); ++f) {
            const OGRFieldDefn* field = definition->GetFieldDefn(f);
            const std::string name = field->GetNameRef();
            std::string targetName;
            bool dropped = false;
            if (choice.rule) {
                auto it = choice.rule->fields.find(lowerAscii(name));
                if (it != choice.rule->fields.end()) {
                    dropped = !it->second;
                    targetName = it->second.value_or("");
                }
            }
            if (!dropped && targetName.empty())
                targetName = contractFieldFor(role, name);
            if (!dropped && targetName.empty())
                targetName = name;
            // The GeoPackage's own columns: a source field of that name is kept under another.
            if (!dropped && (lowerAscii(targetName) == "fid" || lowerAscii(targetName) == "geom"))
                targetName = "source_" + lowerAscii(targetName);
            if (!dropped && used.count(lowerAscii(targetName))) {
                m_issues.report(withMessage({Issue::Severity::Warning, ref.datasetPath, ref.layerName, -1},
                                            message("field_name_taken",
                                                    "field '{field}' would also become '{target}'; kept under its own name",
                                                    {{"field", name}, {"target", targetName}})));
                targetName = name;
                if (used.count(lowerAscii(targetName)))
                    dropped = true;
            }
            report.fields.emplace_back(name, dropped ? std::string() : targetName);
            if (dropped)
                continue;
            used.insert(lowerAscii(targetName));
            targetIndex[static_cast<std::size_t>(f)] =
                m_writer.field(role, targetName, field->GetType(), field->GetSubType());
            const OGRFieldDefn* created = target.GetLayerDefn()->GetFieldDefn(targetIndex[static_cast<std::size_t>(f)]);
            sameType[static_cast<std::size_t>(f)] = created->GetType() == field->GetType();
        }
        const int kindIndex = !choice.kind.empty() && hasKindField(role)
                                  ? m_writer.field(role, "kind", OFTString)
                                  : -1;

        std::int64_t done = 0;
        for (auto& feature : *layer) {
            if (++done % 512 == 0)
                progress(at + share * static_cast<double>(done) / std::max<std::int64_t>(report.featuresIn, 1));
            const std::string entity = "feature " + std::to_string(feature->GetFID());
            const OGRGeometry* geometry = feature->GetGeometryRef();
            if (!geometry) {
                report.dropped.push_back({entity, "no geometry"});
                continue;
            }
            Converted converted = toRoleShape(role, *geometry, 0.0);
            if (!converted.geometry) {
                report.dropped.push_back({entity, converted.reason});
                continue;
            }
            if (transform && converted.geometry->transform(transform.get()) != OGRERR_NONE) {
                report.dropped.push_back({entity, "cannot be transformed into the park's CRS"});
                continue;
            }
            OGRFeature out(target.GetLayerDefn());
            for (std::size_t f = 0; f < targetIndex.size(); ++f) {
                const int from = static_cast<int>(f);
                const int to = targetIndex[f];
                if (to < 0 || !feature->IsFieldSetAndNotNull(from))
                    continue;
                if (sameType[f])
                    out.SetField(to, feature->GetRawFieldRef(from));
                else
                    out.SetField(to, feature->GetFieldAsString(from));
            }
            if (kindIndex >= 0 && !out.IsFieldSetAndNotNull(kindIndex))
                out.SetField(kindIndex, choice.kind.c_str());
            out.SetGeometryDirectly(converted.geometry.release());
            m_writer.write(role, out);
            ++report.featuresOut;
        }
        for (const auto& message : errors.take())
            m_issues.report({message.failure ? Issue::Severity::Error : Issue::Severity::Warning,
                             ref.datasetPath, ref.layerName, -1, message.text});
        m_report.layers.push_back(std::move(report));
        at += share;
        progress(at);
    }
    m_report.sources.push_back(std::move(source));
}

bool sameFile(const fs::path& a, const fs::path& b)
{
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec))
        return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

} // namespace

ImportMapping ImportMapping::load(const std::string& path)
{
    ensureGdal();
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(path))
            throw IoError("cannot read the mapping: " +
                              (errors.lastFailure().empty() ? std::string("not valid JSON")
                                                            : errors.lastFailure()),
                          {path, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    if (root.GetType() != CPLJSONObject::Type::Object)
        throw IoError("the mapping must be a JSON object with \"layers\"", {path, {}, -1, {}});
    ImportMapping mapping;
    mapping.closeToleranceM = root.GetDouble("close_tolerance_m", mapping.closeToleranceM);
    if (!(mapping.closeToleranceM >= 0) || mapping.closeToleranceM > 1000)
        throw IoError("close_tolerance_m must be a distance from 0 to 1000", {path, {}, -1, {}});
    const CPLJSONObject layers = root.GetObj("layers");
    if (!layers.IsValid())
        return mapping;
    if (layers.GetType() != CPLJSONObject::Type::Object)
        throw IoError("\"layers\" must be an object: layer name → role", {path, {}, -1, {}});
    const auto roleOf = [&](const std::string& name, const std::string& key) {
        auto role = roleFromName(name);
        if (!role) {
            std::string roles;
            for (Role r : allRoles())
                roles += (roles.empty() ? "" : ", ") + std::string(toString(r));
            throw IoError("layer '" + key + "': '" + name + "' is not a role (" + roles + ")",
                          {path, {}, -1, {}});
        }
        return *role;
    };
    for (const CPLJSONObject& entry : layers.GetChildren()) {
        const std::string key = entry.GetName();
        LayerRule rule;
        switch (entry.GetType()) {
        case CPLJSONObject::Type::Null:
            rule.skip = true;
            break;
        case CPLJSONObject::Type::String:
            if (entry.ToString() == "skip")
                rule.skip = true;
            else
                rule.role = roleOf(entry.ToString(), key);
            break;
        case CPLJSONObject::Type::Object: {
            const CPLJSONObject role = entry.GetObj("role");
            if (!role.IsValid() || role.GetType() == CPLJSONObject::Type::Null)
                rule.skip = true;
            else
                rule.role = roleOf(role.ToString(), key);
            rule.kind = entry.GetString("kind", "");
            const CPLJSONObject fields = entry.GetObj("fields");
            if (fields.IsValid()) {
                for (const CPLJSONObject& field : fields.GetChildren()) {
                    if (field.GetType() == CPLJSONObject::Type::Null)
                        rule.fields[lowerAscii(field.GetName())] = std::nullopt;
                    else if (field.GetType() == CPLJSONObject::Type::String)
                        rule.fields[lowerAscii(field.GetName())] = field.ToString();
                    else
                        throw IoError("layer '" + key + "', field '" + field.GetName() +
                                          "': give a field name or null",
                                      {path, {}, -1, {}});
                }
            }
            break;
        }
        default:
            throw IoError("layer '" + key + "': give a role name, null, or an object with \"role\"",
                          {path, {}, -1, {}});
        }
        mapping.layers[lowerAscii(key)] = std::move(rule);
    }
    return mapping;
}

const ImportMapping::LayerRule* ImportMapping::find(const std::string& sourcePath,
                                                   const std::string& layerName) const
{
    if (auto it = exact.find({sourcePath, layerName}); it != exact.end())
        return &it->second;
    const std::string file = lowerAscii(fs::path(sourcePath).filename().string());
    if (auto it = layers.find(file + ":" + lowerAscii(layerName)); it != layers.end())
        return &it->second;
    if (auto it = layers.find(lowerAscii(layerName)); it != layers.end())
        return &it->second;
    return nullptr;
}

namespace {

/// Reads every source into `park` (open, empty) as the options say, filling `report`. With
/// `plan`, a source without a CRS is a question and a park with nothing in it is said in the
/// plan; without, both throw.
void importInto(GDALDataset& park, const ImportOptions& options, IssueSink& issues,
                ImportReport& report, ImportPlan* plan)
{
    report = ImportReport();
    report.output = options.output;
    ParkWriter writer(park);
    Importer importer(options, issues, report, writer, plan);
    const double share = 1.0 / static_cast<double>(options.sources.size());
    park.StartTransaction();
    for (std::size_t i = 0; i < options.sources.size(); ++i) {
        const std::string& source = options.sources[i];
        const std::string ext = extensionOf(source);
        const double start = share * static_cast<double>(i);
        if (ext == ".dxf" || ext == ".dwg")
            importer.importDrawing(source, start, start + share);
        else
            importer.importGisSource(source, start, start + share);
    }
    if (!plan) // a plan is read back and thrown away: no history to keep
        writer.recordCreation();
    if (park.CommitTransaction() != OGRERR_NONE)
        throw IoError("cannot write the park: " + std::string(CPLGetLastErrorMsg()),
                      {options.output, {}, -1, {}});
    report.written = writer.written();
    std::int64_t total = 0;
    for (const auto& [role, count] : report.written)
        total += count;
    if (total == 0) {
        std::int64_t dropped = 0;
        for (const ImportedLayer& layer : report.layers)
            dropped += static_cast<std::int64_t>(layer.dropped.size());
        const Message why =
            dropped > 0
                ? message("nothing_imported_dropped",
                          "nothing could be imported: no source layer gave a feature to a role "
                          "({count} features or layers dropped, as said above)",
                          {{"count", std::to_string(dropped)}})
                : message("nothing_imported",
                          "nothing could be imported: no source layer gave a feature to a role");
        if (!plan)
            throw IoError(why, {options.sources.front(), {}, -1, {}});
        plan->nothingToBuild = why.english;
    }

    // A role filled from two files is most often the same thing twice (a plan from the
    // GeoPackage and again from the drawing): the user decides with --mapping, we only say it.
    std::map<std::string, std::map<std::string, std::int64_t>> filledFrom; // role → source → n
    for (const ImportedLayer& layer : report.layers)
        if (layer.role && layer.featuresOut > 0)
            filledFrom[toString(*layer.role)][layer.source] += layer.featuresOut;
    for (const auto& [role, sources] : filledFrom) {
        if (sources.size() < 2)
            continue;
        std::string from;
        for (const auto& [source, count] : sources)
            from += (from.empty() ? "" : ", ") + source + " (" + std::to_string(count) + ")";
        report.rolesFromSeveralSources.push_back(role);
        issues.report(withMessage({Issue::Severity::Warning, options.output, role, -1},
                                  message("role_from_several_sources",
                                          "{role} is filled from {count} sources: {from}; if one "
                                          "repeats the other, leave it out with --mapping",
                                          {{"role", role},
                                           {"count", std::to_string(sources.size())},
                                           {"from", from}})));
    }
}

} // namespace

ImportReport importPark(const ImportOptions& options, IssueSink& issues)
{
    ImportReport report;
    importPark(options, issues, report);
    return report;
}

void importPark(const ImportOptions& options, IssueSink& issues, ImportReport& report)
{
    ensureGdal();
    if (options.sources.empty())
        throw IoError("nothing to import: give one or more sources");
    const fs::path dest(options.output);
    if (extensionOf(options.output) != ".gpkg")
        throw IoError("the park is written as a GeoPackage: give --out a name ending in .gpkg",
                      {options.output, {}, -1, {}});
    for (const std::string& source : options.sources) {
        if (sameFile(dest, source))
            throw IoError("the output is one of the inputs; choose another name", {options.output, {}, -1, {}});
    }
    std::error_code ec;
    if (fs::exists(dest, ec) && !options.overwrite)
        throw IoError("the output exists; pass --overwrite to replace it", {options.output, {}, -1, {}});
    const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec))
        throw IoError("the output's folder does not exist", {options.output, {}, -1, {}});
    AtomicOutput temporary(dest);

    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr park(driver->Create(temporary.path().string().c_str(), 0, 0, 0,
                                             GDT_Unknown, nullptr));
    if (!park)
        throw IoError("cannot create the GeoPackage: " + std::string(CPLGetLastErrorMsg()),
                      {options.output, {}, -1, {}});

    importInto(*park, options, issues, report, nullptr);

    // The ledgers are joined (--join) on the finished park, before it is renamed into place.
    for (JoinSpec spec : options.joins) {
        if (spec.encoding.empty())
            spec.encoding = options.encoding;
        report.joins.push_back(joinTable(*park, spec, issues));
    }
    if (options.beforeCommit)
        options.beforeCommit(*park, issues);

    {
        GdalErrorCapture errors;
        park.reset();
        if (!errors.lastFailure().empty()) {
            const std::string disk = diskProblemAt(dest);
            throw IoError("cannot write: " + (disk.empty() ? "" : disk + ": ") + errors.lastFailure(),
                          {options.output, {}, -1, {}});
        }
    }
    if (options.progress && !options.progress(1.0))
        throw Cancelled();
    temporary.commit();
}

ImportPlan planImport(const ImportOptions& options, IssueSink& issues)
{
    ensureGdal();
    if (options.sources.empty())
        throw IoError("nothing to import: give one or more sources");
    // The park is built in memory, as the build would write it, then read back for the preview.
    static std::atomic<unsigned> counter{0};
    const std::string path = "/vsimem/parkatlas-plan-" + std::to_string(++counter) + "-" +
                             std::to_string(reinterpret_cast<std::uintptr_t>(&options)) + ".gpkg";
    struct Unlink {
        std::string path;
        ~Unlink()
        {
            VSIUnlink(path.c_str());
            for (const char* suffix : {"-journal", "-wal", "-shm"})
                VSIUnlink((path + suffix).c_str());
        }
    } unlink{path};
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr park(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!park)
        throw IoError("cannot create the park in memory: " + std::string(CPLGetLastErrorMsg()));
    ImportPlan plan;
    importInto(*park, options, issues, plan.report, &plan);
    park.reset();
    NullIssueSink quiet; // what the preview read says was said by the plan already
    for (const auto& [role, count] : plan.report.written) {
        ReadOptions read;
        read.requireCrs = false;
        read.directShapefileGeometry = false;
        Layer layer = readLayer({path, role}, read, quiet);
        layer.sourcePath.clear();
        plan.preview.push_back(std::move(layer));
    }
    return plan;
}

bool takesCadLabels(Role role)
{
    return !idFieldOf(role).empty();
}

ImportMapping::LayerRule ruleFor(const ImportedLayer& layer, std::optional<Role> role,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 const std::string& origin)
{
    ImportMapping::LayerRule rule;
    rule.origin = origin;
    rule.skip = !role;
    rule.role = role;
    if (role && layer.role == role)
        rule.kind = layer.kind;
    for (const auto& [from, to] : fields)
        rule.fields[lowerAscii(from)] =
            to.empty() ? std::nullopt : std::optional<std::string>(to);
    return rule;
}

void writeImportReport(const ImportReport& report, JsonWriter& json)
{
    json.beginObject();
    json.field("output", report.output);
    json.field("crs", report.crs);
    json.field("crs_origin", report.crsOrigin);
    json.key("sources").beginArray();
    for (const ImportedSource& source : report.sources) {
        json.beginObject();
        json.field("path", source.path);
        json.field("kind", source.kind);
        if (!source.cadVersion.empty())
            json.field("cad_version", source.cadVersion);
        json.key("encoding").beginObject();
        json.field("name", source.encoding.name);
        json.field("origin", toString(source.encoding.origin));
        json.field("reason", source.encoding.reason);
        json.endObject();
        json.field("warnings", source.warnings);
        json.endObject();
    }
    json.endArray();
    json.key("layers").beginArray();
    for (const ImportedLayer& layer : report.layers) {
        json.beginObject();
        json.field("source", layer.source);
        json.field("layer", layer.layer);
        json.field("cad", layer.cad);
        json.key("role");
        if (layer.role)
            json.value(toString(*layer.role));
        else
            json.null();
        json.field("role_reason", layer.roleReason);
        if (!layer.kind.empty())
            json.field("kind", layer.kind);
        json.field("features_in", layer.featuresIn);
        json.field("features_out", layer.featuresOut);
        json.field("texts", layer.texts);
        json.key("fields").beginObject();
        for (const auto& [from, to] : layer.fields) {
            json.key(from);
            if (to.empty())
                json.null();
            else
                json.value(to);
        }
        json.endObject();
        json.key("dropped").beginArray();
        for (const DroppedFeature& dropped : layer.dropped) {
            json.beginObject().field("entity", dropped.entity).field("reason", dropped.reason);
            json.endObject();
        }
        json.endArray();
        json.endObject();
    }
    json.endArray();
    json.key("texts").beginObject();
    json.field("assigned", report.textsAssigned);
    json.field("not_labels", report.textsNotLabels);
    json.field("unassigned_count", report.unassignedTexts.size());
    json.key("unassigned").beginArray();
    for (const UnassignedText& text : report.unassignedTexts) {
        json.beginObject();
        json.field("source", text.source);
        json.field("layer", text.layer);
        json.field("entity", text.entity);
        json.field("text", text.text);
        json.key("position").beginArray().value(text.x).value(text.y).endArray();
        json.field("reason", text.reason);
        json.endObject();
    }
    json.endArray();
    json.endObject();
    json.field("plots_labelled", report.plotsLabelled);
    json.key("plot_problems").beginArray();
    for (const PlotProblem& problem : report.plotProblems) {
        json.beginObject();
        json.field("source", problem.source);
        json.field("layer", problem.layer);
        json.field("entity", problem.entity);
        json.field("role", problem.role);
        json.field("fid", problem.fid);
        json.field("plot_id", problem.plotId);
        json.field("problem", problem.problem);
        json.endObject();
    }
    json.endArray();
    json.key("written").beginObject();
    for (const auto& [role, count] : report.written)
        json.field(role, count);
    json.endObject();
    json.field("roles_from_several_sources", report.rolesFromSeveralSources);
    json.key("joins").beginArray();
    for (const JoinReport& join : report.joins)
        writeJoinReport(join, json);
    json.endArray();
    json.endObject();
}

} // namespace parkatlas::geo
