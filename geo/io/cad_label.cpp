#include "geo/io/cad_label.h"

#include "geo/model/land_use_classification.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <regex>

namespace parkatlas::geo {

namespace {

/// Decodes one UTF-8 code point at `i` (advancing it); invalid bytes give U+FFFD.
char32_t nextCodePoint(std::string_view text, std::size_t& i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    int length = lead < 0x80 ? 1 : (lead >> 5) == 6 ? 2 : (lead >> 4) == 14 ? 3 : (lead >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return 0xFFFD;
    }
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) {
        const unsigned char next = byte(i + static_cast<std::size_t>(k));
        if ((next & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (next & 0x3F);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

/// Full-width forms to ASCII, comparison signs to "<=" ">=", dashes and tildes to '-', Chinese
/// punctuation to its ASCII twin.
std::string normaliseSymbols(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        char32_t cp = nextCodePoint(text, i);
        if (cp >= 0xFF01 && cp <= 0xFF5E)
            cp = cp - 0xFF01 + 0x21;
        switch (cp) {
        case 0x2264: // ≤
        case 0x2266: // ≦
            out += "<=";
            continue;
        case 0x2265: // ≥
        case 0x2267: // ≧
            out += ">=";
            continue;
        case '~':
        case 0x2013: // –
        case 0x2014: // —
        case 0x2212: // −
        case 0x301C: // 〜
            out.push_back('-');
            continue;
        case 0x3000:
            out.push_back(' ');
            continue;
        case 0x3001: // 、
            out.push_back(',');
            continue;
        default:
            appendUtf8(out, cp);
        }
    }
    return out;
}

std::string trim(std::string_view text)
{
    std::size_t begin = 0, end = text.size();
    while (begin < end && (std::isspace(static_cast<unsigned char>(text[begin])) ||
                           text[begin] == ':' || text[begin] == '='))
        ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1])))
        --end;
    return std::string(text.substr(begin, end - begin));
}

std::string upperAscii(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

std::vector<std::string> split(std::string_view text, std::string_view separators)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || separators.find(text[i]) != std::string_view::npos) {
            parts.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}

enum class Comparison { None, AtMost, AtLeast };

/// "<=2.0", ">= 40%", "1.2-2.5", "2.0", "40 %": the comparison, one or two numbers, whether a
/// percent sign followed. nullopt when `text` is not (only) that.
struct NumberReading {
    Comparison comparison = Comparison::None;
    double first = 0;
    std::optional<double> second; // a range's upper end
    bool percent = false;
};

std::optional<double> parseNumber(std::string_view text, std::size_t& i)
{
    std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
        ++i;
    if (i == start)
        return std::nullopt;
    double value = 0;
    const auto result = std::from_chars(text.data() + start, text.data() + i, value);
    if (result.ec != std::errc() || result.ptr != text.data() + i || !std::isfinite(value))
        return std::nullopt;
    return value;
}

void skipSpaces(std::string_view text, std::size_t& i)
{
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
}

std::optional<NumberReading> readNumbers(std::string_view text)
{
    NumberReading reading;
    std::size_t i = 0;
    skipSpaces(text, i);
    if (i < text.size() && (text[i] == '<' || text[i] == '>')) {
        reading.comparison = text[i] == '<' ? Comparison::AtMost : Comparison::AtLeast;
        ++i;
        if (i < text.size() && text[i] == '=')
            ++i;
        skipSpaces(text, i);
    } else if (i < text.size() && text[i] == '=') {
        ++i;
        skipSpaces(text, i);
    }
    auto first = parseNumber(text, i);
    if (!first)
        return std::nullopt;
    reading.first = *first;
    skipSpaces(text, i);
    if (i < text.size() && text[i] == '%') {
        reading.percent = true;
        ++i;
        skipSpaces(text, i);
    }
    if (i < text.size() && text[i] == '-' && reading.comparison == Comparison::None) {
        ++i;
        skipSpaces(text, i);
        auto second = parseNumber(text, i);
        if (!second)
            return std::nullopt;
        reading.second = *second;
        skipSpaces(text, i);
        if (i < text.size() && text[i] == '%') {
            reading.percent = true;
            ++i;
            skipSpaces(text, i);
        }
    }
    if (i != text.size())
        return std::nullopt;
    return reading;
}

