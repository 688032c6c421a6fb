#pragma once

#include "geo/io/source.h"
#include "geo/ledger/ledger_table.h"
#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

/// One attribute value as a diff shows it: unknown, a number or a text (dates as ISO text).
using DiffValue = std::variant<std::monostate, double, std::string>;

/// A field whose value differs between the two parks (unknown on a side that lacks the field).
struct FieldChange {
    std::string name; // as the new layer spells it (the old one's when only it has the field)
    DiffValue oldValue;
    DiffValue newValue;
};

/// What happened to a feature (or to a group of features: a split or a merge).
enum class ChangeKind { Added, Removed, Changed };
/// 新增 / 灭失 / 变更 (CHANGES.gpkg's kind, the change map's legend).
const char* chineseName(ChangeKind kind);
const char* toString(ChangeKind kind); // "added", "removed", "changed"

/// One change. A plain added/removed/changed item has at most one row on each side; a split
/// (one old feature → several new ones) or a merge (several → one, or several → several) is one
/// Changed item naming every row it came from and went to. Row indices are into the layers of
/// the parks given to diffParks(); fids are the source FIDs.
struct DiffItem {
    ChangeKind kind = ChangeKind::Changed;
    std::string relation; // "" (one to one), "split", "merge" or "split+merge"
    std::vector<std::size_t> oldRows, newRows;
    std::vector<std::int64_t> oldFids, newFids;
    std::vector<std::string> oldIds, newIds; // key values ("" where the feature has none)
    double oldAreaMu = std::numeric_limits<double>::quiet_NaN(); // Σ old rows; polygons only
    double newAreaMu = std::numeric_limits<double>::quiet_NaN();
    double oldLengthKm = std::numeric_limits<double>::quiet_NaN(); // lines only
    double newLengthKm = std::numeric_limits<double>::quiet_NaN();
    bool geometryChanged = false;
    /// Changed: the fields that differ (one-to-one items only). Added / removed: every field,
    /// with the missing side unknown.
    std::vector<FieldChange> fields;

    /// The id a person reads: the new id (the old one of a split), else the other, else "fid N".
    std::string label() const;
};

/// The changes of one role's layer.
struct LayerDiff {
    Role role = Role::Parcels;
    /// How features were matched: "parcel_id", "lot+name", "fid", "geometry".
    std::string matchedBy;
    /// Why some features fell back to geometry (a key missing, unknown or duplicated), naming
    /// them; empty when every feature matched by its key.
    std::vector<std::string> notes;
    std::size_t oldCount = 0, newCount = 0, unchangedCount = 0;
    std::vector<DiffItem> items; // added, removed, changed, in the new layer's row order
};

struct DiffOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    /// Coordinates closer than this (in the working CRS's units; 0: 1 mm in a projected CRS,
    /// 1e-8° in a geographic one) count as the same vertex.
    double tolerance = 0;
    /// Roles to compare; empty: every role either park has.
    std::vector<Role> roles;
    /// Called with the share done (0..1) as the comparison goes (the roles weighted by their
    /// features); returning false cancels it: diffParks throws Cancelled. Empty: not called.
    ProgressCallback progress;
};

/// What changed between two parks.
struct ParkDiff {
    std::string oldName, newName;
    std::string crs; // the working CRS the comparison was made in (label)
    /// Said when the parks were in different CRSs ("new park transformed from EPSG:4326 to
    /// EPSG:4547 (…)"), and other notes on the whole comparison.
    std::vector<std::string> notes;
    std::vector<LayerDiff> layers; // in the data contract's role order, only roles either has
    const LayerDiff* layer(Role role) const;
};

/// The key of a role's features: parcels parcel_id, plan_zones zone_id, acquisition batch_id,
/// idle_land case_id, roads and pipelines lot + name; empty for the roles matched by fid.
std::vector<const char*> diffKeyFields(Role role);

/// Transforms every layer of `park` into `crs`, in place (vertices that cannot be transformed are
/// reported to `issues` naming the layer), and sets park.crs. Returns what was done for a note
/// ("EPSG:4326 (WGS 84) to EPSG:4547 (…) (operation)"), "" when the park was in `crs` already
/// or either CRS is empty. Throws CrsError when no transform exists.
std::string transformPark(Park& park, const Crs& crs, IssueSink& issues);

/// Compares two parks. When their working CRSs differ, `newPark`'s layers are transformed into
/// `oldPark`'s CRS (in place, which is why it is taken by value) and a note says so.
/// Matching per role (DESIGN.md): by the role's key where a feature's key is known and unique in
/// its layer, else by geometry (identical or mostly overlapping), with a note naming the
/// features that fell back; roles without a key match by fid. Polygon features that were cut or
/// joined (an old feature mostly covering several new ones, or the other way round) become one
/// split / merge item. Areas in mu by `options.areaMethod`; lengths geodesic. Throws CrsError
/// when no transform between the parks' CRSs exists, Cancelled when options.progress says so.
ParkDiff diffParks(const Park& oldPark, Park& newPark, const DiffOptions& options,
                   IssueSink& issues);
/// The same on two parks in one CRS (transformPark() one of them first when they are not):
/// nothing is transformed. Throws CrsError when the CRSs differ.
ParkDiff diffParks(const Park& oldPark, const Park& newPark, const DiffOptions& options,
                   IssueSink& issues);

/// The value of field `field` of row `row` as a diff shows it.
DiffValue diffValueOf(const AttributeTable& attributes, std::size_t row, int field);
/// The value as text ("" when unknown).
std::string diffValueText(const DiffValue& value);

} // namespace parkatlas::geo
