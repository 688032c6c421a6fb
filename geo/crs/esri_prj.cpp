#include "geo/crs/esri_prj.h"

#include "geo/crs/gauss_kruger.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

namespace parkatlas::geo {

namespace {

constexpr double kDegree = std::numbers::pi / 180.0;

/// One node of a WKT 1 text, KEYWORD[item, item, …], its items sorted by kind (each kind in
/// the order written): quoted texts, numbers, nested nodes.
struct WktNode {
    std::string keyword; // upper case
    std::vector<std::string> texts;
    std::vector<double> numbers;
    std::vector<WktNode> children;
};

/// Reads the one node a whole text is (blanks around and between items allowed); nullopt for
/// anything that is not exactly that.
class WktReader {
public:
    explicit WktReader(std::string_view text) : m_text(text) {}

    std::optional<WktNode> root()
    {
        std::optional<WktNode> node = readNode(0);
        skipBlanks();
        if (!node || m_at != m_text.size())
            return std::nullopt;
        return node;
    }

private:
    void skipBlanks()
    {
        while (m_at < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_at])))
            ++m_at;
    }

    std::optional<WktNode> readNode(int depth)
    {
        if (depth > 6)
            return std::nullopt;
        skipBlanks();
        const std::size_t start = m_at;
        while (m_at < m_text.size() &&
               (std::isalnum(static_cast<unsigned char>(m_text[m_at])) || m_text[m_at] == '_'))
            ++m_at;
        if (m_at == start)
            return std::nullopt;
        WktNode node;
        for (const char c : m_text.substr(start, m_at - start))
            node.keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        skipBlanks();
        if (m_at >= m_text.size() || (m_text[m_at] != '[' && m_text[m_at] != '('))
            return std::nullopt;
        const char close = m_text[m_at] == '[' ? ']' : ')';
        ++m_at;
        for (;;) {
            skipBlanks();
            if (m_at >= m_text.size())
                return std::nullopt;
            const char c = m_text[m_at];
            if (c == '"') {
                const std::size_t end = m_text.find('"', m_at + 1);
                if (end == std::string_view::npos)
                    return std::nullopt;
                node.texts.emplace_back(m_text.substr(m_at + 1, end - m_at - 1));
                m_at = end + 1;
            } else if (c == '-' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
                double value = 0;
                const auto [last, error] =
                    std::from_chars(m_text.data() + m_at, m_text.data() + m_text.size(), value);
                if (error != std::errc())
                    return std::nullopt;
                node.numbers.push_back(value);
                m_at = static_cast<std::size_t>(last - m_text.data());
            } else {
                std::optional<WktNode> child = readNode(depth + 1);
                if (!child)
                    return std::nullopt;
                node.children.push_back(std::move(*child));
            }
            skipBlanks();
            if (m_at < m_text.size() && m_text[m_at] == ',') {
                ++m_at;
                continue;
            }
            if (m_at < m_text.size() && m_text[m_at] == close) {
                ++m_at;
                return node;
            }
            return std::nullopt;
        }
    }

    std::string_view m_text;
    std::size_t m_at = 0;
};

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// KEYWORD["name", number]: the number.
std::optional<double> namedNumber(const WktNode& node)
{
    if (node.texts.size() != 1 || node.numbers.size() != 1 || !node.children.empty())
        return std::nullopt;
    return node.numbers[0];
}

/// The whole of `text` as a whole number, or -1.
int wholeNumber(std::string_view text)
{
    int value = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() ? value : -1;
}

} // namespace

