#include "geo/model/layer.h"

#include "geo/decimal_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace parkatlas::geo {

const char* toString(FieldType type)
{
    switch (type) {
    case FieldType::Integer:
        return "integer";
    case FieldType::Real:
        return "real";
    case FieldType::String:
        return "string";
    case FieldType::Date:
        return "date";
    }
    return "string";
}

// ---- Date ---------------------------------------------------------------------------------

Date Date::fromYmd(int year, unsigned month, unsigned day)
{
    using namespace std::chrono;
    const sys_days days{
        year_month_day{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}}};
    return Date{static_cast<std::int32_t>(days.time_since_epoch().count())};
}

std::optional<Date> Date::parse(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == 'Z'))
        text.remove_suffix(1);
    // Drop a time part ("2021-03-04T00:00:00", "2021/03/04 00:00:00").
    if (const auto cut = text.find_first_of("T "); cut != std::string_view::npos && cut >= 8)
        text = text.substr(0, cut);
    int y = 0;
    unsigned m = 0, d = 0;
    auto number = [](std::string_view s, auto& out) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        return ec == std::errc() && ptr == s.data() + s.size();
    };
    if (text.size() == 8 && text.find_first_not_of("0123456789") == std::string_view::npos) {
        if (!number(text.substr(0, 4), y) || !number(text.substr(4, 2), m) ||
            !number(text.substr(6, 2), d))
            return std::nullopt;
    } else {
        const char sep = text.size() > 4 ? text[4] : 0;
        if (sep != '-' && sep != '/' && sep != '.')
            return std::nullopt;
        const auto second = text.find(sep, 5);
        if (second == std::string_view::npos)
            return std::nullopt;
        if (!number(text.substr(0, 4), y) || !number(text.substr(5, second - 5), m) ||
            !number(text.substr(second + 1), d))
            return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok() || y < 1800 || y > 2200)
        return std::nullopt;
    return fromYmd(y, m, d);
}

namespace {
std::chrono::year_month_day toYmd(Date date)
{
    return std::chrono::year_month_day{
        std::chrono::sys_days{std::chrono::days{date.daysSinceEpoch}}};
}
} // namespace

int Date::year() const
{
    return static_cast<int>(toYmd(*this).year());
}
unsigned Date::month() const
{
    return static_cast<unsigned>(toYmd(*this).month());
}
unsigned Date::day() const
{
    return static_cast<unsigned>(toYmd(*this).day());
}

std::string Date::toIso() const
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year(), month(), day());
    return buffer;
}

// ---- unknown values -------------------------------------------------------------------------

