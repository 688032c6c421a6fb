#include "geo/io/history_read.h"

#include "geo/error.h"
#include "geo/gdal_session.h"

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <ctime>
#include <filesystem>
#include <regex>

namespace parkatlas::geo {

namespace history_sql {

std::string identifier(std::string_view name)
{
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + "\"";
}

std::string literal(std::string_view text)
{
    std::string out = "'";
    for (char c : text) {
        out += c;
        if (c == '\'')
            out += '\'';
    }
    return out + "'";
}

bool isPostgres(GDALDataset& dataset)
{
    const GDALDriver* driver = dataset.GetDriver();
    return driver && std::string_view(driver->GetDescription()) == "PostgreSQL";
}

struct ResultSet {
    GDALDataset& dataset;
    OGRLayer* layer;
    ~ResultSet()
    {
        if (layer)
            dataset.ReleaseResultSet(layer);
    }
};

/// The first value of the first row of a query, as text; nullopt when there is none or it is null.
std::optional<std::string> scalar(GDALDataset& dataset, const std::string& sql)
{
    GdalErrorCapture errors;
    ResultSet result{dataset, dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr)};
    if (!result.layer)
        throw IoError("the history query was refused: " + errors.lastFailure(),
                      {dataset.GetDescription(), {}, -1, {}});
    OGRFeatureUniquePtr row(result.layer->GetNextFeature());
    if (!row || row->GetFieldCount() == 0 || !row->IsFieldSetAndNotNull(0))
        return std::nullopt;
    return std::string(row->GetFieldAsString(0));
}

std::string isoUtc(long long seconds)
{
    std::tm parts{};
    const std::time_t t = static_cast<std::time_t>(seconds);
    gmtime_r(&t, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

/// The time expression of a history column as ISO UTC text, in the dataset's SQL.
std::string isoColumn(GDALDataset& dataset, const std::string& column)
{
    if (isPostgres(dataset))
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
    return column;
}

} // namespace history_sql

std::string historyLayerName(std::string_view layer)
{
    return std::string(layer) + kHistorySuffix;
}

Date parseParkDate(std::string_view text, const std::string& what)
{
    const auto date = Date::parse(text);
    if (!date || text.size() != 10)
        throw Error(what + ": '" + std::string(text) +
                        "' is not a date; give the day as YYYY-MM-DD (2026-06-30)",
                    {});
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    const Date today = Date::fromYmd(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                                     static_cast<unsigned>(local.tm_mday));
    if (*date > today)
        throw Error(what + ": " + date->toIso() + " is in the future (today is " + today.toIso() +
                        "); a park can only be read as it was",
                    {});
    return *date;
}

std::string parkDateCutoff(Date day)
{
    const Date next{day.daysSinceEpoch + 1};
    std::tm parts{};
    parts.tm_year = next.year() - 1900;
    parts.tm_mon = static_cast<int>(next.month()) - 1;
    parts.tm_mday = static_cast<int>(next.day());
    parts.tm_isdst = -1;
    return history_sql::isoUtc(static_cast<long long>(std::mktime(&parts)));
}

std::pair<std::string, std::string> splitParkDate(const std::string& source)
{
    static const std::regex kDated(R"((.+)@(\d[\d-]*)$)");
    std::smatch match;
    if (!std::regex_match(source, match, kDated))
        return {source, ""};
    std::error_code ec;
    if (std::filesystem::exists(source, ec))
        return {source, ""};
    return {match[1].str(), match[2].str()};
}

bool hasHistory(GDALDataset& dataset, std::string_view layer)
{
    GdalErrorCapture quiet;
    return dataset.GetLayerByName(historyLayerName(layer).c_str()) != nullptr;
}

std::optional<std::string> firstHistoryTime(GDALDataset& dataset, std::string_view layer)
{
    if (!hasHistory(dataset, layer))
        return std::nullopt;
    return history_sql::scalar(dataset,
                               "SELECT " + history_sql::isoColumn(dataset, "min(hist_valid_to)") +
                                   " FROM " + history_sql::identifier(historyLayerName(layer)));
}

std::string layerAsOfSql(GDALDataset& dataset, OGRLayer& layer, const std::string& cutoff)
{
    const std::string name = layer.GetName();
    if (!hasHistory(dataset, name))
        return {};
    OGRLayer& historyLayer = *dataset.GetLayerByName(historyLayerName(name).c_str());
    OGRFeatureDefn* kept = historyLayer.GetLayerDefn();
    const bool postgres = history_sql::isPostgres(dataset);
    const std::string fidColumn =
        layer.GetFIDColumn() && *layer.GetFIDColumn()
            ? layer.GetFIDColumn()
            : std::string("fid"); // the FID column ParkAtlas writes (postgis_transfer.h kFidColumn)
    // GDAL takes a result column for the FID by its name: the table's own FID column in a
    // GeoPackage, ogc_fid from PostgreSQL.
    const std::string fidAlias = postgres ? "ogc_fid" : fidColumn;
    std::string current =
        "t." + history_sql::identifier(fidColumn) + " AS " + history_sql::identifier(fidAlias);
    std::string old = "h.hist_fid AS " + history_sql::identifier(fidAlias);
    OGRFeatureDefn* definition = layer.GetLayerDefn();
    for (int i = 0; i < definition->GetGeomFieldCount(); ++i) {
        const std::string geometry = definition->GetGeomFieldDefn(i)->GetNameRef();
        current += ", t." + history_sql::identifier(geometry);
        old += kept->GetGeomFieldIndex(geometry.c_str()) >= 0
                   ? ", h." + history_sql::identifier(geometry)
                   : ", NULL AS " + history_sql::identifier(geometry);
    }
    for (int i = 0; i < definition->GetFieldCount(); ++i) {
        const std::string field = definition->GetFieldDefn(i)->GetNameRef();
        current += ", t." + history_sql::identifier(field);
        old += kept->GetFieldIndex(field.c_str()) >= 0
                   ? ", h." + history_sql::identifier(field)
                   : ", NULL AS " + history_sql::identifier(field);
    }
    const std::string table = history_sql::identifier(name);
    const std::string history = history_sql::identifier(historyLayerName(name));
    const std::string after = history_sql::literal(cutoff);
    const std::string sql =
        "SELECT " + current + " FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM " + history +
        " e WHERE e.hist_valid_to >= " + after + " AND (e.hist_fid = t." +
        history_sql::identifier(fidColumn) + " OR e.hist_fid IS NULL)) UNION ALL SELECT " + old +
        " FROM " + history +
        " h WHERE h.hist_op IN ('update', 'delete') AND h.hist_valid_to >= " + after +
        " AND NOT EXISTS (SELECT 1 FROM " + history +
        " e WHERE e.hist_fid = h.hist_fid AND e.hist_valid_to >= " + after +
        " AND e.hist_id < h.hist_id)";
    return sql;
}

OGRLayer* openLayerAsOf(GDALDataset& dataset, OGRLayer& layer, const std::string& cutoff)
{
    const std::string sql = layerAsOfSql(dataset, layer, cutoff);
    if (sql.empty())
        return nullptr;
    const std::string name = layer.GetName();
    GdalErrorCapture errors;
    OGRLayer* result = dataset.ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!result)
        throw IoError("cannot read the layer as of " + cutoff +
                          " from its history: " + errors.lastFailure(),
                      {dataset.GetDescription(), name, -1, {}});
    return result;
}

} // namespace parkatlas::geo
