#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parkatlas::geo {

/// The language a name is shown in.
enum class Language { Chinese, English };

/// What kind of id a name is looked up for (the groups of styles/names.json).
enum class NameGroup {
    Rule,   // "land_use_mismatch" → 用地性质不符
    Field,  // a contract field: "parcel_id" → 宗地代码; "idle_land.kind" → 闲置类型
    Role,   // "parcels" → 宗地 (from geo::chineseName, the one table of role names)
    Column, // a table column: "area_mu" → 面积（亩）
    Kind,   // ledger kinds, area methods, message levels: "acquisition" → 征地台账
    /// A message's template by its id (styles/messages.json "messages"), filled from the
    /// message's parts by geo/model/issue_text.h: "invalid_plot" → "宗地图形无效（{reason}）".
    Message,
    /// A library's or the reader's own English phrase that a message part may be
    /// (styles/messages.json "phrases"): "Self-intersection" → 自相交.
    Phrase,
};

/// The name a user reads for `id`, from styles/names.json (messages and phrases: from
/// styles/messages.json beside it; roles: geo::chineseName /
/// toString). A field is looked up as "ROLE.FIELD" when `role` is given, then as "FIELD".
/// An id the table does not know comes back unchanged, so nothing is ever hidden; so does
/// every id when the table cannot be read (no styles folder). The table is read once per
/// styles folder. Thread-safe.
std::string displayName(NameGroup group, std::string_view id, Language language,
                        std::string_view role = {});

/// A phrase of styles/messages.json with named parts ("a line of {count} points cannot be a
/// shape") that a whole text matches: its template in the language asked for, and the parts'
/// values as the text has them ("count" → "2").
struct PhraseMatch {
    std::string text;
    std::vector<std::pair<std::string, std::string>> parts;
};
/// The first phrase with {name} parts that `text` matches as a whole (the parts match anything
/// non-empty, the rest literally), in `language`; nullopt when none does. Thread-safe.
std::optional<PhraseMatch> matchPhrase(std::string_view text, Language language);

/// The language of the process's locale as gettext reads it (LC_ALL, else LC_MESSAGES, else
/// LANG): Chinese for zh*, else English. For the CLI's tables and messages.
Language languageFromEnvironment();

} // namespace parkatlas::geo
