#include "geo/store/edit_session.h"

#include "geo/gdal_session.h"
#include "geo/io/pg_connection.h"
#include "geo/store/history.h"
#include "geo/store/postgis_transfer.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace parkatlas::geo {

namespace {

std::string toHex(const std::vector<unsigned char>& bytes)
{
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 15];
    }
    return out;
}

std::vector<unsigned char> fromHex(const std::string& text)
{
    std::vector<unsigned char> bytes(text.size() / 2);
    auto nibble = [](char c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    };
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<unsigned char>(nibble(text[2 * i]) * 16 + nibble(text[2 * i + 1]));
    return bytes;
}

std::string featureLabel(const std::string& layer, std::int64_t fid)
{
    return "feature " + std::to_string(fid) + " of layer '" + layer + "'";
}

// -- PostGIS ------------------------------------------------------------------------------------

class PostgisEditSession final : public EditSession {
public:
    PostgisEditSession(const std::string& store, const std::string& layer,
                       const std::string& schema)
        : EditSession(layer), m_pg(store)
    {
        m_schema = schema.empty() ? m_pg.currentSchema() : schema;
        m_table = m_pg.qualified(m_schema, layer);
        PgResult columns = m_pg.exec(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND "
            "table_name = $2 ORDER BY ordinal_position",
            {m_schema, layer});
        bool versioned = false;
        for (int r = 0; r < columns.rows(); ++r) {
            const std::string name = columns.text(r, 0);
            if (name == kVersionColumn)
                versioned = true;
            else if (name != kFidColumn && name != kGeometryColumn)
                m_fields.push_back(name);
        }
        if (columns.rows() == 0)
            throw IoError("no such table in schema '" + m_schema + "'",
                          {m_pg.describe(), layer, -1, {}});
        if (!versioned)
            throw IoError("the table has no row_version column (publish it with parkatlas push)",
                          {m_pg.describe(), layer, -1, {}});
        PgResult srid = m_pg.exec("SELECT srid FROM geometry_columns WHERE f_table_schema = $1 AND "
                                  "f_table_name = $2 AND f_geometry_column = $3",
                                  {m_schema, layer, kGeometryColumn});
        m_srid = srid.rows() > 0 ? srid.text(0, 0) : "0";
    }

    EditableFeature read(std::int64_t fid) override
    {
        std::string sql = "SELECT " + m_pg.quoteIdentifier(kVersionColumn) + ", encode(ST_AsBinary(" +
                          m_pg.quoteIdentifier(kGeometryColumn) + "), 'hex')";
        for (const std::string& field : m_fields)
            sql += ", " + m_pg.quoteIdentifier(field) + "::text";
        sql += " FROM " + m_table + " WHERE " + m_pg.quoteIdentifier(kFidColumn) + " = $1";
        PgResult r = m_pg.exec(sql, {std::to_string(fid)});
        if (r.rows() == 0)
            throw IoError("no such feature", {m_pg.describe(), m_layer, fid, {}});
        EditableFeature feature;
        feature.fid = fid;
        feature.version = r.integer(0, 0);
        if (!r.isNull(0, 1))
            feature.geometryWkb = fromHex(r.text(0, 1));
        for (std::size_t i = 0; i < m_fields.size(); ++i)
            feature.values[m_fields[i]] = r.value(0, static_cast<int>(i) + 2);
        return feature;
    }

    std::vector<std::int64_t> fids() override
    {
        PgResult r = m_pg.exec("SELECT " + m_pg.quoteIdentifier(kFidColumn) + " FROM " + m_table +
                               " ORDER BY 1");
        std::vector<std::int64_t> list;
        for (int i = 0; i < r.rows(); ++i)
            list.push_back(r.integer(i, 0));
        return list;
    }

    std::vector<std::int64_t> commit(const std::vector<FeatureChange>& changes) override
    {
        std::vector<std::int64_t> inserted;
        try {
            PgTransaction transaction(m_pg);
            // The table's history trigger records every change under this command.
            setPostgisHistoryCommand(m_pg, m_stamp.command);
            for (const FeatureChange& change : changes)
                apply(change, inserted);
            transaction.commit();
        } catch (const PgError& error) {
            if (error.sqlState() == "42501")
                throw EditRefused("role '" + m_pg.currentUser() + "' may not change layer '" +
                                      m_layer + "' (" + error.message() +
                                      "); nothing was saved",
                                  {m_pg.describe(), m_layer, -1, {}});
            throw IoError(error.message() + "; nothing was saved", {m_pg.describe(), m_layer, -1, {}});
        }
        return inserted;
    }

private:
    void checkField(const std::string& name) const
    {
        if (std::find(m_fields.begin(), m_fields.end(), name) == m_fields.end())
            throw IoError("no such field; nothing was saved", {m_pg.describe(), m_layer, -1, name});
    }

