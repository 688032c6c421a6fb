#include "geo/io/json_writer.h"

#include "geo/io/encoding.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace parkatlas::geo {

std::string jsonQuote(std::string_view text)
{
    const std::string clean = isValidUtf8(text) ? std::string(text) : sanitizeUtf8(text);
    std::string out;
    out.reserve(clean.size() + 2);
    out += '"';
    for (const char ch : clean) {
        const unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += ch;
            }
        }
    }
    out += '"';
    return out;
}

std::string shortestDecimal(double number)
{
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
    if (ec != std::errc())
        return "0";
    return std::string(buffer, end);
}

JsonWriter::~JsonWriter()
{
    if (m_levels.empty())
        m_out << (m_pretty ? "\n" : "");
}

void JsonWriter::newline()
{
    if (!m_pretty)
        return;
    m_out << '\n';
    for (std::size_t i = 0; i < m_levels.size(); ++i)
        m_out << "  ";
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (m_levels.empty())
        return;
    if (!m_levels.back().empty)
        m_out << ',';
    m_levels.back().empty = false;
    newline();
}

JsonWriter& JsonWriter::beginObject()
{
    beforeValue();
    m_out << '{';
    m_levels.push_back({true});
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    const bool wasEmpty = m_levels.back().empty;
    m_levels.pop_back();
    if (!wasEmpty)
        newline();
    m_out << '}';
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    beforeValue();
    m_out << '[';
    m_levels.push_back({false});
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    const bool wasEmpty = m_levels.back().empty;
    m_levels.pop_back();
    if (!wasEmpty)
        newline();
    m_out << ']';
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    beforeValue();
    m_out << jsonQuote(name) << (m_pretty ? ": " : ":");
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
    beforeValue();
    m_out << jsonQuote(text);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    beforeValue();
    if (!std::isfinite(number))
        m_out << "null";
    else
        m_out << shortestDecimal(number);
    return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number)
{
    beforeValue();
    m_out << number;
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    beforeValue();
    m_out << (flag ? "true" : "false");
    return *this;
}

JsonWriter& JsonWriter::null()
{
    beforeValue();
    m_out << "null";
    return *this;
}

} // namespace parkatlas::geo
