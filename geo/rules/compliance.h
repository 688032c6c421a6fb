#pragma once

#include "geo/io/source.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/role.h"
#include "geo/progress.h"
#include "geo/rules/compliance_settings.h"
#include "geo/rules/finding.h"

#include <map>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

class FindingSpill;
class IssueSink;
class LandUseClassification;
struct Park;

/// The plan-compliance rules (对照规划), in the order the CLI, the JSON and the GUI list them.
/// Each lives in its own file named after its id (geo/rules/road_red_line.cpp), listed in
/// compliance.cpp's registry (compliance_rule.h).
enum class ComplianceRule {
    LandUseMismatch,
    OutsideBoundary,
    RoadRedLine,
    ProtectedOverlap,
    IntensityBelowStandard,
    InvalidGeometry,
    OverlappingParcels,
    DuplicateId,
    WorksOnUnacquiredLand,
    UnacquiredLand,
};

const std::vector<ComplianceRule>& allComplianceRules();
/// "land_use_mismatch", "outside_boundary" …
const char* toString(ComplianceRule rule);
std::optional<ComplianceRule> complianceRuleFromString(std::string_view name);
/// Whether the settings switch the rule on.
bool isEnabled(ComplianceRule rule, const ComplianceSettings& settings);
/// The layers the rules read (with the layers the settings name for them), in Role order: what
/// a check needs read and nothing more.
std::vector<Role> rolesForRules(const std::vector<ComplianceRule>& rules,
                                const ComplianceSettings& settings);
/// `rules` when not empty, else every rule the settings switch on (what checkCompliance runs).
std::vector<ComplianceRule> rulesToRun(const std::vector<ComplianceRule>& rules,
                                       const ComplianceSettings& settings);

/// The rule id of findings land_use_mismatch makes when a parcel is coded more coarsely than the
/// zone it lies in (1001 工业用地 of GTKJ-2023, or 0601 of GB/T 21010-2017, in an M3 zone): not
/// a misfit, but the data cannot say which class of the zone's it is. Evidence names the zone's
/// required class ("required").
inline constexpr const char* kLandUseTooCoarse = "land_use_too_coarse";

struct ComplianceOptions {
    ComplianceSettings settings;
    /// The rules to run; empty runs every rule the settings enable. A rule named here runs even
    /// when the settings switch it off (the user asked for it).
    std::vector<ComplianceRule> rules;
    /// Land-use classes; null takes LandUseClassification::standard().
    const LandUseClassification* landUse = nullptr;
    /// Per role, the land-use systems its codes are read in, decided by the caller (declared,
    /// or detected over a whole table of which the park holds only a part); a role not here
    /// takes its layer's declared classification, else what its codes show (landUseSystemsOf).
    std::map<Role, LandUseDetection> landUseSystems;
    /// Worker threads, each with its own GEOS context and area calculator; 0: one per core.
    unsigned threads = 0;
    ProgressCallback progress;
    /// Where the findings go as they are made, when not null: ComplianceResult::findings is then
    /// left empty and the spill holds them, sorted (FindingSpill::sortForCompliance), so a check
    /// with a million findings never holds them with their geometries in memory.
    FindingSpill* spill = nullptr;
};

struct ComplianceResult {
    std::vector<ComplianceRule> rulesRun;
    /// Sorted by rule (in allComplianceRules() order, cannot_decide last), layer role, fids.
    std::vector<Finding> findings;
    /// The land-use classification each judged layer's codes (and the plan zones') were read
    /// in, declared or detected, with why (land_use_mismatch only).
    std::map<Role, LandUseDetection> landUseSystems;
};

/// The order of ComplianceResult::findings: by rule (allComplianceRules() order, cannot_decide
/// and unknown rules last), layer role, fids, English reason; stable. The server-side check
/// sorts with it too, so both engines list the same findings in the same order.
void sortComplianceFindings(std::vector<Finding>& findings);
/// The first two keys of that order: a rule's rank (land_use_too_coarse right after
/// land_use_mismatch; cannot_decide and unknown rules last) and a layer's (by role, unknown
/// last).
int complianceRuleRank(const std::string& rule);
int complianceLayerRank(const std::string& layer);

/// Runs the plan-compliance rules on a park whose layers are in one working CRS (loadPark).
/// Areas in findings (area_mu) are ellipsoidal, measured with AreaCalculator in the park's CRS.
/// A feature whose geometry is invalid is reported by invalid_geometry (when run) and left out
/// of the geometric rules; a rule missing a layer it needs (no plan_zones, no boundary of the
/// chosen kind) is reported to `issues` as a warning and finds nothing. Thread-safe for
/// different parks; `park` is only read. Throws Cancelled when the progress callback says so.
ComplianceResult checkCompliance(const Park& park, const ComplianceOptions& options,
                                 IssueSink& issues);

} // namespace parkatlas::geo