    void apply(const FeatureChange& change, std::vector<std::int64_t>& inserted)
    {
        std::vector<PgParameter> parameters;
        auto parameter = [&](PgParameter value) {
            parameters.push_back(std::move(value));
            // (Not "$" + to_string(): GCC 12 warns a false -Wrestrict there, bug 105329.)
            std::string placeholder = std::to_string(parameters.size());
            placeholder.insert(placeholder.begin(), '$');
            return placeholder;
        };
        const std::string fid = m_pg.quoteIdentifier(kFidColumn);
        const std::string version = m_pg.quoteIdentifier(kVersionColumn);
        const std::string geometry = m_pg.quoteIdentifier(kGeometryColumn);
        switch (change.kind) {
        case FeatureChange::Kind::Insert: {
            std::string columns, values;
            for (const auto& [name, value] : change.values) {
                checkField(name);
                columns += (columns.empty() ? "" : ", ") + m_pg.quoteIdentifier(name);
                values += (values.empty() ? "" : ", ") + parameter(value);
            }
            if (change.geometryWkb) {
                columns += (columns.empty() ? "" : ", ") + geometry;
                values += (values.empty() ? "" : ", ") + std::string("ST_GeomFromWKB(decode(") +
                          parameter(toHex(*change.geometryWkb)) + ", 'hex'), " +
                          parameter(m_srid) + "::integer)";
            }
            const std::string sql =
                columns.empty() ? "INSERT INTO " + m_table + " DEFAULT VALUES RETURNING " + fid
                                : "INSERT INTO " + m_table + " (" + columns + ") VALUES (" +
                                      values + ") RETURNING " + fid;
            inserted.push_back(m_pg.exec(sql, parameters).integer(0, 0));
            return;
        }
        case FeatureChange::Kind::Update: {
            std::string set = version + " = " + version + " + 1";
            for (const auto& [name, value] : change.values) {
                checkField(name);
                set += ", " + m_pg.quoteIdentifier(name) + " = " + parameter(value);
            }
            if (change.geometryWkb)
                set += ", " + geometry + " = ST_GeomFromWKB(decode(" +
                       parameter(toHex(*change.geometryWkb)) + ", 'hex'), " + parameter(m_srid) +
                       "::integer)";
            const std::string where = " WHERE " + fid + " = " +
                                      parameter(std::to_string(change.fid)) + " AND " + version +
                                      " = " + parameter(std::to_string(change.baseVersion));
            if (m_pg.exec("UPDATE " + m_table + " SET " + set + where, parameters).affectedRows() == 0)
                conflict(change);
            return;
        }
        case FeatureChange::Kind::Delete: {
            const std::string where = " WHERE " + fid + " = " +
                                      parameter(std::to_string(change.fid)) + " AND " + version +
                                      " = " + parameter(std::to_string(change.baseVersion));
            if (m_pg.exec("DELETE FROM " + m_table + where, parameters).affectedRows() == 0)
                conflict(change);
            return;
        }
        }
    }

    [[noreturn]] void conflict(const FeatureChange& change)
    {
        PgResult now = m_pg.exec("SELECT " + m_pg.quoteIdentifier(kVersionColumn) + " FROM " +
                                     m_table + " WHERE " + m_pg.quoteIdentifier(kFidColumn) +
                                     " = $1",
                                 {std::to_string(change.fid)});
        const std::string what = featureLabel(m_layer, change.fid);
        if (now.rows() == 0)
            throw EditConflict(what + " was deleted by someone else since you read it; nothing "
                                      "was saved",
                               {m_pg.describe(), m_layer, change.fid, {}});
        throw EditConflict(what + " was changed by someone else since you read it (you read "
                                  "version " +
                               std::to_string(change.baseVersion) + ", it is now version " +
                               now.text(0, 0) +
                               "); nothing was saved: reload it and make your change again",
                           {m_pg.describe(), m_layer, change.fid, {}});
    }

    PgConnection m_pg;
    std::string m_schema, m_table, m_srid;
    std::vector<std::string> m_fields;
};

// -- GeoPackage ---------------------------------------------------------------------------------

