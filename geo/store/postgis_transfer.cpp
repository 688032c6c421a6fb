#include "geo/store/postgis_transfer.h"

#include "geo/crs/crs.h"
#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/encoding.h"
#include "geo/io/gdal_open.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/store/history.h"

#include <libpq-fe.h>
#include <ogrsf_frmts.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <set>
#include <unistd.h>

namespace parkatlas::geo {

namespace fs = std::filesystem;

namespace {

/// The PostgreSQL type of an OGR field, so that GDAL reads the same type back.
std::string columnType(const OGRFieldDefn& field)
{
    switch (field.GetType()) {
    case OFTInteger:
        if (field.GetSubType() == OFSTBoolean)
            return "boolean";
        if (field.GetSubType() == OFSTInt16)
            return "smallint";
        return "integer";
    case OFTInteger64:
        return "bigint";
    case OFTReal:
        return field.GetSubType() == OFSTFloat32 ? "real" : "double precision";
    case OFTString:
        return field.GetWidth() > 0 ? "varchar(" + std::to_string(field.GetWidth()) + ")"
                                    : std::string("text");
    case OFTDate:
        return "date";
    case OFTTime:
        return "time";
    case OFTDateTime:
        return "timestamp";
    case OFTBinary:
        return "bytea";
    default:
        return "text";
    }
}

std::string shortestDouble(double value)
{
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

/// One field's value in COPY text form ("\N" for null or unset).
void appendValue(std::string& out, OGRFeature& feature, int index, const OGRFieldDefn& field)
{
    if (!feature.IsFieldSetAndNotNull(index)) {
        out += "\\N";
        return;
    }
    char buffer[80];
    switch (field.GetType()) {
    case OFTInteger:
        if (field.GetSubType() == OFSTBoolean) {
            out += feature.GetFieldAsInteger(index) ? "t" : "f";
            return;
        }
        out += std::to_string(feature.GetFieldAsInteger(index));
        return;
    case OFTInteger64:
        out += std::to_string(feature.GetFieldAsInteger64(index));
        return;
    case OFTReal:
        out += shortestDouble(feature.GetFieldAsDouble(index));
        return;
    case OFTDate:
    case OFTTime:
    case OFTDateTime: {
        int year = 0, month = 0, day = 0, hour = 0, minute = 0, tz = 0;
        float second = 0;
        feature.GetFieldAsDateTime(index, &year, &month, &day, &hour, &minute, &second, &tz);
        if (field.GetType() == OFTDate)
            std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", year, month, day);
        else if (field.GetType() == OFTTime)
            std::snprintf(buffer, sizeof buffer, "%02d:%02d:%06.3f", hour, minute, second);
        else
            std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%06.3f", year, month,
                          day, hour, minute, second);
        out += buffer;
        return;
    }
    case OFTBinary: {
        int size = 0;
        const GByte* bytes = feature.GetFieldAsBinary(index, &size);
        out += "\\\\x";
        static const char* kHex = "0123456789abcdef";
        for (int i = 0; i < size; ++i) {
            out += kHex[bytes[i] >> 4];
            out += kHex[bytes[i] & 15];
        }
        return;
    }
    default:
        appendCopyText(out, sanitizeUtf8(feature.GetFieldAsString(index)));
        return;
    }
}

/// PostGIS's name of a geometry type, with its Z/M suffix ("MultiPolygon", "LineStringZ").
std::string postgisTypeName(OGRwkbGeometryType type)
{
    std::string name;
    switch (wkbFlatten(type)) {
    case wkbPoint:
        name = "Point";
        break;
    case wkbLineString:
        name = "LineString";
        break;
    case wkbPolygon:
        name = "Polygon";
        break;
    case wkbMultiPoint:
        name = "MultiPoint";
        break;
    case wkbMultiLineString:
        name = "MultiLineString";
        break;
    case wkbMultiPolygon:
        name = "MultiPolygon";
        break;
    case wkbGeometryCollection:
        name = "GeometryCollection";
        break;
    case wkbCircularString:
        name = "CircularString";
        break;
    case wkbCompoundCurve:
        name = "CompoundCurve";
        break;
    case wkbCurvePolygon:
        name = "CurvePolygon";
        break;
    case wkbMultiCurve:
        name = "MultiCurve";
        break;
    case wkbMultiSurface:
        name = "MultiSurface";
        break;
    default:
        return "Geometry";
    }
    if (OGR_GT_HasZ(type))
        name += "Z";
    if (OGR_GT_HasM(type))
        name += "M";
    return name;
}

void appendGeometry(std::string& out, const OGRGeometry* geometry, int srid,
                    std::vector<unsigned char>& wkb)
{
    if (!geometry) {
        out += "\\N";
        return;
    }
    wkb.resize(static_cast<std::size_t>(geometry->WkbSize()));
    geometry->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    out += "SRID=" + std::to_string(srid) + ";";
    static const char* kHex = "0123456789ABCDEF";
    for (unsigned char byte : wkb) {
        out += kHex[byte >> 4];
        out += kHex[byte & 15];
    }
}

std::string schemaOf(PgConnection& connection, const std::string& requested)
{
    return requested.empty() ? connection.currentSchema() : requested;
}

} // namespace

void grantParkRoles(PgConnection& connection, const std::string& schema)
{
    for (const char* role : {kAuditorRole, kPlannerRole, kAdministratorRole}) {
        PgResult exists = connection.exec("SELECT 1 FROM pg_roles WHERE rolname = $1", {role});
        if (exists.rows() == 0)
            connection.exec("CREATE ROLE " + connection.quoteIdentifier(role) + " NOLOGIN");
    }
    const std::string s = connection.quoteIdentifier(schema);
    const std::string auditor = connection.quoteIdentifier(kAuditorRole);
    const std::string planner = connection.quoteIdentifier(kPlannerRole);
    const std::string administrator = connection.quoteIdentifier(kAdministratorRole);
    connection.exec("GRANT USAGE ON SCHEMA " + s + " TO " + auditor + ", " + planner + ", " +
                    administrator);
    connection.exec("GRANT SELECT ON ALL TABLES IN SCHEMA " + s + " TO " + auditor + ", " +
                    planner);
    connection.exec("GRANT ALL ON ALL TABLES IN SCHEMA " + s + " TO " + administrator);
    connection.exec("GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + s + " TO " + administrator);
    PgResult expansion = connection.exec(
        "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'expansion'", {schema});
    if (expansion.rows() > 0) {
        connection.exec("GRANT INSERT, UPDATE, DELETE ON " +
                        connection.qualified(schema, "expansion") + " TO " + planner);
        connection.exec("GRANT USAGE ON SEQUENCE " +
                        connection.qualified(schema, "expansion_fid_seq") + " TO " + planner);
    }
}

std::vector<TransferredLayer> pushPark(const ParkDefinition& park, const std::string& connection,
                                       const PushOptions& options, IssueSink& issues)
{
    ensureGdal();
    refusePassword(connection, "the destination");
    PgConnection pg(connection);
    const std::string schema = schemaOf(pg, options.schema);
    if (park.layers.empty())
        throw IoError("the park has no layer with a conventional name (parcels, plan_zones …); "
                      "nothing to publish",
                      {park.source, {}, -1, {}});

    std::vector<TransferredLayer> published;
    PgTransaction transaction(pg);
    pg.exec("CREATE SCHEMA IF NOT EXISTS " + pg.quoteIdentifier(schema));
    for (std::size_t k = 0; k < park.layers.size(); ++k) {
        const ParkLayerSource& source = park.layers[k];
        const std::string table = toString(source.role);
        const ErrorContext where{source.ref.datasetPath, source.ref.layerName, -1, {}};
        GdalErrorCapture errors;
        const EncodingChoice encoding = encodingForDataset(source.ref.datasetPath, source.open);
        GDALDatasetUniquePtr dataset = openVectorDataset(source.ref.datasetPath, encoding, errors);
        OGRLayer* layer = source.ref.layerName.empty()
                              ? dataset->GetLayer(0)
                              : dataset->GetLayerByName(source.ref.layerName.c_str());
        if (!layer)
            throw IoError("no such layer in this source", where);

        const Crs crs = !source.open.sourceSrs.empty() ? Crs::fromUserInput(source.open.sourceSrs)
                                                       : Crs::fromOgr(layer->GetSpatialRef());
        if (crs.isEmpty())
            throw CrsError("the layer has no coordinate system; give one with --s-srs", where);
        const std::optional<int> srid = crs.epsg();
        if (!srid)
            throw CrsError("the layer's coordinate system (" + crs.label() +
                               ") has no EPSG code, which PostGIS needs; give one with --s-srs",
                           where);

        const std::string qualified = pg.qualified(schema, table);
        PgResult exists = pg.exec(
            "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2", {schema, table});
        if (exists.rows() > 0) {
            if (!options.replace)
                throw IoError("schema '" + schema + "' already has a table '" + table +
                                  "'; pass --replace to publish over it",
                              {pg.describe(), table, -1, {}});
            // The rows replaced stay readable in the table's history (as of an earlier day).
            archivePostgisTable(pg, schema, table, "push");
            pg.exec("DROP TABLE " + qualified + " CASCADE");
        }

        OGRFeatureDefn* definition = layer->GetLayerDefn();
        std::string create = "CREATE TABLE " + qualified + " (" + pg.quoteIdentifier(kFidColumn) +
                             " bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        for (int i = 0; i < definition->GetFieldCount(); ++i) {
            const OGRFieldDefn& field = *definition->GetFieldDefn(i);
            const std::string name = sanitizeUtf8(field.GetNameRef());
            if (name == kFidColumn || name == kGeometryColumn || name == kVersionColumn)
                throw IoError("the layer has a field named '" + name +
                                  "', a name the store keeps for itself; rename the field",
                              {where.path, where.layer, -1, name});
            if (name.size() > 63)
                throw IoError("the field name is longer than PostgreSQL's 63 bytes; rename the "
                              "field",
                              {where.path, where.layer, -1, name});
            create += ", " + pg.quoteIdentifier(name) + " " + columnType(field);
        }
        create += ", " + pg.quoteIdentifier(kGeometryColumn) + " geometry(Geometry, " +
                  std::to_string(*srid) + "), " + pg.quoteIdentifier(kVersionColumn) +
                  " integer NOT NULL DEFAULT 1)";
        pg.exec(create);

        std::string columns = pg.quoteIdentifier(kFidColumn);
        for (int i = 0; i < definition->GetFieldCount(); ++i)
            columns +=
                ", " + pg.quoteIdentifier(sanitizeUtf8(definition->GetFieldDefn(i)->GetNameRef()));
        columns += ", " + pg.quoteIdentifier(kGeometryColumn);
        pg.beginCopy("COPY " + qualified + " (" + columns + ") FROM STDIN");

        TransferredLayer done;
        done.layer = table;
        done.source =
            source.ref.datasetPath +
            (source.ref.layerName.empty() ? std::string() : " (" + source.ref.layerName + ")");
        done.srid = *srid;
        std::set<std::string> types;
        std::string buffer;
        std::vector<unsigned char> wkb;
        const std::int64_t total = layer->GetFeatureCount(FALSE);
        layer->ResetReading();
        try {
            for (OGRFeatureUniquePtr feature(layer->GetNextFeature()); feature;
                 feature.reset(layer->GetNextFeature())) {
                buffer += std::to_string(feature->GetFID());
                for (int i = 0; i < definition->GetFieldCount(); ++i) {
                    buffer += '\t';
                    appendValue(buffer, *feature, i, *definition->GetFieldDefn(i));
                }
                buffer += '\t';
                const OGRGeometry* geometry = feature->GetGeometryRef();
                appendGeometry(buffer, geometry, *srid, wkb);
                if (geometry)
                    types.insert(postgisTypeName(geometry->getGeometryType()));
                buffer += '\n';
                ++done.featureCount;
                if (buffer.size() > (4u << 20)) {
                    pg.putCopy(buffer);
                    buffer.clear();
                    if (options.progress && total > 0) {
                        const double share = (static_cast<double>(k) +
                                              static_cast<double>(done.featureCount) / total) /
                                             static_cast<double>(park.layers.size());
                        if (!options.progress(share))
                            throw Cancelled();
                    }
                }
            }
            pg.putCopy(buffer);
            pg.endCopy();
        } catch (const PgError& error) {
            throw PgError(error.message(), error.sqlState(), {where.path, where.layer, -1, {}});
        }
        for (const auto& message : errors.take())
            issues.report({Issue::Severity::Warning, where.path, where.layer, -1, message.text});

        done.geometryType = types.size() == 1 ? *types.begin() : std::string("Geometry");
        if (types.size() == 1)
            pg.exec("ALTER TABLE " + qualified + " ALTER COLUMN " +
                    pg.quoteIdentifier(kGeometryColumn) + " TYPE geometry(" + done.geometryType +
                    ", " + std::to_string(*srid) + ")");
        pg.exec("SELECT setval(pg_get_serial_sequence($1, 'fid'), "
                "GREATEST((SELECT max(fid) FROM " +
                    qualified + "), 0) + 1, false)",
                {qualified});
        pg.exec("CREATE INDEX " + pg.quoteIdentifier(table + "_geom_gist") + " ON " + qualified +
                " USING GIST (" + pg.quoteIdentifier(kGeometryColumn) + ")");
        installPostgisHistory(pg, schema, table, "push");
        pg.exec("ANALYZE " + qualified);
        published.push_back(std::move(done));
    }
    // The groups of users get their rights when the publisher may grant them.
    pg.exec("SAVEPOINT roles");
    try {
        grantParkRoles(pg, schema);
        pg.exec("RELEASE SAVEPOINT roles");
    } catch (const PgError& error) {
        pg.exec("ROLLBACK TO SAVEPOINT roles");
        issues.report({Issue::Severity::Warning,
                       pg.describe(),
                       {},
                       -1,
                       "the roles parkatlas_auditor, parkatlas_planner and "
                       "parkatlas_administrator were not granted (" +
                           error.message() + "); an administrator can grant them later"});
    }
    transaction.commit();
    return published;
}

std::vector<TransferredLayer> pullPark(const std::string& connection,
                                       const std::string& destination, const PullOptions& options,
                                       IssueSink& issues)
{
    ensureGdal();
    refusePassword(connection, "the source");
    std::string schema;
    {
        PgConnection pg(connection);
        schema = schemaOf(pg, options.schema);
    }
    const fs::path dest(destination);
    std::error_code ec;
    if (fs::exists(dest, ec) && !options.overwrite)
        throw IoError("the destination exists; pass --overwrite to replace it",
                      {destination, {}, -1, {}});
    // GDAL's GeoPackage driver wants its extension on the file it creates.
    AtomicOutput pulledPark(dest, AtomicOutput::Kind::File, ".gpkg");
    const fs::path& temporary = pulledPark.path();

    GdalErrorCapture errors;
    const std::string gdalSource = gdalSourceForSchema(connection, schema);
    GDALDatasetUniquePtr input(GDALDataset::Open(
        gdalSource.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!input)
        throw IoError("GDAL cannot open the PostgreSQL source: " + errors.lastFailure(),
                      {"schema " + schema, {}, -1, {}});
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    GDALDatasetUniquePtr output(
        driver->Create(temporary.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!output)
        throw IoError("cannot create the GeoPackage: " + errors.lastFailure(),
                      {destination, {}, -1, {}});

    std::vector<TransferredLayer> pulled;
    for (OGRLayer* layer : input->GetLayers()) {
        const std::string name = layer->GetName();
        if (!roleFromLayerName(name))
            continue;
        const ErrorContext where{"schema " + schema, name, -1, {}};
        CPLStringList creation;
        creation.SetNameValue("FID", kFidColumn);
        creation.SetNameValue("GEOMETRY_NAME", kGeometryColumn);
        creation.SetNameValue("SPATIAL_INDEX", "YES");
        OGRLayer* target = output->CreateLayer(name.c_str(), layer->GetSpatialRef(),
                                               layer->GetGeomType(), creation.List());
        if (!target)
            throw IoError("cannot create the layer: " + errors.lastFailure(), where);
        OGRFeatureDefn* definition = layer->GetLayerDefn();
        std::vector<int> map(static_cast<std::size_t>(definition->GetFieldCount()), -1);
        int next = 0;
        for (int i = 0; i < definition->GetFieldCount(); ++i) {
            OGRFieldDefn* field = definition->GetFieldDefn(i);
            if (std::string_view(field->GetNameRef()) == kVersionColumn)
                continue;
            if (target->CreateField(field) != OGRERR_NONE)
                throw IoError("cannot create the field: " + errors.lastFailure(),
                              {where.path, name, -1, field->GetNameRef()});
            map[static_cast<std::size_t>(i)] = next++;
        }
        TransferredLayer done;
        done.layer = name;
        done.source = "schema " + schema;
        if (const OGRSpatialReference* srs = layer->GetSpatialRef())
            if (const char* code = srs->GetAuthorityCode(nullptr))
                done.srid = std::atoi(code);
        done.geometryType = OGRGeometryTypeToName(layer->GetGeomType());
        output->StartTransaction();
        layer->ResetReading();
        for (OGRFeatureUniquePtr feature(layer->GetNextFeature()); feature;
             feature.reset(layer->GetNextFeature())) {
            OGRFeatureUniquePtr copy(OGRFeature::CreateFeature(target->GetLayerDefn()));
            copy->SetFrom(feature.get(), map.data(), TRUE);
            copy->SetFID(feature->GetFID());
            if (target->CreateFeature(copy.get()) != OGRERR_NONE)
                throw IoError("cannot write the feature: " + errors.lastFailure(),
                              {destination, name, feature->GetFID(), {}});
            ++done.featureCount;
        }
        if (output->CommitTransaction() != OGRERR_NONE)
            throw IoError("cannot write the layer: " + errors.lastFailure(), where);
        pulled.push_back(std::move(done));
    }
    if (pulled.empty())
        throw IoError("schema '" + schema +
                          "' has no table with a conventional layer name "
                          "(parcels, plan_zones …)",
                      {"schema " + schema, {}, -1, {}});
    for (const auto& message : errors.take())
        issues.report({Issue::Severity::Warning, "schema " + schema, {}, -1, message.text});
    output.reset();
    input.reset();
    pulledPark.commit();
    return pulled;
}

} // namespace parkatlas::geo
