#include "geo/store/server_check.h"

#include "geo/io/park_source.h"
#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/model/land_use_classification.h"
#include "geo/model/layer.h"
#include "geo/rules/compliance_rule.h"
#include "geo/rules/server_park.h"
#include "geo/store/postgis_transfer.h"

#include <algorithm>
#include <map>

namespace parkatlas::geo {

bool runsOnServer(ComplianceRule rule)
{
    return complianceRuleDefinition(rule).serverPlan != nullptr;
}

namespace {

/// Runs the selecting query once on the server and turns its fids into the filter GDAL hands
/// back to the server with the read ("fid" = ANY('{…}'::bigint[])): the expensive join is not
/// run again for GDAL's count and read.
std::string fidFilter(PgConnection& pg, const std::string& select)
{
    PgResult r = pg.exec(select);
    if (r.rows() == 0)
        return "FALSE";
    std::string list;
    list.reserve(static_cast<std::size_t>(r.rows()) * 8);
    for (int i = 0; i < r.rows(); ++i) {
        list += i ? "," : "";
        list += std::to_string(r.integer(i, 0)); // integers only: nothing to quote
    }
    return pg.quoteIdentifier(kFidColumn) + " = ANY('{" + list + "}'::bigint[])";
}

} // namespace

ComplianceResult checkComplianceOnServer(const std::string& connection,
                                         const ComplianceOptions& options, IssueSink& issues)
{
    const ParkDefinition definition = discoverPark(connection);
    PgConnection pg(connection);
    ServerPark park(pg, pg.currentSchema());
    const LandUseClassification& landUse =
        options.landUse ? *options.landUse : LandUseClassification::standard();

    std::vector<ComplianceRule> chosen = options.rules;
    if (chosen.empty())
        for (ComplianceRule rule : allComplianceRules())
            if (isEnabled(rule, options.settings))
                chosen.push_back(rule);

    ComplianceResult result;
    result.rulesRun = chosen;
    std::map<Role, LandUseDetection> systems = options.landUseSystems;
    std::vector<ComplianceRule> local;
    std::size_t step = 0;
    const std::size_t steps = chosen.size();
    // The rules that stay local read their layers whole; a server-side rule whose every layer
    // they read anyway saves nothing on the server and runs with them.
    std::vector<ComplianceRule> staying;
    for (ComplianceRule rule : chosen)
        if (!runsOnServer(rule))
            staying.push_back(rule);
    const std::vector<Role> readWhole = rolesForRules(staying, options.settings);
    auto readAnyway = [&](const std::vector<Role>& roles) {
        return !staying.empty() && std::all_of(roles.begin(), roles.end(), [&](Role role) {
            return std::find(readWhole.begin(), readWhole.end(), role) != readWhole.end();
        });
    };
    for (ComplianceRule rule : chosen) {
        // A rule whose layers the local rules read whole anyway runs with them.
        const ComplianceRuleDefinition& server = complianceRuleDefinition(rule);
        if (!runsOnServer(rule) ||
            (server.localWhenReadWhole &&
             readAnyway(server.localWhenReadWhole(options.settings, park)))) {
            local.push_back(rule);
            continue;
        }
        ServerPlanContext context{landUse, options.settings, definition, systems};
        const ReadPlan plan = server.serverPlan(park, context);
        ParkLoadOptions load;
        for (const auto& [role, select] : plan.filters) {
            load.roles.push_back(role);
            if (!select.empty())
                load.attributeFilters[role] = fidFilter(pg, select);
        }
        const Park reduced = loadPark(definition, load, issues);
        ComplianceOptions one = options;
        one.landUseSystems = systems;
        one.rules = {rule};
        one.progress = {};
        ComplianceResult part = checkCompliance(reduced, one, issues);
        for (Finding& f : part.findings)
            result.findings.push_back(std::move(f));
        result.landUseSystems.insert(part.landUseSystems.begin(), part.landUseSystems.end());
        ++step;
        if (options.progress && !options.progress(static_cast<double>(step) / steps))
            throw Cancelled();
    }
    if (!local.empty()) {
        ParkLoadOptions load;
        load.roles = rolesForRules(local, options.settings);
        const Park whole = loadPark(definition, load, issues);
        ComplianceOptions rest = options;
        rest.rules = local;
        ComplianceResult part = checkCompliance(whole, rest, issues);
        for (Finding& f : part.findings)
            result.findings.push_back(std::move(f));
        result.landUseSystems.insert(part.landUseSystems.begin(), part.landUseSystems.end());
    }
    sortComplianceFindings(result.findings);
    return result;
}

} // namespace parkatlas::geo
