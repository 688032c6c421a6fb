#include "geo/io/vct_writer.h"

#include "geo/crs/gauss_kruger.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/gdal_open.h"
#include "geo/issue.h"
#include "geo/model/role.h"

#include <cpl_string.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <ostream>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

std::string number(double value)
{
    char buffer[400];
    // The shortest decimal that reads back as the same double, never in exponent form.
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value,
                                      std::chars_format::fixed);
    return std::string(buffer, result.ptr);
}

/// Table, field and code names: no separator, no blanks.
std::string safeName(std::string name)
{
    for (char& c : name)
        if (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ':')
            c = '_';
    return name.empty() ? std::string("_") : name;
}

/// Text as a VCT value: the separator becomes a full-width comma, line breaks spaces.
std::string safeText(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ',')
            out += "\xEF\xBC\x8C"; // ，
        else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            continue;
        else if (c == '\r' || c == '\n' || c == '\t')
            out += ' ';
        else
            out += c;
    }
    return out;
}

struct Section {
    std::string text;
};

class Encoder {
public:
    explicit Encoder(std::string encoding) : m_encoding(std::move(encoding))
    {
        std::string n = m_encoding;
        for (char& c : n)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        m_utf8 = n == "UTF-8" || n == "UTF8";
    }
    /// `utf8` in the output encoding; false in `lossless` when a character cannot be written.
    std::string operator()(std::string_view utf8, bool* lossless = nullptr) const
    {
        if (m_utf8 || isAscii(utf8))
            return std::string(utf8);
        const std::string copy(utf8);
        CPLPushErrorHandler(CPLQuietErrorHandler);
        char* encoded = CPLRecode(copy.c_str(), CPL_ENC_UTF8, m_encoding.c_str());
        std::string out = encoded ? encoded : "";
        CPLFree(encoded);
        char* back = CPLRecode(out.c_str(), m_encoding.c_str(), CPL_ENC_UTF8);
        const bool same = back && copy == back;
        CPLFree(back);
        CPLPopErrorHandler();
        if (lossless)
            *lossless = same;
        return out;
    }

private:
    std::string m_encoding;
    bool m_utf8 = false;
};

struct Source {
    LayerRef ref;
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
    EncodingChoice encoding;
    Crs crs;
};

enum class Kind { None, Point, Line, Polygon };

Kind kindOf(OGRwkbGeometryType type)
{
    switch (wkbFlatten(type)) {
    case wkbPoint:
    case wkbMultiPoint:
        return Kind::Point;
    case wkbLineString:
    case wkbMultiLineString:
    case wkbCircularString:
    case wkbCompoundCurve:
    case wkbMultiCurve:
        return Kind::Line;
    case wkbPolygon:
    case wkbMultiPolygon:
    case wkbCurvePolygon:
    case wkbMultiSurface:
        return Kind::Polygon;
    default:
        return Kind::None;
    }
}

const char* kindName(Kind kind)
{
    switch (kind) {
    case Kind::Point:
        return "Point";
    case Kind::Line:
        return "Line";
    case Kind::Polygon:
        return "Polygon";
    case Kind::None:
        break;
    }
    return "";
}

std::string fieldType(const OGRFieldDefn& field)
{
    const int width = field.GetWidth();
    switch (field.GetType()) {
    case OFTInteger:
        if (field.GetSubType() == OFSTBoolean)
            return "Boolean";
        return field.GetSubType() == OFSTInt16 ? "Int2" : "Int4";
    case OFTInteger64:
        return "Int8";
    case OFTReal:
        if (width > 0)
            return "Float," + std::to_string(width) + "," + std::to_string(field.GetPrecision());
        return "Double";
    case OFTDate:
        return "Date,8";
    case OFTDateTime:
        return "Datetime";
    case OFTTime:
        return "Time";
    case OFTBinary:
        return "Varbin";
    case OFTString:
        if (width > 0)
            return "Char," + std::to_string(width);
        return "Varchar";
    default:
        return "Varchar";
    }
}

void appendPoint(std::string& out, double x, double y)
{
    out += number(x);
    out += ',';
    out += number(y);
    out += "\r\n";
}

void appendPath(std::string& out, const OGRSimpleCurve& curve, Envelope& extent)
{
    out += std::to_string(curve.getNumPoints());
    out += "\r\n";
    for (int i = 0; i < curve.getNumPoints(); ++i) {
        appendPoint(out, curve.getX(i), curve.getY(i));
        extent.expand(curve.getX(i), curve.getY(i));
    }
}

} // namespace

