#pragma once

#include "geo/diff/park_diff.h"
#include "geo/ledger/ledger_table.h"

#include <ostream>
#include <string>

namespace parkatlas::geo {

class JsonWriter;
struct Park;

/// The JSON of `parkatlas diff` (DESIGN.md): {"old", "new", "crs", "notes",
/// "layers": {ROLE: {"matched_by", "notes", "counts", "added": [ITEM], "removed": [ITEM],
/// "changed": [ITEM]}}, "progress": the progress ledger (when given)}. An ITEM has "id", "fid",
/// "area_mu" (length_km for lines; [OLD, NEW] for changed), "geometry_changed" and "fields"
/// ({FIELD: [OLD, NEW]}, unknown as null); changed items have "old_fid" too; a split or merge
/// has "relation" ("split", "merge", "split+merge"), "from" and "to" (ids) and "from_fids",
/// "to_fids".
void writeDiffJson(JsonWriter& json, const ParkDiff& diff, const Ledger* progress);

/// Plain text: per role the counts and one line per item (kind, id, mu, what changed), then the
/// progress tables.
void writeDiffText(std::ostream& out, const ParkDiff& diff, const Ledger* progress);

/// CSV (UTF-8 with BOM): one row per item: role, change, relation, id, old ids, new ids, old
/// fids, new fids, mu old, mu new, km old, km new, geometry changed, fields (FIELD: OLD → NEW;
/// …); then the progress tables as writeLedgerCsv writes them.
void writeDiffCsv(std::ostream& out, const ParkDiff& diff, const Ledger* progress);

/// CHANGES.gpkg: one layer per role with changes ("parcels" …), one row per item, its geometry
/// (the new one; the old one for a removed feature) in the old park's CRS, and kind (新增 / 变更
/// / 灭失), change, relation, id, old_ids, new_ids, old_fids, new_fids, area_mu_old,
/// area_mu_new, length_km_old, length_km_new, geometry_changed, fields (JSON). `newPark` must be
/// the park diffParks() was given (transformed into the old park's CRS). Written atomically.
/// Throws IoError naming the path.
void writeChangesGeoPackage(const std::string& path, const Park& oldPark, const Park& newPark,
                            const ParkDiff& diff, bool overwrite);

/// "FIELD: OLD → NEW; …" of an item's field changes (unknown shown as "∅").
std::string fieldChangesText(const DiffItem& item);

} // namespace parkatlas::geo
