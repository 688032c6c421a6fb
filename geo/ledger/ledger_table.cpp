#include "geo/ledger/ledger_table.h"

#include "geo/error.h"
#include "geo/io/atomic_file.h"
#include "geo/io/json_writer.h"
#include "geo/io/text_table.h"
#include "geo/units.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <unistd.h>

namespace parkatlas::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double numberOf(const LedgerCell& cell)
{
    if (const double* d = std::get_if<double>(&cell))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return static_cast<double>(*i);
    return kNaN;
}

std::string textOf(const LedgerCell& cell, const LedgerColumn& column)
{
    if (const std::string* s = std::get_if<std::string>(&cell))
        return *s;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&cell))
        return std::to_string(*i);
    if (const double* d = std::get_if<double>(&cell))
        return column.kind == LedgerColumn::Kind::Count ? formatForDisplay(*d, 0)
                                                        : formatForDisplay(*d, column.decimals);
    return "";
}

} // namespace

std::vector<std::vector<LedgerCell>> LedgerTable::shownCells() const
{
    std::vector<std::vector<LedgerCell>> out = rows;
    if (!total.empty())
        out.push_back(total);
    for (std::size_t c = 0; c < columns.size(); ++c) {
        const LedgerColumn& column = columns[c];
        if (column.kind == LedgerColumn::Kind::Amount) {
            std::vector<double> parts;
            for (const auto& row : rows)
                parts.push_back(numberOf(row[c]));
            const RoundedParts rounded = roundPartsForDisplay(parts, column.decimals);
            for (std::size_t r = 0; r < rows.size(); ++r)
                if (!std::isnan(rounded.parts[r]))
                    out[r][c] = rounded.parts[r];
            if (!total.empty() && !std::holds_alternative<std::monostate>(total[c]))
                out.back()[c] = rows.empty() ? roundForDisplay(numberOf(total[c]), column.decimals)
                                             : rounded.total;
        } else if (column.kind == LedgerColumn::Kind::Ratio ||
                   column.kind == LedgerColumn::Kind::Union) {
            for (auto& row : out)
                if (std::holds_alternative<double>(row[c]))
                    row[c] = roundForDisplay(std::get<double>(row[c]), column.decimals);
        }
    }
    return out;
}

std::vector<std::vector<std::string>> LedgerTable::shown() const
{
    std::vector<std::vector<std::string>> out;
    for (const auto& row : shownCells()) {
        std::vector<std::string> texts;
        for (std::size_t c = 0; c < columns.size(); ++c)
            texts.push_back(textOf(row[c], columns[c]));
        out.push_back(std::move(texts));
    }
    return out;
}

void writeLedgerText(std::ostream& out, const Ledger& ledger)
{
    out << ledger.title << " — " << ledger.park << "\n";
    for (const std::string& note : ledger.notes)
        out << note << "\n";
    for (const LedgerTable& table : ledger.tables) {
        out << "\n" << table.title << "\n";
        TextTable text;
        for (const LedgerColumn& column : table.columns)
            text.addColumn(column.header, column.kind == LedgerColumn::Kind::Text
                                              ? TextTable::Align::Left
                                              : TextTable::Align::Right);
        const auto rows = table.shown();
        for (std::size_t r = 0; r < rows.size(); ++r) {
            if (!table.total.empty() && r + 1 == rows.size())
                text.addRule();
            text.addRow(rows[r]);
        }
        text.render(out);
        for (const std::string& note : table.notes)
            out << "  " << note << "\n";
    }
}

void writeLedgerCsv(std::ostream& out, const Ledger& ledger)
{
    std::vector<std::vector<std::string>> rows;
    for (const LedgerTable& table : ledger.tables) {
        rows.push_back({table.title});
        std::vector<std::string> header;
        for (const LedgerColumn& column : table.columns)
            header.push_back(column.header);
        rows.push_back(header);
        for (auto& row : table.shown())
            rows.push_back(row);
        for (const std::string& note : table.notes)
            rows.push_back({note});
        rows.push_back({});
    }
    writeCsv(out, rows, true);
}

