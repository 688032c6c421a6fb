#include "geo/rules/compliance_settings.h"

#include "geo/error.h"
#include "geo/io/gdal_session.h"
#include "geo/issue.h"
#include "geo/rules/styles.h"

#include <cpl_json.h>

#include <filesystem>
#include <functional>
#include <map>

namespace parkatlas::geo {

namespace {

using Type = CPLJSONObject::Type;

/// Reads the keys of one rule's object into typed fields; anything else is reported.
class RuleReader {
public:
    RuleReader(const CPLJSONObject& object, std::string origin, std::string rule, IssueSink& issues)
        : m_object(object), m_origin(std::move(origin)), m_rule(std::move(rule)), m_issues(issues)
    {
    }

    void flag(const char* key, bool& target)
    {
        m_known.push_back(key);
        const CPLJSONObject value = m_object.GetObj(key);
        if (!value.IsValid())
            return;
        if (value.GetType() == Type::Boolean)
            target = value.ToBool();
        else
            wrongType(key, "true or false");
    }

    void number(const char* key, double& target)
    {
        std::optional<double> value = target;
        optionalNumber(key, value, false);
        if (value)
            target = *value;
    }

    /// null is allowed and means "no threshold".
    void optionalNumber(const char* key, std::optional<double>& target, bool nullable = true)
    {
        m_known.push_back(key);
        const CPLJSONObject value = m_object.GetObj(key);
        if (!value.IsValid())
            return;
        const Type type = value.GetType();
        if (type == Type::Integer || type == Type::Long || type == Type::Double)
            target = value.ToDouble();
        else if (type == Type::Null && nullable)
            target.reset();
        else
            wrongType(key, nullable ? "a number or null" : "a number");
    }

    void integer(const char* key, int& target)
    {
        double value = target;
        number(key, value);
        target = static_cast<int>(value);
    }

    void text(const char* key, std::string& target)
    {
        m_known.push_back(key);
        const CPLJSONObject value = m_object.GetObj(key);
        if (!value.IsValid())
            return;
        if (value.GetType() == Type::String)
            target = value.ToString();
        else
            wrongType(key, "a text");
    }

    void texts(const char* key, std::vector<std::string>& target)
    {
        m_known.push_back(key);
        const CPLJSONObject value = m_object.GetObj(key);
        if (!value.IsValid())
            return;
        if (value.GetType() != Type::Array) {
            wrongType(key, "an array of texts");
            return;
        }
        std::vector<std::string> out;
        const CPLJSONArray array = value.ToArray();
        for (int i = 0; i < array.Size(); ++i)
            out.push_back(array[i].ToString());
        target = std::move(out);
    }

    void reportUnknownKeys()
    {
        for (const CPLJSONObject& child : m_object.GetChildren())
            if (std::find(m_known.begin(), m_known.end(), child.GetName()) == m_known.end())
                m_issues.report(
                    {Issue::Severity::Warning,
                     m_origin,
                     {},
                     -1,
                     "rules." + m_rule + ": unknown key \"" + child.GetName() + "\" (ignored)"});
    }

private:
    void wrongType(const char* key, const char* expected)
    {
        m_issues.report({Issue::Severity::Warning,
                         m_origin,
                         {},
                         -1,
                         "rules." + m_rule + "." + key + " should be " + expected + " (ignored)"});
    }