std::optional<EsriTransverseMercator> readEsriTransverseMercator(std::string_view prj)
{
    const std::optional<WktNode> root = WktReader(prj).root();
    if (!root || root->keyword != "PROJCS" || root->texts.size() != 1 || !root->numbers.empty())
        return std::nullopt;
    const WktNode* geographic = nullptr;
    const WktNode* projection = nullptr;
    const WktNode* unit = nullptr;
    std::vector<const WktNode*> parameters;
    for (const WktNode& child : root->children) {
        if (child.keyword == "PARAMETER") {
            parameters.push_back(&child);
            continue;
        }
        const WktNode** slot = child.keyword == "GEOGCS"       ? &geographic
                               : child.keyword == "PROJECTION" ? &projection
                               : child.keyword == "UNIT"       ? &unit
                                                               : nullptr;
        if (!slot || *slot)
            return std::nullopt;
        *slot = &child;
    }
    if (!geographic || !projection || !unit)
        return std::nullopt;
    // The plane: metres, a Transverse Mercator by ESRI's two names for it.
    const std::optional<double> metres = namedNumber(*unit);
    if (!metres || *metres != 1.0 || !equalsIgnoringCase(unit->texts[0], "Meter"))
        return std::nullopt;
    if (projection->texts.size() != 1 || !projection->numbers.empty() ||
        !projection->children.empty() ||
        (projection->texts[0] != "Gauss_Kruger" && projection->texts[0] != "Transverse_Mercator"))
        return std::nullopt;
    // The datum: a spheroid and nothing else, Greenwich, degrees.
    if (geographic->texts.size() != 1 || !geographic->numbers.empty() ||
        geographic->children.size() != 3)
        return std::nullopt;
    const WktNode& datum = geographic->children[0];
    const WktNode& primeMeridian = geographic->children[1];
    const WktNode& angularUnit = geographic->children[2];
    if (datum.keyword != "DATUM" || datum.texts.size() != 1 || !datum.numbers.empty() ||
        datum.children.size() != 1)
        return std::nullopt;
    const WktNode& spheroid = datum.children[0];
    if (spheroid.keyword != "SPHEROID" || spheroid.texts.size() != 1 ||
        spheroid.numbers.size() != 2 || !spheroid.children.empty())
        return std::nullopt;
    const std::optional<double> greenwich = namedNumber(primeMeridian);
    if (primeMeridian.keyword != "PRIMEM" || !greenwich || *greenwich != 0.0)
        return std::nullopt;
    const std::optional<double> degree = namedNumber(angularUnit);
    if (angularUnit.keyword != "UNIT" || !degree || !equalsIgnoringCase(angularUnit.texts[0], "Degree") ||
        std::fabs(*degree - kDegree) > 1e-16)
        return std::nullopt;

    EsriTransverseMercator p;
    p.projected = root->texts[0];
    p.geographic = geographic->texts[0];
    p.datum = datum.texts[0];
    p.projection = projection->texts[0];
    p.semiMajorM = spheroid.numbers[0];
    p.inverseFlattening = spheroid.numbers[1];
    const struct {
        const char* name;
        double* value;
    } wanted[] = {{"False_Easting", &p.falseEastingM},
                  {"False_Northing", &p.falseNorthingM},
                  {"Central_Meridian", &p.centralMeridianDeg},
                  {"Scale_Factor", &p.scaleFactor},
                  {"Latitude_Of_Origin", &p.latitudeOfOriginDeg}};
    if (parameters.size() != std::size(wanted))
        return std::nullopt;
    for (const auto& [name, value] : wanted) {
        int found = 0;
        for (const WktNode* parameter : parameters) {
            const std::optional<double> number = namedNumber(*parameter);
            if (number && equalsIgnoringCase(parameter->texts[0], name)) {
                *value = *number;
                ++found;
            }
        }
        if (found != 1)
            return std::nullopt;
    }
    if (!(p.scaleFactor > 0) || !(p.semiMajorM > 0) || !(p.inverseFlattening > 0) || !std::isfinite(p.falseEastingM) ||
        !std::isfinite(p.falseNorthingM) || std::fabs(p.centralMeridianDeg) > 180 ||
        std::fabs(p.latitudeOfOriginDeg) > 90)
        return std::nullopt;
    return p;
}

std::optional<int> chineseGaussKrugerEpsgOfEsriPrj(std::string_view prj)
{
    const std::optional<EsriTransverseMercator> p = readEsriTransverseMercator(prj);
    if (!p || p->projection != "Gauss_Kruger" || p->falseNorthingM != 0 ||
        p->scaleFactor != 1 || p->latitudeOfOriginDeg != 0)
        return std::nullopt;
    // Each datum's names as ArcGIS and PROJ write them, and its spheroid.
    struct Family {
        ChineseDatum datum;
        std::string_view prefix;
        std::string_view geographic;
        std::string_view datumName;
        double semiMajorM;
        double inverseFlattening;
        std::string_view sixDegreeMeridian; // Beijing's 6° zones by meridian say Gauss_Kruger
    };
    static constexpr Family kFamilies[] = {
        {ChineseDatum::Cgcs2000, "CGCS2000_", "GCS_China_Geodetic_Coordinate_System_2000",
         "D_China_2000", 6378137.0, 298.257222101, "GK_CM_"},
        {ChineseDatum::Xian1980, "Xian_1980_", "GCS_Xian_1980", "D_Xian_1980", 6378140.0, 298.257,
         "GK_CM_"},
        {ChineseDatum::Beijing1954, "Beijing_1954_", "GCS_Beijing_1954", "D_Beijing_1954",
         6378245.0, 298.3, "Gauss_Kruger_CM_"},
    };
    for (const Family& family : kFamilies) {
        std::string_view name = p->projected;
        if (!name.starts_with(family.prefix) || p->geographic != family.geographic ||
            p->datum != family.datumName || p->semiMajorM != family.semiMajorM ||
            p->inverseFlattening != family.inverseFlattening)
            continue;
        // The rest of the name: [3_Degree_]GK_Zone_N or [3_Degree_]GK_CM_<meridian>E.
        name.remove_prefix(family.prefix.size());
        constexpr std::string_view threeDegrees = "3_Degree_";
        const int width = name.starts_with(threeDegrees) ? 3 : 6;
        if (width == 3)
            name.remove_prefix(threeDegrees.size());
        const std::string_view byMeridian = width == 3 ? "GK_CM_" : family.sixDegreeMeridian;
        int meridian = 0;
        int zone = 0;
        if (name.starts_with("GK_Zone_")) {
            zone = wholeNumber(name.substr(std::string_view("GK_Zone_").size()));
            meridian = width == 3 ? 3 * zone : 6 * zone - 3;
        } else if (name.starts_with(byMeridian) && name.ends_with("E")) {
            meridian = wholeNumber(name.substr(byMeridian.size(), name.size() - byMeridian.size() - 1));
        } else {
            return std::nullopt;
        }
        const std::optional<int> code = gaussKrugerEpsg(family.datum, width, meridian, zone > 0);
        const double falseEasting = zone > 0 ? zone * 1e6 + 500000 : 500000;
        if (!code || p->centralMeridianDeg != meridian || p->falseEastingM != falseEasting)
            return std::nullopt;
        return code;
    }
    return std::nullopt;
}

} // namespace parkatlas::geo
