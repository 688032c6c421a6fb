#pragma once

#include "geo/measure/coverage.h"

#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Layer;

/// The building coverage of every parcel of a PostGIS park, measured by the server the way
/// plotCoverage measures it (planar, in the layers' CRS: the union of the footprints' parts
/// inside the plot, invalid footprints repaired with ST_MakeValid, invalid plots unknown),
/// through the GiST index of the buildings. One entry per row of `parcels` (read from the same
/// park), matched by fid. Invalid plots are reported to `issues`. `connection`: the park (its
/// current schema). Throws IoError when the park has no buildings table.
std::vector<PlotCoverage> coverageOnServer(const std::string& connection, const Layer& parcels,
                                           IssueSink& issues);

/// Whether the park's schema has a table of this conventional name.
bool serverHasTable(const std::string& connection, const std::string& table);

} // namespace parkatlas::geo
