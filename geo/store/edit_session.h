#pragma once

#include "geo/error.h"
#include "geo/model/field_values.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class OGRFeature;

namespace parkatlas::geo {

/// A field's value as text (ISO dates, shortest round-trip reals), nullopt for null.

/// Every field of an OGR feature as FieldValues (as EditSession::read gives them).
FieldValues fieldValuesOf(OGRFeature& feature);

/// Who and which command a saved change is recorded under in the layer's history
/// (geo/store/history.h).
struct HistoryStamp {
    std::string command = "edit";
    /// GeoPackage: "" = the OS user (historyUser()). PostGIS always records the login role.
    std::string who;
};

/// One feature as an editor reads it: its values, its geometry and the version it had.
struct EditableFeature {
    std::int64_t fid = -1;
    /// PostGIS: the row_version column. GeoPackage (no such column): a fingerprint of the
    /// feature's values and geometry. Either way: it changes whenever the feature is saved.
    std::int64_t version = 0;
    FieldValues values;
    std::vector<unsigned char> geometryWkb; // ISO WKB in the layer's CRS; empty: no geometry
};

/// One change an editor made, saved with the others in one transaction.
struct FeatureChange {
    enum class Kind { Insert, Update, Delete };
    Kind kind = Kind::Update;
    std::int64_t fid = -1;       // Update, Delete: the feature. Insert: ignored (a new fid)
    std::int64_t baseVersion = 0; // Update, Delete: the version the editor read
    FieldValues values;           // Update: only the fields changed; Insert: any
    std::optional<std::vector<unsigned char>> geometryWkb; // new geometry, ISO WKB
};

/// Someone else saved the feature since this editor read it: nothing was saved.
class EditConflict : public Error {
public:
    using Error::Error;
};

/// The store refused the change (the user's role may not write this layer): nothing was saved.
class EditRefused : public Error {
public:
    using Error::Error;
};

/// An edit session on one layer of a store (a GeoPackage, or a PostGIS park published with
/// pushPark): read features with their versions, then commit a list of changes in one
/// transaction, which also records what it changed in the layer's history (`<layer>_history`:
/// the old rows, when, who, which command). Optimistic locking: a change whose feature's version is no longer the one the
/// editor read makes commit() throw EditConflict naming the layer and the feature, and the
/// whole transaction is rolled back, so nothing anyone saved is overwritten. Not thread-safe:
/// one session per thread (each holds its own connection).
class EditSession {
public:
    virtual ~EditSession() = default;

    /// `store`: a .gpkg path, or a PostgreSQL connection (postgresql://…, PG:service=…) whose
    /// current schema holds the layer (or `schema` when given). Throws IoError.
    static std::unique_ptr<EditSession> open(const std::string& store, const std::string& layer,
                                             const std::string& schema = {});

    /// The feature as stored now. Throws IoError when there is no such feature.
    virtual EditableFeature read(std::int64_t fid) = 0;
    /// Every feature id of the layer, in order.
    virtual std::vector<std::int64_t> fids() = 0;

    /// Saves every change or none. Returns the fids of the inserted features, in order.
    /// Throws EditConflict, EditRefused (permission), IoError.
    virtual std::vector<std::int64_t> commit(const std::vector<FeatureChange>& changes) = 0;

    const std::string& layer() const { return m_layer; }
    /// Who and which command the next commits are recorded under in `<layer>_history` (every
    /// commit records what it changed there, in its transaction). Default: the OS user, "edit".
    void setHistoryStamp(HistoryStamp stamp) { m_stamp = std::move(stamp); }

protected:
    explicit EditSession(std::string layer) : m_layer(std::move(layer)) {}
    std::string m_layer;
    HistoryStamp m_stamp;
};

} // namespace parkatlas::geo
