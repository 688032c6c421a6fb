#pragma once

#include <optional>
#include <string>
#include <vector>

class CPLJSONObject;

namespace parkatlas::geo {

class IssueSink;

/// The parameters of the plan-compliance rules (DESIGN.md, "Findings"). Defaults come from
/// styles/thresholds.json; a project file's "rules" object overrides them rule by rule and key
/// by key. Areas in m², lengths in m, money in 万元, shares as fractions (0.30 = 30 %).
struct ComplianceSettings {
    struct LandUseMismatch {
        bool enabled = true;
        double sliverM2 = 1.0; // zone overlaps up to this are ignored
        /// The layers whose land_use is judged against the plan zones (an expansion zone with
        /// no land_use is not judged).
        std::vector<std::string> layers = {"parcels", "expansion"};
    } landUseMismatch;

    struct OutsideBoundary {
        bool enabled = true;
        std::string boundaryKind = "核准范围";
        std::vector<std::string> layers = {"parcels", "acquisition", "expansion",
                                           "roads",   "pipelines",   "facilities"};
        double sliverM2 = 1.0;
        double sliverM = 1.0; // lines: length outside up to this is ignored
    } outsideBoundary;

    struct RoadRedLine {
        bool enabled = true;
        double sliverM2 = 1.0;
        std::vector<std::string> roadStages; // empty: every road, whatever its stage
        int quadrantSegments = 30;
    } roadRedLine;

    struct ProtectedOverlap {
        bool enabled = true;
        std::vector<std::string> layers = {"parcels", "expansion", "acquisition"};
        std::vector<std::string> kinds; // empty: every kind
        double sliverM2 = 1.0;
    } protectedOverlap;

    struct IntensityBelowStandard {
        bool enabled = true;
        std::vector<std::string> statuses = {"已投产"};
        double coverageMin = 0.30;
        bool coverageFromBuildings = true; // else from the parcels' built_area
        std::optional<double> farMinDefault;
        std::optional<double> investmentMinWanPerMu = 200.0;
        std::optional<double> taxMinWanPerMu = 15.0;
    } intensityBelowStandard;

    struct InvalidGeometry {
        bool enabled = true;
    } invalidGeometry;

    struct OverlappingParcels {
        bool enabled = true;
        double sliverM2 = 1.0;
    } overlappingParcels;

    struct DuplicateId {
        bool enabled = true;
    } duplicateId;

    struct WorksOnUnacquiredLand {
        bool enabled = true;
        std::vector<std::string> worksStages = {"在建", "竣工"};
        std::vector<std::string> stageOrder = {"调查摸底勘丈", "报征", "已批", "签约",
                                               "补偿",         "拆迁", "场平", "已供地"};
        std::string acquiredFromStage = "拆迁";
        double sliverM = 1.0;
        double sliverM2 = 1.0;
    } worksOnUnacquiredLand;

    /// 征地未完成: land of a polygon (an expansion zone) not covered by acquisition batches at
    /// or after worksOnUnacquiredLand's acquiredFromStage (its stageOrder too).
    struct UnacquiredLand {
        bool enabled = true;
        std::vector<std::string> layers = {"expansion"};
        double sliverM2 = 1.0;
    } unacquiredLand;

    /// The defaults of styles/thresholds.json (throws IoError when the file is there but
    /// broken), then the "rules" of the project file at `projectPath` when it is not empty.
    /// Unknown rules and keys, and values of the wrong type, are reported to `issues` as
    /// warnings naming the file, and ignored.
    static ComplianceSettings load(const std::string& projectPath, IssueSink& issues);

    /// Applies one "rules" object (as in thresholds.json or a project file). `origin` names
    /// the file in issues.
    void apply(const CPLJSONObject& rules, const std::string& origin, IssueSink& issues);
};

} // namespace parkatlas::geo
