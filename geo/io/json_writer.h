#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

/// A small streaming JSON writer: UTF-8 in, UTF-8 out (invalid bytes become U+FFFD), doubles in
/// the shortest form that reads back exactly, NaN and infinities as null. Not thread-safe.
class JsonWriter {
public:
    explicit JsonWriter(std::ostream& out, bool pretty = true) : m_out(out), m_pretty(pretty) {}
    ~JsonWriter();

    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(double number);
    JsonWriter& value(std::int64_t number);
    JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(std::size_t number) { return value(static_cast<std::int64_t>(number)); }
    JsonWriter& value(bool flag);
    /// An array of the items, each written as value(item) writes it: `field("notes", notes)`.
    template <typename T> JsonWriter& value(const std::vector<T>& items)
    {
        beginArray();
        for (const T& item : items)
            value(item);
        return endArray();
    }
    JsonWriter& null();

    template <typename T> JsonWriter& field(std::string_view name, const T& v)
    {
        key(name);
        return value(v);
    }

private:
    void beforeValue();
    void newline();
    std::ostream& m_out;
    bool m_pretty;
    struct Level {
        bool isObject;
        bool empty = true;
    };
    std::vector<Level> m_levels;
    bool m_afterKey = false;
};

/// JSON string literal for `text` (with the quotes).
std::string jsonQuote(std::string_view text);
/// Shortest decimal text that reads back as exactly `number` ("0.1", "1e-07", "15").
std::string shortestDecimal(double number);

} // namespace parkatlas::geo