enum class Indicator { Far, Cover, Green };

struct Keyword {
    const char* text;
    enum Kind { Far, Cover, Green, LandUse, PlotId } kind;
};

// Longest first within each group, so "建筑密度" wins over "密度".
const Keyword kKeywords[] = {
    {"容积率", Keyword::Far},       {"FAR", Keyword::Far},         {"建筑密度", Keyword::Cover},
    {"建筑系数", Keyword::Cover},   {"覆盖率", Keyword::Cover},    {"密度", Keyword::Cover},
    {"COVER", Keyword::Cover},      {"绿地率", Keyword::Green},    {"绿化率", Keyword::Green},
    {"GREEN", Keyword::Green},      {"用地性质", Keyword::LandUse}, {"用地代码", Keyword::LandUse},
    {"用地类别", Keyword::LandUse}, {"用地类型", Keyword::LandUse}, {"性质", Keyword::LandUse},
    {"YDDM", Keyword::LandUse},     {"地块编号", Keyword::PlotId}, {"地块号", Keyword::PlotId},
    {"DKBH", Keyword::PlotId},      {"编号", Keyword::PlotId},
};

class LabelReader {
public:
    LabelReader(PlotLabel& label, const LandUseCodeTest& isCode) : m_label(label), m_isCode(isCode)
    {
    }

    void readLine(const std::string& line)
    {
        const std::string text = trim(line);
        if (text.empty())
            return;
        // "B1/R2": a mixed code; otherwise '/' stacks the parts of a label.
        const std::vector<std::string> pieces = split(text, "/|");
        if (pieces.size() > 1 && std::all_of(pieces.begin(), pieces.end(), [&](const std::string& p) {
                return isCode(trim(p));
            })) {
            std::string mixed;
            for (const std::string& piece : pieces)
            {
                if (!mixed.empty())
                    mixed += '/';
                mixed += LandUseClassification::normalise(trim(piece));
            }
            addCode(mixed);
            return;
        }
        for (const std::string& piece : pieces)
            readPart(trim(piece));
    }

private:
    bool isCode(const std::string& text) const
    {
        if (text.empty() || text.size() > 40)
            return false;
        return m_isCode(LandUseClassification::normalise(text));
    }

    void addCode(const std::string& code)
    {
        if (std::find(m_label.landUseCodes.begin(), m_label.landUseCodes.end(), code) ==
            m_label.landUseCodes.end())
            m_label.landUseCodes.push_back(code);
    }

    void addId(const std::string& id)
    {
        if (std::find(m_label.plotIds.begin(), m_label.plotIds.end(), id) == m_label.plotIds.end())
            m_label.plotIds.push_back(id);
    }

    void set(std::optional<double>& slot, double value, const char* name)
    {
        if (slot && std::fabs(*slot - value) > 1e-9)
            m_label.conflicts.push_back(std::string(name) + " is given twice: " +
                                        std::to_string(*slot) + " and " + std::to_string(value));
        else
            slot = value;
    }

    static double ratio(double value, bool percent)
    {
        return percent || value > 1.0 ? value / 100.0 : value;
    }

