#pragma once

#include "geo/issue.h"
#include "geo/model/display_names.h"

#include <string>
#include <vector>

namespace parkatlas::geo {

/// formatIssue in `language`: in Chinese the level, "file", "layer" and "feature" are named from
/// styles/names.json ("警告：文件 'a.shp'，图层 'a'，要素 3：…"); the file, layer, feature and
/// the message itself are kept as they are.
std::string formatIssue(const Issue& issue, Language language);

/// `issues` in order, each said once: a repeat of an earlier issue (same level, file, layer,
/// feature and message, as when the check, the audit and each map of a pack meet the same
/// broken plot) is left out. For what a run prints or lists.
std::vector<Issue> distinctIssues(const std::vector<Issue>& issues);

} // namespace parkatlas::geo