namespace {

/// A column kind's JSON name. A switch, not a table indexed by the enum: a kind added later
/// (Union was) is a compiler warning here, not a read past the table's end.
const char* kindName(LedgerColumn::Kind kind)
{
    switch (kind) {
    case LedgerColumn::Kind::Text:
        return "text";
    case LedgerColumn::Kind::Count:
        return "count";
    case LedgerColumn::Kind::Amount:
        return "amount";
    case LedgerColumn::Kind::Ratio:
        return "ratio";
    case LedgerColumn::Kind::Union:
        return "union";
    }
    return "text";
}

} // namespace

void writeLedgerJson(JsonWriter& json, const Ledger& ledger)
{
    auto cell = [&json](const LedgerCell& value) {
        if (const std::string* s = std::get_if<std::string>(&value))
            json.value(*s);
        else if (const double* d = std::get_if<double>(&value))
            json.value(*d);
        else if (const std::int64_t* i = std::get_if<std::int64_t>(&value))
            json.value(*i);
        else
            json.null();
    };
    auto row = [&](const LedgerTable& table, const std::vector<LedgerCell>& values) {
        json.beginObject();
        for (std::size_t c = 0; c < table.columns.size(); ++c) {
            json.key(table.columns[c].key);
            cell(values[c]);
        }
        json.endObject();
    };
    json.beginObject();
    json.field("kind", ledger.kind);
    json.field("title", ledger.title);
    json.field("park", ledger.park);
    json.field("notes", ledger.notes);
    json.key("tables").beginArray();
    for (const LedgerTable& table : ledger.tables) {
        json.beginObject();
        json.field("id", table.id);
        json.field("title", table.title);
        json.key("columns").beginArray();
        for (const LedgerColumn& column : table.columns) {
            json.beginObject();
            json.field("key", column.key);
            json.field("header", column.header);
            json.field("kind", kindName(column.kind));
            json.endObject();
        }
        json.endArray();
        json.key("rows").beginArray();
        for (const auto& values : table.rows)
            row(table, values);
        json.endArray();
        json.key("total");
        if (table.total.empty())
            json.null();
        else
            row(table, table.total);
        json.field("notes", table.notes);
        json.endObject();
    }
    json.endArray();
    json.endObject();
}

namespace {

/// A sheet name Excel accepts: at most 31 characters (UTF-8 aware), none of []:*?/\, unique.
std::string sheetName(const std::string& title, std::vector<std::string>& used)
{
    std::string clean;
    std::size_t characters = 0;
    for (std::size_t i = 0; i < title.size() && characters < 28;) {
        const unsigned char c = static_cast<unsigned char>(title[i]);
        const std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        std::string piece = title.substr(i, length);
        if (piece.size() == 1 && std::string("[]:*?/\\").find(piece[0]) != std::string::npos)
            piece = "_";
        clean += piece;
        i += length;
        ++characters;
    }
    std::string name = clean;
    for (int n = 2; std::find(used.begin(), used.end(), name) != used.end(); ++n)
        name = clean + " " + std::to_string(n);
    used.push_back(name);
    return name;
}

} // namespace

