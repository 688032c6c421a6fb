#pragma once

#include "geo/model/layer.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

class GDALDataset;
class OGRLayer;

namespace parkatlas::geo {

/// Reading the history a park keeps (the tables are described and written by
/// geo/store/history.h): what a reader needs to read a park as of a day, without the store.
inline constexpr const char* kHistorySuffix = "_history";

/// "parcels" → "parcels_history".
std::string historyLayerName(std::string_view layer);

/// A park date (--as-of, PARK@DATE): YYYY-MM-DD, not after today. Throws Error naming `what`
/// (the option or the park) when it does not parse or lies in the future.
Date parseParkDate(std::string_view text, const std::string& what);
/// The instant `day` ends in the local time zone (the next day's 00:00), as ISO UTC text: the
/// changes saved before it are part of the park as of `day`.
std::string parkDateCutoff(Date day);
/// "park.gpkg@2026-06-30" → {"park.gpkg", "2026-06-30"}; a source without a trailing
/// @YYYY-MM-DD (or one that exists under that very name) → {source, ""}. A trailing @ followed
/// by something that looks like a date but is none is returned as the date (so it is refused).
std::pair<std::string, std::string> splitParkDate(const std::string& source);

/// True when `dataset` has `<layer>_history`.
bool hasHistory(GDALDataset& dataset, std::string_view layer);
/// The earliest change recorded for `layer` (ISO UTC), nullopt when it has none.
std::optional<std::string> firstHistoryTime(GDALDataset& dataset, std::string_view layer);

/// A result layer holding `layer` as it was before `cutoff` (parkDateCutoff), with the current
/// layer's fields, FIDs, geometry column and CRS; null when the dataset keeps no history of it.
/// Release it with dataset.ReleaseResultSet. Throws IoError when the SQL is refused.
OGRLayer* openLayerAsOf(GDALDataset& dataset, OGRLayer& layer, const std::string& cutoff);
/// The SQL (in the dataset's own dialect) that openLayerAsOf runs; "" when the dataset keeps no
/// history of the layer. For a caller that hands it on (convert: ogr2ogr's -sql).
std::string layerAsOfSql(GDALDataset& dataset, OGRLayer& layer, const std::string& cutoff);

namespace history_sql {
/// "name" quoted as an SQL identifier, 'text' as a literal.
std::string identifier(std::string_view name);
std::string literal(std::string_view text);
/// The dataset is a PostgreSQL one (GDAL's PG driver).
bool isPostgres(GDALDataset& dataset);
/// The first value of the first row of a query, as text; nullopt when none or null. Throws
/// IoError naming the dataset when the query is refused.
std::optional<std::string> scalar(GDALDataset& dataset, const std::string& sql);
/// `seconds` as ISO 8601 UTC text.
std::string isoUtc(long long seconds);
/// The time expression of a history column as ISO UTC text, in the dataset's SQL.
std::string isoColumn(GDALDataset& dataset, const std::string& column);
} // namespace history_sql

} // namespace parkatlas::geo
