#include "geo/io/cad_layer_table.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/styles.h"

#include <cpl_json.h>

#include <algorithm>
#include <cctype>

namespace parkatlas::geo {

namespace {

std::string upperAscii(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

bool isLatin(std::string_view text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) {
        return std::isalpha(c) != 0;
    });
}

/// The maximal runs of Latin letters in `name`, upper-cased: "0-kg地块DK2" → KG, DK.
std::vector<std::string> latinWords(std::string_view name)
{
    std::vector<std::string> words;
    std::string current;
    for (char c : name) {
        if (std::isalpha(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80) {
            current.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty())
        words.push_back(std::move(current));
    return words;
}

} // namespace

std::optional<Role> roleFromName(std::string_view roleName)
{
    for (Role role : allRoles())
        if (roleName == toString(role))
            return role;
    return std::nullopt;
}

CadLayerTable CadLayerTable::load(const std::string& path)
{
    ensureGdal();
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(path))
            throw IoError("cannot read the CAD layer table: " +
                              (errors.lastFailure().empty() ? std::string("not valid JSON")
                                                            : errors.lastFailure()),
                          {path, {}, -1, {}});
    }
    const CPLJSONArray patterns = document.GetRoot().GetArray("patterns");
    if (!patterns.IsValid())
        throw IoError("the CAD layer table has no 'patterns' array", {path, {}, -1, {}});
    CadLayerTable table;
    for (int i = 0; i < patterns.Size(); ++i) {
        const CPLJSONObject entry = patterns[i];
        Pattern pattern;
        pattern.match = entry.GetString("match", "");
        if (pattern.match.empty())
            throw IoError("entry " + std::to_string(i + 1) + " has no 'match'", {path, {}, -1, {}});
        const CPLJSONObject role = entry.GetObj("role");
        if (role.IsValid() && role.GetType() == CPLJSONObject::Type::String) {
            pattern.role = roleFromName(role.ToString());
            if (!pattern.role)
                throw IoError("entry '" + pattern.match + "' names the role '" + role.ToString() +
                                  "', which is not one of the data contract's",
                              {path, {}, -1, {}});
        }
        pattern.kind = entry.GetString("kind", "");
        pattern.why = entry.GetString("why", "");
        table.m_patterns.push_back(std::move(pattern));
    }
    return table;
}

const CadLayerTable& CadLayerTable::standard()
{
    static const CadLayerTable table = load(stylePath("cad_layers.json"));
    return table;
}

const CadLayerTable::Pattern* CadLayerTable::match(std::string_view layerName) const
{
    const std::vector<std::string> words = latinWords(layerName);
    const std::string upperName = upperAscii(layerName);
    for (const Pattern& pattern : m_patterns) {
        if (isLatin(pattern.match)) {
            const std::string wanted = upperAscii(pattern.match);
            if (std::find(words.begin(), words.end(), wanted) != words.end())
                return &pattern;
        } else if (upperName.find(upperAscii(pattern.match)) != std::string::npos) {
            return &pattern;
        }
    }
    return nullptr;
}

} // namespace parkatlas::geo
