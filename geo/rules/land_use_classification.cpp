#include "geo/rules/land_use_classification.h"

#include "geo/error.h"
#include "geo/io/gdal_session.h"
#include "geo/rules/styles.h"

#include <cpl_json.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace parkatlas::geo {

namespace {

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// "B1/R2" → {"B1", "R2"}; separators / + , 、 ，.
std::vector<std::string> splitMixed(std::string_view text)
{
    std::vector<std::string> parts;
    std::string current;
    auto flush = [&]() {
        std::string code = LandUseClassification::normalise(current);
        if (!code.empty())
            parts.push_back(code);
        current.clear();
    };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '/' || text[i] == '+' || text[i] == ',') {
            flush();
            ++i;
        } else if (text.compare(i, 3, "、") == 0 || text.compare(i, 3, "，") == 0) {
            flush();
            i += 3;
        } else {
            current += text[i++];
        }
    }
    flush();
    return parts;
}

} // namespace

std::string LandUseClassification::normalise(std::string_view code)
{
    std::size_t begin = 0;
    while (begin < code.size() && isAsciiSpace(code[begin]))
        ++begin;
    std::size_t end = begin;
    while (end < code.size() && !isAsciiSpace(code[end]))
        ++end;
    std::string out(code.substr(begin, end - begin));
    for (char& c : out)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

LandUseClassification LandUseClassification::load(const std::string& path)
{
    ensureGdal();
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(path))
            throw IoError("cannot read the land-use classification: " +
                              (errors.lastFailure().empty() ? std::string("not valid JSON")
                                                            : errors.lastFailure()),
                          {path, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    const CPLJSONArray classes = root.GetArray("classes");
    if (!classes.IsValid() || classes.Size() == 0)
        throw IoError("the land-use classification has no \"classes\" array", {path, {}, -1, {}});
    LandUseClassification table;
    for (int i = 0; i < classes.Size(); ++i) {
        const CPLJSONObject entry = classes[i];
        LandUseClass c;
        c.code = normalise(entry.GetString("code", ""));
        c.system = entry.GetString("system", "");
        c.name = entry.GetString("name", "");
        c.parent = normalise(entry.GetString("parent", ""));
        c.colour = entry.GetString("colour", "");
        if (c.code.empty())
            throw IoError("class " + std::to_string(i) + " has no \"code\"", {path, {}, -1, {}});
        table.m_byCode[c.code] = table.m_classes.size();
        table.m_classes.push_back(std::move(c));
    }
    const CPLJSONArray crosswalk = root.GetArray("crosswalk");
    for (int i = 0; crosswalk.IsValid() && i < crosswalk.Size(); ++i) {
        const std::string a = normalise(crosswalk[i].GetString("gb50137", ""));
        const std::string b = normalise(crosswalk[i].GetString("gtkj2023", ""));
        if (a.empty() || b.empty())
            continue;
        table.m_crosswalk.emplace(a, b);
        table.m_crosswalk.emplace(b, a);
    }
    const CPLJSONArray compatible = root.GetArray("compatible");
    for (int i = 0; compatible.IsValid() && i < compatible.Size(); ++i) {
        const std::string zone = normalise(compatible[i].GetString("zone", ""));
        const CPLJSONArray fits = compatible[i].GetArray("fits");
        for (int k = 0; fits.IsValid() && k < fits.Size(); ++k)
            if (const std::string code = normalise(fits[k].ToString());
                !zone.empty() && !code.empty())
                table.m_compatible.emplace(zone, code);
    }
    return table;
}

const LandUseClassification& LandUseClassification::standard()
{
    static const LandUseClassification table = load(stylePath("landuse.json"));
    return table;
}

const LandUseClass* LandUseClassification::find(std::string_view code) const
{
    const auto it = m_byCode.find(normalise(code));
    return it == m_byCode.end() ? nullptr : &m_classes[it->second];
}

std::string LandUseClassification::nameOf(std::string_view code) const
{
    std::string names;
    for (const std::string& part : splitMixed(code)) {
        const LandUseClass* c = find(part);
        if (!c)
            return {};
        names += (names.empty() ? "" : "/") + c->name;
    }
    return names;
}

std::string LandUseClassification::parentOf(const std::string& code) const
{
    if (const auto it = m_byCode.find(code); it != m_byCode.end())
        return m_classes[it->second].parent;
    const bool digits = std::all_of(code.begin(), code.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
    if (digits)
        return code.size() >= 4 && code.size() % 2 == 0 ? code.substr(0, code.size() - 2) : "";
    const bool gbShape = !code.empty() && std::isalpha(static_cast<unsigned char>(code[0])) &&
                         std::all_of(code.begin() + 1, code.end(), [](char c) {
                             return std::isdigit(static_cast<unsigned char>(c));
                         });
    return gbShape && code.size() >= 2 ? code.substr(0, code.size() - 1) : "";
}

std::vector<std::string> LandUseClassification::ancestorsOrSelf(const std::string& code) const
{
    std::vector<std::string> out;
    for (std::string c = code; !c.empty() && out.size() < 16; c = parentOf(c))
        out.push_back(c);
    return out;
}

bool LandUseClassification::fitsSingle(const std::string& parcelCode,
                                       const std::string& zoneCode) const
{
    if (parcelCode == zoneCode)
        return true;
    // What the parcel's code is: itself, its ancestors, and their equivalents in the other
    // system with their ancestors (M1 → M, 100101, 1001, 10).
    std::set<std::string> parcel;
    std::vector<std::string> pending = {parcelCode};
    while (!pending.empty()) {
        const std::string code = pending.back();
        pending.pop_back();
        for (const std::string& a : ancestorsOrSelf(code)) {
            if (!parcel.insert(a).second)
                continue;
            const auto [first, last] = m_crosswalk.equal_range(a);
            for (auto it = first; it != last; ++it)
                pending.push_back(it->second);
        }
    }
    // What the zone takes: its code, its equivalents, and what the compatibility table lets
    // either take, with their equivalents.
    std::set<std::string> zone = {zoneCode};
    const auto [cf, cl] = m_crosswalk.equal_range(zoneCode);
    for (auto it = cf; it != cl; ++it)
        zone.insert(it->second);
    std::set<std::string> taken = zone;
    for (const std::string& z : zone) {
        const auto [first, last] = m_compatible.equal_range(z);
        for (auto it = first; it != last; ++it) {
            taken.insert(it->second);
            const auto [xf, xl] = m_crosswalk.equal_range(it->second);
            for (auto x = xf; x != xl; ++x)
                taken.insert(x->second);
        }
    }
    return std::any_of(taken.begin(), taken.end(),
                       [&](const std::string& code) { return parcel.count(code) > 0; });
}

bool LandUseClassification::fits(std::string_view parcelCode, std::string_view zoneCode) const
{
    const std::vector<std::string> parcelCodes = splitMixed(parcelCode);
    const std::vector<std::string> zoneCodes = splitMixed(zoneCode);
    if (parcelCodes.empty() || zoneCodes.empty())
        return false;
    return std::all_of(parcelCodes.begin(), parcelCodes.end(), [&](const std::string& p) {
        return std::any_of(zoneCodes.begin(), zoneCodes.end(),
                           [&](const std::string& z) { return fitsSingle(p, z); });
    });
}

} // namespace parkatlas::geo
