#include "geo/model/land_use_classification.h"

#include "geo/model/issue_text.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/model/park.h"
#include "geo/styles.h"

#include <cpl_json.h>

#include <algorithm>
#include <cctype>

namespace parkatlas::geo {

namespace {

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool isDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

bool isUpper(char c)
{
    return c >= 'A' && c <= 'Z';
}

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), isDigit);
}

/// Letters then nothing: "M", "M1", "B29" (a GB 50137 code).
bool isLetterCode(std::string_view s)
{
    return !s.empty() && isUpper(s[0]) && s.size() <= 3 &&
           std::all_of(s.begin() + 1, s.end(), isDigit);
}

/// Digits with an optional trailing 三调 letter: "0201K", "05H1", "08H2A", "1104A".
bool isNumericCode(std::string_view s)
{
    return !s.empty() && isDigit(s[0]);
}

/// The 三调 codes whose letters are not a subdivision but part of the class: 05H1, 08H1, 08H2.
std::size_t digitCount(std::string_view s)
{
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), isDigit));
}

std::string joinedSystems(const LandUseSystems& systems, const char* separator = " + ")
{
    std::string out;
    for (const std::string& s : systems)
        out += (out.empty() ? "" : separator) + s;
    return out;
}

int verdictRank(LandUseVerdict v)
{
    switch (v) {
    case LandUseVerdict::Fits:
        return 0;
    case LandUseVerdict::TooCoarse:
        return 1;
    case LandUseVerdict::CannotDecide:
        return 2;
    case LandUseVerdict::Mismatch:
        return 3;
    }
    return 2;
}

} // namespace

const std::vector<std::string>& landUseSystemIds()
{
    static const std::vector<std::string> ids = {kGbt21010, kTddc3, kGb50137, kGtkj2023};
    return ids;
}

std::string landUseSystemFromString(std::string_view name)
{
    for (const std::string& id : landUseSystemIds())
        if (name == id)
            return id;
    throw Error("unknown land-use classification \"" + std::string(name) +
                "\" (known: " + joinedSystems(landUseSystemIds(), ", ") + ")");
}

std::string LandUseDetection::label() const
{
    return joinedSystems(systems);
}

std::string LandUseDetection::reasonText(Language language) const
{
    if (reasons.empty())
        return reason;
    std::string out;
    for (const Message& said : reasons)
        out += (out.empty() ? "" : language == Language::Chinese ? "；" : "; ") +
               messageText(said, language);
    return out;
}

std::string LandUseDetection::warningText(Language language) const
{
    if (warning.empty() || warningMessage.id.empty())
        return warning;
    return messageText(warningMessage, language);
}

void LandUseDetection::setDeclared(const std::string& system, const std::string& origin)
{
    systems = {system};
    declared = true;
    reasons = {origin.empty() ? message("landuse_declared", "declared")
                              : message("landuse_declared_how", "declared {what}",
                                        {{"what", origin}})};
    reason = reasons.front().english;
}

void LandUseDetection::markDetected()
{
    if (systems.empty() || reasons.empty())
        return;
    const Message first = reasons.front();
    reasons.front() = message("landuse_detected", "detected: {why}",
                              withNested({}, "why", first.english, first.id, first.parts));
    reason = "detected: " + reason;
}

