// The registry of plan-compliance rules: each rule lives in a file of its own named after its id
// (compliance_rule.h says what a rule file holds); this file lists them and answers for them all.

#include "geo/rules/compliance.h"

#include "geo/rules/compliance_engine.h"
#include "geo/rules/compliance_rule.h"

#include <algorithm>
#include <functional>
#include <set>
#include <tuple>

namespace parkatlas::geo {

extern const ComplianceRuleDefinition kInvalidGeometryRule;
extern const ComplianceRuleDefinition kDuplicateIdRule;
extern const ComplianceRuleDefinition kLandUseMismatchRule;
extern const ComplianceRuleDefinition kIntensityBelowStandardRule;
extern const ComplianceRuleDefinition kOutsideBoundaryRule;
extern const ComplianceRuleDefinition kRoadRedLineRule;
extern const ComplianceRuleDefinition kProtectedOverlapRule;
extern const ComplianceRuleDefinition kOverlappingParcelsRule;
extern const ComplianceRuleDefinition kWorksOnUnacquiredLandRule;
extern const ComplianceRuleDefinition kUnacquiredLandRule;

const std::vector<const ComplianceRuleDefinition*>& complianceRuleRunOrder()
{
    // Validity first (every geometric rule uses only the features it finds valid), the zone
    // overlay before intensity (which reads each plot's dominant zone).
    static const std::vector<const ComplianceRuleDefinition*> rules = {
        &kInvalidGeometryRule,        &kDuplicateIdRule,        &kLandUseMismatchRule,
        &kIntensityBelowStandardRule, &kOutsideBoundaryRule,    &kRoadRedLineRule,
        &kProtectedOverlapRule,       &kOverlappingParcelsRule, &kWorksOnUnacquiredLandRule,
        &kUnacquiredLandRule,
    };
    return rules;
}

namespace {

/// The definitions in ComplianceRule's order (the order rules are listed in).
const std::vector<const ComplianceRuleDefinition*>& listed()
{
    static const std::vector<const ComplianceRuleDefinition*> rules = [] {
        std::vector<const ComplianceRuleDefinition*> sorted = complianceRuleRunOrder();
        std::sort(sorted.begin(), sorted.end(),
                  [](const auto* a, const auto* b) { return a->rule < b->rule; });
        return sorted;
    }();
    return rules;
}

} // namespace

const ComplianceRuleDefinition& complianceRuleDefinition(ComplianceRule rule)
{
    return *listed()[static_cast<std::size_t>(rule)];
}

const ComplianceRuleDefinition* complianceRuleDefinition(std::string_view id)
{
    for (const ComplianceRuleDefinition* rule : listed())
        if (id == rule->id)
            return rule;
    return nullptr;
}

std::vector<Role> rolesNamed(const std::vector<std::string>& names)
{
    std::vector<Role> roles;
    for (const std::string& name : names)
        if (const auto role = roleFromLayerName(name))
            roles.push_back(*role);
    return roles;
}

const std::vector<ComplianceRule>& allComplianceRules()
{
    static const std::vector<ComplianceRule> rules = [] {
        std::vector<ComplianceRule> all;
        for (const ComplianceRuleDefinition* rule : listed())
            all.push_back(rule->rule);
        return all;
    }();
    return rules;
}

const char* toString(ComplianceRule rule)
{
    return complianceRuleDefinition(rule).id;
}

std::optional<ComplianceRule> complianceRuleFromString(std::string_view name)
{
    const ComplianceRuleDefinition* rule = complianceRuleDefinition(name);
    return rule ? std::optional<ComplianceRule>(rule->rule) : std::nullopt;
}

bool isEnabled(ComplianceRule rule, const ComplianceSettings& settings)
{
    return complianceRuleDefinition(rule).enabled(settings);
}

std::vector<ComplianceRule> rulesToRun(const std::vector<ComplianceRule>& rules,
                                       const ComplianceSettings& settings)
{
    if (!rules.empty())
        return rules;
    std::vector<ComplianceRule> chosen;
    for (ComplianceRule rule : allComplianceRules())
        if (isEnabled(rule, settings))
            chosen.push_back(rule);
    return chosen;
}

std::vector<Role> rolesForRules(const std::vector<ComplianceRule>& rules,
                                const ComplianceSettings& settings)
{
    std::set<Role> roles;
    for (ComplianceRule rule : rules)
        complianceRuleDefinition(rule).roles(settings, roles);
    return {roles.begin(), roles.end()};
}

int complianceRuleRank(const std::string& rule)
{
    // land_use_too_coarse right after land_use_mismatch, which makes it.
    if (rule == kLandUseTooCoarse)
        return 2 * static_cast<int>(ComplianceRule::LandUseMismatch) + 1;
    const auto parsed = complianceRuleFromString(rule);
    return parsed ? 2 * static_cast<int>(*parsed) : 2000;
}

int complianceLayerRank(const std::string& layer)
{
    const auto role = roleFromLayerName(layer);
    return role ? static_cast<int>(*role) : 1000;
}

void sortComplianceFindings(std::vector<Finding>& findings)
{
    std::stable_sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
        return std::make_tuple(complianceRuleRank(a.rule), complianceLayerRank(a.layer),
                               std::cref(a.fids), std::cref(a.reasonEn)) <
               std::make_tuple(complianceRuleRank(b.rule), complianceLayerRank(b.layer),
                               std::cref(b.fids), std::cref(b.reasonEn));
    });
}

ComplianceResult checkCompliance(const Park& park, const ComplianceOptions& options,
                                 IssueSink& issues)
{
    compliance::Engine engine(park, options, issues);
    return engine.run();
}

} // namespace parkatlas::geo
