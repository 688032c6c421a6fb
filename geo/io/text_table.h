#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// Columns a UTF-8 string takes in a terminal: East Asian wide and fullwidth characters (CJK,
/// fullwidth forms, Hangul) count 2, combining marks 0, everything else 1.
std::size_t displayWidth(std::string_view utf8);

/// A plain-text table that lines up with Chinese text. Numbers are right-aligned by the caller
/// choosing Align::Right for their columns.
class TextTable {
public:
    enum class Align { Left, Right };
    void addColumn(std::string header, Align align = Align::Left);
    void addRow(std::vector<std::string> cells);
    /// A rule line before the next row (for a total row).
    void addRule();
    void render(std::ostream& out) const;

private:
    struct Column {
        std::string header;
        Align align;
    };
    std::vector<Column> m_columns;
    std::vector<std::vector<std::string>> m_rows; // an empty row is a rule
};

/// One CSV field, quoted when needed (RFC 4180).
std::string csvField(std::string_view text);
/// Writes rows as CSV with CRLF line ends; with `excelBom` a UTF-8 BOM first so Excel reads the
/// Chinese right.
void writeCsv(std::ostream& out, const std::vector<std::vector<std::string>>& rows,
              bool excelBom = true);

} // namespace parkatlas::geo
