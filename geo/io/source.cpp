#include "geo/io/source.h"

#include "geo/ascii.h"
#include "geo/crs/ballpark.h"

#include "geo/crs/esri_prj.h"
#include "geo/crs/transform.h"
#include "geo/error.h"
#include "geo/io/dbf.h"
#include "geo/io/gdal_open.h"
#include "geo/io/pg_connection.h"
#include "geo/io/shapefile_reader.h"
#include "geo/io/vct_reader.h"
#include "geo/issue.h"
#include "geo/io/history_read.h"

#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

/// An issue's message id and parts in one line of a GDAL metadata item (the VCT reader's issues
/// travel with its dataset): "ID\x1eNAME\x1fVALUE\x1e…", tabs and separators in values as
/// spaces. unpackMessage sets them back on `issue`; an empty or unreadable text sets nothing.
std::string packMessage(const Issue& issue)
{
    auto clean = [](std::string text) {
        for (char& c : text)
            if (c == '\t' || c == '\x1e' || c == '\x1f' || c == '\n' || c == '\r')
                c = ' ';
        return text;
    };
    if (issue.messageId.empty())
        return {};
    std::string out = clean(issue.messageId);
    for (const MessagePart& part : issue.messageParts)
        out += "\x1e" + clean(part.name) + "\x1f" + clean(part.value);
    return out;
}

void unpackMessage(const std::string& text, Issue& issue)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find('\x1e', start);
        fields.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    if (fields.empty() || fields.front().empty())
        return;
    issue.messageId = fields.front();
    for (std::size_t i = 1; i < fields.size(); ++i) {
        const std::size_t cut = fields[i].find('\x1f');
        if (cut == std::string::npos)
            continue;
        issue.messageParts.push_back({fields[i].substr(0, cut), fields[i].substr(cut + 1)});
    }
}


std::string lowerExtension(const std::string& path)
{
    return lowerAscii(fs::path(path).extension().string());
}

/// A GB/T 17798 VCT file (not one of Idrisi's .vct, which GDAL reads).
bool isVctPath(const std::string& path)
{
    return lowerExtension(path) == ".vct" && isVctFile(path);
}

bool isShapefilePath(const std::string& path)
{
    const std::string ext = lowerExtension(path);
    return ext == ".shp" || ext == ".dbf";
}

/// The .dbf beside a .shp (any case of the extension), or "" if there is none.
std::string dbfBeside(const std::string& shpPath)
{
    if (lowerExtension(shpPath) == ".dbf")
        return shpPath;
    fs::path base = fs::path(shpPath).replace_extension();
    for (const char* ext : {".dbf", ".DBF", ".Dbf"}) {
        fs::path candidate = base;
        candidate += ext;
        VSIStatBufL stat;
        if (VSIStatL(candidate.string().c_str(), &stat) == 0)
            return candidate.string();
    }
    return {};
}

std::string sidecarBeside(const std::string& shpPath, const char* lowerExt)
{
    std::string upper = lowerExt;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (const std::string& ext : {std::string(lowerExt), upper}) {
        fs::path candidate = fs::path(shpPath).replace_extension(ext);
        VSIStatBufL stat;
        if (VSIStatL(candidate.string().c_str(), &stat) == 0)
            return candidate.string();
    }
    return {};
}

/// Why GDAL could not open `path`, in words a park's data clerk can act on.
std::string diagnoseOpenFailure(const std::string& path, const std::string& gdalMessage)
{
    if (isPostgresSource(path))
        return "GDAL's PostgreSQL driver cannot open it: " +
               (gdalMessage.empty() ? std::string("no message") : gdalMessage);
    VSIStatBufL stat;
    if (VSIStatL(path.c_str(), &stat) != 0)
        return "no such file or folder";
    if (VSI_ISREG(stat.st_mode) && stat.st_size == 0)
        return "the file is empty (0 bytes)";
    if (VSI_ISREG(stat.st_mode)) {
        char buffer[48] = {};
        if (VSILFILE* f = VSIFOpenL(path.c_str(), "rb")) {
            VSIFReadL(buffer, 1, sizeof buffer - 1, f);
            VSIFCloseL(f);
        }
        if (std::string(buffer).rfind("version https://git-lfs", 0) == 0)
            return "this is a Git LFS pointer, not the data: the repository was cloned without "
                   "LFS (run 'git lfs pull' where it came from)";
    }
    if (lowerExtension(path) == ".shp") {
        if (stat.st_size < 100)
            return "the .shp is shorter than a shapefile header (100 bytes)";
        unsigned char magic[4] = {0, 0, 0, 0};
        if (VSILFILE* f = VSIFOpenL(path.c_str(), "rb")) {
            VSIFReadL(magic, 1, 4, f);
            VSIFCloseL(f);
        }
        if (!(magic[0] == 0 && magic[1] == 0 && magic[2] == 0x27 && magic[3] == 0x0A))
            return "this is not a shapefile: its first bytes are not the shapefile file code "
                   "(is it another kind of file renamed .shp?)";
        if (sidecarBeside(path, ".shx").empty())
            return "the .shx index beside this .shp is missing, and a shapefile cannot be read "
                   "without it; ask for the complete set (.shp, .shx, .dbf, .prj)";
    }
    if (!gdalMessage.empty())
        return "GDAL cannot open it: " + gdalMessage;
    return "no GDAL driver recognises it as vector data";
}

/// A copy of an in-memory dataset (layers, fields, features with their ids, metadata).
GDALDatasetUniquePtr copyInMemory(GDALDataset& source)
{
    ensureGdal(); // the source may have been opened with the Shapefile driver alone
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("Memory");
    if (!driver)
        throw IoError("GDAL's in-memory vector driver is missing", {});
    GDALDatasetUniquePtr copy(driver->Create("", 0, 0, 0, GDT_Unknown, nullptr));
    if (!copy)
        throw IoError("cannot create an in-memory dataset", {});
    copy->SetMetadata(source.GetMetadata());
    copy->SetMetadata(source.GetMetadata(kReaderIssuesDomain), kReaderIssuesDomain);
    for (OGRLayer* layer : source.GetLayers()) {
        OGRFeatureDefn* definition = layer->GetLayerDefn();
        OGRLayer* target = copy->CreateLayer(layer->GetName(), layer->GetSpatialRef(),
                                             layer->GetGeomType(), nullptr);
        if (!target)
            throw IoError("cannot copy an in-memory layer", {{}, layer->GetName(), -1, {}});
        target->SetMetadata(layer->GetMetadata());
        for (int i = 0; i < definition->GetFieldCount(); ++i)
            if (target->CreateField(definition->GetFieldDefn(i)) != OGRERR_NONE)
                throw IoError("cannot copy an in-memory layer", {{}, layer->GetName(), -1, {}});
        layer->ResetReading();
        for (auto& feature : *layer) {
            OGRFeatureUniquePtr copied(OGRFeature::CreateFeature(target->GetLayerDefn()));
            copied->SetFrom(feature.get(), TRUE);
            copied->SetFID(feature->GetFID());
            if (target->CreateFeature(copied.get()) != OGRERR_NONE)
                throw IoError("cannot copy an in-memory feature",
                              {{}, layer->GetName(), feature->GetFID(), {}});
        }
    }
    return copy;
}

} // namespace

