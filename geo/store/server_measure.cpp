#include "geo/store/server_measure.h"

#include "geo/ascii.h"
#include "geo/error.h"
#include "geo/io/pg_connection.h"
#include "geo/store/postgis_transfer.h"

#include <ogr_spatialref.h>

#include <algorithm>

namespace parkatlas::geo {

ServerMeasure measureOnServer(const std::string& connection, const std::string& table,
                              AreaMethod method, const std::vector<std::string>& byColumns)
{
    if (method == AreaMethod::Survey)
        throw GeometryError("--server measures ellipsoidal (ST_Area on geography) or planar; the "
                            "survey method runs locally (leave out --server)",
                            {connection, table, -1, {}});
    refusePassword(connection, "SOURCE");
    PgConnection pg(connection);
    const std::string schema = pg.currentSchema();
    const ErrorContext where{pg.describe() + " schema " + schema, table, -1, {}};
    PgResult column = pg.exec("SELECT type, srid FROM geometry_columns WHERE f_table_schema = $1 "
                              "AND f_table_name = $2 AND f_geometry_column = $3",
                              {schema, table, kGeometryColumn});
    if (column.rows() == 0)
        throw IoError("no such table with a geom column in the schema", where);
    ServerMeasure result;
    const std::string type = lowerAscii(column.text(0, 0));
    const int srid = static_cast<int>(column.integer(0, 1));
    if (type.find("polygon") != std::string::npos || type.find("surface") != std::string::npos)
        result.kind = GeometryKind::Polygon;
    else if (type.find("line") != std::string::npos || type.find("curve") != std::string::npos)
        result.kind = GeometryKind::Line;
    else if (type.find("point") != std::string::npos)
        result.kind = GeometryKind::Point;
    result.crs = Crs::fromEpsg(srid);

    const std::string geom = pg.quoteIdentifier(kGeometryColumn);
    std::string measured = geom;
    if (method == AreaMethod::Ellipsoidal) {
        OGRSpatialReference projected;
        projected.importFromEPSG(srid);
        std::unique_ptr<OGRSpatialReference> geographic(projected.CloneGeogCS());
        int geographicSrid = 0;
        if (geographic && geographic->AutoIdentifyEPSG() == OGRERR_NONE)
            if (const char* code = geographic->GetAuthorityCode(nullptr))
                geographicSrid = std::atoi(code);
        if (geographicSrid == 0)
            throw CrsError("the layer's CRS (EPSG:" + std::to_string(srid) +
                               ") has no geographic CRS with an EPSG code for geography",
                           where);
        measured = projected.IsGeographic()
                       ? geom + "::geography"
                       : "ST_Transform(" + geom + ", " + std::to_string(geographicSrid) +
                             ")::geography";
    } else if (result.crs.isGeographic()) {
        throw GeometryError("planar areas of a geographic CRS (degrees) mean nothing; use "
                            "ellipsoidal",
                            where);
    }
    const std::string value = result.kind == GeometryKind::Line
                                  ? "ST_Length(" + measured + ")"
                                  : "ST_Area(" + measured + ")";

    PgResult columns = pg.exec("SELECT column_name FROM information_schema.columns WHERE "
                               "table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
                               {schema, table});
    for (const std::string& wanted : byColumns) {
        for (int r = 0; r < columns.rows() && result.byColumn.empty(); ++r)
            if (lowerAscii(columns.text(r, 0)) == lowerAscii(wanted))
                result.byColumn = columns.text(r, 0);
        if (!result.byColumn.empty())
            break;
    }
    if (!byColumns.empty() && result.byColumn.empty())
        throw IoError("no field '" + byColumns.front() + "' in the layer", where);

    std::string sql = "SELECT " + pg.quoteIdentifier(kFidColumn) + ", COALESCE(" + value +
                      ", 0), " + geom + " IS NULL OR ST_IsEmpty(" + geom + ")";
    if (!result.byColumn.empty())
        sql += ", " + pg.quoteIdentifier(result.byColumn) + "::text";
    sql += " FROM " + pg.qualified(schema, table) + " ORDER BY 1";
    PgResult rows = pg.exec(sql);
    const auto count = static_cast<std::size_t>(rows.rows());
    result.fids.reserve(count);
    result.valuesM.reserve(count);
    for (int r = 0; r < rows.rows(); ++r) {
        result.fids.push_back(rows.integer(r, 0));
        result.valuesM.push_back(rows.number(r, 1));
        result.empty.push_back(rows.text(r, 2) == "t");
        if (!result.byColumn.empty())
            result.byValues.push_back(rows.value(r, 3));
    }
    return result;
}

} // namespace parkatlas::geo
