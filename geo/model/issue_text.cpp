#include "geo/model/issue_text.h"

#include <set>
#include <string_view>
#include <tuple>

namespace parkatlas::geo {

std::string formatIssue(const Issue& issue, Language language)
{
    if (language == Language::English)
        return formatIssue(issue);
    const char* level = issue.severity == Issue::Severity::Error     ? "error"
                        : issue.severity == Issue::Severity::Warning ? "warning"
                                                                     : "note";
    auto name = [](const char* id) {
        return displayName(NameGroup::Column, id, Language::Chinese);
    };
    std::string where;
    auto append = [&where](const std::string& part) {
        where += (where.empty() ? "" : "，") + part;
    };
    if (!issue.path.empty())
        append(name("file") + " '" + issue.path + "'");
    if (!issue.layer.empty())
        append(name("layer") + " '" + issue.layer + "'");
    if (issue.fid >= 0)
        append(name("feature") + " " + std::to_string(issue.fid));
    return displayName(NameGroup::Kind, level, Language::Chinese) + "：" +
           (where.empty() ? "" : where + "：") + issue.message;
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
