#pragma once

#include "geo/crs/crs.h"
#include "geo/model/encoding_choice.h"
#include "geo/model/geometry_store.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

enum class FieldType { Integer, Real, String, Date };

const char* toString(FieldType type);

/// A calendar date as days since 1970-01-01 (proleptic Gregorian).
struct Date {
    std::int32_t daysSinceEpoch = 0;
    static Date fromYmd(int year, unsigned month, unsigned day);
    /// "YYYY-MM-DD" (also "YYYY/MM/DD", "YYYYMMDD"); nullopt when not a real date.
    static std::optional<Date> parse(std::string_view text);
    int year() const;
    unsigned month() const;
    unsigned day() const;
    std::string toIso() const;
    auto operator<=>(const Date&) const = default;
};

struct FieldDef {
    std::string name; // as in the source, decoded to UTF-8
    FieldType type = FieldType::String;
    int width = 0; // from the source where it has one
    int precision = 0;
};

/// Column-wise attribute storage: numbers in flat arrays, text in one buffer with offsets, and a
/// mask for unknown values. A value that the source masks or leaves out (null, empty text, "xx",
/// "**", "/", "-", "无数据"…) is unknown, never zero: see isUnknownText().
class AttributeTable {
public:
    void setFields(std::vector<FieldDef> fields);
    const std::vector<FieldDef>& fields() const { return m_fields; }
    /// Index of a field by case-insensitive name, or -1.
    int fieldIndex(std::string_view name) const;
    std::size_t rowCount() const { return m_rowCount; }

    /// Appending a row: call one set* or setUnknown per field, in any order, then commitRow().
    void setInteger(int field, std::int64_t value);
    void setReal(int field, double value);
    void setText(int field, std::string_view utf8);
    void setDate(int field, Date value);
    void setUnknown(int field);
    void commitRow();

    bool isUnknown(std::size_t row, int field) const;
    /// Numeric value of a number field, or of a text field that holds a number; nullopt when
    /// unknown or not a number.
    std::optional<double> number(std::size_t row, int field) const;
    std::optional<std::int64_t> integer(std::size_t row, int field) const;
    std::optional<Date> date(std::size_t row, int field) const;
    /// The value as text for display ("" when unknown): integers plainly, reals with up to 15
    /// significant digits, dates as ISO.
    std::string text(std::size_t row, int field) const;
    /// Text fields only: a view on the stored UTF-8 (valid until the table changes).
    std::string_view textView(std::size_t row, int field) const;

    std::size_t memoryBytes() const;

private:
    struct Column {
        FieldType type;
        std::vector<std::int64_t> integers;
        std::vector<double> reals;
        std::vector<std::int32_t> dates;
        std::vector<char> chars;
        std::vector<std::uint32_t> charOffsets{0};
        std::vector<bool> unknown;
        bool pending = false;
    };
    std::vector<FieldDef> m_fields;
    std::vector<Column> m_columns;
    std::size_t m_rowCount = 0;
};

/// True for text that a ledger uses to mean "not known": empty or blank, "xx"/"XX", runs of
/// '*', "/", "-", "—", "无", "不详", "未知", "待定", "null", "NULL", "N/A".
bool isUnknownText(std::string_view text);

/// A vector layer read into memory: geometry in flat arrays, attributes in columns, the source
/// feature ids, the CRS and how it was found, and the text encoding and why.
struct Layer {
    std::string name;       // layer name as in the source
    std::string sourcePath; // the file or connection it was read from
    Crs crs;
    std::string crsOrigin; // ".prj", "GeoPackage", "--s-srs", "project file", …
    EncodingChoice encoding;
    GeometryStore geometry;
    AttributeTable attributes;
    std::vector<std::int64_t> fids; // source FID of row i

    std::size_t featureCount() const { return fids.size(); }
    std::size_t memoryBytes() const;
};

} // namespace parkatlas::geo
