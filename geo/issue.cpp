#include "geo/issue.h"

#include "geo/error.h"

namespace parkatlas::geo {

void Issue::setMessage(Message said)
{
    message = std::move(said.english);
    messageId = std::move(said.id);
    messageParts = std::move(said.parts);
}

Issue withMessage(Issue issue, Message said, Issue::Kind kind)
{
    issue.setMessage(std::move(said));
    issue.kind = kind;
    return issue;
}

std::string formatIssue(const Issue& issue)
{
    const char* level = "note";
    if (issue.severity == Issue::Severity::Warning)
        level = "warning";
    else if (issue.severity == Issue::Severity::Error)
        level = "error";
    const std::string where = describeContext({issue.path, issue.layer, issue.fid, {}});
    return std::string(level) + ": " + (where.empty() ? "" : where + ": ") + issue.message;
}

void IssueList::report(Issue issue)
{
    std::lock_guard lock(m_mutex);
    m_issues.push_back(std::move(issue));
}

std::vector<Issue> IssueList::issues() const
{
    std::lock_guard lock(m_mutex);
    return m_issues;
}

std::size_t IssueList::count(Issue::Severity atLeast) const
{
    std::lock_guard lock(m_mutex);
    std::size_t n = 0;
    for (const Issue& issue : m_issues)
        if (issue.severity >= atLeast)
            ++n;
    return n;
}

} // namespace parkatlas::geo