std::string fieldText(OGRFeature& feature, int index)
{
    const OGRFieldDefn* field = feature.GetFieldDefnRef(index);
    if (field->GetType() == OFTReal) {
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer,
                                       feature.GetFieldAsDouble(index));
        return std::string(buffer, end);
    }
    if (field->GetType() == OFTDate) {
        int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
        float ss = 0;
        feature.GetFieldAsDateTime(index, &y, &m, &d, &hh, &mm, &ss, &tz);
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", y, m, d);
        return buffer;
    }
    if (field->GetType() == OFTDateTime) {
        // ISO 8601, in UTC when the value carries its zone (PostgreSQL's timestamptz).
        int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
        float ss = 0;
        feature.GetFieldAsDateTime(index, &y, &m, &d, &hh, &mm, &ss, &tz);
        std::tm parts{};
        parts.tm_year = y - 1900;
        parts.tm_mon = m - 1;
        parts.tm_mday = d;
        parts.tm_hour = hh;
        parts.tm_min = mm;
        parts.tm_sec = static_cast<int>(ss);
        std::time_t seconds = timegm(&parts);
        if (tz > 1)
            seconds -= (tz - 100) * 15 * 60;
        gmtime_r(&seconds, &parts);
        char buffer[32];
        std::strftime(buffer, sizeof buffer, tz > 1 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S",
                      &parts);
        return buffer;
    }
    return feature.GetFieldAsString(index);
}

/// FNV-1a over the values and the geometry: the GeoPackage's stand-in for a version column.
std::int64_t fingerprint(const EditableFeature& feature)
{
    std::uint64_t hash = 1469598103934665603ull;
    auto mix = [&](const void* data, std::size_t size) {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; ++i) {
            hash ^= bytes[i];
            hash *= 1099511628211ull;
        }
    };
    for (const auto& [name, value] : feature.values) {
        mix(name.data(), name.size());
        const char marker = value ? 1 : 0;
        mix(&marker, 1);
        if (value)
            mix(value->data(), value->size());
    }
    mix(feature.geometryWkb.data(), feature.geometryWkb.size());
    return static_cast<std::int64_t>(hash & 0x7fffffffffffffffull);
}

class GeoPackageEditSession final : public EditSession {
public:
    GeoPackageEditSession(const std::string& path, const std::string& layer)
        : EditSession(layer), m_path(path)
    {
        ensureGdal();
        GdalErrorCapture errors;
        m_dataset.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr,
                                          nullptr, nullptr));
        if (!m_dataset)
            throw IoError("cannot open for editing: " + errors.lastFailure(), {path, layer, -1, {}});
        m_ogrLayer = m_dataset->GetLayerByName(layer.c_str());
        if (!m_ogrLayer)
            throw IoError("no such layer", {path, layer, -1, {}});
    }

    EditableFeature read(std::int64_t fid) override
    {
        OGRFeatureUniquePtr feature(m_ogrLayer->GetFeature(fid));
        if (!feature)
            throw IoError("no such feature", {m_path, m_layer, fid, {}});
        return toEditable(*feature);
    }

    std::vector<std::int64_t> fids() override
    {
        std::vector<std::int64_t> list;
        m_ogrLayer->ResetReading();
        for (OGRFeatureUniquePtr f(m_ogrLayer->GetNextFeature()); f; f.reset(m_ogrLayer->GetNextFeature()))
            list.push_back(f->GetFID());
        return list;
    }

    std::vector<std::int64_t> commit(const std::vector<FeatureChange>& changes) override
    {
        GdalErrorCapture errors;
        seeHistoryMadeSinceOpened();
        if (m_dataset->StartTransaction() != OGRERR_NONE)
            throw IoError("cannot start a transaction: " + errors.lastFailure(),
                          {m_path, m_layer, -1, {}});
        std::vector<std::int64_t> inserted;
        try {
            GeoPackageHistory history(*m_dataset, *m_ogrLayer, m_stamp);
            for (const FeatureChange& change : changes)
                apply(change, inserted, errors, history);
        } catch (...) {
            m_dataset->RollbackTransaction();
            throw;
        }
        if (m_dataset->CommitTransaction() != OGRERR_NONE)
            throw IoError("cannot save: " + errors.lastFailure() + "; nothing was saved",
                          {m_path, m_layer, -1, {}});
        return inserted;
    }