EncodingChoice encodingForDataset(const std::string& datasetPath, const OpenOptions& options)
{
    ensureGdalFor(datasetPath);
    if (!options.encoding.empty() && !isKnownEncoding(options.encoding))
        throw IoError("unknown text encoding '" + options.encoding +
                          "' (try GBK, GB18030, UTF-8, BIG5, CP1252 …)",
                      {datasetPath, {}, -1, {}});
    if (isShapefilePath(datasetPath)) {
        const std::string dbf = dbfBeside(datasetPath);
        if (dbf.empty()) {
            if (!options.encoding.empty())
                return {options.encoding, EncodingChoice::Origin::User, "given by the user"};
            return {"UTF-8", EncodingChoice::Origin::AsciiOnly, "no .dbf: the layer has no text"};
        }
        return chooseDbfEncoding(dbf, options.encoding);
    }
    if (isVctPath(datasetPath))
        return chooseVctEncoding(datasetPath, options.encoding);
    const std::string ext = lowerExtension(datasetPath);
    if (ext == ".gpkg" || ext == ".geojson" || ext == ".json" || ext == ".fgb" || ext == ".sqlite")
        return {"UTF-8", EncodingChoice::Origin::Format, "the format is always UTF-8"};
    if (!options.encoding.empty())
        return {options.encoding, EncodingChoice::Origin::User, "given by the user"};
    return {"UTF-8", EncodingChoice::Origin::Format, "decoded by GDAL's driver"};
}

