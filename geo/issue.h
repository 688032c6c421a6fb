#pragma once

#include "geo/message.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// A problem with the data that does not stop the run: a broken ring, a record GDAL could not
/// read, an encoding guess. The run goes on; the CLI prints issues, the GUI lists them.
struct Issue {
    enum class Severity { Note, Warning, Error };
    /// What the issue is, for code that acts on it (the message is for people: never parse it).
    enum class Kind {
        General,
        /// readLayer reprojected the layer by a ballpark operation (geo/crs/ballpark.h): no
        /// published datum shift, positions may be tens of metres off.
        BallparkTransform,
        /// The feature `fid` names was kept without its geometry (a corrupt or unreadable
        /// record, NaN or infinite coordinates): its area or length is unknown, not 0.
        GeometrySkipped,
    };
    Severity severity = Severity::Warning;
    std::string path;
    std::string layer;
    std::int64_t fid = -1;
    /// In English. Also what JSON output says.
    std::string message = {};
    Kind kind = Kind::General;
    /// The message's id and parts (see Message), so that it can be said in the user's language;
    /// empty for a message that has none, which is then said as `message` in every language.
    std::string messageId = {};
    std::vector<MessagePart> messageParts = {};

    /// Sets message, messageId and messageParts from `said`.
    void setMessage(Message said);
};

/// `issue` with its message set from `said`: issues.report(withMessage({Issue::Severity::Warning,
/// path, layer, fid}, message("invalid_plot", "invalid plot ({reason})", {{"reason", why}}))).
Issue withMessage(Issue issue, Message said, Issue::Kind kind = Issue::Kind::General);

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
