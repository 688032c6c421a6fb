#pragma once

// Joining a ledger (台账) from Excel or CSV onto a park's features by a key: the investment
// office's sheet keyed by plot number, company name or 统一社会信用代码 becomes the contract's
// fields (dates as YYYY-MM-DD text, money in 万元) on the parcels of a park GeoPackage.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

class GDALDataset;

namespace parkatlas::geo {

class IssueSink;
class JsonWriter;

/// What to join and by what. `key` is a contract field ("parcel_id", "owner", "credit_code",
/// which the contract names credit_cd to fit a DBF) and picks the role layer holding it
/// (parcels for all three); `column` is the table's key
/// column by its header (Chinese or not; empty: found by the key's aliases). `encoding` is for
/// CSV only (empty: detected, UTF-8 with or without BOM, else GBK); `sheet` picks a worksheet
/// by name (empty: the first sheet whose header holds the key column).
struct JoinSpec {
    std::string tablePath;
    std::string key;
    std::string column;
    std::string encoding;
    std::string sheet;
};

/// A cell that could not be read as its field wants. `row` is the row number as the sheet
/// shows it (1-based; a CSV's line of record), `column` the header as written.
struct JoinCellProblem {
    int row = 0;
    std::string column;
    std::string text;
    std::string why;
};

/// How one column of the table was used.
struct JoinColumn {
    std::string header;   // as written ("投资情况 / 已完成投资（万元）" for a two-row header)
    std::string field;    // the layer field it was written to
    bool contract = false; // a contract field (else kept as it is, under a sanitised name)
    std::string unit;      // the unit the header names ("元", "万元", "亩" …), "" when none
    std::size_t unknownCells = 0; // masked or blank cells among the joined rows
    std::size_t unparseableCells = 0; // cells that could not be read (each in `unparseable`)
};

/// A key of the table that no feature has, with the row it is on.
struct JoinTableKey {
    std::string key;
    int row = 0;
};

/// A feature whose key no row of the table has.
struct JoinFeatureKey {
    std::int64_t fid = -1;
    std::string key;
};

/// A key held by several rows (side "table": `rows`) or several features (side "layer":
/// `fids`). Neither is written: which row (or which feature) is meant cannot be told, and
/// writing a company's tax to each of its parcels would count it several times.
struct JoinDuplicateKey {
    std::string key;
    std::string side;
    std::vector<std::int64_t> rowsOrFids;
};

/// What the join did: everything a user needs to trust it, nothing dropped silently.
struct JoinReport {
    std::string tablePath;
    std::string sheet;     // worksheet name, or the CSV's file name
    std::string encoding;  // the CSV's text encoding and why, "" for workbooks
    int headerRow = 0;     // first header row (1-based)
    int headerRows = 1;    // 1, or 2 for a two-row header
    std::string layer;     // "parcels"
    std::string key;       // the contract field: "parcel_id", "owner", "credit_cd"
    std::string keyColumn; // the table's key column as written
    std::size_t rows = 0;  // data rows read (blank rows and 合计 rows not counted)
    std::size_t matched = 0; // rows written onto exactly one feature
    std::vector<JoinColumn> columns;
    std::vector<JoinTableKey> unmatchedKeys;
    std::vector<JoinFeatureKey> featuresWithoutRow;
    std::size_t featuresWithoutKey = 0; // features whose key field is empty
    std::vector<int> rowsWithoutKey;    // rows whose key cell is blank or masked
    std::vector<JoinDuplicateKey> duplicateKeys;
    std::vector<JoinCellProblem> unparseable;
    /// Cells read as unknown (masked or blank) per layer field, among the joined rows.
    std::map<std::string, std::size_t> unknownCells;
    /// Things a reader should know: month-only dates taken as the 1st, skipped total rows …
    std::vector<std::string> notes;
};

/// Reads the table, finds its header row (which may stand below a title row, and may be two
/// rows with merged cells above) by the recognised column names, maps the columns to the
/// contract's fields of the key's role (other columns are kept under sanitised names), parses
/// the values (dates to YYYY-MM-DD, money to 万元, masked cells unknown) and writes them onto
/// the matching features of `park` in one transaction. Unknown and unparseable cells are
/// written as null. Throws Error (IoError for files) naming the file, the sheet and what is
/// missing when the table cannot be read, has no key column, or has header cells it cannot
/// tell apart; throws before anything is written. Issues: one warning per unparseable cell and
/// a summary per kind of unmatched or duplicate key. Not thread-safe on one dataset.
JoinReport joinTable(GDALDataset& park, const JoinSpec& spec, IssueSink& issues);

/// The report as one JSON object.
void writeJoinReport(const JoinReport& report, JsonWriter& json);

// ---- The cell parsers (public for the tests and the fuzz target) ------------------------------

/// A ledger cell read for a field.
struct LedgerValue {
    enum class State { Known, Unknown, Invalid };
    State state = State::Unknown;
    double number = 0;   // money in 万元, numbers in the field's unit
    std::string text;    // dates: YYYY-MM-DD
    std::string why;     // Invalid: one sentence
    bool monthOnly = false; // a date given to the month ("2026年6月"): the 1st is taken
};

/// Full-width ASCII (U+FF01–U+FF5E) and the ideographic space to their ASCII forms; other text
/// unchanged.
std::string halfWidth(std::string_view text);

/// A key as compared: half-width, trimmed, upper case (ASCII) when `caseInsensitive`.
std::string normalizeJoinKey(std::string_view text, bool caseInsensitive);

/// Dates: Excel serial numbers ("45473", "45473.5"), 2026年6月30日, 2026-06-30, 2026.6.30,
/// 2026/6/30, 20260630, a time after the date, and to the month (2026年6月, 2026-06: the 1st,
/// monthOnly). Masked or blank: Unknown.
LedgerValue parseLedgerDate(std::string_view cell);

/// Money in 万元: the cell's own unit ("1.2亿", "3,500万元", "800元", "¥12.5万") wins over
/// `headerWanPerUnit`, the 万元 one unit of the header stands for (1 for 万元 and for a header
/// without unit, 0.0001 for 元, 10000 for 亿元). Rounded to 0.01 元.
LedgerValue parseLedgerMoney(std::string_view cell, double headerWanPerUnit = 1.0);

/// A plain number (thousands separators, full-width digits, a trailing % kept as the number),
/// locale-free. Areas: a cell unit of 亩/公顷/㎡/平方米 converts to m² when `areaM2` is set.
LedgerValue parseLedgerNumber(std::string_view cell, bool areaM2 = false,
                              double headerFactor = 1.0);

/// The 万元 one unit named in a header stands for ("（元）" → 0.0001, "万元" → 1, "亿元" →
/// 10000), 0 when the header names no money unit.
double moneyUnitOfHeader(std::string_view header);

} // namespace parkatlas::geo