std::size_t writeLedgerXlsx(const std::string& path, const Ledger& ledger,
                            std::size_t maxRowsPerSheet)
{
    namespace fs = std::filesystem;
    // Title, headers, one line of body and the "continued on" line at the least.
    maxRowsPerSheet = std::clamp<std::size_t>(maxRowsPerSheet, 4, kXlsxMaxRowsPerSheet);
    const fs::path dest = fs::absolute(path);
    AtomicOutput output(dest);
    const fs::path& temporary = output.path();
    lxw_workbook* workbook = workbook_new(temporary.c_str());
    if (!workbook)
        throw IoError("cannot create the workbook", {path, {}, -1, {}});
    lxw_format* bold = workbook_add_format(workbook);
    format_set_bold(bold);
    std::vector<lxw_format*> decimalsFormat;
    for (int d = 0; d <= 6; ++d) {
        lxw_format* format = workbook_add_format(workbook);
        const std::string pattern =
            d == 0 ? "0" : "0." + std::string(static_cast<std::size_t>(d), '0');
        format_set_num_format(format, pattern.c_str());
        decimalsFormat.push_back(format);
    }
    std::vector<std::string> used;
    std::size_t sheetsWritten = 0;
    for (const LedgerTable& table : ledger.tables) {
        // The body: the rows as shown (the total last), then the notes. Each sheet holds the
        // title, the headers and as much body as fits, keeping a line for "continued on".
        const auto rows = table.shownCells();
        const std::size_t bodyLines = rows.size() + table.notes.size();
        const std::size_t perSheet = maxRowsPerSheet - 3;
        const std::size_t sheets =
            bodyLines + 2 <= maxRowsPerSheet ? 1 : (bodyLines + perSheet - 1) / perSheet;
        std::vector<std::string> names;
        for (std::size_t part = 0; part < sheets; ++part)
            names.push_back(sheetName(
                part == 0 ? table.title : table.title + "（续" + std::to_string(part + 1) + "）",
                used));
        std::size_t line = 0; // next body line
        for (std::size_t part = 0; part < sheets; ++part) {
            lxw_worksheet* sheet = workbook_add_worksheet(workbook, names[part].c_str());
            ++sheetsWritten;
            const std::size_t first = line;
            const std::size_t last =
                std::min(bodyLines, line + (sheets == 1 ? bodyLines : perSheet));
            std::string title = table.title;
            if (sheets > 1)
                title += "（" + std::to_string(part + 1) + "/" + std::to_string(sheets) + "，第 " +
                         std::to_string(first + 1) + "–" + std::to_string(last) + " 行，共 " +
                         std::to_string(bodyLines) + " 行 / part " + std::to_string(part + 1) +
                         " of " + std::to_string(sheets) + ", lines " + std::to_string(first + 1) +
                         "–" + std::to_string(last) + " of " + std::to_string(bodyLines) + "）";
            worksheet_write_string(sheet, 0, 0, title.c_str(), bold);
            for (std::size_t c = 0; c < table.columns.size(); ++c) {
                worksheet_write_string(sheet, 1, static_cast<lxw_col_t>(c),
                                       table.columns[c].header.c_str(), bold);
                worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                     table.columns[c].kind == LedgerColumn::Kind::Text ? 16 : 12,
                                     nullptr);
            }
            lxw_row_t r = 2;
            for (; line < last; ++line, ++r) {
                if (line >= rows.size()) {
                    worksheet_write_string(sheet, r, 0, table.notes[line - rows.size()].c_str(),
                                           nullptr);
                    continue;
                }
                const auto& row = rows[line];
                for (std::size_t c = 0; c < table.columns.size(); ++c) {
                    const auto col = static_cast<lxw_col_t>(c);
                    const LedgerColumn& column = table.columns[c];
                    const int decimals = column.kind == LedgerColumn::Kind::Count
                                             ? 0
                                             : std::clamp(column.decimals, 0, 6);
                    if (const std::string* s = std::get_if<std::string>(&row[c]))
                        worksheet_write_string(sheet, r, col, s->c_str(), nullptr);
                    else if (std::holds_alternative<std::monostate>(row[c]))
                        continue; // unknown: an empty cell, never 0
                    else
                        worksheet_write_number(sheet, r, col, numberOf(row[c]),
                                               decimalsFormat[static_cast<std::size_t>(decimals)]);
                }
            }
            if (part + 1 < sheets) {
                const std::string next = "续见工作表「" + names[part + 1] +
                                         "」 / continued on sheet \"" + names[part + 1] + "\"";
                worksheet_write_string(sheet, r, 0, next.c_str(), bold);
            }
        }
    }
    const lxw_error status = workbook_close(workbook);
    if (status != LXW_NO_ERROR) {
        const std::string disk = diskProblemAt(dest);
        throw IoError("cannot write the workbook: " + (disk.empty() ? "" : disk + ": ") +
                          lxw_strerror(status),
                      {path, {}, -1, {}});
    }
    try {
        output.commit();
    } catch (const IoError& failure) {
        throw IoError(failure.message(), {path, {}, -1, {}});
    }
    return sheetsWritten;
}

} // namespace parkatlas::geo