private:
    /// GDAL lists a GeoPackage's layers when it opens it: a history layer another session made
    /// since is not seen (and creating it again would fail). Open the file again then.
    void seeHistoryMadeSinceOpened()
    {
        const std::string history = historyLayerName(m_layer);
        if (m_dataset->GetLayerByName(history.c_str()))
            return;
        OGRLayer* found = m_dataset->ExecuteSQL(
            ("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + history + "'")
                .c_str(),
            nullptr, nullptr);
        bool exists = false;
        if (found) {
            exists = OGRFeatureUniquePtr(found->GetNextFeature()) != nullptr;
            m_dataset->ReleaseResultSet(found);
        }
        if (!exists)
            return;
        GdalErrorCapture errors;
        m_dataset.reset(GDALDataset::Open(m_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE,
                                          nullptr, nullptr, nullptr));
        m_ogrLayer = m_dataset ? m_dataset->GetLayerByName(m_layer.c_str()) : nullptr;
        if (!m_ogrLayer)
            throw IoError("cannot open for editing again: " + errors.lastFailure(),
                          {m_path, m_layer, -1, {}});
    }

    EditableFeature toEditable(OGRFeature& feature) const
    {
        EditableFeature out;
        out.fid = feature.GetFID();
        out.values = fieldValuesOf(feature);
        if (const OGRGeometry* g = feature.GetGeometryRef()) {
            out.geometryWkb.resize(static_cast<std::size_t>(g->WkbSize()));
            g->exportToWkb(wkbNDR, out.geometryWkb.data(), wkbVariantIso);
        }
        out.version = fingerprint(out);
        return out;
    }

    void setValues(OGRFeature& feature, const FeatureChange& change)
    {
        for (const auto& [name, value] : change.values) {
            const int index = feature.GetFieldIndex(name.c_str());
            if (index < 0)
                throw IoError("no such field; nothing was saved", {m_path, m_layer, change.fid, name});
            if (value)
                feature.SetField(index, value->c_str());
            else
                feature.SetFieldNull(index);
        }
        if (change.geometryWkb) {
            OGRGeometry* geometry = nullptr;
            if (OGRGeometryFactory::createFromWkb(change.geometryWkb->data(),
                                                  m_ogrLayer->GetSpatialRef(), &geometry,
                                                  change.geometryWkb->size()) != OGRERR_NONE)
                throw IoError("the new geometry is not valid WKB; nothing was saved",
                              {m_path, m_layer, change.fid, {}});
            feature.SetGeometryDirectly(geometry);
        }
    }

    void apply(const FeatureChange& change, std::vector<std::int64_t>& inserted,
               GdalErrorCapture& errors, GeoPackageHistory& history)
    {
        if (change.kind == FeatureChange::Kind::Insert) {
            OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(m_ogrLayer->GetLayerDefn()));
            setValues(*feature, change);
            if (m_ogrLayer->CreateFeature(feature.get()) != OGRERR_NONE)
                throw IoError("cannot add the feature: " + errors.lastFailure() +
                                  "; nothing was saved",
                              {m_path, m_layer, -1, {}});
            inserted.push_back(feature->GetFID());
            history.recordInsert(feature->GetFID());
            return;
        }
        OGRFeatureUniquePtr current(m_ogrLayer->GetFeature(change.fid));
        const std::string what = featureLabel(m_layer, change.fid);
        if (!current)
            throw EditConflict(what + " was deleted by someone else since you read it; nothing "
                                      "was saved",
                               {m_path, m_layer, change.fid, {}});
        if (toEditable(*current).version != change.baseVersion)
            throw EditConflict(what + " was changed by someone else since you read it; nothing "
                                      "was saved: reload it and make your change again",
                               {m_path, m_layer, change.fid, {}});
        if (change.kind == FeatureChange::Kind::Delete) {
            history.recordDelete(*current);
            if (m_ogrLayer->DeleteFeature(change.fid) != OGRERR_NONE)
                throw IoError("cannot delete: " + errors.lastFailure() + "; nothing was saved",
                              {m_path, m_layer, change.fid, {}});
            return;
        }
        history.recordUpdate(*current);
        setValues(*current, change);
        if (m_ogrLayer->SetFeature(current.get()) != OGRERR_NONE)
            throw IoError("cannot save: " + errors.lastFailure() + "; nothing was saved",
                          {m_path, m_layer, change.fid, {}});
    }

    std::string m_path;
    GDALDatasetUniquePtr m_dataset;
    OGRLayer* m_ogrLayer = nullptr;
};

} // namespace

FieldValues fieldValuesOf(OGRFeature& feature)
{
    FieldValues values;
    for (int i = 0; i < feature.GetFieldCount(); ++i) {
        const std::string name = feature.GetFieldDefnRef(i)->GetNameRef();
        values[name] = feature.IsFieldSetAndNotNull(i)
                           ? std::optional<std::string>(fieldText(feature, i))
                           : std::nullopt;
    }
    return values;
}

std::unique_ptr<EditSession> EditSession::open(const std::string& store, const std::string& layer,
                                               const std::string& schema)
{
    if (isPostgresSource(store)) {
        refusePassword(store, "the store");
        return std::make_unique<PostgisEditSession>(store, layer, schema);
    }
    return std::make_unique<GeoPackageEditSession>(store, layer);
}

} // namespace parkatlas::geo