std::vector<VctWrittenTable> writeVct(const std::vector<LayerRef>& layers,
                                      const std::string& destination,
                                      const VctWriteOptions& options, IssueSink& issues)
{
    ensureGdal();
    std::error_code ec;
    if (fs::exists(destination, ec) && !options.overwrite)
        throw IoError("the destination exists; pass --overwrite to replace it",
                      {destination, {}, -1, {}});
    const Encoder encode(options.encoding);

    // Open every layer and settle the one CRS of the file.
    std::vector<Source> sources;
    for (const LayerRef& ref : layers) {
        Source source;
        source.ref = ref;
        GdalErrorCapture errors;
        source.encoding = encodingForDataset(ref.datasetPath, options.open);
        source.dataset = openVectorDataset(ref.datasetPath, source.encoding, errors);
        source.layer = ref.layerName.empty() ? source.dataset->GetLayer(0)
                                             : source.dataset->GetLayerByName(ref.layerName.c_str());
        if (!source.layer)
            throw IoError("no such layer in this source", {ref.datasetPath, ref.layerName, -1, {}});
        source.ref.layerName = source.layer->GetName();
        for (Issue& issue : readerIssues(*source.dataset, source.ref.layerName)) {
            issue.path = ref.datasetPath;
            issues.report(std::move(issue));
        }
        for (const auto& message : errors.take())
            issues.report({message.failure ? Issue::Severity::Error : Issue::Severity::Warning,
                           ref.datasetPath, source.ref.layerName, -1, message.text});
        source.crs = options.open.sourceSrs.empty()
                         ? Crs::fromOgr(source.layer->GetSpatialRef())
                         : Crs::fromUserInput(options.open.sourceSrs);
        sources.push_back(std::move(source));
    }
    Crs target;
    if (!options.targetSrs.empty())
        target = Crs::fromUserInput(options.targetSrs);
    for (const Source& source : sources)
        if (target.isEmpty() && !source.crs.isEmpty() &&
            source.layer->GetGeomType() != wkbNone)
            target = source.crs;

    // The head's CRS description.
    std::string systemType = "C", spheroid, projection, parameters;
    if (!target.isEmpty()) {
        const OGRSpatialReference* srs = target.ogr();
        std::string datumName = target.datumName();
        const double a = target.semiMajorM(), rf = target.inverseFlattening();
        std::string spheroidName = datumName;
        if (std::fabs(a - 6378137.0) < 0.5 && std::fabs(rf - 298.257222101) < 1e-6)
            spheroidName = "CGCS2000";
        else if (std::fabs(a - 6378140.0) < 0.5 && std::fabs(rf - 298.257) < 1e-3)
            spheroidName = "Xian1980";
        else if (std::fabs(a - 6378245.0) < 0.5 && std::fabs(rf - 298.3) < 1e-3)
            spheroidName = "Beijing1954";
        spheroid = safeName(spheroidName) + "," + number(a) + "," + number(rf);
        if (target.isGeographic()) {
            systemType = "D";
        } else {
            systemType = "P";
            const char* method = srs->GetAttrValue("PROJECTION");
            if (!target.centralMeridianDeg() || !method ||
                !EQUAL(method, SRS_PT_TRANSVERSE_MERCATOR)) {
                issues.report({Issue::Severity::Warning, destination, {}, -1,
                               "the CRS " + target.label() +
                                   " is not Gauss-Krüger: the head names its projection, but "
                                   "VCT readers may not rebuild it; reproject with --t-srs "
                                   "(EPSG:4490–4554 for CGCS2000)"});
                projection = safeName(method ? method : target.name());
            } else {
                projection = "高斯-克吕格投影";
                const double cm = *target.centralMeridianDeg();
                const double k = srs->GetNormProjParm(SRS_PP_SCALE_FACTOR, 1.0);
                const double fe = srs->GetNormProjParm(SRS_PP_FALSE_EASTING, 500000.0);
                const double fn = srs->GetNormProjParm(SRS_PP_FALSE_NORTHING, 0.0);
                // Zone width: what the EPSG code says where it is one of the Chinese zones.
                int width = 3;
                const int cmWhole = static_cast<int>(std::lround(cm));
                const bool prefixed = fe >= 1e6;
                if (auto epsg = target.epsg()) {
                    for (ChineseDatum datum : {ChineseDatum::Cgcs2000, ChineseDatum::Xian1980,
                                               ChineseDatum::Beijing1954})
                        if (gaussKrugerEpsg(datum, 6, cmWhole, prefixed) == *epsg)
                            width = 6;
                } else if (target.name().find("6-degree") != std::string::npos ||
                           target.name().find("6_Degree") != std::string::npos) {
                    width = 6;
                }
                const int zone = width == 3 ? cmWhole / 3 : (cmWhole + 3) / 6;
                parameters = number(cm) + "," + number(k) + "," + number(fe) + "," + number(fn) +
                             "," + std::to_string(width) + "," + std::to_string(zone);
            }
        }
    }

    // Feature codes, tables, objects and rows.
    std::string featureCodes, tableStructures;
    std::string points, lines, polygons, annotations, attributes;
    Envelope extent;
    std::vector<VctWrittenTable> written;
    std::map<std::string, int> usedTables;
    int codeNumber = 0;
    for (Source& source : sources) {
        OGRLayer& layer = *source.layer;
        OGRFeatureDefn* definition = layer.GetLayerDefn();
        Kind kind = kindOf(layer.GetGeomType());
        if (kind == Kind::None && layer.GetGeomType() != wkbNone) {
            // An unknown or mixed geometry type: the first geometry decides.
            layer.ResetReading();
            for (auto& feature : layer)
                if (const OGRGeometry* g = feature->GetGeometryRef()) {
                    kind = kindOf(g->getGeometryType());
                    break;
                }
        }
        std::string table = safeName(source.ref.layerName);
        for (int n = 2; usedTables.count(table); ++n)
            table = safeName(source.ref.layerName) + "_" + std::to_string(n);
        usedTables[table] = 1;
        ++codeNumber;
        std::string code;
        std::string codeName;
        if (const char* kept = layer.GetMetadataItem("VCT_FEATURE_CODE"))
            code = kept;
        if (const char* description = layer.GetMetadataItem("DESCRIPTION"))
            codeName = description;
        if (code.empty()) {
            char buffer[16];
            std::snprintf(buffer, sizeof buffer, "9%03d000000", codeNumber % 1000);
            code = buffer;
        }
        if (codeName.empty()) {
            if (auto role = roleFromLayerName(source.ref.layerName))
                codeName = chineseName(*role);
            else
                codeName = source.ref.layerName;
        }
        VctWrittenTable done;
        done.sourceDataset = source.ref.datasetPath;
        done.sourceLayer = source.ref.layerName;
        done.table = table;
        done.sourceEncoding = source.encoding;
        done.crsLabel = target.isEmpty() ? std::string("none") : target.label();
        // A point layer read from a VCT annotation section goes back there, with its text.
        const char* vctGeometry = layer.GetMetadataItem("VCT_GEOMETRY");
        const int textField = definition->GetFieldIndex("text");
        const int angleField = definition->GetFieldIndex("angle");
        const bool annotation = kind == Kind::Point && textField >= 0 && vctGeometry &&
                                EQUAL(vctGeometry, "Annotation");
        if (kind != Kind::None) {
            done.featureCode = code;
            featureCodes += encode(safeName(code) + "," + safeText(codeName) + "," +
                                   (annotation ? "Annotation" : kindName(kind)) + ",0,0,0," +
                                   table) +
                            "\r\n";
        }
        tableStructures += encode(table + "," + std::to_string(definition->GetFieldCount()) +
                                  (kind == Kind::None ? ",NoneGeometry" : "")) +
                           "\r\n";
        for (int i = 0; i < definition->GetFieldCount(); ++i) {
            const OGRFieldDefn& field = *definition->GetFieldDefn(i);
            tableStructures += encode(safeName(field.GetNameRef()) + "," + fieldType(field)) +
                               "\r\n";
        }
        tableStructures += "0\r\n";

        // Reprojection into the file's CRS.
        std::unique_ptr<OGRCoordinateTransformation> transform;
        if (kind != Kind::None && !target.isEmpty()) {
            if (source.crs.isEmpty()) {
                issues.report({Issue::Severity::Warning, source.ref.datasetPath,
                               source.ref.layerName, -1,
                               "the layer has no coordinate system; its coordinates are "
                               "written as if in " +
                                   target.label()});
            } else if (!source.crs.isSameAs(target)) {
                OGRSpatialReference from(*source.crs.ogr());
                OGRSpatialReference to(*target.ogr());
                from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
                transform.reset(OGRCreateCoordinateTransformation(&from, &to));
                if (!transform)
                    throw CrsError("cannot transform from " + source.crs.label() + " to " +
                                       target.label(),
                                   {source.ref.datasetPath, source.ref.layerName, -1, {}});
            }
        }

        // OIDs: the feature ids, made positive (a shapefile counts from 0, and a line "0" ends
        // an object).
        GIntBig minFid = 1;
        layer.ResetReading();
        for (auto& feature : layer)
            minFid = std::min<GIntBig>(minFid, feature->GetFID());
        const GIntBig shift = minFid <= 0 ? 1 - minFid : 0;
        if (shift != 0)
            issues.report({Issue::Severity::Note, source.ref.datasetPath, source.ref.layerName,
                           -1,
                           "feature ids start at " + std::to_string(minFid) +
                               "; the VCT OIDs are the ids plus " + std::to_string(shift)});

        attributes += encode(table) + "\r\n";
        std::map<int, std::size_t> unwritable; // field → values GBK cannot hold
        std::size_t wrongKind = 0;
        layer.ResetReading();
        for (auto& feature : layer) {
            const GIntBig oid = feature->GetFID() + shift;
            const std::string oidText = std::to_string(oid);
            std::unique_ptr<OGRGeometry> geometry;
            if (const OGRGeometry* g = feature->GetGeometryRef(); g && !g->IsEmpty() &&
                                                                  kind != Kind::None) {
                geometry.reset(g->hasCurveGeometry(TRUE) ? g->getLinearGeometry() : g->clone());
                if (transform && geometry->transform(transform.get()) != OGRERR_NONE) {
                    issues.report({Issue::Severity::Warning, source.ref.datasetPath,
                                   source.ref.layerName, feature->GetFID(),
                                   "cannot be transformed into " + target.label() +
                                       "; written without geometry"});
                    geometry.reset();
                }
            }
            if (geometry && kindOf(geometry->getGeometryType()) != kind) {
                ++wrongKind;
                geometry.reset();
            }
            if (geometry) {
                const OGRwkbGeometryType flat = wkbFlatten(geometry->getGeometryType());
                const std::string header = oidText + "\r\n" + encode(safeName(code)) +
                                           "\r\nUnknown\r\n1\r\n";
                if (annotation) {
                    const OGRPoint* p = flat == wkbPoint
                                            ? geometry->toPoint()
                                            : geometry->toMultiPoint()->getGeometryRef(0);
                    annotations += header;
                    annotations += encode(safeText(feature->GetFieldAsString(textField))) + "\r\n";
                    annotations += number(p->getX()) + "," + number(p->getY());
                    if (angleField >= 0 && feature->IsFieldSetAndNotNull(angleField))
                        annotations += "," + number(feature->GetFieldAsDouble(angleField));
                    annotations += "\r\n0\r\n\r\n";
                    extent.expand(p->getX(), p->getY());
                } else if (kind == Kind::Point) {
                    std::vector<const OGRPoint*> parts;
                    if (flat == wkbPoint)
                        parts.push_back(geometry->toPoint());
                    else
                        for (const OGRGeometry* part : *geometry->toMultiPoint())
                            parts.push_back(part->toPoint());
                    points += header + std::to_string(parts.size()) + "\r\n";
                    for (const OGRPoint* p : parts) {
                        appendPoint(points, p->getX(), p->getY());
                        extent.expand(p->getX(), p->getY());
                    }
                    points += "0\r\n\r\n";
                } else if (kind == Kind::Line) {
                    std::vector<const OGRLineString*> parts;
                    if (flat == wkbLineString)
                        parts.push_back(geometry->toLineString());
                    else
                        for (const OGRGeometry* part : *geometry->toMultiLineString())
                            parts.push_back(part->toLineString());
                    lines += header + std::to_string(parts.size()) + "\r\n";
                    for (const OGRLineString* part : parts) {
                        lines += "11\r\n";
                        appendPath(lines, *part, extent);
                    }
                    lines += "0\r\n\r\n";
                } else {
                    std::vector<const OGRLinearRing*> rings;
                    auto addRings = [&](const OGRPolygon& polygon) {
                        for (const OGRLinearRing* ring : polygon)
                            rings.push_back(ring);
                    };
                    if (flat == wkbPolygon)
                        addRings(*geometry->toPolygon());
                    else
                        for (const OGRGeometry* part : *geometry->toMultiPolygon())
                            addRings(*part->toPolygon());
                    // The label point: inside the polygon (GEOS), else its first vertex.
                    double labelX = rings.front()->getX(0), labelY = rings.front()->getY(0);
                    if (OGRGeometryH inside =
                            OGR_G_PointOnSurface(OGRGeometry::ToHandle(geometry.get()))) {
                        if (!OGR_G_IsEmpty(inside)) {
                            labelX = OGR_G_GetX(inside, 0);
                            labelY = OGR_G_GetY(inside, 0);
                        }
                        OGR_G_DestroyGeometry(inside);
                    }
                    polygons += header;
                    appendPoint(polygons, labelX, labelY);
                    polygons += std::to_string(rings.size()) + "\r\n";
                    for (const OGRLinearRing* ring : rings) {
                        polygons += "11\r\n";
                        appendPath(polygons, *ring, extent);
                    }
                    polygons += "0\r\n\r\n";
                }
            }
            // The attribute row.
            std::string row = oidText;
            for (int i = 0; i < definition->GetFieldCount(); ++i) {
                row += ',';
                if (!feature->IsFieldSetAndNotNull(i))
                    continue;
                const OGRFieldDefn& field = *definition->GetFieldDefn(i);
                switch (field.GetType()) {
                case OFTInteger:
                case OFTInteger64:
                    row += std::to_string(feature->GetFieldAsInteger64(i));
                    break;
                case OFTReal:
                    row += number(feature->GetFieldAsDouble(i));
                    break;
                case OFTDate:
                case OFTDateTime: {
                    int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
                    float ss = 0;
                    feature->GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz);
                    char buffer[32];
                    if (field.GetType() == OFTDate)
                        std::snprintf(buffer, sizeof buffer, "%04d%02d%02d", y, m, d);
                    else
                        std::snprintf(buffer, sizeof buffer, "%04d%02d%02d%02d%02d%02d", y, m, d,
                                      hh, mm, static_cast<int>(ss));
                    row += buffer;
                    break;
                }
                case OFTBinary: {
                    int bytes = 0;
                    const GByte* data = feature->GetFieldAsBinary(i, &bytes);
                    char* hex = CPLBinaryToHex(bytes, data);
                    row += hex;
                    CPLFree(hex);
                    break;
                }
                default: {
                    bool lossless = true;
                    row += encode(safeText(feature->GetFieldAsString(i)), &lossless);
                    if (!lossless)
                        ++unwritable[i];
                }
                }
            }
            attributes += row + "\r\n";
            ++done.featureCount;
        }
        attributes += "TableEnd\r\n";
        for (const auto& [field, count] : unwritable)
            issues.report({Issue::Severity::Warning, source.ref.datasetPath,
                           source.ref.layerName, -1,
                           std::to_string(count) + " values of field '" +
                               definition->GetFieldDefn(field)->GetNameRef() +
                               "' hold characters that " + options.encoding +
                               " cannot write (shown as '?'); write with --vct-encoding "
                               "GB18030 or UTF-8"});
        if (wrongKind > 0)
            issues.report({Issue::Severity::Warning, source.ref.datasetPath, source.ref.layerName,
                           -1,
                           std::to_string(wrongKind) + " features are not " + kindName(kind) +
                               "s like the rest of the layer: written without geometry"});
        written.push_back(std::move(done));
    }

    // The head, then the sections in the standard's order.
    char date[16];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(date, sizeof date, "%Y%m%d", &local);
    std::string head = "HeadBegin\r\nDataMark:LANDUSE-VCT\r\nVersion:3.0\r\n";
    head += "CoordinateSystemType:" + systemType + "\r\nDim:2\r\nXAxisDirection:E\r\n"
            "YAxisDirection:N\r\nXYUnit:" + std::string(systemType == "D" ? "D" : "M") +
            "\r\n";
    if (!spheroid.empty())
        head += "Spheroid:" + spheroid + "\r\nPrimeMeridian:Greenwich\r\n";
    if (!projection.empty())
        head += encode("Projection:" + projection) + "\r\n";
    if (!parameters.empty())
        head += "Parameters:" + parameters + "\r\n";
    if (!extent.isEmpty()) {
        head += "ExtentMin:" + number(extent.minX) + "," + number(extent.minY) + "\r\n";
        head += "ExtentMax:" + number(extent.maxX) + "," + number(extent.maxY) + "\r\n";
    }
    head += "MapScale:2000\r\nOffset:0,0\r\nDate:" + std::string(date) +
            "\r\nSeparator:,\r\nHeadEnd\r\n\r\n";

    writeFileAtomically(destination, [&](std::ostream& out) {
        out << head;
        out << "FeatureCodeBegin\r\n" << featureCodes << "FeatureCodeEnd\r\n\r\n";
        out << "TableStructureBegin\r\n" << tableStructures << "TableStructureEnd\r\n\r\n";
        out << "PointBegin\r\n" << points << "PointEnd\r\n\r\n";
        out << "LineBegin\r\n" << lines << "LineEnd\r\n\r\n";
        out << "PolygonBegin\r\n" << polygons << "PolygonEnd\r\n\r\n";
        out << "AnnotationBegin\r\n" << annotations << "AnnotationEnd\r\n\r\n";
        out << "AttributeBegin\r\n" << attributes << "AttributeEnd\r\n";
    });
    return written;
}

} // namespace parkatlas::geo
