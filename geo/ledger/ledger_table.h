#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace parkatlas::geo {

class JsonWriter;

/// One value of a ledger: unknown, a text, a number, or a count.
using LedgerCell = std::variant<std::monostate, std::string, double, std::int64_t>;

/// How a column is shown and whether its rows add up to its total.
struct LedgerColumn {
    enum class Kind {
        Text,   // left-aligned text
        Count,  // whole numbers; summed
        Amount, // a quantity (亩, 万元, km); summed, shown with `decimals`, parts add up
        Ratio,  // a ratio or share (%, 万元/亩); never summed: the total row has its own
        Union,  // an area whose rows can overlap (findings by rule): each row and the total
                // measured on their own (the total is the union), rounded once, never summed
    };
    std::string key;    // machine name (JSON, first CSV header row): "area_mu"
    std::string header; // for people: "面积（亩）"
    Kind kind = Kind::Text;
    int decimals = 2;
};

/// One table of a ledger: rows, a total row (optional), and notes on what was left out.
/// Amount columns are summed unrounded; when shown, the rows are rounded by largest remainder
/// (roundPartsForDisplay) so that the shown rows add up to the shown total.
struct LedgerTable {
    std::string id;    // "by_batch"
    std::string title; // "征地台账（按批次）"
    std::vector<LedgerColumn> columns;
    std::vector<std::vector<LedgerCell>> rows;
    std::vector<LedgerCell> total; // empty: no total row
    std::vector<std::string> notes;

    /// Rows and total as shown (text; "" for unknown), total last when there is one.
    std::vector<std::vector<std::string>> shown() const;
    /// The same, as cells: Amount and Ratio columns as the rounded number shown, so a
    /// spreadsheet's SUM of the rows gives the total row.
    std::vector<std::vector<LedgerCell>> shownCells() const;
};

/// A ledger (台账): several tables about one subject of one park.
struct Ledger {
    std::string kind;  // "acquisition", "idle", "works", "supply"
    std::string title; // "征地台账"
    std::string park;
    std::vector<LedgerTable> tables;
    std::vector<std::string> notes; // about the whole ledger (method, layers used)
};

/// Plain text, lined up with Chinese: each table with its title, rows, total and notes.
void writeLedgerText(std::ostream& out, const Ledger& ledger);
/// CSV, UTF-8 with BOM, CRLF: per table a title row, a header row, the rows as shown, the total,
/// the notes, then an empty row.
void writeLedgerCsv(std::ostream& out, const Ledger& ledger);
/// One JSON object: kind, title, park, notes, tables (id, title, columns, rows and total as
/// objects with unrounded values, unknown as null, notes).
void writeLedgerJson(JsonWriter& json, const Ledger& ledger);
/// The rows of one Excel worksheet (2^20): Excel opens no more, and libxlsxwriter refuses
/// a row past it.
constexpr std::size_t kXlsxMaxRowsPerSheet = 1048576;

/// An .xlsx workbook, one sheet per table (the title in row 1, headers in row 2, numbers as
/// numbers as shown), written to `path` under a temporary name and renamed when complete.
/// A table longer than a sheet (`maxRowsPerSheet` rows, title, headers and notes included: a
/// supply ledger of a million parcels) goes on over further sheets, each with the title
/// marked as continued and the headers again; the last row of every sheet but the last names
/// the sheet it goes on in, and the total and notes close the last. No row is left out.
/// Returns the number of sheets written. Throws IoError naming the path.
std::size_t writeLedgerXlsx(const std::string& path, const Ledger& ledger,
                            std::size_t maxRowsPerSheet = kXlsxMaxRowsPerSheet);

} // namespace parkatlas::geo
