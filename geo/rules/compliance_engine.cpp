#include "geo/rules/compliance_engine.h"

#include "geo/rules/compliance_rule.h"

namespace parkatlas::geo::compliance {

Engine::Engine(const Park& park, const ComplianceOptions& options, IssueSink& issues)
    : m_park(park), m_options(options), m_settings(options.settings), m_issues(issues),
      m_landUse(options.landUse)
{
    unsigned threads = requestedWorkerCount(options.threads);
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 0; t < threads; ++t)
        m_workers.push_back(std::make_unique<Worker>(park.crs));
    for (const ParkLayer& layer : park.layers) {
        LayerView view;
        view.layer = &layer;
        view.role = layer.role;
        view.idField = view.fieldIndex(idContractField(layer.role));
        m_views[layer.role] = std::move(view);
    }
}

ComplianceResult Engine::run()
{
    ComplianceResult result;
    for (ComplianceRule rule : allComplianceRules()) {
        const bool asked = std::find(m_options.rules.begin(), m_options.rules.end(), rule) !=
                           m_options.rules.end();
        if (m_options.rules.empty() ? isEnabled(rule, m_settings) : asked)
            result.rulesRun.push_back(rule);
    }
    m_rules = result.rulesRun;
    // The steps: each rule of the registry, in its order, that runs (or that serves one that
    // runs: validity serves every geometric rule, the zone overlay intensity too).
    std::vector<const ComplianceRuleDefinition*> steps;
    for (const ComplianceRuleDefinition* rule : complianceRuleRunOrder())
        if (rule->runsStep ? rule->runsStep(*this) : runs(rule->rule))
            steps.push_back(rule);
    for (std::size_t s = 0; s < steps.size(); ++s) {
        m_progressBase = static_cast<double>(s) / static_cast<double>(steps.size());
        m_progressSpan = 1.0 / static_cast<double>(steps.size());
        steps[s]->run(*this);
        report(1.0);
        // Rules that make findings outside parallel() (duplicate_id) hand them over here.
        for (auto& worker : m_workers)
            spill(*worker, 1);
    }
    if (m_options.spill) {
        m_options.spill->sortForCompliance();
        result.landUseSystems = m_systems;
        return result;
    }
    std::size_t count = 0;
    for (const auto& worker : m_workers)
        count += worker->findings.size();
    result.findings.reserve(count);
    for (auto& worker : m_workers) {
        for (Finding& finding : worker->findings)
            result.findings.push_back(std::move(finding));
        std::vector<Finding>().swap(worker->findings); // the moved-from shells, freed
    }
    sortComplianceFindings(result.findings);
    result.landUseSystems = m_systems;
    return result;
}

} // namespace parkatlas::geo::compliance