    bool applyIndicator(Indicator indicator, const NumberReading& n, Comparison before)
    {
        const Comparison comparison = before != Comparison::None ? before : n.comparison;
        switch (indicator) {
        case Indicator::Far:
            if (n.percent)
                return false;
            if (n.second) {
                set(m_label.farMin, n.first, "far_min");
                set(m_label.farMax, *n.second, "far_max");
            } else if (comparison == Comparison::AtLeast) {
                set(m_label.farMin, n.first, "far_min");
            } else {
                set(m_label.farMax, n.first, "far_max");
            }
            return true;
        case Indicator::Cover:
            if (n.second) {
                set(m_label.coverMin, ratio(n.first, n.percent), "cover_min");
                set(m_label.coverMax, ratio(*n.second, n.percent), "cover_max");
            } else if (comparison == Comparison::AtMost) {
                set(m_label.coverMax, ratio(n.first, n.percent), "cover_max");
            } else {
                set(m_label.coverMin, ratio(n.first, n.percent), "cover_min");
            }
            return true;
        case Indicator::Green:
            if (n.second) {
                set(m_label.greenMin, ratio(n.first, n.percent), "green_min");
                set(m_label.greenMax, ratio(*n.second, n.percent), "green_max");
            } else if (comparison == Comparison::AtLeast) {
                set(m_label.greenMin, ratio(n.first, n.percent), "green_min");
            } else {
                set(m_label.greenMax, ratio(n.first, n.percent), "green_max");
            }
            return true;
        }
        return false;
    }

    /// Where each keyword of `upper` starts (the longest at each place, Latin ones standing
    /// alone: "FAR", not "FARM"), in order.
    static std::vector<std::pair<std::size_t, const Keyword*>> keywordsIn(const std::string& upper)
    {
        std::vector<std::pair<std::size_t, const Keyword*>> found;
        std::size_t coveredUntil = 0;
        for (std::size_t at = 0; at < upper.size(); ++at) {
            if (at < coveredUntil)
                continue;
            const Keyword* best = nullptr;
            std::size_t bestLength = 0;
            for (const Keyword& keyword : kKeywords) {
                const std::size_t length = std::char_traits<char>::length(keyword.text);
                if (length <= bestLength || upper.compare(at, length, keyword.text) != 0)
                    continue;
                if (std::isalpha(static_cast<unsigned char>(keyword.text[0]))) {
                    const bool leftOk =
                        at == 0 || !std::isalpha(static_cast<unsigned char>(upper[at - 1]));
                    const bool rightOk =
                        at + length >= upper.size() ||
                        !std::isalpha(static_cast<unsigned char>(upper[at + length]));
                    if (!leftOk || !rightOk)
                        continue;
                }
                best = &keyword;
                bestLength = length;
            }
            if (best) {
                found.emplace_back(at, best);
                coveredUntil = at + bestLength;
            }
        }
        return found;
    }

