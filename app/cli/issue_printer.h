#pragma once

#include "geo/issue.h"
#include "geo/model/issue_text.h"

#include <iostream>
#include <map>
#include <string>
#include <utility>

namespace parkatlas::cli {

/// `said` in the language of the locale (geo::messageText): the CLI's one-line notes.
inline std::string say(const geo::Message& said)
{
    return geo::messageText(said, geo::languageFromEnvironment());
}

/// "error: file 'a.shp': …", or under a Chinese locale "错误：文件 'a.shp'：…" (geo::formatError).
inline std::string errorText(const geo::Error& error)
{
    const geo::Language language = geo::languageFromEnvironment();
    if (language == geo::Language::English)
        return std::string("error: ") + error.what();
    return geo::displayName(geo::NameGroup::Kind, "error", language) + "：" +
           geo::formatError(error, language);
}

/// Collects the data issues of a command and prints them on stderr when the command ends, also
/// when it ends with an error (the issues then explain the error). A layer with many issues
/// shows its first few and a count of the rest, so one bad layer cannot bury the output.
class IssuePrinter : public geo::IssueList {
public:
    static constexpr std::size_t kShownPerLayer = 8;

    ~IssuePrinter() override
    {
        const geo::Language language = geo::languageFromEnvironment();
        std::map<std::pair<std::string, std::string>, std::size_t> shown, hidden;
        // A warning about one feature is said once per run, however many steps (the check,
        // the audit, each map of a pack) meet the same feature.
        for (const geo::Issue& issue : geo::distinctIssues(issues())) {
            const auto key = std::make_pair(issue.path, issue.layer);
            if (shown[key] < kShownPerLayer) {
                ++shown[key];
                std::cerr << geo::formatIssue(issue, language) << "\n";
            } else {
                ++hidden[key];
            }
        }
        for (const auto& [key, count] : hidden)
            if (language == geo::Language::Chinese)
                std::cerr << "… 另有 " << count << " 条问题，文件 '" << key.first << "'，图层 '"
                          << key.second << "'\n";
            else
                std::cerr << "… and " << count << " more issue(s) in file '" << key.first
                          << "', layer '" << key.second << "'\n";
    }
};

} // namespace parkatlas::cli
