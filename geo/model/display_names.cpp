#include "geo/model/display_names.h"

#include "geo/error.h"
#include "geo/model/role.h"
#include "geo/styles.h"

#include <cpl_error.h>
#include <cpl_json.h>

#include <algorithm>

#include <cstdlib>
#include <regex>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>

namespace parkatlas::geo {

namespace {

/// A phrase with {name} parts, as a regular expression over a whole text.
struct PhrasePattern {
    std::string literalHead; // the text before its first part: a cheap first test
    std::regex regex;
    std::vector<std::string> names;
    std::string zh, en;
};

struct Names {
    // group name → id → {zh, en}
    std::map<std::string, std::map<std::string, std::pair<std::string, std::string>>, std::less<>>
        groups;
    std::vector<PhrasePattern> phrasePatterns;
};

/// The phrases of `names` that have {name} parts, as patterns.
void compilePhrasePatterns(Names& names)
{
    const auto group = names.groups.find("phrases");
    if (group == names.groups.end())
        return;
    static const std::regex part(R"(\{([A-Za-z0-9_]+)\})");
    static const std::regex special(R"([.^$|()\[\]{}*+?\\])");
    for (const auto& [key, said] : group->second) {
        if (key.find('{') == std::string::npos)
            continue;
        PhrasePattern pattern;
        std::string expression;
        std::size_t at = 0;
        for (auto it = std::sregex_iterator(key.begin(), key.end(), part);
             it != std::sregex_iterator(); ++it) {
            const std::string literal = key.substr(at, it->position() - at);
            if (pattern.names.empty())
                pattern.literalHead = literal;
            expression += std::regex_replace(literal, special, R"(\$&)") + "([\\s\\S]+?)";
            pattern.names.push_back((*it)[1].str());
            at = it->position() + it->length();
        }
        if (pattern.names.empty())
            continue;
        expression += std::regex_replace(key.substr(at), special, R"(\$&)");
        try {
            pattern.regex = std::regex(expression);
        } catch (const std::regex_error&) {
            continue;
        }
        pattern.zh = said.first;
        pattern.en = said.second;
        names.phrasePatterns.push_back(std::move(pattern));
    }
    // The most literal first: "CAD layer table: {match}: {why}" before "CAD layer table: {match}".
    auto literalLength = [](const PhrasePattern& p) {
        std::size_t partsLength = 0;
        for (const std::string& name : p.names)
            partsLength += name.size() + 2;
        return p.en.size() - partsLength;
    };
    std::stable_sort(names.phrasePatterns.begin(), names.phrasePatterns.end(),
                     [&](const PhrasePattern& a, const PhrasePattern& b) {
                         return literalLength(a) > literalLength(b);
                     });
}

/// Adds the `groups` of the table at `path` (nothing when it cannot be read) to `names`.
void loadNames(Names& names, const std::string& path, std::initializer_list<const char*> groups)
{
    CPLJSONDocument document;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const bool loaded = document.Load(path);
    CPLPopErrorHandler();
    if (!loaded)
        return;
    for (const char* group : groups) {
        auto& table = names.groups[group];
        for (const CPLJSONObject& entry : document.GetRoot().GetObj(group).GetChildren())
            table[entry.GetName()] = {entry.GetString("zh", entry.GetName()),
                                      entry.GetString("en", entry.GetName())};
    }
}

/// The table of the current styles folder; empty when there is none. Looked up once per value
/// of $PARKATLAS_STYLES (the folder stylesDirectory() finds depends on nothing else), so a
/// name costs a map lookup, not a walk of the file system: reasons are named per finding.
std::shared_ptr<const Names> names()
{
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const Names>> byEnvironment;
    const char* env = std::getenv("PARKATLAS_STYLES");
    const std::string key = env ? env : "";
    std::lock_guard lock(mutex);
    auto& cached = byEnvironment[key];
    if (!cached) {
        auto table = std::make_shared<Names>();
        // The messages' templates live beside the names (styles/messages.json).
        try {
            loadNames(*table, stylePath("names.json"), {"rules", "fields", "columns", "kinds"});
            loadNames(*table, stylePath("messages.json"), {"messages", "phrases"});
            // The command line's help texts, as phrases (styles/cli_help.json).
            loadNames(*table, stylePath("cli_help.json"), {"phrases"});
        } catch (const Error&) {
            // No styles folder: every id is said as it is.
        }
        compilePhrasePatterns(*table);
        cached = std::move(table);
    }
    return cached;
}

const char* groupName(NameGroup group)
{
    switch (group) {
    case NameGroup::Rule:
        return "rules";
    case NameGroup::Field:
        return "fields";
    case NameGroup::Column:
        return "columns";
    case NameGroup::Kind:
        return "kinds";
    case NameGroup::Role:
        return "roles";
    case NameGroup::Message:
        return "messages";
    case NameGroup::Phrase:
        return "phrases";
    }
    return "";
}

} // namespace

std::string displayName(NameGroup group, std::string_view id, Language language,
                        std::string_view role)
{
    if (group == NameGroup::Role) {
        const auto found = roleFromLayerName(id);
        if (!found || toString(*found) != id)
            return std::string(id);
        return language == Language::Chinese ? chineseName(*found) : toString(*found);
    }
    const std::shared_ptr<const Names> table = names();
    const auto groupIt = table->groups.find(groupName(group));
    if (groupIt == table->groups.end())
        return std::string(id);
    auto pick = [&](const std::string& key) -> const std::pair<std::string, std::string>* {
        const auto it = groupIt->second.find(key);
        return it == groupIt->second.end() ? nullptr : &it->second;
    };
    const std::pair<std::string, std::string>* entry = nullptr;
    if (group == NameGroup::Field && !role.empty())
        entry = pick(std::string(role) + "." + std::string(id));
    if (!entry)
        entry = pick(std::string(id));
    if (!entry)
        return std::string(id);
    return language == Language::Chinese ? entry->first : entry->second;
}

std::optional<PhraseMatch> matchPhrase(std::string_view text, Language language)
{
    const std::shared_ptr<const Names> table = names();
    const std::string whole(text);
    for (const PhrasePattern& pattern : table->phrasePatterns) {
        if (whole.compare(0, pattern.literalHead.size(), pattern.literalHead) != 0)
            continue;
        std::smatch match;
        if (!std::regex_match(whole, match, pattern.regex))
            continue;
        PhraseMatch out{language == Language::Chinese ? pattern.zh : pattern.en, {}};
        for (std::size_t i = 0; i < pattern.names.size(); ++i)
            out.parts.emplace_back(pattern.names[i], match[i + 1].str());
        return out;
    }
    return std::nullopt;
}

Language languageFromEnvironment()
{
    for (const char* variable : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        const char* value = std::getenv(variable);
        if (value && *value)
            return std::string_view(value).substr(0, 2) == "zh" ? Language::Chinese
                                                                : Language::English;
    }
    return Language::English;
}

} // namespace parkatlas::geo