    void readPart(const std::string& part)
    {
        if (part.empty())
            return;
        const std::string upper = upperAscii(part);
        const auto keywords = keywordsIn(upper);
        if (keywords.size() > 1) {
            // "容积率≤2.0 密度≥40%": one chunk per keyword.
            std::size_t start = 0;
            for (std::size_t k = 1; k <= keywords.size(); ++k) {
                const std::size_t end = k < keywords.size() ? keywords[k].first : part.size();
                readPart(trim(part.substr(start, end - start)));
                start = end;
            }
            return;
        }
        for (const auto& [at, keywordPointer] : keywords) {
            const Keyword& keyword = *keywordPointer;
            const std::size_t length = std::char_traits<char>::length(keyword.text);
            const std::string left = trim(part.substr(0, at));
            const std::string right = trim(part.substr(at + length));
            if (readKeyword(keyword.kind, left, right))
                return;
            m_label.notUnderstood.push_back(part);
            return;
        }
        // No keyword: a stacked label's parts, or a code and a number side by side.
        const std::vector<std::string> tokens = split(part, " \t");
        // "M1 一类工业用地": a code followed by its name.
        const bool codeThenName =
            tokens.size() > 1 && isCode(tokens.front()) &&
            std::all_of(tokens.begin() + 1, tokens.end(), [](const std::string& t) {
                return std::any_of(t.begin(), t.end(),
                                   [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
            });
        if (codeThenName) {
            addCode(LandUseClassification::normalise(tokens.front()));
            return;
        }
        for (const std::string& token : tokens)
            readToken(trim(token));
    }

    bool readKeyword(Keyword::Kind kind, const std::string& left, const std::string& right)
    {
        if (kind == Keyword::LandUse || kind == Keyword::PlotId) {
            if (!left.empty() || right.empty())
                return false;
            if (kind == Keyword::LandUse && isCode(right)) {
                addCode(LandUseClassification::normalise(right));
                return true;
            }
            if (kind == Keyword::PlotId && looksLikePlotId(right)) {
                addId(right);
                return true;
            }
            return false;
        }
        const Indicator indicator = kind == Keyword::Far     ? Indicator::Far
                                    : kind == Keyword::Cover ? Indicator::Cover
                                                             : Indicator::Green;
        // "1.0<=容积率<=2.0": a lower bound on the left.
        Comparison before = Comparison::None;
        if (!left.empty()) {
            std::string bound = left;
            bool ok = false;
            if (bound.size() >= 2 && (bound.back() == '=' || bound.back() == '<')) {
                while (!bound.empty() && (bound.back() == '=' || bound.back() == '<' ||
                                          std::isspace(static_cast<unsigned char>(bound.back()))))
                    bound.pop_back();
                if (auto n = readNumbers(bound); n && !n->second && n->comparison == Comparison::None) {
                    NumberReading lower = *n;
                    applyIndicator(indicator, lower, Comparison::AtLeast);
                    ok = true;
                }
            }
            if (!ok)
                return false;
            if (right.empty())
                return true;
        }
        auto n = readNumbers(right);
        if (!n)
            return false;
        return applyIndicator(indicator, *n, before);
    }

    void readToken(const std::string& token)
    {
        if (token.empty())
            return;
        if (isCode(token)) {
            addCode(LandUseClassification::normalise(token));
            return;
        }
        if (looksLikePlotId(token)) {
            addId(token);
            return;
        }
        if (auto n = readNumbers(token)) {
            // A stacked label: FAR first (no %), then density, then green ratio (with %).
            if (!n->percent) {
                applyIndicator(Indicator::Far, *n, Comparison::None);
                return;
            }
            if (m_barePercents == 0)
                applyIndicator(Indicator::Cover, *n, Comparison::None);
            else if (m_barePercents == 1)
                applyIndicator(Indicator::Green, *n, Comparison::None);
            else
                m_label.notUnderstood.push_back(token);
            ++m_barePercents;
            return;
        }
        m_label.notUnderstood.push_back(token);
    }

    PlotLabel& m_label;
    const LandUseCodeTest& m_isCode;
    int m_barePercents = 0;
};

} // namespace

bool looksLikePlotId(std::string_view text)
{
    if (text.empty() || text.size() > 32)
        return false;
    static const std::regex kLettersDigits("^[A-Za-z]{1,4}[-_]?[0-9]{1,6}([-_][0-9A-Za-z]{1,4})*[A-Za-z]?$");
    static const std::regex kDigitGroups("^[0-9]{1,4}([-_][0-9]{1,4})+[A-Za-z]?$");
    const std::string s(text);
    return std::regex_match(s, kLettersDigits) || std::regex_match(s, kDigitGroups);
}

LandUseCodeTest standardLandUseCodeTest()
{
    return [](const std::string& code) {
        if (code.empty() || code.size() > 12)
            return false;
        const LandUseClassification& tables = LandUseClassification::standard();
        if (tables.find(code))
            return true;
        static const std::regex kGb50137("^[RABMWSUGHE]([1-9][0-9]{0,2})?$");
        if (std::regex_match(code, kGb50137))
            return true;
        static const std::regex kNumeric("^[0-9]{4}([0-9]{2})?$");
        if (std::regex_match(code, kNumeric))
            return tables.find(code.substr(0, 2)) != nullptr || tables.find(code.substr(0, 4));
        return false;
    };
}

PlotLabel readPlotLabel(std::string_view text, const LandUseCodeTest& isLandUseCode)
{
    PlotLabel label;
    const std::string normal = normaliseSymbols(text);
    LabelReader reader(label, isLandUseCode);
    for (const std::string& line : split(normal, "\n;,"))
        reader.readLine(line);
    return label;
}

} // namespace parkatlas::geo
