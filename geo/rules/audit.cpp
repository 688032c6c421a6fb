#include "geo/rules/audit.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"
#include "geo/rules/audit_rule.h"
#include "geo/units.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

namespace parkatlas::geo {

Date anniversary(Date date, int years)
{
    using namespace std::chrono;
    const year_month_day start{sys_days{days{date.daysSinceEpoch}}};
    year_month_day target = start + std::chrono::years{years};
    if (!target.ok()) // 29 February in a common year: the last day of that February
        target = year_month_day{year_month_day_last{target.year(), month_day_last{February}}};
    return Date{static_cast<std::int32_t>(sys_days{target}.time_since_epoch().count())};
}

bool isBelow(double value, double threshold)
{
    const double tolerance = 1e-12 * std::max(std::fabs(value), std::fabs(threshold));
    return value < threshold - tolerance;
}

extern const AuditRuleDefinition kIdleNotStartedRule;
extern const AuditRuleDefinition kIdleStalledRule;
extern const AuditRuleDefinition kIdleLowCoverageRule;
extern const AuditRuleDefinition kLowEfficiencyRule;
extern const AuditRuleDefinition kStandardLandShortfallRule;

const std::vector<const AuditRuleDefinition*>& auditRuleDefinitions()
{
    static const std::vector<const AuditRuleDefinition*> rules = {
        &kIdleNotStartedRule, &kIdleStalledRule, &kIdleLowCoverageRule, &kLowEfficiencyRule,
        &kStandardLandShortfallRule};
    return rules;
}

bool isAuditRuleId(std::string_view id)
{
    if (id == "cannot_decide" || id == "approved_not_supplied")
        return true;
    for (const AuditRuleDefinition* rule : auditRuleDefinitions())
        if (id == rule->id)
            return true;
    return false;
}

std::optional<Message> lacksField(const ParkLayer& parcels, const char* rule, const char* field,
                                  const char* zh)
{
    if (parcels.field(field) >= 0)
        return std::nullopt;
    return ruleMessage(rule, message("parcels_lack_field",
                                     "the parcels layer has no field {field} ({field_zh})",
                                     {{"field", field}, {"field_zh", zh}}));
}

namespace {

using namespace audit;

/// cannot_decide: the rules a plot's unknown values left undecided, one finding per plot.
class CannotDecide : public ParcelAudit {
public:
    explicit CannotDecide(const ParcelAudit& plot) : ParcelAudit(plot) {}

