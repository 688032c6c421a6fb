#pragma once

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/model/display_names.h"

#include <string>
#include <vector>

namespace parkatlas::geo {

/// What `issue` says, in `language`. English: Issue::message. Chinese: the template of its
/// message id in styles/messages.json filled from its parts, a part that is a known English
/// phrase ("Self-intersection[3 4]", why a file cannot be opened) said in Chinese too (phrases:
/// only parts named reason, problem, why, hint, what, type, method, failure, text, area or detail; a
/// part named role by the role's name; other parts are data and stay as they are); the
/// English message when the issue has no id, the catalogue lacks it, or the template names a
/// part the issue has not (so nothing is ever lost).
std::string issueMessage(const Issue& issue, Language language);

/// formatIssue in `language`: in Chinese the level, "file", "layer" and "feature" are named from
/// styles/names.json and the message is issueMessage's ("警告：文件 'a.shp'，图层 'a'，要素 3：
/// 宗地图形无效（自相交[3 4]）…"); the file, layer and feature are kept as they are.
std::string formatIssue(const Issue& issue, Language language);

/// What `said` says in `language`, as issueMessage says an issue's message: for a program's own
/// notes ("wrote 3 finding(s) to out.gpkg" / "已将 3 处问题写入 out.gpkg").
std::string messageText(const Message& said, Language language);

/// What `error` says (Error::message) in `language`, as issueMessage does for an issue.
std::string errorMessage(const Error& error, Language language);

/// Error::what() in `language`: in Chinese the file, layer, feature and field are named as
/// formatIssue names them, and the message is errorMessage's.
std::string formatError(const Error& error, Language language);

/// A part's value in `language`: in Chinese, the phrase it is (styles/messages.json "phrases",
/// styles/cli_help.json), or a phrase with named parts it matches as a whole ("a line of
/// {count} points cannot be a shape", its parts said as phrases in turn), else the phrase its
/// text up to a '[' or ':' is, followed by the rest ("Self-intersection[3 4]" → "自相交[3 4]");
/// else the value as it is. A message or error without an id is said as a whole phrase too.
std::string messagePartText(const std::string& value, Language language);

/// `issues` in order, each said once: a repeat of an earlier issue (same level, file, layer,
/// feature and message, as when the check, the audit and each map of a pack meet the same
/// broken plot) is left out. For what a run prints or lists.
std::vector<Issue> distinctIssues(const std::vector<Issue>& issues);

} // namespace parkatlas::geo
