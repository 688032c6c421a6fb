#include "geo/store/server_audit.h"

#include "geo/error.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/model/layer.h"
#include "geo/store/postgis_transfer.h"

#include <limits>
#include <unordered_map>

namespace parkatlas::geo {

bool serverHasTable(const std::string& connection, const std::string& table)
{
    PgConnection pg(connection);
    return pg.exec("SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2",
                   {pg.currentSchema(), table})
               .rows() > 0;
}

std::vector<PlotCoverage> coverageOnServer(const std::string& connection, const Layer& parcels,
                                           IssueSink& issues)
{
    PgConnection pg(connection);
    const std::string schema = pg.currentSchema();
    const std::string g = pg.quoteIdentifier(kGeometryColumn);
    const std::string fid = pg.quoteIdentifier(kFidColumn);
    // Each plot's and each footprint's validity is asked once (ST_IsValid is the dear part).
    const std::string sql =
        "WITH plots AS (SELECT " + fid + " AS fid, " + g + " AS geom, ST_IsValid(" + g +
        ") AS valid FROM " + pg.qualified(schema, "parcels") + " WHERE " + g +
        " IS NOT NULL AND NOT ST_IsEmpty(" + g + ")) "
        "SELECT p.fid, p.valid, ST_Area(p.geom), CASE WHEN p.valid THEN COALESCE(("
        "SELECT ST_Area(ST_UnaryUnion(ST_Collect(ST_Intersection(p.geom, f.footprint)))) FROM " +
        pg.qualified(schema, "buildings") + " b CROSS JOIN LATERAL (SELECT CASE WHEN "
        "ST_IsValid(b." + g + ") THEN b." + g + " ELSE ST_MakeValid(b." + g +
        ") END AS footprint) f WHERE b." + g + " && p.geom AND ST_Intersects(p.geom, "
        "f.footprint)), 0) END, CASE WHEN NOT p.valid THEN ST_IsValidReason(p.geom) END "
        "FROM plots p";
    PgResult rows = pg.exec(sql);
    std::unordered_map<std::int64_t, std::size_t> rowOf;
    for (std::size_t row = 0; row < parcels.fids.size(); ++row)
        rowOf[parcels.fids[row]] = row;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    // A plot without geometry has no share (as plotCoverage says it).
    PlotCoverage none;
    none.share = none.plotPlanarArea = none.coveredPlanarArea = kNaN;
    none.validPlot = false;
    std::vector<PlotCoverage> coverage(parcels.featureCount(), none);
    for (int r = 0; r < rows.rows(); ++r) {
        const auto it = rowOf.find(rows.integer(r, 0));
        if (it == rowOf.end())
            continue; // a parcel the read left out (reported there)
        PlotCoverage& out = coverage[it->second];
        if (rows.text(r, 1) != "t") {
            out.share = out.plotPlanarArea = out.coveredPlanarArea = kNaN;
            out.validPlot = false;
            issues.report(withMessage({Issue::Severity::Warning, parcels.sourcePath, parcels.name,
                                       rows.integer(r, 0)},
                                      message("invalid_plot_coverage",
                                              "invalid plot ({reason}): no covered share, left "
                                              "out of the coverage rules",
                                              {{"reason", rows.text(r, 4)}})));
            continue;
        }
        out.validPlot = true;
        out.plotPlanarArea = rows.number(r, 2);
        out.coveredPlanarArea = rows.number(r, 3);
        out.share = out.plotPlanarArea > 0 ? out.coveredPlanarArea / out.plotPlanarArea : kNaN;
    }
    return coverage;
}

} // namespace parkatlas::geo