    Finding cannotDecideFinding(
        const std::vector<std::pair<std::string, std::vector<std::string>>>& undecided) const
    {
        Finding f = base("cannot_decide");
        std::string needs, needsZh, zh, en, clauses;
        std::vector<std::string> fields;
        auto fieldZh = [](const std::string& field) {
            return displayName(NameGroup::Field, field, Language::Chinese, "parcels");
        };
        for (const auto& [rule, ruleNeeds] : undecided) {
            std::string list, listZh;
            for (const std::string& need : ruleNeeds) {
                list += (list.empty() ? "" : ", ") + need;
                listZh += (listZh.empty() ? "" : "、") + fieldZh(need);
            }
            needs += (needs.empty() ? "" : "; ") + rule + " needs " + list;
            needsZh += (needsZh.empty() ? "" : "；") +
                       displayName(NameGroup::Rule, rule, Language::Chinese) + "需" + listZh;
            mergeNeeds(fields, ruleNeeds);
            const std::string clause = clauseOf(rule);
            if (clauses.find(clause) == std::string::npos)
                clauses += (clauses.empty() ? "" : "；") + clause;
        }
        f.clause = clauses;
        f.evidence.push_back({"needs", needs});
        for (const std::string& field : fields) {
            const EvidenceValue value = rawValue(field);
            f.evidence.push_back({field, value});
            const std::string shownValue = std::holds_alternative<std::string>(value)
                                               ? "'" + std::get<std::string>(value) + "'"
                                               : std::string("空");
            zh += (zh.empty() ? "" : "，") + fieldZh(field) + " 为 " + shownValue;
            en += (en.empty() ? "" : ", ") + field + " is " +
                  (std::holds_alternative<std::string>(value) ? shownValue : "empty");
        }
        f.reasonZh = label(f) + "：无法判定（" + needsZh + "）：" + zh + "，该值未知，不作零处理" +
                     coverageNoteZh();
        f.reasonEn = label(f) + ": cannot decide (" + needs + "): " + en +
                     ", an unknown value, never taken as zero" + coverageNoteEn();
        addCommonEvidence(f);
        return f;
    }

private:
    static std::string clauseOf(const std::string& rule)
    {
        for (const AuditRuleDefinition* definition : auditRuleDefinitions())
            if (rule == definition->id)
                return definition->clause;
        return {};
    }
};

} // namespace

AuditResult runAudit(const Park& park, const AuditOptions& options, IssueSink& issues)
{
    const ParkLayer* parcels = park.layer(Role::Parcels);
    if (!parcels)
        throw IoError(message("nothing_to_audit", "the park has no {role} layer (宗地): nothing to audit",
                              {{"role", "parcels"}}),
                      {park.name, {}, -1, {}});
    if (parcels->layer->geometry.kind() != GeometryKind::Polygon)
        throw GeometryError(message("parcels_not_polygons",
                                    "the {role} layer does not hold polygons",
                                    {{"role", "parcels"}}),
                            {parcels->layer->sourcePath, parcels->layer->name, -1, {}});
    const ParkLayer* buildings = park.layer(Role::Buildings);
    const AuditRules& rules = options.rules;

    AuditResult result;
    result.asOf = options.asOf.toIso();
    result.parcelCount = parcels->layer->featureCount();
    const bool coverageGiven = options.coverage.has_value();
    if (coverageGiven && options.coverage->size() != parcels->layer->featureCount())
        throw IoError(message("coverage_count_mismatch",
                              "the coverage given has {entries} entries for {parcels} parcels",
                              {{"entries", std::to_string(options.coverage->size())},
                               {"parcels", std::to_string(parcels->layer->featureCount())}}),
                      {parcels->layer->sourcePath, parcels->layer->name, -1, {}});
    const bool hasBuildings = buildings != nullptr || coverageGiven;
    result.buildingsPresent = hasBuildings;

    auto step = [&](double begin, double span) -> ProgressCallback {
        if (!options.progress)
            return {};
        return
            [&options, begin, span](double done) { return options.progress(begin + span * done); };
    };
    const LayerMeasure measure =
        measureLayer(*parcels->layer, options.areaMethod, issues, step(0, 0.3), options.threads);
    result.parcels.resize(result.parcelCount);
    for (std::size_t row = 0; row < result.parcelCount; ++row)
        result.parcels[row].areaM2 = measure.areaM2[row];

    if (hasBuildings) {
        const std::vector<PlotCoverage> coverage =
            coverageGiven ? *options.coverage
                          : plotCoverage(*parcels->layer, *buildings->layer, issues,
                                         options.threads, step(0.3, 0.6));
        for (std::size_t row = 0; row < result.parcelCount; ++row) {
            ParcelMeasure& m = result.parcels[row];
            m.validGeometry = coverage[row].validPlot;
            m.coveredShare = coverage[row].share;
            m.footprintM2 = coverage[row].share * m.areaM2;
        }
    } else {
        const std::vector<bool> valid = plotValidity(*parcels->layer, issues);
        for (std::size_t row = 0; row < result.parcelCount; ++row) {
            result.parcels[row].validGeometry = valid[row];
            result.parcels[row].coveredShare = result.parcels[row].footprintM2 = kNaN;
        }
    }

    // The rules that can judge this park's plots; why the others cannot.
    std::vector<const AuditRuleDefinition*> judging;
    for (const AuditRuleDefinition* rule : auditRuleDefinitions()) {
        if (!rule->enabled(rules))
            continue;
        if (auto why = rule->cannotRun(*parcels, hasBuildings))
            result.notRun.push_back(std::move(*why));
        else
            judging.push_back(rule);
    }

    // 标准地: where each plot stands, read once (its unit problems reported once).
    if (rules.standardLandEnabled) {
        result.standardLand.reserve(result.parcelCount);
        for (std::size_t row = 0; row < result.parcelCount; ++row)
            result.standardLand.push_back(standardLandPlot(
                *parcels, row, result.parcels[row].areaM2, options.asOf, rules, &issues));
    }

    std::map<std::string, std::vector<Finding>> byRule;
    ParcelAudit audit(*parcels, options, result, hasBuildings);
    for (std::size_t row = 0; row < result.parcelCount; ++row) {
        audit.setRow(row);
        std::vector<std::pair<std::string, std::vector<std::string>>> undecided;
        for (const AuditRuleDefinition* rule : judging) {
            const Verdict verdict = rule->verdict(audit);
            if (verdict.isYes())
                byRule[rule->id].push_back(rule->finding(audit));
            else if (verdict.isUnknown())
                undecided.emplace_back(rule->id, verdict.needs);
        }
        if (rules.cannotDecideEnabled && !undecided.empty())
            byRule["cannot_decide"].push_back(CannotDecide(audit).cannotDecideFinding(undecided));
    }
    std::vector<Finding> notSupplied, notSuppliedUndecided;
    auditApprovedNotSupplied(park, options, result, notSupplied, notSuppliedUndecided, issues);
    for (const AuditRuleDefinition* rule : auditRuleDefinitions())
        for (Finding& finding : byRule[rule->id])
            result.findings.push_back(std::move(finding));
    for (Finding& finding : notSupplied)
        result.findings.push_back(std::move(finding));
    for (Finding& finding : byRule["cannot_decide"])
        result.findings.push_back(std::move(finding));
    if (rules.cannotDecideEnabled)
        for (Finding& finding : notSuppliedUndecided)
            result.findings.push_back(std::move(finding));
    if (options.progress && !options.progress(1.0))
        throw Cancelled();
    return result;
}

} // namespace parkatlas::geo
