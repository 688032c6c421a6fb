#pragma once

#include "geo/io/history_read.h"
#include "geo/model/layer.h"
#include "geo/store/edit_session.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

class GDALDataset;
class OGRFeature;
class OGRLayer;

namespace parkatlas::geo {

class PgConnection;

/// The history a park keeps (DESIGN.md, store/): beside each role layer a layer
/// `<role>_history` holding one row per change ever saved to it, written in the same
/// transaction as the change:
///   hist_id          the history row's own id (its FID), in the order the changes were made
///   hist_fid         the feature changed (null for a `create` row)
///   hist_op          create (the layer was written as a whole: import, push), insert (the feature
///                    did not exist before), update, delete (the old row follows)
///   hist_valid_from  when the old row became valid (null: before history was kept)
///   hist_valid_to    when it stopped being valid: the time of the change
///   hist_by          who: the OS user (GeoPackage) or the PostgreSQL login (PGUSER)
///   hist_command     which command: edit, import, push, sql (a PostGIS write from elsewhere)
///   then the old row: every field of the role layer and its geometry (update and delete).
/// Times are ISO 8601 UTC text in a GeoPackage ("2026-06-30T08:15:00Z"), timestamptz in PostGIS.
/// A park read "as of" a day is its current rows that no change after that day touched, plus
/// for each feature changed after that day the old row of its first such change.

/// The OS user running the program ($USER, else the password database), "unknown" when neither.
std::string historyUser();
/// Now as ISO 8601 UTC text, to the second.
std::string historyTimestamp();

// -- writing --------------------------------------------------------------------------------

/// Records the changes of one GeoPackage transaction into `<layer>_history` (created on first
/// use, with the role layer's fields, geometry type and CRS; fields the layer gained since are
/// added). Call inside the caller's transaction, before the change for update and delete (the
/// old row is read from `old`), after it for insert. Throws IoError naming the file.
class GeoPackageHistory {
public:
    GeoPackageHistory(GDALDataset& dataset, OGRLayer& layer, HistoryStamp stamp);
    void recordUpdate(OGRFeature& old) { recordOld(old, "update"); }
    void recordDelete(OGRFeature& old) { recordOld(old, "delete"); }
    void recordInsert(std::int64_t fid);
    /// The layer was written as a whole (import).
    void recordCreation();

private:
    void ensureLayer();
    void recordOld(OGRFeature& old, const char* operation);
    std::optional<std::string> validFrom(std::int64_t fid);
    void setStamp(OGRFeature& row, const char* operation);

    GDALDataset& m_dataset;
    OGRLayer& m_layer;
    OGRLayer* m_history = nullptr;
    HistoryStamp m_stamp;
    std::string m_when;
};

/// PostGIS: makes `<table>_history` (when missing; new columns of the table are added to it),
/// a SECURITY DEFINER trigger function that records every insert, update and delete of `table`
/// (so an editor needs no right on the history and cannot change it; the command comes from
/// the transaction's setting parkatlas.command, "sql" when unset), the trigger, and a `create`
/// row for the table. Call in the publishing transaction after the table is filled.
void installPostgisHistory(PgConnection& connection, const std::string& schema,
                           const std::string& table, const std::string& command);
/// PostGIS: before `table` is replaced as a whole, keeps each of its rows as a `delete` in its
/// history (made when missing), so the state before stays readable.
void archivePostgisTable(PgConnection& connection, const std::string& schema,
                         const std::string& table, const std::string& command);
/// Sets parkatlas.command for the current transaction (what the history trigger records).
void setPostgisHistoryCommand(PgConnection& connection, const std::string& command);

// -- reading --------------------------------------------------------------------------------

/// One row of a history, as `parkatlas history` lists it.
struct HistoryEntry {
    std::string role; // the layer ("parcels")
    std::int64_t historyId = 0;
    std::optional<std::int64_t> fid;
    std::string operation; // create, insert, update, delete
    std::string validFrom; // ISO UTC, "" when unknown
    std::string validTo;   // ISO UTC: when the change was made
    std::string who;
    std::string command;
    std::string id; // the feature's key (parcel_id …) as it was or became, "" when none
    /// update: the fields that changed, old and new (nullopt = null); delete: none.
    std::vector<
        std::pair<std::string, std::pair<std::optional<std::string>, std::optional<std::string>>>>
        changedFields;
    bool geometryChanged = false;
};

/// Every history row of the layers `layers` (role layer names) of the dataset `source` (a
/// GeoPackage or GDAL's PG: source), oldest first, each update with what it changed (against
/// the next version: a later history row or the current row). `keyField` per layer names the
/// id field ("parcel_id"); `idFilter` keeps the rows whose fid or key equals it ("" = all).
std::vector<HistoryEntry>
readHistory(const std::string& source,
            const std::vector<std::pair<std::string, std::string>>& layers,
            const std::string& idFilter);

} // namespace parkatlas::geo
