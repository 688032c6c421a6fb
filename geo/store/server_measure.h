#pragma once

#include "geo/crs/crs.h"
#include "geo/measure/area.h"
#include "geo/model/geometry_store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// Every feature of one table of a PostGIS park measured by the server: areas of polygons with
/// ST_Area, lengths of lines with ST_Length, on geography (the datum's ellipsoid, the layer's
/// geographic CRS: EPSG:4490 for CGCS2000 Gauss-Krüger layers) for `ellipsoidal`, in the
/// layer's projection for `planar`. PostGIS's geodesic edges and the local engine's straight
/// projected edges agree to 1e-6 relative on parcel-sized polygons (DESIGN.md, "Units and
/// area"); planar agrees exactly.
struct ServerMeasure {
    GeometryKind kind = GeometryKind::None;
    Crs crs;
    std::vector<std::int64_t> fids;               // in fid order
    std::vector<double> valuesM;                  // m² (polygons) or m (lines); 0 without geometry
    std::vector<bool> empty;                      // the feature has no geometry
    std::string byColumn;                         // the column --by found ("" when none asked)
    std::vector<std::optional<std::string>> byValues; // its value per feature as text
};

/// `connection`: a PostgreSQL park (its current schema); `table`: the layer's table. `byColumns`:
/// candidate column names for --by, the first that exists (case-insensitive) is used; empty for
/// none. Throws IoError (no such table, no such column), GeometryError (survey asked, planar on
/// degrees).
ServerMeasure measureOnServer(const std::string& connection, const std::string& table,
                              AreaMethod method, const std::vector<std::string>& byColumns);

} // namespace parkatlas::geo