std::vector<std::string> LandUseClassification::splitMixed(std::string_view text)
{
    std::vector<std::string> parts;
    std::string current;
    auto flush = [&]() {
        std::string code = normalise(current);
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

std::string LandUseClassification::normalise(std::string_view code, std::string_view system)
{
    std::string out = normalise(code);
    if (system != kGb50137 || out.size() < 2 || !isUpper(out[0]) || !isDigit(out[1]))
        return out;
    // 控规 suffixes: M1a, M1A, R2-1, B1(2). A GB 50137 code is one letter and one or two
    // digits; what follows a letter-and-digits head is a local subdivision.
    std::size_t end = 1;
    while (end < out.size() && isDigit(out[end]))
        ++end;
    if (end < out.size() && end <= 3) {
        const std::string_view rest = std::string_view(out).substr(end);
        const bool letters = std::all_of(rest.begin(), rest.end(), isUpper);
        const bool dashed = rest[0] == '-' || rest[0] == '(' || rest[0] == '_';
        if (letters || dashed)
            out.resize(end);
    }
    return out;
}

LandUseClassification LandUseClassification::load(const std::string& path)
{
    // CPLJSONDocument needs no GDAL driver: no ensureGdal() (it would register them all for
    // `info` on one shapefile).
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
        c.system = entry.GetString("system", "");
        c.code = normalise(entry.GetString("code", ""));
        c.name = entry.GetString("name", "");
        c.parent = normalise(entry.GetString("parent", ""));
        c.colour = entry.GetString("colour", "");
        c.attribute = entry.GetString("kind", "") == "attribute";
        if (c.code.empty())
            throw IoError("class " + std::to_string(i) + " has no \"code\"", {path, {}, -1, {}});
        if (std::find(landUseSystemIds().begin(), landUseSystemIds().end(), c.system) ==
            landUseSystemIds().end())
            throw IoError("class " + std::to_string(i) + " (" + c.code +
                              ") has an unknown \"system\" \"" + c.system + "\" (known: " +
                              joinedSystems(landUseSystemIds(), ", ") + ")",
                          {path, {}, -1, {}});
        const Key key{c.system, c.code};
        if (!c.parent.empty())
            table.m_children[{c.system, c.parent}].push_back(c.code);
        table.m_firstByCode.emplace(c.code, table.m_classes.size());
        table.m_byKey[key] = table.m_classes.size();
        table.m_classes.push_back(std::move(c));
    }
    const CPLJSONArray crosswalk = root.GetArray("crosswalk");
    for (int i = 0; crosswalk.IsValid() && i < crosswalk.Size(); ++i) {
        const CPLJSONObject entry = crosswalk[i];
        const std::string fromSystem = entry.GetString("from/system", "");
        const std::string toSystem = entry.GetString("to/system", "");
        const std::string relation = entry.GetString("relation", "");
        if (relation != "same" && relation != "broader" && relation != "narrower" &&
            relation != "overlapping")
            throw IoError("crosswalk entry " + std::to_string(i) + " has relation \"" +
                              relation + "\" (same, broader, narrower or overlapping)",
                          {path, {}, -1, {}});
        const std::string from = normalise(entry.GetString("from/code", ""), fromSystem);
        const std::string to = normalise(entry.GetString("to/code", ""), toSystem);
        if (from.empty() || to.empty())
            continue;
        // Codes are compared in GTKJ-2023; a pair between two other systems is not used.
        if (toSystem == kGtkj2023 && fromSystem != kGtkj2023) {
            table.m_links[{fromSystem, from}].push_back({relation, to});
        } else if (fromSystem == kGtkj2023 && toSystem != kGtkj2023) {
            const std::string inverse = relation == "broader"    ? "narrower"
                                        : relation == "narrower" ? "broader"
                                                                 : relation;
            table.m_links[{toSystem, to}].push_back({inverse, from});
        }
    }
    const CPLJSONArray compatible = root.GetArray("compatible");
    for (int i = 0; compatible.IsValid() && i < compatible.Size(); ++i) {
        const std::string system = compatible[i].GetString("system", kGb50137);
        const std::string zone = normalise(compatible[i].GetString("zone", ""), system);
        const CPLJSONArray fits = compatible[i].GetArray("fits");
        for (int k = 0; fits.IsValid() && k < fits.Size(); ++k)
            if (const std::string code = normalise(fits[k].ToString(), system);
                !zone.empty() && !code.empty())
                table.m_compatible.emplace(Key{system, zone}, Key{system, code});
    }
    return table;
}

const LandUseClassification& LandUseClassification::standard()
{
    static const LandUseClassification table = load(stylePath("landuse.json"));
    return table;
}

const LandUseClass* LandUseClassification::find(std::string_view code,
                                                std::string_view system) const
{
    const auto it = m_byKey.find({std::string(system), normalise(code, system)});
    return it == m_byKey.end() ? nullptr : &m_classes[it->second];
}

const LandUseClass* LandUseClassification::find(std::string_view code) const
{
    const auto it = m_firstByCode.find(normalise(code));
    if (it != m_firstByCode.end())
        return &m_classes[it->second];
    // A 控规 suffix (M1a) is only ever GB 50137.
    return find(code, kGb50137);
}

std::string LandUseClassification::nameOf(std::string_view code, std::string_view system) const
{
    std::string names;
    for (const std::string& part : splitMixed(code)) {
        const LandUseClass* c = find(part, system);
        if (!c)
            return {};
        names += (names.empty() ? "" : "/") + c->name;
    }
    return names;
}

std::string LandUseClassification::nameOf(std::string_view code,
                                          const LandUseSystems& systems) const
{
    std::vector<std::pair<std::string, std::string>> found; // name, system
    for (const std::string& system : systems)
        if (std::string name = nameOf(code, system); !name.empty())
            found.emplace_back(std::move(name), system);
    if (found.empty())
        return {};
    const bool allSame = std::all_of(found.begin(), found.end(),
                                     [&](const auto& f) { return f.first == found[0].first; });
    if (allSame)
        return found[0].first;
    std::string out;
    for (const auto& [name, system] : found)
        out += (out.empty() ? "" : " / ") + name + " (" + system + ")";
    return out;
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

std::string LandUseClassification::sameClassKey(std::string_view code,
                                                const LandUseSystems& systems) const
{
    const std::vector<std::string> parts = splitMixed(code);
    if (parts.size() != 1)
        return "? " + std::string(code);
    const std::string alone = "? " + parts.front();
    std::set<std::string> keys;
    for (const std::string& system : systems) {
        const std::string normal = normalise(parts.front(), system);
        if (!find(normal, system))
            continue;
        std::string key = system + " " + normal;
        if (system == kGtkj2023) {
            key = std::string(kGtkj2023) + " " + normal;
        } else if (const auto it = m_links.find({system, normal}); it != m_links.end()) {
            // Only a single `same` link makes the two one class; broader, narrower or
            // overlapping ones leave the code a class of its own system.
            std::vector<std::string> same;
            for (const Link& link : it->second)
                if (link.relation == "same")
                    same.push_back(link.toCode);
            if (same.size() == 1 && it->second.size() == 1)
                key = std::string(kGtkj2023) + " " + same.front();
        }
        keys.insert(std::move(key));
    }
    return keys.size() == 1 ? *keys.begin() : alone;
}

std::string LandUseClassification::colourOf(std::string_view code, std::string_view system) const
{
    const std::string s(system);
    for (const std::string& a : ancestorsOrSelf(normalise(code, system), s))
        if (const LandUseClass* c = find(a, s); c && !c->colour.empty())
            return c->colour;
    return {};
}

bool LandUseClassification::hasShape(const std::string& code, const std::string& system) const
{
    if (system == kGb50137)
        return isLetterCode(code);
    if (!isNumericCode(code))
        return false;
    const std::size_t digits = digitCount(code);
    if (system == kGtkj2023)
        return allDigits(code) && digits % 2 == 0 && digits <= 6;
    if (system == kGbt21010)
        return allDigits(code) && digits % 2 == 0 && digits <= 4;
    // TDDC-3: up to four digits and the 三调 letters (05H1, 08H2A, 0201K), or an attribute
    // code (201, 203A).
    return digits <= 4;
}

std::string LandUseClassification::structuralParent(const std::string& code,
                                                    const std::string& system) const
{
    if (system == kGb50137)
        return code.size() >= 2 ? code.substr(0, code.size() - 1) : "";
    if (!code.empty() && isUpper(code.back()))
        return code.substr(0, code.size() - 1); // 0201K → 0201, 08H2A → 08H2
    if (allDigits(code) && code.size() >= 4 && code.size() % 2 == 0)
        return code.substr(0, code.size() - 2);
    return {};
}

std::string LandUseClassification::parentOf(const std::string& code,
                                            const std::string& system) const
{
    if (const auto it = m_byKey.find({system, code}); it != m_byKey.end())
        return m_classes[it->second].parent;
    return structuralParent(code, system);
}

std::vector<std::string> LandUseClassification::ancestorsOrSelf(const std::string& code,
                                                                const std::string& system) const
{
    std::vector<std::string> out;
    for (std::string c = code; !c.empty() && out.size() < 16; c = parentOf(c, system))
        out.push_back(c);
    return out;
}

bool LandUseClassification::resolves(const std::string& code, const std::string& system) const
{
    if (!hasShape(code, system))
        return false;
    for (const std::string& a : ancestorsOrSelf(code, system))
        if (const auto it = m_byKey.find({system, a}); it != m_byKey.end())
            return !m_classes[it->second].attribute || a == code;
    return false;
}

bool LandUseClassification::isAncestorOrSelf(const std::string& ancestor, const std::string& code,
                                             const std::string& system) const
{
    const std::vector<std::string> chain = ancestorsOrSelf(code, system);
    return std::find(chain.begin(), chain.end(), ancestor) != chain.end();
}

void LandUseClassification::descendantsOrSelf(const std::string& code, const std::string& system,
                                              std::vector<std::string>& out) const
{
    if (out.size() > 512)
        return;
    out.push_back(code);
    if (const auto it = m_children.find({system, code}); it != m_children.end())
        for (const std::string& child : it->second)
            descendantsOrSelf(child, system, out);
}

/// GTKJ-2023 classes that hold the whole of the code's class (the code is the same as or
/// narrower than they, directly or through an ancestor).
std::set<std::string> LandUseClassification::pivotUp(const std::string& code,
                                                     const std::string& system) const
{
    std::set<std::string> out;
    if (system == kGtkj2023) {
        for (const std::string& a : ancestorsOrSelf(code, system))
            out.insert(a);
        return out;
    }
    for (const std::string& a : ancestorsOrSelf(code, system)) {
        const auto it = m_links.find({system, a});
        if (it == m_links.end())
            continue;
        for (const Link& link : it->second)
            if (link.relation == "same" || link.relation == "narrower")
                for (const std::string& up : ancestorsOrSelf(link.toCode, kGtkj2023))
                    out.insert(up);
    }
    return out;
}

/// GTKJ-2023 classes wholly inside the code's class (the code or one of its descendants is
/// the same as or broader than they).
std::set<std::string> LandUseClassification::pivotIn(const std::string& code,
                                                     const std::string& system) const
{
    std::set<std::string> out;
    if (system == kGtkj2023) {
        out.insert(code);
        return out;
    }
    std::vector<std::string> family;
    descendantsOrSelf(code, system, family);
    for (const std::string& d : family) {
        const auto it = m_links.find({system, d});
        if (it == m_links.end())
            continue;
        for (const Link& link : it->second)
            if (link.relation == "same" || link.relation == "broader")
                out.insert(link.toCode);
    }
    // A GTKJ-2023 class all of whose children are inside is inside too (R holds 070101,
    // 070102 and 070103, so it holds 0701).
    for (bool grown = true; grown;) {
        grown = false;
        for (const std::string& code : std::set<std::string>(out)) {
            const std::string parent = parentOf(code, kGtkj2023);
            const auto children = m_children.find({kGtkj2023, parent});
            if (parent.empty() || out.count(parent) || children == m_children.end())
                continue;
            const bool whole = std::all_of(
                children->second.begin(), children->second.end(), [&](const std::string& child) {
                    return std::any_of(out.begin(), out.end(), [&](const std::string& in) {
                        return isAncestorOrSelf(in, child, kGtkj2023);
                    });
                });
            if (whole && out.insert(parent).second)
                grown = true;
        }
    }
    return out;
}

/// Every GTKJ-2023 class the code's own class touches (its own links, whatever the relation):
/// when each is disjoint from a zone, so is the code.
std::set<std::string> LandUseClassification::pivotCover(const std::string& code,
                                                        const std::string& system,
                                                        bool& exact) const
{
    std::set<std::string> out;
    exact = true;
    if (system == kGtkj2023) {
        out.insert(code);
        return out;
    }
    if (const auto it = m_links.find({system, code}); it != m_links.end())
        for (const Link& link : it->second) {
            out.insert(link.toCode);
            exact = exact && (link.relation == "same" || link.relation == "broader");
        }
    return out;
}

LandUseVerdict LandUseClassification::judgeOne(const std::string& p, const std::string& ps,
                                               const std::string& z,
                                               const std::string& zs) const
{
    if (ps == zs) {
        if (isAncestorOrSelf(z, p, ps))
            return LandUseVerdict::Fits;
        if (isAncestorOrSelf(p, z, zs))
            return LandUseVerdict::TooCoarse;
        return LandUseVerdict::Mismatch;
    }
    const auto within = [&](const std::string& inner, const std::string& outer) {
        return isAncestorOrSelf(outer, inner, kGtkj2023);
    };
    const auto disjoint = [&](const std::string& a, const std::string& b) {
        return !within(a, b) && !within(b, a);
    };
    const std::set<std::string> parcelUp = pivotUp(p, ps);
    const std::set<std::string> zoneIn = pivotIn(z, zs);
    const auto inZone = [&](const std::string& code) {
        return std::any_of(zoneIn.begin(), zoneIn.end(),
                           [&](const std::string& i) { return within(code, i); });
    };
    if (std::any_of(parcelUp.begin(), parcelUp.end(), inZone))
        return LandUseVerdict::Fits;
    // A class that is exactly the union of GTKJ-2023 classes (设施农用地 = 0602 ∪ 0603 ∪ 0604)
    // fits when each of them does.
    bool exact = false;
    const std::set<std::string> cover = pivotCover(p, ps, exact);
    if (exact && !cover.empty() && std::all_of(cover.begin(), cover.end(), inZone))
        return LandUseVerdict::Fits;
    const std::set<std::string> zoneUp = pivotUp(z, zs);
    const std::set<std::string> parcelIn = pivotIn(p, ps);
    for (const std::string& i : parcelIn) {
        // The zone lies within the parcel's class …
        for (const std::string& u : zoneUp)
            if (within(u, i))
                return LandUseVerdict::TooCoarse;
        // … or the parcel's class strictly holds a class the zone takes (城镇住宅用地 in an R2
        // zone: it may be R21 or R11).
        for (const std::string& zi : zoneIn)
            if (zi != i && within(zi, i))
                return LandUseVerdict::TooCoarse;
    }
    for (const std::string& u : parcelUp)
        for (const std::string& v : zoneUp)
            if (disjoint(u, v))
                return LandUseVerdict::Mismatch;
    if (!cover.empty() && !zoneUp.empty() &&
        std::all_of(cover.begin(), cover.end(), [&](const std::string& c) {
            return std::any_of(zoneUp.begin(), zoneUp.end(),
                               [&](const std::string& v) { return disjoint(c, v); });
        }))
        return LandUseVerdict::Mismatch;
    return LandUseVerdict::CannotDecide;
}

std::string LandUseClassification::described(const std::string& code,
                                             const std::string& system) const
{
    const LandUseClass* c = find(code, system);
    return c ? code + "（" + c->name + "）" : code;
}

LandUseJudgement LandUseClassification::judgePart(const std::string& p,
                                                  const LandUseSystems& parcelSystems,
                                                  const std::string& z,
                                                  const LandUseSystems& zoneSystems) const
{
    LandUseJudgement out;
    std::vector<std::pair<std::string, std::string>> parcelReadings, zoneReadings;
    for (const std::string& s : parcelSystems)
        if (const std::string code = normalise(p, s); resolves(code, s))
            parcelReadings.emplace_back(code, s);
    for (const std::string& s : zoneSystems)
        if (const std::string code = normalise(z, s); resolves(code, s))
            zoneReadings.emplace_back(code, s);
    const auto noClass = [&](const std::string& code, const LandUseSystems& systems,
                             const char* whose) {
        const std::string list = systems.empty() ? "no classification" : joinedSystems(systems);
        out.reasonEn = std::string(whose) + " code " + code + " is in no class of " + list;
        out.reasonZh = std::string(whose[0] == 'p' ? "用地代码 " : "控规用地代码 ") + code +
                       (systems.empty() ? std::string(" 不属于任何已知的用地分类")
                                        : " 不属于 " + list + " 的任何地类");
        return out;
    };
    if (parcelReadings.empty())
        return noClass(p, parcelSystems, "parcel");
    if (zoneReadings.empty())
        return noClass(z, zoneSystems, "zone");
    bool first = true;
    for (const auto& [pc, ps] : parcelReadings)
        for (const auto& [zc, zs] : zoneReadings) {
            LandUseVerdict v = judgeOne(pc, ps, zc, zs);
            // The compatibility table: the zone also takes these codes.
            if (v != LandUseVerdict::Fits)
                for (const auto& [zoneKey, taken] : m_compatible) {
                    // The table's zone, or a zone of another system that is the same class.
                    const bool sameZone = (zoneKey.first == zs && zoneKey.second == zc) ||
                                          (zoneKey.first != zs && !pivotIn(zc, zs).empty() &&
                                           pivotIn(zoneKey.second, zoneKey.first) ==
                                               pivotIn(zc, zs));
                    if (sameZone && judgeOne(pc, ps, taken.second, taken.first) ==
                                        LandUseVerdict::Fits) {
                        v = LandUseVerdict::Fits;
                        break;
                    }
                }
            if (first) {
                out.verdict = v;
                out.required = described(zc, zs);
                first = false;
            } else if (v != out.verdict) {
                // Two readings of the code disagree: never guess.
                std::string meaningsEn, meaningsZh;
                for (const auto& [code, system] : parcelReadings) {
                    const LandUseClass* c = find(code, system);
                    meaningsEn += (meaningsEn.empty() ? "" : ", ") +
                                  (c ? c->name : std::string("?")) + " in " + system;
                    meaningsZh += (meaningsZh.empty() ? "" : "，") + system + " 中为" +
                                  (c ? c->name : std::string("?"));
                }
                out.verdict = LandUseVerdict::CannotDecide;
                out.required.clear();
                out.reasonEn = "code " + p + " means " + meaningsEn +
                               " and the layer's classification is not known; declare it "
                               "(--classification ROLE=SYSTEM or \"classification\" in the "
                               "project file)";
                out.reasonZh = "代码 " + p + " 在不同分类中含义不同（" + meaningsZh +
                               "），图层所用分类无法确定，请声明其分类";
                return out;
            }
        }
    if (out.verdict == LandUseVerdict::CannotDecide) {
        const auto& [pc, ps] = parcelReadings.front();
        const auto& [zc, zs] = zoneReadings.front();
        out.reasonEn = "the crosswalk cannot say how " + pc + " (" + ps + ") stands to " + zc +
                       " (" + zs + ")";
        out.reasonZh = "对照表无法判定 " + described(pc, ps) + "（" + ps + "）与 " +
                       described(zc, zs) + "（" + zs + "）的关系";
    }
    return out;
}

LandUseJudgement LandUseClassification::judge(std::string_view parcelCode,
                                              const LandUseSystems& parcelSystems,
                                              std::string_view zoneCode,
                                              const LandUseSystems& zoneSystems) const
{
    const std::vector<std::string> parcelParts = splitMixed(parcelCode);
    const std::vector<std::string> zoneParts = splitMixed(zoneCode);
    LandUseJudgement worst;
    if (parcelParts.empty() || zoneParts.empty()) {
        worst.reasonEn = "no land-use code";
        worst.reasonZh = "无用地代码";
        return worst;
    }
    worst.verdict = LandUseVerdict::Fits;
    for (const std::string& p : parcelParts) {
        // A part is judged by the zone code that takes it best.
        LandUseJudgement best;
        best.verdict = LandUseVerdict::Mismatch;
        bool any = false;
        for (const std::string& z : zoneParts) {
            LandUseJudgement j = judgePart(p, parcelSystems, z, zoneSystems);
            if (!any || verdictRank(j.verdict) < verdictRank(best.verdict)) {
                best = std::move(j);
                any = true;
            }
        }
        if (verdictRank(best.verdict) > verdictRank(worst.verdict) ||
            (best.verdict == worst.verdict && worst.required.empty()))
            worst = std::move(best);
    }
    return worst;
}

bool LandUseClassification::fits(std::string_view parcelCode,
                                 const LandUseSystems& parcelSystems, std::string_view zoneCode,
                                 const LandUseSystems& zoneSystems) const
{
    return judge(parcelCode, parcelSystems, zoneCode, zoneSystems).verdict == LandUseVerdict::Fits;
}

LandUseDetection LandUseClassification::detect(const std::vector<std::string>& codes,
                                               std::string_view fieldName,
                                               std::optional<Role> role) const
{
    LandUseDetection out;
    std::set<std::string> letters, numbers;
    for (const std::string& text : codes)
        for (const std::string& part : splitMixed(text)) {
            if (isUpper(part[0]))
                letters.insert(part);
            else if (isDigit(part[0]))
                numbers.insert(part);
            else
                ++out.codesInNoSystem;
        }
    const std::string field = normalise(fieldName);
    std::vector<Message> why;
    if (!letters.empty()) {
        std::size_t known = 0;
        for (const std::string& code : letters)
            known += resolves(normalise(code, kGb50137), kGb50137) ? 1 : 0;
        out.codesInNoSystem += letters.size() - known;
        out.systems.push_back(kGb50137);
        why.push_back(message("landuse_letter_codes",
                              letters.size() == 1 ? "{count} letter code is {system}"
                                                  : "{count} letter codes are {system}",
                              {{"count", std::to_string(letters.size())}, {"system", kGb50137}}));
    }
    if (!numbers.empty()) {
        // How many distinct numeric codes each numeric system has, exactly.
        auto count = [&](const char* system) {
            std::size_t n = 0;
            for (const std::string& code : numbers)
                n += m_byKey.count({system, code}) ? 1 : 0;
            return n;
        };
        const std::size_t gbt = count(kGbt21010), tddc = count(kTddc3), gtkj = count(kGtkj2023);
        const std::size_t total = numbers.size();
        const bool dlbm = field == "DLBM" || field == "DLDM" || field == "地类编码" ||
                          field == "地类代码" || field == "TDYT" || field == "土地用途";
        const bool gtkjField = field == "YDYHFLDM" || field == "YDYHDM" || field == "GHDLBM" ||
                               field == "用地用海分类代码" || field == "用地用海代码";
        // Plan zones and expansion zones are plans, drawn in a plan's classification.
        const bool plan = role && (*role == Role::PlanZones || *role == Role::Expansion);
        const std::size_t familyBest = std::max(gbt, tddc);
        const char* family = tddc > gbt ? kTddc3 : kGbt21010;
        const Message fieldNote = field.empty() ? Message{}
                                                : message("landuse_field_note", " (field {field})",
                                                          {{"field", std::string(fieldName)}});
        // "N of M numeric codes are SYSTEM", `more` and the field after it.
        auto numbersParts = [&](const std::string& system, std::size_t n, const Message& more) {
            std::vector<MessagePart> parts = {{"count", std::to_string(n)},
                                              {"total", std::to_string(total)},
                                              {"system", system}};
            parts = withNested(std::move(parts), "more", more.english, more.id, more.parts);
            return withNested(std::move(parts), "field_note", fieldNote.english, fieldNote.id,
                              fieldNote.parts);
        };
        auto numbersWhy = [&](const std::string& system, std::size_t n,
                              const Message& more) {
            return message("landuse_numeric_codes",
                           "{count} of {total} numeric codes are {system}{more}{field_note}",
                           numbersParts(system, n, more));
        };
        if (gtkj > familyBest) {
            out.systems.push_back(kGtkj2023);
            why.push_back(numbersWhy(
                kGtkj2023, gtkj,
                gtkj > 0 && std::any_of(numbers.begin(), numbers.end(),
                                        [](const std::string& c) { return c.size() == 6; })
                    ? message("landuse_six_digit", " (six-digit codes are only GTKJ-2023)")
                    : Message{}));
            out.codesInNoSystem += total - gtkj;
        } else if (familyBest > gtkj) {
            out.systems.push_back(family);
            why.push_back(numbersWhy(
                family, familyBest,
                tddc > gbt ? message("landuse_tddc_working",
                                     " (05H1, 08H2, K/A subdivisions are 三调 working classes)")
                           : Message{}));
            out.codesInNoSystem += total - familyBest;
        } else if (dlbm) {
            out.systems.push_back(family);
            why.push_back(numbersWhy(family, familyBest,
                                     message("landuse_field_dlbm",
                                             " and GTKJ-2023 alike; the field is the 三调/cadastre "
                                             "DLBM")));
            out.codesInNoSystem += total - familyBest;
        } else if (gtkjField || plan) {
            out.systems.push_back(kGtkj2023);
            why.push_back(numbersWhy(
                kGtkj2023, gtkj,
                gtkjField ? message("landuse_field_gtkj",
                                    " and GB/T 21010-2017 alike; the field is the 2023 用地用海 "
                                    "code")
                          : message("landuse_plan_layer",
                                    " and GB/T 21010-2017 alike; a {role} layer is a plan, and "
                                    "GB/T 21010 classifies present use",
                                    {{"role", std::string(toString(*role))}})));
            out.codesInNoSystem += total - gtkj;
        } else {
            // The same codes fit both: ambiguous when some of them mean different things.
            std::vector<std::string> differing;
            for (const std::string& code : numbers) {
                const LandUseClass* a = find(code, family);
                const LandUseClass* b = find(code, kGtkj2023);
                if (a && b && a->name != b->name)
                    differing.push_back(code);
            }
            out.systems.push_back(family);
            out.systems.push_back(kGtkj2023);
            why.push_back(message("landuse_numeric_codes_both",
                                  "{count} of {total} numeric codes are {system} and "
                                  "GTKJ-2023{more}{field_note}",
                                  numbersParts(family, gtkj, Message{})));
            out.codesInNoSystem += total - gtkj;
            if (!differing.empty()) {
                std::string list;
                for (std::size_t i = 0; i < differing.size() && i < 8; ++i)
                    list += (list.empty() ? "" : ", ") + differing[i];
                if (differing.size() > 8)
                    list += " …";
                out.warningMessage = message(
                    "landuse_ambiguous_codes",
                    "the codes fit {system} and GTKJ-2023 alike, and {count} of them mean "
                    "different things in the two ({codes}): those are not judged; declare the "
                    "layer's classification",
                    {{"system", family},
                     {"count", std::to_string(differing.size())},
                     {"codes", list}});
                out.warning = out.warningMessage.english;
            }
        }
    }
    if (out.codesInNoSystem)
        why.push_back(message("landuse_codes_in_no_class",
                              out.codesInNoSystem == 1 ? "{count} code is in no class"
                                                       : "{count} codes are in no class",
                              {{"count", std::to_string(out.codesInNoSystem)}}));
    for (const Message& w : why)
        out.reason += (out.reason.empty() ? "" : "; ") + w.english;
    out.reasons = std::move(why);
    return out;
}

LandUseDetection landUseSystemsOf(const ParkLayer& layer, const LandUseClassification& table)
{
    LandUseDetection out;
    if (!layer.classification.empty()) {
        out.setDeclared(layer.classification, layer.classificationOrigin);
        return out;
    }
    const int field = layer.field("land_use");
    if (field < 0)
        return out;
    const AttributeTable& attributes = layer.layer->attributes;
    std::set<std::string> distinct;
    for (std::size_t row = 0; row < attributes.rowCount(); ++row)
        if (!attributes.isUnknown(row, field))
            distinct.insert(attributes.text(row, field));
    out = table.detect({distinct.begin(), distinct.end()}, attributes.fields()[field].name,
                       layer.role);
    out.markDetected();
    return out;
}

} // namespace parkatlas::geo
