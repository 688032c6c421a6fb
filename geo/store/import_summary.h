#pragma once

#include "geo/model/display_names.h"

#include <iosfwd>

namespace parkatlas::geo {

struct ImportReport;
struct JoinReport;

/// What `parkatlas import` prints, and the viewer's Import dialog shows: each source with its
/// format and text encoding; each source layer with the role it went to and why, features in
/// and out, the fields renamed and what was dropped; for drawings the texts assigned and not
/// (the first ten of each list, the rest are in the JSON report); then, when `written`, what was
/// written where and each ledger join, else "nothing written".
void writeImportSummary(const ImportReport& report, std::ostream& out, bool written);
/// The same in `language`: under Chinese the labels, roles and the reasons the catalogue knows
/// (styles/messages.json phrases) in Chinese; names, codes and the encoding's reason as they are.
void writeImportSummary(const ImportReport& report, std::ostream& out, bool written,
                        Language language);

/// One ledger join in a few lines: what matched, and what did not (the first five of each
/// list; the whole lists are in the JSON report).
void writeJoinSummary(const JoinReport& join, std::ostream& out);

} // namespace parkatlas::geo
