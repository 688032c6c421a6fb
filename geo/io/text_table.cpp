#include "geo/io/text_table.h"

#include <algorithm>
#include <cstdint>

namespace parkatlas::geo {

namespace {

bool isWide(std::uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
           (c >= 0x20000 && c <= 0x3FFFD);
}

bool isZeroWidth(std::uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036F) || c == 0x200B || (c >= 0xFE00 && c <= 0xFE0F);
}

} // namespace

std::size_t displayWidth(std::string_view s)
{
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        std::size_t length = 1;
        if (c >= 0xF0 && i + 3 < s.size()) {
            cp = (c & 0x07u) << 18 | (s[i + 1] & 0x3Fu) << 12 | (s[i + 2] & 0x3Fu) << 6 |
                 (s[i + 3] & 0x3Fu);
            length = 4;
        } else if (c >= 0xE0 && i + 2 < s.size()) {
            cp = (c & 0x0Fu) << 12 | (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
            length = 3;
        } else if (c >= 0xC0 && i + 1 < s.size()) {
            cp = (c & 0x1Fu) << 6 | (s[i + 1] & 0x3Fu);
            length = 2;
        }
        i += length;
        if (isZeroWidth(cp))
            continue;
        width += isWide(cp) ? 2 : 1;
    }
    return width;
}

void TextTable::addColumn(std::string header, Align align)
{
    m_columns.push_back({std::move(header), align});
}

void TextTable::addRow(std::vector<std::string> cells)
{
    cells.resize(m_columns.size());
    m_rows.push_back(std::move(cells));
}

void TextTable::addRule()
{
    m_rows.emplace_back();
}

void TextTable::render(std::ostream& out) const
{
    std::vector<std::size_t> widths;
    for (const Column& column : m_columns)
        widths.push_back(displayWidth(column.header));
    for (const auto& row : m_rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], displayWidth(row[i]));

    auto emit = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < m_columns.size(); ++i) {
            const std::string& cell = cells[i];
            const std::size_t pad = widths[i] - displayWidth(cell);
            if (i > 0)
                line += "  ";
            if (m_columns[i].align == Align::Right)
                line += std::string(pad, ' ') + cell;
            else if (i + 1 < m_columns.size())
                line += cell + std::string(pad, ' ');
            else
                line += cell;
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
    };
    auto rule = [&] {
        std::size_t total = 0;
        for (std::size_t w : widths)
            total += w;
        total += 2 * (widths.empty() ? 0 : widths.size() - 1);
        out << std::string(total, '-') << '\n';
    };

    std::vector<std::string> headers;
    for (const Column& column : m_columns)
        headers.push_back(column.header);
    emit(headers);
    rule();
    for (const auto& row : m_rows) {
        if (row.empty())
            rule();
        else
            emit(row);
    }
}

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos && !text.empty() &&
        text.front() != ' ' && text.back() != ' ')
        return std::string(text);
    if (text.empty())
        return {};
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

void writeCsv(std::ostream& out, const std::vector<std::vector<std::string>>& rows, bool excelBom)
{
    if (excelBom)
        out << "\xEF\xBB\xBF";
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0)
                out << ',';
            out << csvField(row[i]);
        }
        out << "\r\n";
    }
}

} // namespace parkatlas::geo
