#pragma once

#include "geo/crs/crs.h"
#include "geo/ledger/ledger_table.h"
#include "geo/measure/area.h"
#include "geo/model/geometry_store.h"
#include "geo/rules/finding.h"

#include <vector>

namespace parkatlas::geo {
class IssueSink;
struct ParkLayer;
} // namespace parkatlas::geo

namespace parkatlas::render {

class RoleStyleBook;

/// The page's land-use table: the parcels whose envelope centre lies in `frame` (map CRS), by
/// land-use code (normalised as the styles spell it), with the class name from `book`, the
/// count, the area in mu by `method` (summed unrounded, shown parts adding up to the total) and
/// the share. Parcels with no code are one row "未知" (their area counts). The notes say how
/// parcels were chosen and which area method was used. Blocking: measures every chosen parcel
/// (on all cores).
geo::LedgerTable landUseTable(const geo::ParkLayer& parcels, const geo::Envelope& frame,
                              const RoleStyleBook& book, geo::AreaMethod method,
                              geo::IssueSink& issues);

/// Findings by rule: the rule's Chinese name, the count and the area in mu of the land the
/// rule's findings concern, and a total whose area is that of every rule's land counted once
/// (geo::totalsOfFindings: the rows can overlap, so their areas need not add up to it; the
/// notes say so). cannot_decide findings are not a row: a note gives them apart, never in the
/// total. Findings without an area of their own are counted, not measured, and said so. `crs`
/// is the findings' (the park's working CRS). Blocking: unites overlapping findings.
geo::LedgerTable findingsTable(const std::vector<geo::Finding>& findings, const geo::Crs& crs);

} // namespace parkatlas::render