    const CPLJSONObject& m_object;
    std::string m_origin;
    std::string m_rule;
    IssueSink& m_issues;
    std::vector<std::string> m_known;
};

} // namespace

void ComplianceSettings::apply(const CPLJSONObject& rules, const std::string& origin,
                               IssueSink& issues)
{
    using Reader = std::function<void(RuleReader&)>;
    const std::map<std::string, Reader> readers = {
        {"land_use_mismatch",
         [&](RuleReader& r) {
             r.flag("enabled", landUseMismatch.enabled);
             r.number("sliver_m2", landUseMismatch.sliverM2);
             r.texts("layers", landUseMismatch.layers);
         }},
        {"outside_boundary",
         [&](RuleReader& r) {
             r.flag("enabled", outsideBoundary.enabled);
             r.text("boundary_kind", outsideBoundary.boundaryKind);
             r.texts("layers", outsideBoundary.layers);
             r.number("sliver_m2", outsideBoundary.sliverM2);
             r.number("sliver_m", outsideBoundary.sliverM);
         }},
        {"road_red_line",
         [&](RuleReader& r) {
             r.flag("enabled", roadRedLine.enabled);
             r.number("sliver_m2", roadRedLine.sliverM2);
             r.texts("road_stages", roadRedLine.roadStages);
             r.integer("buffer_quadrant_segments", roadRedLine.quadrantSegments);
         }},
        {"protected_overlap",
         [&](RuleReader& r) {
             r.flag("enabled", protectedOverlap.enabled);
             r.texts("layers", protectedOverlap.layers);
             r.texts("kinds", protectedOverlap.kinds);
             r.number("sliver_m2", protectedOverlap.sliverM2);
         }},
        {"intensity_below_standard",
         [&](RuleReader& r) {
             auto& s = intensityBelowStandard;
             r.flag("enabled", s.enabled);
             r.texts("statuses", s.statuses);
             r.number("coverage_min", s.coverageMin);
             std::string source = s.coverageFromBuildings ? "buildings" : "built_area";
             r.text("coverage_source", source);
             if (source == "buildings" || source == "built_area")
                 s.coverageFromBuildings = source == "buildings";
             else
                 issues.report({Issue::Severity::Warning,
                                origin,
                                {},
                                -1,
                                "rules.intensity_below_standard.coverage_source should be "
                                "\"buildings\" or \"built_area\" (ignored)"});
             r.optionalNumber("far_min_default", s.farMinDefault);
             r.optionalNumber("investment_min_wan_per_mu", s.investmentMinWanPerMu);
             r.optionalNumber("tax_min_wan_per_mu", s.taxMinWanPerMu);
         }},
        {"invalid_geometry", [&](RuleReader& r) { r.flag("enabled", invalidGeometry.enabled); }},
        {"overlapping_parcels",
         [&](RuleReader& r) {
             r.flag("enabled", overlappingParcels.enabled);
             r.number("sliver_m2", overlappingParcels.sliverM2);
         }},
        {"duplicate_id", [&](RuleReader& r) { r.flag("enabled", duplicateId.enabled); }},
        {"works_on_unacquired_land",
         [&](RuleReader& r) {
             auto& s = worksOnUnacquiredLand;
             r.flag("enabled", s.enabled);
             r.texts("works_stages", s.worksStages);
             r.texts("stage_order", s.stageOrder);
             r.text("acquired_from_stage", s.acquiredFromStage);
             r.number("sliver_m", s.sliverM);
             r.number("sliver_m2", s.sliverM2);
         }},
        {"unacquired_land",
         [&](RuleReader& r) {
             r.flag("enabled", unacquiredLand.enabled);
             r.texts("layers", unacquiredLand.layers);
             r.number("sliver_m2", unacquiredLand.sliverM2);
         }},
    };
    for (const CPLJSONObject& child : rules.GetChildren()) {
        const auto it = readers.find(child.GetName());
        if (it == readers.end()) {
            // The idle-land audit's rules live in the same object; they are not ours to judge.
            static const char* const kAuditRules[] = {"idle_not_started", "idle_stalled",
                                                      "idle_low_coverage", "low_efficiency",
                                                      "cannot_decide"};
            if (std::find(std::begin(kAuditRules), std::end(kAuditRules), child.GetName()) ==
                std::end(kAuditRules))
                issues.report({Issue::Severity::Warning,
                               origin,
                               {},
                               -1,
                               "rules: unknown rule \"" + child.GetName() + "\" (ignored)"});
            continue;
        }
        if (child.GetType() != Type::Object) {
            issues.report({Issue::Severity::Warning,
                           origin,
                           {},
                           -1,
                           "rules." + child.GetName() + " should be an object (ignored)"});
            continue;
        }
        RuleReader reader(child, origin, child.GetName(), issues);
        it->second(reader);
        reader.reportUnknownKeys();
    }
    const auto& order = worksOnUnacquiredLand.stageOrder;
    if (std::find(order.begin(), order.end(), worksOnUnacquiredLand.acquiredFromStage) ==
        order.end())
        issues.report({Issue::Severity::Warning,
                       origin,
                       {},
                       -1,
                       "rules.works_on_unacquired_land.acquired_from_stage \"" +
                           worksOnUnacquiredLand.acquiredFromStage +
                           "\" is not in stage_order: no batch counts as acquired"});
}

ComplianceSettings ComplianceSettings::load(const std::string& projectPath, IssueSink& issues)
{
    ensureGdal();
    ComplianceSettings settings;
    auto rulesOf = [&](const std::string& path, bool required) {
        CPLJSONDocument document;
        GdalErrorCapture errors;
        if (!document.Load(path)) {
            if (required)
                throw IoError("cannot read the rule thresholds: " +
                                  (errors.lastFailure().empty() ? std::string("not valid JSON")
                                                                : errors.lastFailure()),
                              {path, {}, -1, {}});
            return;
        }
        const CPLJSONObject rules = document.GetRoot().GetObj("rules");
        if (!rules.IsValid())
            return;
        if (rules.GetType() != Type::Object) {
            issues.report({Issue::Severity::Warning,
                           path,
                           {},
                           -1,
                           "\"rules\" should be an object (ignored)"});
            return;
        }
        settings.apply(rules, path, issues);
    };
    const std::string defaults =
        optionalStylePath("thresholds.json", issues, "the plan check uses its built-in defaults");
    if (!defaults.empty())
        rulesOf(defaults, true);
    if (!projectPath.empty())
        rulesOf(projectPath, true);
    return settings;
}

} // namespace parkatlas::geo
