#pragma once

#include "geo/crs/crs.h"
#include "geo/model/display_names.h"
#include "geo/rules/finding.h"
#include "geo/rules/finding_spill.h"
#include "geo/rules/findings_total.h"

#include <ostream>
#include <string>
#include <vector>

namespace parkatlas::geo {

class JsonWriter;

/// Writes the "findings" array of DESIGN.md's JSON: each with rule, layer, fids, parcel_id
/// (featureId under the name of the layer's id field, see below), area_mu, reason (Chinese),
/// reason_en, clause, evidence (an object, in order). `idFieldName` maps a layer role to the
/// JSON key of its id ("parcels" → "parcel_id", "idle_land" → "case_id"; default "id").
void writeFindingsJson(JsonWriter& json, const std::vector<Finding>& findings);
/// The same, reading one finding at a time (a spill on disk: nothing held in memory).
void writeFindingsJson(JsonWriter& json, const FindingSource& findings);

/// "summary": per rule (the rules of `rulesRun` first, even with no finding, then any other
/// rule the findings have) count, features, area_mu (the union of the rule's findings, 0 when
/// none has an area), without_area and counted_once; then "total": the same over every rule but
/// cannot_decide, and "cannot_decide" apart when there are such findings (never in the total).
/// `totals` is totalsOfFindings(findings, …).
void writeFindingsSummaryJson(JsonWriter& json, const FindingsTotals& totals,
                              const std::vector<std::string>& rulesRun = {});

/// Plain-text report: grouped by rule with a count and the mu of the land each rule concerns
/// (`totals`, from totalsOfFindings: a plot counted once however many findings it has), a total
/// over every rule but cannot_decide, cannot_decide apart; then one line per finding (layer, id,
/// mu, reason). Lines up with Chinese text. In Chinese (`language`) the rules, roles and
/// headers are named from styles/names.json, each rule's id kept in a column beside its name.
void writeFindingsTable(std::ostream& out, const std::vector<Finding>& findings,
                        const FindingsTotals& totals, Language language = Language::English);
/// The same, reading one finding at a time: the rows of one rule at a time in memory.
void writeFindingsTable(std::ostream& out, const FindingSource& findings,
                        const FindingsTotals& totals, Language language = Language::English);

/// CSV, UTF-8 with BOM: rule, layer, fids, id, area_mu, reason, reason_en, clause, evidence.
void writeFindingsCsv(std::ostream& out, const std::vector<Finding>& findings);
/// The same, row by row as the findings are read.
void writeFindingsCsv(std::ostream& out, const FindingSource& findings);

/// Writes the findings as a layer "findings" (one row per finding, its geometry as a
/// multipolygon or multilinestring or point in `crs`; findings without geometry get none) into
/// a new GeoPackage at `path`, atomically (written under a temporary name, renamed when
/// complete). QGIS and ArcGIS open it. Throws IoError naming the path.
void writeFindingsGeoPackage(const std::string& path, const std::vector<Finding>& findings,
                             const Crs& crs, bool overwrite);
/// The same, feature by feature as the findings are read.
void writeFindingsGeoPackage(const std::string& path, const FindingSource& findings,
                             const Crs& crs, bool overwrite);

/// The JSON key for the id of a feature of a role: "parcel_id", "case_id", "zone_id",
/// "batch_id", "name" …
std::string idFieldName(const std::string& role);

} // namespace parkatlas::geo
