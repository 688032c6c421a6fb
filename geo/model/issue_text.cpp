#include "geo/model/issue_text.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>

namespace parkatlas::geo {

namespace {

/// The parts that are phrases of the program or a library (a reason, a problem, a hint …);
/// other parts are data (a file, a field, a value, a command's name) and stay as they are.
const std::set<std::string, std::less<>> kPhraseParts = {
    "reason", "problem", "why", "hint", "what", "type", "method", "failure", "text", "area",
    "detail"};

/// `value` in `language` when it is a phrase of the catalogue as a whole, with or without named
/// parts ("a line of 2 points cannot be a shape": its phrase parts said as phrases too).
std::optional<std::string> wholePhrase(const std::string& value, Language language)
{
    const std::string whole = displayName(NameGroup::Phrase, value, language);
    if (whole != value)
        return whole;
    if (const auto match = matchPhrase(value, language)) {
        std::vector<MessagePart> parts;
        for (const auto& [name, text] : match->parts)
            parts.push_back(
                {name, kPhraseParts.count(name) ? messagePartText(text, language) : text});
        return fillTemplate(match->text, parts);
    }
    return std::nullopt;
}

} // namespace

std::string messagePartText(const std::string& value, Language language)
{
    if (language == Language::English || value.empty())
        return value;
    if (auto said = wholePhrase(value, language))
        return *said;
    const std::size_t cut = value.find_first_of("[:(");
    if (cut == std::string::npos || cut == 0)
        return value;
    std::size_t end = cut;
    while (end > 0 && value[end - 1] == ' ')
        --end;
    const std::string head = value.substr(0, end);
    const std::string said = displayName(NameGroup::Phrase, head, language);
    return said == head ? value : said + value.substr(end);
}

namespace {

/// A part's value in `language`: a part that is a phrase of the program or a library (a reason,
/// a problem, a hint …) is said in Chinese where the catalogue has it, a role by its name; a
/// part that is data (a file, a field, a value, a CRS) stays as it is, even when it happens to
/// spell a phrase (a field called "date").
std::string sayPart(const MessagePart& part, Language language)
{
    if (part.name == "role")
        return displayName(NameGroup::Role, part.value, language);
    // A rule id (geo/rules/rule_message.h) is said by the rule's name.
    if (part.name == "rule")
        return displayName(NameGroup::Rule, part.value, language);
    return kPhraseParts.count(part.name) ? messagePartText(part.value, language) : part.value;
}

/// A message by `id` and `parts` in `language`; `english` when it cannot be said otherwise.
std::string say(const std::string& id, const std::vector<MessagePart>& parts,
                const std::string& english, Language language)
{
    if (language == Language::English)
        return english;
    // A message without an id (an error thrown as plain text): said as a phrase where the
    // catalogue has it, with or without named parts; else in English.
    if (id.empty())
        return wholePhrase(english, language).value_or(english);
    const std::string text = displayName(NameGroup::Message, id, language);
    if (text == id)
        return english;
    std::vector<MessagePart> said;
    for (const MessagePart& part : parts) {
        if (part.name.find('.') != std::string::npos)
            continue; // a nested message's own part (geo::withNested)
        const auto nestedId = std::find_if(parts.begin(), parts.end(), [&](const MessagePart& p) {
            return p.name == part.name + "_id";
        });
        if (nestedId == parts.end()) {
            said.push_back({part.name, sayPart(part, language)});
            continue;
        }
        std::vector<MessagePart> inner;
        const std::string prefix = part.name + ".";
        for (const MessagePart& p : parts)
            if (p.name.rfind(prefix, 0) == 0)
                inner.push_back({p.name.substr(prefix.size()), p.value});
        said.push_back({part.name, say(nestedId->value, inner, part.value, language)});
    }
    return fillTemplate(text, said).value_or(english);
}

/// describeContext in Chinese: "文件 'a.shp'，图层 'a'，要素 3，字段 'QLR'".
std::string chineseContext(const ErrorContext& context)
{
    auto name = [](const char* id) {
        return displayName(NameGroup::Column, id, Language::Chinese);
    };
    std::string where;
    auto append = [&where](const std::string& part) {
        where += (where.empty() ? "" : "，") + part;
    };
    if (!context.path.empty())
        append(name("file") + " '" + context.path + "'");
    if (!context.layer.empty())
        append(name("layer") + " '" + context.layer + "'");
    if (context.fid >= 0)
        append(name("feature") + " " + std::to_string(context.fid));
    if (!context.field.empty())
        append(displayName(NameGroup::Column, "field", Language::Chinese) + " '" + context.field +
               "'");
    return where;
}

} // namespace

std::string messageText(const Message& said, Language language)
{
    return say(said.id, said.parts, said.english, language);
}

std::string issueMessage(const Issue& issue, Language language)
{
    return say(issue.messageId, issue.messageParts, issue.message, language);
}

std::string formatIssue(const Issue& issue, Language language)
{
    if (language == Language::English)
        return formatIssue(issue);
    const char* level = issue.severity == Issue::Severity::Error     ? "error"
                        : issue.severity == Issue::Severity::Warning ? "warning"
                                                                     : "note";
    const std::string where = chineseContext({issue.path, issue.layer, issue.fid, {}});
    return displayName(NameGroup::Kind, level, Language::Chinese) + "：" +
           (where.empty() ? "" : where + "：") + issueMessage(issue, language);
}

std::string errorMessage(const Error& error, Language language)
{
    return say(error.messageId(), error.messageParts(), error.message(), language);
}

std::string formatError(const Error& error, Language language)
{
    if (language == Language::English)
        return error.what();
    const std::string where = chineseContext(error.context());
    return (where.empty() ? "" : where + "：") + errorMessage(error, language);
}

std::vector<Issue> distinctIssues(const std::vector<Issue>& issues)
{
    std::set<std::tuple<Issue::Severity, std::string_view, std::string_view, std::int64_t,
                        std::string_view>>
        said;
    std::vector<Issue> out;
    for (const Issue& issue : issues)
        if (said.emplace(issue.severity, issue.path, issue.layer, issue.fid, issue.message).second)
            out.push_back(issue);
    return out;
}

} // namespace parkatlas::geo