GDALDatasetUniquePtr openVectorDataset(const std::string& path, const EncodingChoice& encoding,
                                       GdalErrorCapture& errors)
{
    ensureGdalFor(path);
    if (isVctPath(path)) {
        // GDAL has no GB/T 17798 driver: ours reads it into memory. What it finds wrong with
        // the data travels with the dataset (readerIssues) to whoever reads its layers.
        // Commands open a source once to list it and once per layer: the last file read is
        // kept, and each open gets its own copy (a GDAL dataset serves one thread).
        const EncodingChoice chosen = encoding.name.empty() ? chooseVctEncoding(path) : encoding;
        VSIStatBufL stat;
        const bool stated = VSIStatL(path.c_str(), &stat) == 0;
        const std::string key = path + "\n" + chosen.name + "\n" +
                                (stated ? std::to_string(stat.st_size) + "/" +
                                              std::to_string(stat.st_mtim.tv_sec) + "." +
                                              std::to_string(stat.st_mtim.tv_nsec)
                                        : std::string());
        static std::mutex cacheMutex;
        static std::string cachedKey;
        static GDALDatasetUniquePtr cached;
        if (stated) {
            std::lock_guard<std::mutex> lock(cacheMutex);
            if (cached && cachedKey == key)
                return copyInMemory(*cached);
        }
        IssueList issues;
        GDALDatasetUniquePtr dataset = readVct(path, chosen, issues);
        CPLStringList items;
        int index = 0;
        for (const Issue& issue : issues.issues())
            // Numbered keys: GDAL keeps a domain's items sorted, and the order is the file's.
            // The message's id and parts travel too (so that it is said in the user's language).
            items.AddString((CPLSPrintf("%08d=", ++index) +
                             std::to_string(static_cast<int>(issue.severity)) + "\t" +
                             std::to_string(issue.fid) + "\t" +
                             std::to_string(static_cast<int>(issue.kind)) + "\t" + issue.layer +
                             "\t" + packMessage(issue) + "\t" + issue.message)
                                .c_str());
        dataset->SetMetadata(items.List(), kReaderIssuesDomain);
        if (stated) {
            std::lock_guard<std::mutex> lock(cacheMutex);
            cachedKey = key;
            cached = copyInMemory(*dataset);
        }
        return dataset;
    }
    if (lowerExtension(path) == ".vct")
        // Not ours: GDAL's Idrisi driver may know it.
        if (VSIStatBufL stat; VSIStatL(path.c_str(), &stat) == 0 && stat.st_size > 0) {
            GDALDatasetUniquePtr idrisi(GDALDataset::Open(
                path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
            if (!idrisi)
                throw IoError(message("vct_nor_idrisi",
                                      "this is not a VCT file (GB/T 17798: its first line is not "
                                      "'HeadBegin') nor an Idrisi vector file"),
                              {path, {}, -1, {}});
            return idrisi;
        }
    CPLStringList openOptions;
    if (isShapefilePath(path) && !encoding.name.empty())
        openOptions.SetNameValue("ENCODING", encoding.name.c_str());
    GDALDatasetUniquePtr dataset(
        GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                          nullptr, openOptions.List(), nullptr));
    if (!dataset)
        throw IoError(message("cannot_open", "{reason}",
                              {{"reason", diagnoseOpenFailure(path, errors.lastFailure())}}),
                      {path, {}, -1, {}});
    return dataset;
}

std::vector<Issue> readerIssues(GDALDataset& dataset, const std::string& layerName)
{
    std::vector<Issue> result;
    const CPLStringList items(CSLDuplicate(dataset.GetMetadata(kReaderIssuesDomain)));
    for (int i = 0; i < items.size(); ++i) {
        std::string item = items[i];
        item = item.substr(item.find('=') + 1);
        const std::size_t a = item.find('\t');
        const std::size_t b = a == std::string::npos ? a : item.find('\t', a + 1);
        const std::size_t c = b == std::string::npos ? b : item.find('\t', b + 1);
        const std::size_t d = c == std::string::npos ? c : item.find('\t', c + 1);
        if (d == std::string::npos)
            continue;
        Issue issue;
        issue.severity = static_cast<Issue::Severity>(std::atoi(item.substr(0, a).c_str()));
        issue.fid = std::atoll(item.substr(a + 1, b - a - 1).c_str());
        issue.kind = static_cast<Issue::Kind>(std::atoi(item.substr(b + 1, c - b - 1).c_str()));
        issue.layer = item.substr(c + 1, d - c - 1);
        const std::size_t e = item.find('\t', d + 1);
        if (e == std::string::npos)
            continue;
        unpackMessage(item.substr(d + 1, e - d - 1), issue);
        issue.message = item.substr(e + 1);
        issue.path = dataset.GetDescription();
        // Issues of the file as a whole concern every layer.
        if (!issue.layer.empty() && !EQUAL(issue.layer.c_str(), layerName.c_str()))
            continue;
        issue.layer = layerName;
        result.push_back(std::move(issue));
    }
    return result;
}

namespace {

std::string driverName(GDALDataset& dataset)
{
    if (const char* format = dataset.GetMetadataItem("PARKATLAS_FORMAT"))
        return format;
    return dataset.GetDriver() ? dataset.GetDriver()->GetDescription() : "";
}

GDALDatasetUniquePtr openVector(const std::string& path, const EncodingChoice& encoding,
                                GdalErrorCapture& errors)
{
    return openVectorDataset(path, encoding, errors);
}

// A folder's .json may be anything a park folder keeps beside its layers: a ParkAtlas project
// file, expected results, settings. Only GeoJSON, Esri JSON and TopoJSON are layers, and each
// names its kind near the top ("FeatureCollection"/"Feature", "features"/"geometryType",
// "Topology"); the rest is left out of the folder's layers, without an error.
bool isGeoJsonLike(const fs::path& path)
{
    if (lowerAscii(path.filename().string()).find(".parkatlas.") != std::string::npos)
        return false;
    std::ifstream in(path, std::ios::binary);
    std::string head(64 * 1024, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    for (const char* marker : {"\"Feature", "\"features\"", "\"geometryType\"", "\"Topology\""})
        if (head.find(marker) != std::string::npos)
            return true;
    return false;
}

bool isVectorCandidate(const fs::path& path)
{
    static const std::set<std::string> kExtensions = {
        ".shp", ".gpkg", ".geojson", ".json", ".dxf", ".kml", ".gml",
        ".tab", ".mif",  ".sqlite",  ".fgb",  ".gdb", ".zip", ".gpx", ".vct"};
    return kExtensions.count(lowerAscii(path.extension().string())) > 0;
}

GeometryKind kindOf(OGRwkbGeometryType type)
{
    switch (wkbFlatten(type)) {
    case wkbPoint:
    case wkbMultiPoint:
        return GeometryKind::Point;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
        return GeometryKind::Line;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
    case wkbPolyhedralSurface:
    case wkbTIN:
    case wkbTriangle:
        return GeometryKind::Polygon;
    default:
        return GeometryKind::None;
    }
}

bool isUsable(const Envelope& e)
{
    for (double v : {e.minX, e.minY, e.maxX, e.maxY})
        if (!std::isfinite(v) || std::fabs(v) > 1e15)
            return false;
    return true;
}

Envelope toEnvelope(const OGREnvelope& e)
{
    Envelope out;
    out.minX = e.MinX;
    out.minY = e.MinY;
    out.maxX = e.MaxX;
    out.maxY = e.MaxY;
    return out;
}

/// Whether coordinates in `extent` can be in `crs`: inside its area of use (with slack).
std::optional<Message> misfit(const Crs& crs, const Envelope& extent)
{
    if (crs.isEmpty() || extent.isEmpty())
        return std::nullopt;
    if (!std::isfinite(extent.minX) || !std::isfinite(extent.maxX) || !std::isfinite(extent.minY) ||
        !std::isfinite(extent.maxY))
        return message("extent_not_finite", "the layer's extent is not finite");
    double west = 0, south = 0, east = 0, north = 0;
    const char* areaName = nullptr;
    if (!crs.ogr()->GetAreaOfUse(&west, &south, &east, &north, &areaName) || west == -1000)
        return std::nullopt;
    if (crs.isGeographic()) {
        if (extent.minX < -181 || extent.maxX > 361 || extent.minY < -91 || extent.maxY > 91)
            return message("geographic_not_degrees",
                           "the CRS is geographic (degrees) but the coordinates are not degrees");
        return std::nullopt;
    }
    double xy[10] = {extent.minX,
                     extent.minY,
                     extent.maxX,
                     extent.maxY,
                     extent.minX,
                     extent.maxY,
                     extent.maxX,
                     extent.minY,
                     (extent.minX + extent.maxX) / 2,
                     (extent.minY + extent.maxY) / 2};
    try {
        Transform toGeographic(crs, crs.geographic());
        toGeographic.forward(xy, 5);
    } catch (const CrsError&) {
        return std::nullopt;
    }
    const double slack = 2.0;
    for (int i = 0; i < 5; ++i) {
        const double lon = xy[2 * i];
        const double lat = xy[2 * i + 1];
        const bool inLon = west <= east ? (lon >= west - slack && lon <= east + slack)
                                        : (lon >= west - slack || lon <= east + slack);
        if (!std::isfinite(lon) || !std::isfinite(lat) || !inLon || lat < south - slack ||
            lat > north + slack) {
            auto number = [](double v) {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%.3f", v);
                return std::string(buffer);
            };
            return message("crs_misfit",
                           "the coordinates (x {min_x}–{max_x}, y {min_y}–{max_y}) lie outside "
                           "the area where the declared CRS is used ({area}): the .prj may be "
                           "wrong",
                           {{"min_x", number(extent.minX)},
                            {"max_x", number(extent.maxX)},
                            {"min_y", number(extent.minY)},
                            {"max_y", number(extent.maxY)},
                            {"area", areaName ? areaName : "its area of use"}});
        }
    }
    return std::nullopt;
}

/// The text of the .prj beside a shapefile's .shp (any case of the extension, as GDAL's driver
/// finds it), or nullopt: another driver, no .prj, or one that cannot be read.
std::optional<std::string> shapefilePrj(const std::string& path, const std::string& driver)
{
    if (driver != "ESRI Shapefile" || lowerExtension(path) != ".shp")
        return std::nullopt;
    const std::string prj = sidecarBeside(path, ".prj");
    VSILFILE* file = prj.empty() ? nullptr : VSIFOpenL(prj.c_str(), "rb");
    if (!file)
        return std::nullopt;
    std::string text;
    char buffer[4096];
    for (std::size_t got; (got = VSIFReadL(buffer, 1, sizeof buffer, file)) > 0;)
        text.append(buffer, got);
    VSIFCloseL(file);
    return text;
}

/// The layer's own CRS (empty when it has none). A shapefile whose .prj (`prj`) is a Chinese
/// Gauss-Krüger zone written as ArcGIS writes it is the EPSG CRS GDAL's driver identifies it as
/// (chineseGaussKrugerEpsgOfEsriPrj), made from PROJ's database by its code: the same Crs
/// without GDAL's import of the ESRI text and its search of the database for a match, which
/// are most of what `info` and `area` spend on a small file.
Crs ownCrs(const std::optional<std::string>& prj, OGRLayer& layer)
{
    if (prj)
        if (const std::optional<int> code = chineseGaussKrugerEpsgOfEsriPrj(*prj))
            return Crs::fromEpsg(*code);
    return Crs::fromOgr(layer.GetSpatialRef());
}

/// resolveCrs's answers for shapefiles, kept for the life of the process by what decides them:
/// the .prj's bytes, the extent read and --s-srs. A command that describes a layer and then
/// reads it (info, check, area) would otherwise have GDAL import the ESRI WKT and identify it
/// in PROJ's database, and make the misfit's transform, twice for the same file. Only answers
/// reached without a word from GDAL are kept, so a hit has nothing to repeat.
class ShapefileCrsMemo {
public:
    /// The key of a shapefile's CRS question.
    static std::string keyOf(const std::string& prj, const Envelope& extent,
                             const OpenOptions& options)
    {
        char bounds[160];
        std::snprintf(bounds, sizeof bounds, "\n%.17g %.17g %.17g %.17g\n", extent.minX,
                      extent.minY, extent.maxX, extent.maxY);
        return prj + bounds + options.sourceSrs;
    }

    std::optional<CrsResolution> find(const std::string& key)
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_answers.find(key);
        return it == m_answers.end() ? std::nullopt : std::optional(it->second);
    }

    void keep(const std::string& key, const CrsResolution& answer)
    {
        std::lock_guard lock(m_mutex);
        m_answers.emplace(key, answer);
    }

    static ShapefileCrsMemo& process()
    {
        static ShapefileCrsMemo memo;
        return memo;
    }

private:
    std::mutex m_mutex;
    std::map<std::string, CrsResolution> m_answers;
};

CrsResolution resolveCrsOnce(const std::optional<std::string>& prj, OGRLayer& layer,
                             const std::string& driver, const Envelope& extent,
                             const OpenOptions& options)
{
    CrsResolution result;
    const Crs own = ownCrs(prj, layer);
    if (!options.sourceSrs.empty()) {
        result.crs = Crs::fromUserInput(options.sourceSrs);
        result.origin = "--s-srs";
        if (!own.isEmpty() && !own.isSameAs(result.crs))
            result.warnings.push_back(message("crs_overridden",
                                              "the file says {own}; using {given} as given",
                                              {{"own", own.label()}, {"given", result.crs.label()}}));
    } else if (!own.isEmpty()) {
        result.crs = own;
        result.origin = driver == "ESRI Shapefile" ? ".prj" : driver;
    }
    if (!result.crs.isEmpty()) {
        if (auto problem = misfit(result.crs, extent))
            result.warnings.push_back(*problem);
        return result;
    }
    result.proposal = proposeZoneFromExtent(extent);
    if (!result.proposal)
        result.hint = crsHintFromExtent(extent);
    return result;
}

/// The CRS of `layer` of the source at `path` (see resolveCrsOnce), from ShapefileCrsMemo when a
/// shapefile's CRS was resolved before from the same .prj, extent and --s-srs.
CrsResolution resolveCrs(const std::string& path, OGRLayer& layer, const std::string& driver,
                         const Envelope& extent, const OpenOptions& options)
{
    const std::optional<std::string> prj = shapefilePrj(path, driver);
    if (!prj)
        return resolveCrsOnce(prj, layer, driver, extent, options);
    const std::string key = ShapefileCrsMemo::keyOf(*prj, extent, options);
    if (auto known = ShapefileCrsMemo::process().find(key))
        return *known;
    const GUInt32 before = CPLGetErrorCounter();
    CrsResolution result = resolveCrsOnce(prj, layer, driver, extent, options);
    if (CPLGetErrorCounter() == before)
        ShapefileCrsMemo::process().keep(key, result);
    return result;
}

std::string fieldTypeText(const OGRFieldDefn& field)
{
    std::string text = OGRFieldDefn::GetFieldTypeName(field.GetType());
    if (field.GetSubType() != OFSTNone)
        text += std::string("(") + OGRFieldDefn::GetFieldSubTypeName(field.GetSubType()) + ")";
    else if (field.GetWidth() > 0) {
        text += "(" + std::to_string(field.GetWidth());
        if (field.GetPrecision() > 0)
            text += "." + std::to_string(field.GetPrecision());
        text += ")";
    }
    return text;
}

OGRLayer& layerByName(GDALDataset& dataset, const LayerRef& ref)
{
    OGRLayer* layer =
        ref.layerName.empty() ? dataset.GetLayer(0) : dataset.GetLayerByName(ref.layerName.c_str());
    if (!layer)
        throw IoError("no such layer in this source", {ref.datasetPath, ref.layerName, -1, {}});
    return *layer;
}

} // namespace

namespace {

bool isPlainZip(const std::string& path)
{
    return lowerExtension(path) == ".zip" && path.rfind("/vsi", 0) != 0;
}

/// The vector files inside a zip, as /vsizip/ paths, in any sub-folder (parks zip whole
/// folders). Throws IoError naming the zip when it is not one or holds nothing we read.
std::vector<std::string> datasetsInZip(const std::string& zipPath)
{
    VSIStatBufL stat;
    if (VSIStatL(zipPath.c_str(), &stat) != 0)
        throw IoError("no such file or folder", {zipPath, {}, -1, {}});
    const std::string root = "/vsizip/" + fs::absolute(zipPath).lexically_normal().string();
    char** entries = VSIReadDirRecursive(root.c_str());
    if (!entries)
        throw IoError("this is not a zip archive (or it is empty)", {zipPath, {}, -1, {}});
    std::vector<std::string> datasets;
    std::set<std::string> shapefileStems;
    for (char** entry = entries; *entry; ++entry)
        if (lowerExtension(*entry) == ".shp")
            shapefileStems.insert(fs::path(*entry).replace_extension().generic_string());
    for (char** entry = entries; *entry; ++entry) {
        const fs::path inner(*entry);
        const std::string ext = lowerExtension(inner.string());
        const bool table =
            ext == ".dbf" &&
            !shapefileStems.count(fs::path(inner).replace_extension().generic_string());
        if ((isVectorCandidate(inner) && ext != ".zip") || table)
            datasets.push_back(root + "/" + inner.generic_string());
    }
    CSLDestroy(entries);
    std::sort(datasets.begin(), datasets.end());
    if (datasets.empty())
        throw IoError("the zip holds no vector files (.shp, .gpkg, .geojson …)",
                      {zipPath, {}, -1, {}});
    return datasets;
}

/// A local shapefile whose .shp, .shx and .dbf headers are sound is one layer named after the
/// file (GDAL names it so): it is listed without opening it through GDAL, which would read the
/// whole .shx (8 MB at a million records) only to list it, before the reader opens it again.
/// Anything else is left to GDAL and its diagnosis.
bool listsWithoutGdal(const std::string& path)
{
    if (lowerExtension(path) != ".shp" || path.rfind("/vsi", 0) == 0 ||
        !canReadShapefileGeometry(path))
        return false;
    const std::string shx = sidecarBeside(path, ".shx");
    const std::string dbf = dbfBeside(path);
    if (shx.empty() || dbf.empty())
        return false;
    VSILFILE* file = VSIFOpenL(shx.c_str(), "rb");
    if (!file)
        return false;
    unsigned char head[100];
    const bool whole = VSIFReadL(head, 1, sizeof head, file) == sizeof head;
    VSIStatBufL stat;
    const bool stated = VSIStatL(shx.c_str(), &stat) == 0;
    VSIFCloseL(file);
    auto bigEndian = [&head](int at) {
        return static_cast<std::uint32_t>(head[at]) << 24 |
               static_cast<std::uint32_t>(head[at + 1]) << 16 |
               static_cast<std::uint32_t>(head[at + 2]) << 8 | head[at + 3];
    };
    // The file code, and a declared length (16-bit words) that the file holds whole: shapelib
    // refuses an .shx shorter than its header says.
    if (!whole || !stated || bigEndian(0) != 9994 ||
        static_cast<std::uint64_t>(bigEndian(24)) * 2 > static_cast<std::uint64_t>(stat.st_size))
        return false;
    try {
        readDbfHeader(dbf);
    } catch (const IoError&) {
        return false;
    }
    return true;
}

} // namespace

LayerListing listSourceLayers(const std::string& source)
{
    ensureGdalFor(source);
    std::error_code ec;
    std::vector<std::string> datasets;
    const bool folder = fs::is_directory(source, ec) && lowerExtension(source) != ".gdb";
    if (folder) {
        std::vector<fs::path> entries;
        for (const auto& entry : fs::directory_iterator(source, ec)) {
            if (isVectorCandidate(entry.path())) {
                if (lowerExtension(entry.path().string()) == ".json" &&
                    !isGeoJsonLike(entry.path()))
                    continue; // a project file, settings or results: not a layer
                entries.push_back(entry.path());
            } else if (lowerExtension(entry.path().string()) == ".dbf" &&
                       sidecarBeside(entry.path().string(), ".shp").empty()) {
                entries.push_back(entry.path()); // a table with no geometry is a layer too
            }
        }
        std::sort(entries.begin(), entries.end());
        for (const auto& path : entries)
            datasets.push_back(path.string());
        if (datasets.empty())
            throw IoError("the folder holds no vector files (.shp, .gpkg, .geojson, .dxf …)",
                          {source, {}, -1, {}});
    } else {
        datasets.push_back(source);
    }

    LayerListing listing;
    // A zip stands for the files inside it.
    std::vector<std::string> expanded;
    for (const std::string& path : datasets) {
        if (!isPlainZip(path)) {
            expanded.push_back(path);
            continue;
        }
        try {
            const auto inner = datasetsInZip(path);
            expanded.insert(expanded.end(), inner.begin(), inner.end());
        } catch (const IoError& error) {
            if (!folder)
                throw;
            listing.failures.push_back(error.what());
        }
    }
    for (const std::string& path : expanded) {
        if (listsWithoutGdal(path)) {
            listing.layers.push_back({path, fs::path(path).stem().string()});
            continue;
        }
        GdalErrorCapture errors;
        try {
            GDALDatasetUniquePtr dataset =
                openVector(path, EncodingChoice{"", EncodingChoice::Origin::Unknown, ""}, errors);
            for (OGRLayer* layer : dataset->GetLayers())
                listing.layers.push_back({path, layer->GetName()});
            if (dataset->GetLayerCount() == 0)
                throw IoError("the source opens but holds no vector layer", {path, {}, -1, {}});
        } catch (const IoError& error) {
            if (!folder)
                throw;
            listing.failures.push_back(error.what());
        }
    }
    return listing;
}

std::vector<LayerRef> listLayers(const std::string& source)
{
    LayerListing listing = listSourceLayers(source);
    if (listing.layers.empty())
        throw IoError("no layer in the folder could be opened (first problem: " +
                          listing.failures.front() + ")",
                      {source, {}, -1, {}});
    return listing.layers;
}

namespace {

/// The layer's name, driver, geometry type, extent and CRS into `info`, for describeLayer and
/// describeLayerCrs. Returns false when the extent is not usable (NaN, infinite or absurdly
/// large coordinates), which is then left empty.
bool describeGeometry(GDALDataset& dataset, OGRLayer& layer, const OpenOptions& options,
                      LayerInfo& info)
{
    info.ref.layerName = layer.GetName();
    info.driver = driverName(dataset);
    info.geometryType = OGRGeometryTypeToName(layer.GetGeomType());
    info.kind = kindOf(layer.GetGeomType());
    OGREnvelope envelope;
    if (layer.GetExtent(&envelope, TRUE) == OGRERR_NONE)
        info.extent = toEnvelope(envelope);
    const bool usable = isUsable(info.extent);
    if (!usable)
        info.extent = Envelope();
    info.crs = resolveCrs(info.ref.datasetPath, layer, info.driver, info.extent, options);
    return usable;
}

} // namespace

LayerInfo describeLayer(const LayerRef& ref, const OpenOptions& options)
{
    ensureGdalFor(ref.datasetPath);
    GdalErrorCapture errors;
    LayerInfo info;
    info.ref = ref;
    info.encoding = encodingForDataset(ref.datasetPath, options);
    GDALDatasetUniquePtr dataset = openVector(ref.datasetPath, info.encoding, errors);
    OGRLayer& layer = layerByName(*dataset, ref);
    for (Issue& issue : readerIssues(*dataset, layer.GetName())) {
        issue.path = ref.datasetPath;
        info.warnings.push_back(formatIssue(issue));
    }
    info.featureCount = layer.GetFeatureCount(TRUE);
    if (!describeGeometry(*dataset, layer, options, info))
        info.warnings.push_back("the layer's extent is not usable (NaN, infinite or absurdly "
                                "large coordinates)");
    OGRFeatureDefn* definition = layer.GetLayerDefn();
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = definition->GetFieldDefn(i);
        info.fields.push_back({sanitizeUtf8(field->GetNameRef()), fieldTypeText(*field)});
    }
    for (const auto& message : errors.take())
        info.warnings.push_back(message.text);
    return info;
}