bool isUnknownText(std::string_view text)
{
    // Trim ASCII blanks and the ideographic space U+3000.
    auto trim = [](std::string_view s) {
        for (;;) {
            if (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
                s.remove_prefix(1);
            else if (s.size() >= 3 && s.substr(0, 3) == "\xE3\x80\x80")
                s.remove_prefix(3);
            else
                break;
        }
        for (;;) {
            if (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
                s.remove_suffix(1);
            else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80")
                s.remove_suffix(3);
            else
                break;
        }
        return s;
    };
    text = trim(text);
    if (text.empty())
        return true;
    if (text.find_first_not_of('*') == std::string_view::npos)
        return true;
    static constexpr std::array<std::string_view, 14> kMarkers{
        "xx",
        "XX",
        "Xx",
        "xX",
        "/",
        "-",
        "--",
        "\xE2\x80\x94" /* — */,
        "\xE6\x97\xA0" /* 无 */,
        "\xE4\xB8\x8D\xE8\xAF\xA6" /* 不详 */,
        "\xE6\x9C\xAA\xE7\x9F\xA5" /* 未知 */,
        "\xE5\xBE\x85\xE5\xAE\x9A" /* 待定 */,
        "null",
        "N/A"};
    for (std::string_view marker : kMarkers)
        if (text == marker)
            return true;
    return text == "NULL" || text == "n/a" || text == "xxx" || text == "XXX";
}

// ---- AttributeTable -------------------------------------------------------------------------

void AttributeTable::setFields(std::vector<FieldDef> fields)
{
    if (m_rowCount != 0)
        throw std::logic_error("AttributeTable::setFields after rows were added");
    m_fields = std::move(fields);
    m_columns.clear();
    for (const FieldDef& field : m_fields)
        m_columns.push_back(Column{field.type, {}, {}, {}, {}, {0}, {}, false});
}

int AttributeTable::fieldIndex(std::string_view name) const
{
    auto lower = [](std::string_view s) {
        std::string out(s);
        for (char& c : out)
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
        return out;
    };
    const std::string wanted = lower(name);
    for (std::size_t i = 0; i < m_fields.size(); ++i)
        if (lower(m_fields[i].name) == wanted)
            return static_cast<int>(i);
    return -1;
}

void AttributeTable::setInteger(int field, std::int64_t value)
{
    Column& c = m_columns.at(field);
    switch (c.type) {
    case FieldType::Integer:
        c.integers.push_back(value);
        break;
    case FieldType::Real:
        c.reals.push_back(static_cast<double>(value));
        break;
    case FieldType::Date:
        c.dates.push_back(static_cast<std::int32_t>(value));
        break;
    case FieldType::String: {
        const std::string text = std::to_string(value);
        c.chars.insert(c.chars.end(), text.begin(), text.end());
        c.charOffsets.push_back(static_cast<std::uint32_t>(c.chars.size()));
        break;
    }
    }
    c.unknown.push_back(false);
    c.pending = true;
}

void AttributeTable::setReal(int field, double value)
{
    Column& c = m_columns.at(field);
    if (c.type == FieldType::Real) {
        c.reals.push_back(value);
        c.unknown.push_back(!std::isfinite(value));
        c.pending = true;
    } else if (c.type == FieldType::Integer) {
        setInteger(field, static_cast<std::int64_t>(std::llround(value)));
    } else {
        setText(field, formatReal15(value));
    }
}

void AttributeTable::setText(int field, std::string_view utf8)
{
    Column& c = m_columns.at(field);
    if (c.type != FieldType::String) {
        // A number or date field fed with text: parse it, or mark it unknown.
        if (c.type == FieldType::Date) {
            if (auto date = Date::parse(utf8))
                return setDate(field, *date);
        } else {
            // Not strtod: under a decimal-comma locale (Qt sets it from the environment) it
            // would read "1.5" as 1.
            if (const auto value = parseDecimal(utf8))
                return setReal(field, *value);
        }
        return setUnknown(field);
    }
    c.chars.insert(c.chars.end(), utf8.begin(), utf8.end());
    if (c.chars.size() >= UINT32_MAX)
        throw std::length_error("text column larger than 4 GB");
    c.charOffsets.push_back(static_cast<std::uint32_t>(c.chars.size()));
    c.unknown.push_back(isUnknownText(utf8));
    c.pending = true;
}

void AttributeTable::setDate(int field, Date value)
{
    Column& c = m_columns.at(field);
    if (c.type == FieldType::Date) {
        c.dates.push_back(value.daysSinceEpoch);
        c.unknown.push_back(false);
        c.pending = true;
    } else {
        setText(field, value.toIso());
    }
}

void AttributeTable::setUnknown(int field)
{
    Column& c = m_columns.at(field);
    switch (c.type) {
    case FieldType::Integer:
        c.integers.push_back(0);
        break;
    case FieldType::Real:
        c.reals.push_back(0);
        break;
    case FieldType::Date:
        c.dates.push_back(0);
        break;
    case FieldType::String:
        c.charOffsets.push_back(c.charOffsets.back());
        break;
    }
    c.unknown.push_back(true);
    c.pending = true;
}

void AttributeTable::commitRow()
{
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (!m_columns[i].pending)
            setUnknown(static_cast<int>(i));
    for (Column& c : m_columns)
        c.pending = false;
    ++m_rowCount;
}

bool AttributeTable::isUnknown(std::size_t row, int field) const
{
    return m_columns.at(field).unknown.at(row);
}

std::optional<double> AttributeTable::number(std::size_t row, int field) const
{
    const Column& c = m_columns.at(field);
    if (c.unknown.at(row))
        return std::nullopt;
    switch (c.type) {
    case FieldType::Integer:
        return static_cast<double>(c.integers[row]);
    case FieldType::Real:
        return c.reals[row];
    case FieldType::Date:
        return std::nullopt;
    case FieldType::String: {
        std::string text(textView(row, field));
        // Accept thousands separators and a trailing unit-free percent sign.
        text.erase(std::remove(text.begin(), text.end(), ','), text.end());
        if (!text.empty() && text.back() == '%')
            text.pop_back();
        const auto value = parseDecimal(text);
        if (!value || !std::isfinite(*value))
            return std::nullopt;
        return value;
    }
    }
    return std::nullopt;
}

std::optional<std::int64_t> AttributeTable::integer(std::size_t row, int field) const
{
    const Column& c = m_columns.at(field);
    if (c.type == FieldType::Integer)
        return c.unknown.at(row) ? std::nullopt : std::optional(c.integers[row]);
    if (auto value = number(row, field))
        return static_cast<std::int64_t>(std::llround(*value));
    return std::nullopt;
}

std::optional<Date> AttributeTable::date(std::size_t row, int field) const
{
    const Column& c = m_columns.at(field);
    if (c.unknown.at(row))
        return std::nullopt;
    if (c.type == FieldType::Date)
        return Date{c.dates[row]};
    if (c.type == FieldType::String)
        return Date::parse(textView(row, field));
    return std::nullopt;
}

std::string_view AttributeTable::textView(std::size_t row, int field) const
{
    const Column& c = m_columns.at(field);
    if (c.type != FieldType::String)
        return {};
    const std::uint32_t begin = c.charOffsets.at(row);
    const std::uint32_t end = c.charOffsets.at(row + 1);
    return std::string_view(c.chars.data() + begin, end - begin);
}

std::string AttributeTable::text(std::size_t row, int field) const
{
    const Column& c = m_columns.at(field);
    if (c.type == FieldType::String)
        return std::string(textView(row, field)); // masked text is shown as it was written
    if (c.unknown.at(row))
        return {};
    switch (c.type) {
    case FieldType::Integer:
        return std::to_string(c.integers[row]);
    case FieldType::Real: {
        return formatReal15(c.reals[row]);
    }
    case FieldType::Date:
        return Date{c.dates[row]}.toIso();
    case FieldType::String:
        break;
    }
    return {};
}

std::size_t AttributeTable::memoryBytes() const
{
    std::size_t bytes = 0;
    for (const Column& c : m_columns)
        bytes += c.integers.capacity() * 8 + c.reals.capacity() * 8 + c.dates.capacity() * 4 +
                 c.chars.capacity() + c.charOffsets.capacity() * 4 + c.unknown.capacity() / 8;
    return bytes;
}

std::size_t Layer::memoryBytes() const
{
    return geometry.memoryBytes() + attributes.memoryBytes() + fids.capacity() * 8;
}

} // namespace parkatlas::geo
