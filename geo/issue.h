#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// A problem with the data that does not stop the run: a broken ring, a record GDAL could not
/// read, an encoding guess. The run goes on; the CLI prints issues, the GUI lists them.
struct Issue {
    enum class Severity { Note, Warning, Error };
    Severity severity = Severity::Warning;
    std::string path;
    std::string layer;
    std::int64_t fid = -1;
    std::string message;
};

/// "warning: file 'a.shp', layer 'a', feature 3: ring is not closed".
std::string formatIssue(const Issue& issue);

/// Receives issues. Implementations must be safe to call from several threads at once.
class IssueSink {
public:
    virtual ~IssueSink() = default;
    virtual void report(Issue issue) = 0;
};

/// Keeps every issue in arrival order. Thread-safe.
class IssueList : public IssueSink {
public:
    void report(Issue issue) override;
    std::vector<Issue> issues() const;
    std::size_t count(Issue::Severity atLeast = Issue::Severity::Note) const;

private:
    mutable std::mutex m_mutex;
    std::vector<Issue> m_issues;
};

/// Discards everything (for callers that do not care).
class NullIssueSink : public IssueSink {
public:
    void report(Issue) override {}
};

} // namespace parkatlas::geo
