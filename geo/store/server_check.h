#pragma once

#include "geo/progress.h"
#include "geo/rules/compliance.h"

#include <string>

namespace parkatlas::geo {

class IssueSink;

/// Whether `check --server` pushes a rule's heavy part into SQL on a PostGIS park:
/// land_use_mismatch, outside_boundary, protected_overlap, invalid_geometry and duplicate_id.
/// The others run on the local engine over the whole layers read from the server:
/// road_red_line, intensity_below_standard, works_on_unacquired_land, unacquired_land (their
/// SQL is not straightforward) and overlapping_parcels (PostGIS's ST_Relate over every pair of
/// neighbouring parcels took 2.5 s for 10k parcels where the local engine's whole rule, reading
/// included, took 2.8 s: the server is no help there).
bool runsOnServer(ComplianceRule rule);

/// The plan-compliance check of a park published in PostGIS, with the spatial joins on the
/// server. Per server-side rule, an indexed SQL query (ST_Intersects, ST_CoveredBy,
/// ST_IsValid, GROUP BY on the id; land-use codes judged by the same classification as the
/// local engine, sent as literal pairs) selects the only features the rule can flag; just
/// those (and the small reference layers: plan zones, boundary, protected areas) are read, and
/// the local engine judges them. The findings are therefore the local engine's, to the last
/// digit, at the cost of reading a few percent of the parcels. When the rules that stay local
/// read the parcels (and plan zones) whole anyway, land_use_mismatch and duplicate_id run with
/// them instead: the server would save nothing. `connection` is a PostgreSQL
/// park (its current schema). Thread-safe for different parks. Throws IoError, Cancelled.
ComplianceResult checkComplianceOnServer(const std::string& connection,
                                         const ComplianceOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
