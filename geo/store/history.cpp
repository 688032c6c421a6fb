#include "geo/store/history.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/pg_connection.h"
#include "geo/store/postgis_transfer.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <pwd.h>
#include <regex>
#include <unistd.h>

namespace parkatlas::geo {

namespace {

constexpr const char* kMetaFields[] = {"hist_fid",      "hist_op", "hist_valid_from",
                                       "hist_valid_to", "hist_by", "hist_command"};

using history_sql::identifier;
using history_sql::isoColumn;
using history_sql::isoUtc;
using history_sql::isPostgres;
using history_sql::literal;
using history_sql::scalar;

} // namespace

std::string historyUser()
{
    if (const char* user = std::getenv("USER"); user && *user)
        return user;
    if (const passwd* entry = getpwuid(geteuid()); entry && entry->pw_name)
        return entry->pw_name;
    return "unknown";
}

std::string historyTimestamp()
{
    return isoUtc(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
}

// -- GeoPackage -----------------------------------------------------------------------------

GeoPackageHistory::GeoPackageHistory(GDALDataset& dataset, OGRLayer& layer, HistoryStamp stamp)
    : m_dataset(dataset), m_layer(layer), m_stamp(std::move(stamp)), m_when(historyTimestamp())
{
    if (m_stamp.who.empty())
        m_stamp.who = historyUser();
}

void GeoPackageHistory::ensureLayer()
{
    const ErrorContext where{
        m_dataset.GetDescription(), historyLayerName(m_layer.GetName()), -1, {}};
    OGRFeatureDefn* source = m_layer.GetLayerDefn();
    GdalErrorCapture errors;
    if (!m_history)
        m_history = m_dataset.GetLayerByName(where.layer.c_str());
    if (!m_history) {
        CPLStringList options;
        options.SetNameValue("FID", "hist_id");
        if (const char* geometry = m_layer.GetGeometryColumn(); geometry && *geometry)
            options.SetNameValue("GEOMETRY_NAME", geometry);
        options.SetNameValue("SPATIAL_INDEX", "NO");
        options.SetNameValue("DESCRIPTION",
                             ("history of " + std::string(m_layer.GetName())).c_str());
        m_history = m_dataset.CreateLayer(where.layer.c_str(), m_layer.GetSpatialRef(),
                                          m_layer.GetGeomType(), options.List());
        if (!m_history)
            throw IoError("cannot create the history layer: " + errors.lastFailure(), where);
        for (const char* name : kMetaFields) {
            OGRFieldDefn field(name,
                               std::string_view(name) == "hist_fid" ? OFTInteger64 : OFTString);
            if (m_history->CreateField(&field) != OGRERR_NONE)
                throw IoError("cannot create the history field: " + errors.lastFailure(),
                              {where.path, where.layer, -1, name});
        }
    }
    OGRFeatureDefn* target = m_history->GetLayerDefn();
    for (int i = 0; i < source->GetFieldCount(); ++i) {
        OGRFieldDefn* field = source->GetFieldDefn(i);
        if (std::string_view(field->GetNameRef()).rfind("hist_", 0) == 0)
            throw IoError("the layer has a field named like the history's own columns (hist_…); "
                          "rename it to keep its history",
                          {where.path, m_layer.GetName(), -1, field->GetNameRef()});
        if (target->GetFieldIndex(field->GetNameRef()) < 0 &&
            m_history->CreateField(field) != OGRERR_NONE)
            throw IoError("cannot add the field to the history: " + errors.lastFailure(),
                          {where.path, where.layer, -1, field->GetNameRef()});
    }
}

void GeoPackageHistory::setStamp(OGRFeature& row, const char* operation)
{
    row.SetField("hist_op", operation);
    row.SetField("hist_valid_to", m_when.c_str());
    row.SetField("hist_by", m_stamp.who.c_str());
    row.SetField("hist_command", m_stamp.command.c_str());
}

std::optional<std::string> GeoPackageHistory::validFrom(std::int64_t fid)
{
    return scalar(m_dataset, "SELECT max(hist_valid_to) FROM " + identifier(m_history->GetName()) +
                                 " WHERE hist_fid = " + std::to_string(fid) +
                                 " OR hist_fid IS NULL");
}

void GeoPackageHistory::recordOld(OGRFeature& old, const char* operation)
{
    ensureLayer();
    OGRFeatureDefn* target = m_history->GetLayerDefn();
    OGRFeatureUniquePtr row(OGRFeature::CreateFeature(target));
    std::vector<int> map(static_cast<std::size_t>(old.GetFieldCount()));
    for (int i = 0; i < old.GetFieldCount(); ++i)
        map[static_cast<std::size_t>(i)] =
            target->GetFieldIndex(old.GetFieldDefnRef(i)->GetNameRef());
    row->SetFrom(&old, map.data(), TRUE);
    row->SetFID(OGRNullFID);
    row->SetField("hist_fid", static_cast<GIntBig>(old.GetFID()));
    if (const auto from = validFrom(old.GetFID()))
        row->SetField("hist_valid_from", from->c_str());
    setStamp(*row, operation);
    GdalErrorCapture errors;
    if (m_history->CreateFeature(row.get()) != OGRERR_NONE)
        throw IoError("cannot record the change in the history: " + errors.lastFailure() +
                          "; nothing was saved",
                      {m_dataset.GetDescription(), m_history->GetName(), old.GetFID(), {}});
}

void GeoPackageHistory::recordInsert(std::int64_t fid)
{
    ensureLayer();
    OGRFeatureUniquePtr row(OGRFeature::CreateFeature(m_history->GetLayerDefn()));
    row->SetField("hist_fid", static_cast<GIntBig>(fid));
    setStamp(*row, "insert");
    GdalErrorCapture errors;
    if (m_history->CreateFeature(row.get()) != OGRERR_NONE)
        throw IoError("cannot record the new feature in the history: " + errors.lastFailure() +
                          "; nothing was saved",
                      {m_dataset.GetDescription(), m_history->GetName(), fid, {}});
}

void GeoPackageHistory::recordCreation()
{
    ensureLayer();
    OGRFeatureUniquePtr row(OGRFeature::CreateFeature(m_history->GetLayerDefn()));
    setStamp(*row, "create");
    GdalErrorCapture errors;
    if (m_history->CreateFeature(row.get()) != OGRERR_NONE)
        throw IoError("cannot record the layer's creation in its history: " + errors.lastFailure(),
                      {m_dataset.GetDescription(), m_history->GetName(), -1, {}});
}

// -- PostGIS --------------------------------------------------------------------------------

namespace {

/// The columns of a table in order, with their SQL types.
std::vector<std::pair<std::string, std::string>>
tableColumns(PgConnection& pg, const std::string& schema, const std::string& table)
{
    PgResult result = pg.exec(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN "
        "pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
        "n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY "
        "a.attnum",
        {schema, table});
    std::vector<std::pair<std::string, std::string>> columns;
    for (int r = 0; r < result.rows(); ++r)
        columns.emplace_back(result.text(r, 0), result.text(r, 1));
    return columns;
}

/// Makes `<table>_history` when missing, adds the table's columns it lacks. Returns the role
/// columns both have.
std::vector<std::string> ensurePostgisHistoryTable(PgConnection& pg, const std::string& schema,
                                                   const std::string& table)
{
    const std::string history = historyLayerName(table);
    const std::string qualified = pg.qualified(schema, history);
    auto existing = tableColumns(pg, schema, history);
    if (existing.empty()) {
        pg.exec("CREATE TABLE " + qualified +
                " (hist_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, hist_fid bigint, "
                "hist_op text NOT NULL, hist_valid_from timestamptz, hist_valid_to timestamptz "
                "NOT NULL, hist_by text NOT NULL, hist_command text NOT NULL)");
        pg.exec("CREATE INDEX " + pg.quoteIdentifier(history + "_fid") + " ON " + qualified +
                " (hist_fid)");
        existing = tableColumns(pg, schema, history);
    }
    std::vector<std::string> shared;
    for (const auto& [name, type] : tableColumns(pg, schema, table)) {
        if (name.rfind("hist_", 0) == 0)
            throw IoError("the table has a column named like the history's own (hist_…); "
                          "rename it",
                          {pg.describe(), table, -1, name});
        bool found = false;
        for (const auto& column : existing)
            found = found || column.first == name;
        if (!found) {
            // Geometry of any type: the table's type may change when it is published again.
            const std::string columnType =
                type.rfind("geometry", 0) == 0 ? std::string("geometry") : type;
            pg.exec("ALTER TABLE " + qualified + " ADD COLUMN " + pg.quoteIdentifier(name) + " " +
                    columnType);
        }
        shared.push_back(name);
    }
    return shared;
}

} // namespace

void setPostgisHistoryCommand(PgConnection& connection, const std::string& command)
{
    connection.exec("SELECT set_config('parkatlas.command', $1, true)", {command});
}

void archivePostgisTable(PgConnection& pg, const std::string& schema, const std::string& table,
                         const std::string& command)
{
    const std::vector<std::string> columns = ensurePostgisHistoryTable(pg, schema, table);
    const std::string history = pg.qualified(schema, historyLayerName(table));
    std::string names, values;
    for (const std::string& column : columns) {
        names += ", " + pg.quoteIdentifier(column);
        values += ", t." + pg.quoteIdentifier(column);
    }
    pg.exec("INSERT INTO " + history +
                " (hist_fid, hist_op, hist_valid_from, hist_valid_to, hist_by, hist_command" +
                names + ") SELECT t." + pg.quoteIdentifier(kFidColumn) +
                ", 'delete', (SELECT max(x.hist_valid_to) FROM " + history +
                " x WHERE x.hist_fid = t." + pg.quoteIdentifier(kFidColumn) +
                " OR x.hist_fid IS NULL), now(), session_user, $1" + values + " FROM " +
                pg.qualified(schema, table) + " t",
            {command});
}

void installPostgisHistory(PgConnection& pg, const std::string& schema, const std::string& table,
                           const std::string& command)
{
    const std::vector<std::string> columns = ensurePostgisHistoryTable(pg, schema, table);
    const std::string history = pg.qualified(schema, historyLayerName(table));
    const std::string fid = pg.quoteIdentifier(kFidColumn);
    std::string names, olds;
    for (const std::string& column : columns) {
        names += ", " + pg.quoteIdentifier(column);
        olds += ", OLD." + pg.quoteIdentifier(column);
    }
    const std::string function = pg.qualified(schema, historyLayerName(table) + "_record");
    pg.exec("CREATE OR REPLACE FUNCTION " + function +
            "() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, "
            "public AS $parkatlas$\n"
            "DECLARE\n"
            "  command text := coalesce(nullif(current_setting('parkatlas.command', true), ''), "
            "'sql');\n"
            "  since timestamptz;\n"
            "BEGIN\n"
            "  IF TG_OP = 'INSERT' THEN\n"
            "    INSERT INTO " +
            history +
            " (hist_fid, hist_op, hist_valid_to, hist_by, hist_command) "
            "VALUES (NEW." +
            fid +
            ", 'insert', now(), session_user, command);\n"
            "    RETURN NULL;\n"
            "  END IF;\n"
            "  SELECT max(hist_valid_to) INTO since FROM " +
            history + " WHERE hist_fid = OLD." + fid +
            " OR hist_fid IS NULL;\n"
            "  INSERT INTO " +
            history + " (hist_fid, hist_op, hist_valid_from, hist_valid_to, hist_by, hist_command" +
            names + ") VALUES (OLD." + fid + ", lower(TG_OP), since, now(), session_user, command" +
            olds +
            ");\n"
            "  RETURN NULL;\n"
            "END\n"
            "$parkatlas$");
    // Nobody calls it but the trigger.
    pg.exec("REVOKE ALL ON FUNCTION " + function + "() FROM PUBLIC");
    const std::string qualifiedTable = pg.qualified(schema, table);
    pg.exec("DROP TRIGGER IF EXISTS parkatlas_history ON " + qualifiedTable);
    pg.exec("CREATE TRIGGER parkatlas_history AFTER INSERT OR UPDATE OR DELETE ON " +
            qualifiedTable + " FOR EACH ROW EXECUTE FUNCTION " + function + "()");
    pg.exec("INSERT INTO " + history +
                " (hist_op, hist_valid_to, hist_by, hist_command) VALUES ('create', now(), "
                "session_user, $1)",
            {command});
}

// -- reading --------------------------------------------------------------------------------

namespace {

/// The features whose history rows `readHistory` keeps for `id`: `id` itself when it is a fid,
/// the current features whose key is `id`, and the features whose history rows hold `id` as
/// their key (an old row with it, or the row before a change that gave it). Read by attribute
/// filters, so the database (GeoPackage's SQLite, PostgreSQL) does the search.
std::set<std::int64_t> historyFidsOf(const std::string& source, OGRLayer* current,
                                     OGRLayer& history, const std::string& keyField,
                                     const std::string& id)
{
    std::set<std::int64_t> fids;
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 19)
        fids.insert(std::stoll(id));
    if (keyField.empty())
        return fids;
    const std::string byKey =
        history_sql::identifier(keyField) + " = " + history_sql::literal(id);
    auto collect = [&](OGRLayer& layer, const char* fidColumn) {
        if (layer.GetLayerDefn()->GetFieldIndex(keyField.c_str()) < 0)
            return;
        GdalErrorCapture errors;
        if (layer.SetAttributeFilter(byKey.c_str()) != OGRERR_NONE)
            throw IoError("cannot filter by " + keyField + ": " + errors.lastFailure(),
                          {source, layer.GetName(), -1, {}});
        const int fidField = fidColumn ? layer.GetLayerDefn()->GetFieldIndex(fidColumn) : -1;
        layer.ResetReading();
        for (OGRFeatureUniquePtr feature(layer.GetNextFeature()); feature;
             feature.reset(layer.GetNextFeature())) {
            if (!fidColumn)
                fids.insert(feature->GetFID());
            else if (fidField >= 0 && feature->IsFieldSetAndNotNull(fidField))
                fids.insert(feature->GetFieldAsInteger64(fidField));
        }
        layer.SetAttributeFilter(nullptr);
    };
    if (current)
        collect(*current, nullptr);
    collect(history, "hist_fid");
    return fids;
}

} // namespace

std::vector<HistoryEntry>
readHistory(const std::string& source,
            const std::vector<std::pair<std::string, std::string>>& layers,
            const std::string& idFilter)
{
    ensureGdal();
    GdalErrorCapture errors;
    GDALDatasetUniquePtr dataset(GDALDataset::Open(
        source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr));
    if (!dataset)
        throw IoError("cannot open: " + errors.lastFailure(), {source, {}, -1, {}});
    std::vector<HistoryEntry> all;
    for (const auto& [layerName, keyField] : layers) {
        if (!hasHistory(*dataset, layerName))
            continue;
        OGRLayer* current = dataset->GetLayerByName(layerName.c_str());
        OGRLayer* history = dataset->GetLayerByName(historyLayerName(layerName).c_str());
        // One feature asked for (an identify click): the database reads only its rows.
        const std::optional<std::set<std::int64_t>> fids =
            idFilter.empty() ? std::nullopt
                             : std::optional(historyFidsOf(source, current, *history, keyField,
                                                           idFilter));
        if (fids && fids->empty())
            continue;
        if (fids) {
            std::string list;
            for (const std::int64_t fid : *fids)
                list += (list.empty() ? "" : ", ") + std::to_string(fid);
            if (history->SetAttributeFilter(
                    (history_sql::identifier("hist_fid") + " IN (" + list + ")").c_str()) !=
                OGRERR_NONE)
                throw IoError("cannot filter the history by fid: " + errors.lastFailure(),
                              {source, historyLayerName(layerName), -1, {}});
        }
        struct Version {
            FieldValues values;
            std::vector<unsigned char> wkb;
            bool exists = false;
        };
        auto versionOf = [&](OGRFeature& feature) {
            Version version;
            version.exists = true;
            version.values = fieldValuesOf(feature);
            if (const OGRGeometry* g = feature.GetGeometryRef()) {
                version.wkb.resize(static_cast<std::size_t>(g->WkbSize()));
                g->exportToWkb(wkbNDR, version.wkb.data(), wkbVariantIso);
            }
            return version;
        };
        // Oldest first (the history's FID is the order of the changes).
        std::map<std::int64_t, std::pair<HistoryEntry, Version>> rows;
        history->ResetReading();
        for (OGRFeatureUniquePtr row(history->GetNextFeature()); row;
             row.reset(history->GetNextFeature())) {
            HistoryEntry entry;
            entry.role = layerName;
            entry.historyId = row->GetFID();
            FieldValues meta = fieldValuesOf(*row);
            auto text = [&](const char* name) {
                auto it = meta.find(name);
                return it != meta.end() && it->second ? *it->second : std::string();
            };
            if (!text("hist_fid").empty())
                entry.fid = std::stoll(text("hist_fid"));
            entry.operation = text("hist_op");
            entry.validFrom = text("hist_valid_from");
            entry.validTo = text("hist_valid_to");
            entry.who = text("hist_by");
            entry.command = text("hist_command");
            Version old;
            if (entry.operation == "update" || entry.operation == "delete") {
                old = versionOf(*row);
                for (const char* name : kMetaFields)
                    old.values.erase(name);
                old.values.erase(kFidColumn);
                old.values.erase(kVersionColumn);
            }
            rows.emplace(entry.historyId, std::make_pair(std::move(entry), std::move(old)));
        }
        // The version after each change: the next history row of the feature, else the current row.
        std::map<std::int64_t, Version> next; // fid → the version after the latest change seen
        for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
            HistoryEntry& entry = it->second.first;
            Version& old = it->second.second;
            if (!entry.fid)
                continue;
            auto found = next.find(*entry.fid);
            if (found == next.end()) {
                Version now;
                if (OGRFeatureUniquePtr feature(current ? current->GetFeature(*entry.fid)
                                                        : nullptr);
                    feature) {
                    now = versionOf(*feature);
                    now.values.erase(kVersionColumn);
                }
                found = next.emplace(*entry.fid, std::move(now)).first;
            }
            const Version& after = found->second;
            auto key = [&](const Version& version) {
                auto k = version.values.find(keyField);
                return k != version.values.end() && k->second ? *k->second : std::string();
            };
            entry.id = entry.operation == "insert" ? key(after) : key(old);
            if (entry.operation == "update") {
                for (const auto& [field, value] : old.values) {
                    auto a = after.values.find(field);
                    const std::optional<std::string> newValue =
                        a == after.values.end() ? std::nullopt : a->second;
                    if (value != newValue)
                        entry.changedFields.push_back({field, {value, newValue}});
                }
                entry.geometryChanged = after.exists && old.wkb != after.wkb;
            }
            if (entry.operation == "insert")
                found->second = Version{}; // before the insert the feature did not exist
            else
                found->second = std::move(old);
        }
        for (auto& [id, pair] : rows) {
            HistoryEntry& entry = pair.first;
            if (!idFilter.empty() && entry.id != idFilter &&
                !(entry.fid && std::to_string(*entry.fid) == idFilter))
                continue;
            all.push_back(std::move(entry));
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
        return a.validTo < b.validTo;
    });
    return all;
}

} // namespace parkatlas::geo
