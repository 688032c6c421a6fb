#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace parkatlas::geo {

/// The rule id of findings that say a rule could not decide because a value it needs is
/// unknown (null, empty, "xx", "**"). Evidence: "rule" (which rule) and "needs" (the fields,
/// comma-separated), so the audit's cannot_decide findings read the same.
inline constexpr const char* kCannotDecide = "cannot_decide";

/// A number, a text or unknown: the value of one piece of evidence.
using EvidenceValue = std::variant<std::monostate, double, std::string>;

/// One piece of evidence behind a finding: "tax_per_mu" = 4.2, "agr_start" = "2024-03-01".
struct Evidence {
    std::string name;
    EvidenceValue value;
};

/// What a rule found about one feature or a pair of features (DESIGN.md, "Findings").
/// Geometry is the offending part (the overlap, the part outside, the strip inside a red line)
/// as ISO WKB in the park's working CRS; empty when the finding has no place of its own.
struct Finding {
    std::string rule;               // "land_use_mismatch", "idle_not_started" …
    std::string layer;              // the role of the offending layer: "parcels", "roads" …
    std::vector<std::int64_t> fids; // source FIDs (two for overlaps and duplicates)
    std::string featureId;          // the feature's own id (parcel_id, case_id, name), if any
    double areaMu = std::numeric_limits<double>::quiet_NaN(); // of the offending part
    std::string reasonZh;                                     // 人读的理由，中文
    std::string reasonEn;                                     // the same in English
    std::string clause; // legal or normative basis ("闲置土地处置办法 第二条")
    std::vector<Evidence> evidence; // the numbers used, in a stable order
    std::vector<unsigned char> geometryWkb;
};

} // namespace parkatlas::geo