LayerInfo describeLayerCrs(const LayerRef& ref, const OpenOptions& options)
{
    ensureGdalFor(ref.datasetPath);
    GdalErrorCapture errors;
    // The encoding is not chosen (that samples the .dbf's text), but what describeLayer refuses
    // while choosing it is refused the same: an unknown --encoding, a .dbf that is not one.
    if (isShapefilePath(ref.datasetPath) && options.encoding.empty()) {
        if (const std::string dbf = dbfBeside(ref.datasetPath); !dbf.empty())
            readDbfHeader(dbf);
    } else {
        encodingForDataset(ref.datasetPath, options);
    }
    LayerInfo info;
    info.ref = ref;
    // No ENCODING: the text is not read, and the layer's name, geometry and CRS do not depend
    // on it.
    GDALDatasetUniquePtr dataset = openVector(ref.datasetPath, EncodingChoice{}, errors);
    describeGeometry(*dataset, layerByName(*dataset, ref), options, info);
    return info;
}

Layer readLayer(const LayerRef& ref, const ReadOptions& options, IssueSink& issues)
{
    ensureGdalFor(ref.datasetPath);
    GdalErrorCapture errors;
    Layer result;
    result.sourcePath = ref.datasetPath;
    result.encoding = encodingForDataset(ref.datasetPath, options.open);
    GDALDatasetUniquePtr dataset = openVector(ref.datasetPath, result.encoding, errors);
    OGRLayer* stored = &layerByName(*dataset, ref);
    result.name = stored->GetName();
    const std::string driver = driverName(*dataset);
    auto report = [&](Issue::Severity severity, std::int64_t fid, Message said,
                      Issue::Kind kind = Issue::Kind::General) {
        issues.report(withMessage({severity, ref.datasetPath, result.name, fid}, std::move(said), kind));
    };
    // What GDAL says itself is quoted in the user's language ("GDAL: …").
    auto gdalSays = [](const std::string& text) {
        return message("gdal_says", "{text}", {{"text", text}});
    };
    // --as-of: the layer as it was, from the history it keeps (released before the dataset).
    struct AsOfLayer {
        GDALDataset* dataset = nullptr;
        OGRLayer* layer = nullptr;
        ~AsOfLayer()
        {
            if (layer)
                dataset->ReleaseResultSet(layer);
        }
    } asOf;
    if (!options.open.asOf.empty()) {
        const auto day = Date::parse(options.open.asOf);
        if (!day)
            throw IoError("--as-of '" + options.open.asOf + "' is not a date (YYYY-MM-DD)",
                          {ref.datasetPath, result.name, -1, {}});
        asOf.dataset = dataset.get();
        asOf.layer = openLayerAsOf(*dataset, *stored, parkDateCutoff(*day));
        if (asOf.layer)
            stored = asOf.layer;
        else
            report(Issue::Severity::Warning, -1,
                   message("no_history",
                           "the layer keeps no history (no {history}): read as it is now, not as "
                           "of {date}",
                           {{"history", historyLayerName(result.name)},
                            {"date", options.open.asOf}}));
    }
    OGRLayer& layer = *stored;
    for (Issue& issue : readerIssues(*dataset, result.name)) {
        issue.path = ref.datasetPath;
        issues.report(std::move(issue));
    }
    for (const auto& said : errors.take())
        report(said.failure ? Issue::Severity::Error : Issue::Severity::Warning, -1,
               gdalSays(said.text));
    if (result.encoding.uncertain)
        report(Issue::Severity::Warning, -1,
               message("encoding_guess",
                       "the text encoding is a guess ({encoding}: {reason}); if names look wrong, "
                       "give --encoding",
                       withNested({{"encoding", result.encoding.name}}, "reason",
                                  result.encoding.reason, result.encoding.reasonMessage().id,
                                  result.encoding.reasonMessage().parts)));

    OGREnvelope layerEnvelope;
    Envelope extent;
    if (layer.GetExtent(&layerEnvelope, TRUE) == OGRERR_NONE)
        extent = toEnvelope(layerEnvelope);
    if (!isUsable(extent))
        extent = Envelope();
    CrsResolution crs = resolveCrs(ref.datasetPath, layer, driver, extent, options.open);
    // A .prj GDAL cannot make sense of complains here, not at the first feature.
    std::string prjProblem;
    for (const auto& said : errors.take())
        prjProblem = said.text;
    const bool unreadablePrj = crs.crs.isEmpty() && driver == "ESRI Shapefile" &&
                               (fs::exists(fs::path(ref.datasetPath).replace_extension(".prj")) ||
                                fs::exists(fs::path(ref.datasetPath).replace_extension(".PRJ")));
    const std::string noCrs =
        unreadablePrj ? "the .prj beside it cannot be understood" +
                            (prjProblem.empty() ? std::string() : " (" + prjProblem + ")")
                      : "no .prj";
    if (unreadablePrj && !options.requireCrs)
        report(Issue::Severity::Warning, -1,
               message("unreadable_prj", "{why}; the layer has no coordinate system",
                       {{"why", noCrs}}));
    for (const Message& warning : crs.warnings)
        report(Issue::Severity::Warning, -1, warning);
    // A table without geometry (a VCT attribute-only table) has no coordinates to place.
    const bool hasGeometry = layer.GetLayerDefn()->GetGeomFieldCount() > 0;
    if (crs.crs.isEmpty() && options.requireCrs && hasGeometry) {
        if (crs.proposal)
            throw CrsError(
                message("no_crs_zone",
                        "the layer has no coordinate system ({why}); {proposal}. Confirm it with "
                        "--s-srs EPSG:{epsg}",
                        {{"why", noCrs},
                         {"proposal", crs.proposal->reason},
                         {"epsg", std::to_string(crs.proposal->epsgCgcs2000)},
                         {"width", std::to_string(crs.proposal->zoneWidthDeg)},
                         {"meridian", std::to_string(crs.proposal->centralMeridianDeg)},
                         {"xian", std::to_string(crs.proposal->epsgXian1980)},
                         {"beijing", std::to_string(crs.proposal->epsgBeijing1954)}}),
                {ref.datasetPath, result.name, -1, {}});
        if (!crs.hint.empty())
            throw CrsError(message("no_crs_hint",
                                   "the layer has no coordinate system ({why}); {hint}. Give one "
                                   "with --s-srs",
                                   {{"why", noCrs}, {"hint", crs.hint}}),
                           {ref.datasetPath, result.name, -1, {}});
        throw CrsError(message("no_crs",
                               "the layer has no coordinate system ({why}). Give one with --s-srs",
                               {{"why", noCrs}}),
                       {ref.datasetPath, result.name, -1, {}});
    }
    result.crs = crs.crs;
    result.crsOrigin = crs.origin;

    // Fields.
    OGRFeatureDefn* definition = layer.GetLayerDefn();
    std::vector<FieldDef> fields;
    std::vector<OGRFieldType> ogrTypes;
    std::vector<int> sourceIndex; // OGR field index of each kept field
    std::vector<std::string> ignored;
    auto wanted = [&](const char* name) {
        if (!options.fields)
            return true;
        for (const std::string& keep : *options.fields)
            if (EQUAL(keep.c_str(), name))
                return true;
        return false;
    };
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        const OGRFieldDefn* field = definition->GetFieldDefn(i);
        if (!wanted(field->GetNameRef())) {
            ignored.push_back(field->GetNameRef());
            continue;
        }
        sourceIndex.push_back(i);
        FieldDef def;
        def.name = sanitizeUtf8(field->GetNameRef());
        def.width = field->GetWidth();
        def.precision = field->GetPrecision();
        switch (field->GetType()) {
        case OFTInteger:
        case OFTInteger64:
            def.type = FieldType::Integer;
            break;
        case OFTReal:
            def.type = FieldType::Real;
            break;
        case OFTDate:
        case OFTDateTime:
            def.type = FieldType::Date;
            break;
        default:
            def.type = FieldType::String;
            break;
        }
        fields.push_back(def);
        ogrTypes.push_back(field->GetType());
    }
    result.attributes.setFields(fields);

    GeometryKind kind = kindOf(layer.GetGeomType());
    result.geometry.setKind(kind);

    // Fast path: a shapefile's geometry straight from the .shp, GDAL for the attributes only.
    std::optional<ShapefileGeometry> direct;
    IssueList directIssues;
    if (options.directShapefileGeometry && options.attributeFilter.empty() &&
        lowerExtension(ref.datasetPath) == ".shp" &&
        canReadShapefileGeometry(ref.datasetPath)) {
        direct = readShapefileGeometry(ref.datasetPath, directIssues);
        ignored.push_back("OGR_GEOMETRY");
    }
    if (!ignored.empty()) {
        std::vector<const char*> names;
        for (const std::string& name : ignored)
            names.push_back(name.c_str());
        names.push_back(nullptr);
        layer.SetIgnoredFields(names.data());
    }
    // Geometry straight from the .shp and no attribute wanted: GDAL need not read at all.
    const bool skipGdalLoop =
        direct && fields.empty() && directIssues.count(Issue::Severity::Error) == 0;
    if (skipGdalLoop) {
        result.fids = direct->fids;
        for (std::size_t i = 0; i < result.fids.size(); ++i)
            result.attributes.commitRow();
    }
    if (!options.attributeFilter.empty() &&
        layer.SetAttributeFilter(options.attributeFilter.c_str()) != OGRERR_NONE)
        throw IoError("the attribute filter was refused: " + errors.lastFailure(),
                      {ref.datasetPath, result.name, -1, {}});
    const GIntBig total = layer.GetFeatureCount(FALSE);
    if (total > 0) {
        // A header's count can lie (a DBF saying 100 million rows in 257 bytes): reserve no
        // more than the file could hold (each feature takes a few bytes of it at least).
        std::size_t reserve = static_cast<std::size_t>(total);
        std::error_code ec;
        const std::uintmax_t bytes = fs::file_size(ref.datasetPath, ec);
        if (!ec)
            reserve = std::min<std::size_t>(reserve, static_cast<std::size_t>(bytes / 4 + 1));
        result.fids.reserve(reserve);
        result.geometry.reserve(reserve, 0);
    }

    // The attributes straight from the .dbf as well, when each value is sure to be what GDAL
    // would give (plain numbers, dates and text of a .dbf GDAL reads the same way).
    bool attributesRead = false;
    if (direct && !skipGdalLoop && options.open.asOf.empty() &&
        directIssues.count(Issue::Severity::Error) == 0) {
        std::vector<ShapefileField> read;
        bool plain = true;
        for (std::size_t column = 0; plain && column < ogrTypes.size(); ++column) {
            const OGRFieldDefn* field = definition->GetFieldDefn(sourceIndex[column]);
            ShapefileField one;
            one.dbfIndex = sourceIndex[column];
            one.type = fields[column].type;
            one.width = field->GetWidth();
            one.int32 = ogrTypes[column] == OFTInteger;
            plain = field->GetSubType() == OFSTNone &&
                    (ogrTypes[column] == OFTString || ogrTypes[column] == OFTInteger ||
                     ogrTypes[column] == OFTInteger64 || ogrTypes[column] == OFTReal ||
                     ogrTypes[column] == OFTDate);
            read.push_back(one);
        }
        if (plain)
            if (auto table = readShapefileAttributes(ref.datasetPath, fields, read,
                                                     definition->GetFieldCount(), direct->fids,
                                                     result.encoding.name, options.progress)) {
                result.attributes = std::move(*table);
                result.fids = direct->fids;
                attributesRead = true;
            }
    }

    std::vector<unsigned char> wkb;
    bool reportedBadText = false;
    std::size_t index = 0;
    if (!attributesRead)
        layer.ResetReading();
    for (; !skipGdalLoop && !attributesRead;) {
        OGRFeatureUniquePtr feature(layer.GetNextFeature());
        if (!feature) {
            const std::string failure = errors.lastFailure();
            if (!failure.empty())
                report(Issue::Severity::Error, -1,
                       message("reading_stopped",
                               "reading stopped after {count} features: {failure}; the features "
                               "before it are kept",
                               {{"count", std::to_string(index)}, {"failure", failure}}));
            break;
        }
        for (const auto& said : errors.take())
            report(said.failure ? Issue::Severity::Error : Issue::Severity::Warning,
                   feature->GetFID(), gdalSays(said.text));
        const std::int64_t fid = feature->GetFID();
        result.fids.push_back(fid);

        // Geometry.
        const OGRGeometry* geometry = direct ? nullptr : feature->GetGeometryRef();
        if (direct) {
            // Taken from the direct reader below.
        } else if (!geometry || geometry->IsEmpty()) {
            result.geometry.appendEmpty();
        } else {
            std::unique_ptr<OGRGeometry> linear;
            if (geometry->hasCurveGeometry(TRUE)) {
                linear.reset(geometry->getLinearGeometry());
                geometry = linear.get();
            }
            const OGRwkbGeometryType flat = wkbFlatten(geometry->getGeometryType());
            // Multipatches come as collections of TINs and polygons: surfaces all the same.
            const bool surfaceCollection =
                flat == wkbGeometryCollection && kind != GeometryKind::Line &&
                kind != GeometryKind::Point &&
                geometry->toGeometryCollection()->getNumGeometries() > 0 &&
                kindOf(geometry->toGeometryCollection()->getGeometryRef(0)->getGeometryType()) ==
                    GeometryKind::Polygon;
            if (flat == wkbPolyhedralSurface || flat == wkbTIN || flat == wkbTriangle ||
                surfaceCollection) {
                linear.reset(OGRGeometryFactory::forceToMultiPolygon(geometry->clone()));
                geometry = linear.get();
            }
            if (kind == GeometryKind::None) {
                kind = kindOf(geometry->getGeometryType());
                result.geometry.setKind(kind);
            }
            const std::size_t size = static_cast<std::size_t>(geometry->WkbSize());
            wkb.resize(size);
            geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
            const char* problem = nullptr;
            if (!result.geometry.appendWkb(wkb.data(), size, &problem)) {
                report(Issue::Severity::Warning, fid,
                       message("geometry_skipped", "geometry skipped: {problem}",
                               {{"problem", problem}}),
                       Issue::Kind::GeometrySkipped);
            } else {
                const std::size_t last = result.geometry.featureCount() - 1;
                const Envelope& e = result.geometry.envelope(last);
                bool finite = std::isfinite(e.minX) && std::isfinite(e.maxX) &&
                              std::isfinite(e.minY) && std::isfinite(e.maxY);
                for (std::size_t p = 0; finite && p < result.geometry.partCount(last); ++p)
                    for (std::size_t r = 0; finite && r < result.geometry.ringCount(last, p); ++r)
                        for (double v : result.geometry.ring(last, p, r).xy)
                            if (!std::isfinite(v) || std::fabs(v) > 1e15) {
                                finite = false;
                                break;
                            }
                if (!finite) {
                    result.geometry.popFeature();
                    result.geometry.appendEmpty();
                    report(Issue::Severity::Warning, fid,
                           message("geometry_skipped", "geometry skipped: {problem}",
                                   {{"problem", "coordinates are NaN, infinite or absurdly large"}}),
                           Issue::Kind::GeometrySkipped);
                }
            }
        }

        // Attributes.
        for (int column = 0; column < static_cast<int>(ogrTypes.size()); ++column) {
            const int i = sourceIndex[column];
            if (!feature->IsFieldSetAndNotNull(i)) {
                result.attributes.setUnknown(column);
                continue;
            }
            switch (ogrTypes[column]) {
            case OFTInteger:
            case OFTInteger64:
                result.attributes.setInteger(column, feature->GetFieldAsInteger64(i));
                break;
            case OFTReal:
                result.attributes.setReal(column, feature->GetFieldAsDouble(i));
                break;
            case OFTDate:
            case OFTDateTime: {
                int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
                float ss = 0;
                feature->GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz);
                if (y > 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
                    result.attributes.setDate(column, Date::fromYmd(y, static_cast<unsigned>(m),
                                                                    static_cast<unsigned>(d)));
                else
                    result.attributes.setUnknown(column);
                break;
            }
            default: {
                const char* text = feature->GetFieldAsString(i);
                std::string_view view(text ? text : "");
                if (!isValidUtf8(view)) {
                    if (!reportedBadText) {
                        report(Issue::Severity::Warning, fid,
                               message("broken_text",
                                       "text in field '{field}' is not valid after decoding as "
                                       "{encoding} ({reason}); broken bytes are shown as "
                                       "\xEF\xBF\xBD. Try --encoding",
                                       withNested({{"field", fields[column].name},
                                                   {"encoding", result.encoding.name}},
                                                  "reason", result.encoding.reason,
                                                  result.encoding.reasonMessage().id,
                                                  result.encoding.reasonMessage().parts)));
                        reportedBadText = true;
                    }
                    result.attributes.setText(column, sanitizeUtf8(view));
                } else {
                    result.attributes.setText(column, view);
                }
            }
            }
        }
        result.attributes.commitRow();

        ++index;
        if (options.progress && (index & 1023) == 0 && total > 0 &&
            !options.progress(static_cast<double>(index) / static_cast<double>(total)))
            throw Cancelled();
    }
    if (direct) {
        if (direct->fids != result.fids || directIssues.count(Issue::Severity::Error) > 0) {
            // GDAL and the direct reader disagree on the records, or a record is corrupt (a
            // file odd enough to matter): GDAL is the reference, and says what it makes of it.
            ReadOptions throughGdal = options;
            throughGdal.directShapefileGeometry = false;
            return readLayer(ref, throughGdal, issues);
        }
        result.geometry = std::move(direct->geometry);
        for (const Issue& issue : directIssues.issues()) {
            Issue named = issue;
            named.layer = result.name;
            issues.report(std::move(named));
        }
    }
    result.geometry.shrinkToFit();

    if (!options.targetCrs.isEmpty() && !result.crs.isEmpty() &&
        !options.targetCrs.isSameAs(result.crs)) {
        Transform transform(result.crs, options.targetCrs);
        std::size_t failed = 0;
        result.geometry.transformAll(
            [&](double* xy, std::size_t count) { failed = transform.forward(xy, count); });
        if (failed > 0)
            report(Issue::Severity::Warning, -1,
                   message("vertices_not_transformed",
                           "{count} vertices could not be transformed to {crs}",
                           {{"count", std::to_string(failed)},
                            {"crs", options.targetCrs.label()}}));
        if (transform.isBallpark())
            report(Issue::Severity::Warning, -1, ballparkMessage(result.crs, options.targetCrs),
                   Issue::Kind::BallparkTransform);
        result.crs = options.targetCrs;
    }
    if (options.progress)
        options.progress(1.0);
    return result;
}

bool issueDropsGeometry(const Issue& issue)
{
    // Feature-level errors (GDAL could not read the record; the direct reader found it corrupt)
    // and the warnings that drop a geometry (Issue::Kind::GeometrySkipped) all name the feature.
    return issue.fid >= 0 &&
           (issue.severity == Issue::Severity::Error || issue.kind == Issue::Kind::GeometrySkipped);
}

} // namespace parkatlas::geo
