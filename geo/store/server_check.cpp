#include "geo/store/server_check.h"

#include "geo/io/pg_connection.h"
#include "geo/issue.h"
#include "geo/model/layer.h"
#include "geo/model/park.h"
#include "geo/rules/land_use_classification.h"
#include "geo/store/postgis_transfer.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace parkatlas::geo {

bool runsOnServer(ComplianceRule rule)
{
    switch (rule) {
    case ComplianceRule::LandUseMismatch:
    case ComplianceRule::OutsideBoundary:
    case ComplianceRule::ProtectedOverlap:
    case ComplianceRule::InvalidGeometry:
    case ComplianceRule::DuplicateId:
        return true;
    default:
        return false;
    }
}

namespace {

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

/// The local engine's reading of a text value: trimmed of spaces and tabs, nullopt when unknown.
std::optional<std::string> judgedText(const std::optional<std::string>& raw)
{
    if (!raw || isUnknownText(*raw))
        return std::nullopt;
    const auto begin = raw->find_first_not_of(" \t");
    const auto end = raw->find_last_not_of(" \t");
    return begin == std::string::npos ? std::string() : raw->substr(begin, end - begin + 1);
}

/// The SQL around one PostGIS park: its tables and their columns by contract field.
class ServerPark {
public:
    ServerPark(PgConnection& pg, std::string schema) : m_pg(pg), m_schema(std::move(schema))
    {
        PgResult columns = m_pg.exec("SELECT table_name, column_name FROM information_schema."
                                     "columns WHERE table_schema = $1 ORDER BY ordinal_position",
                                     {m_schema});
        for (int r = 0; r < columns.rows(); ++r)
            if (const auto role = roleFromLayerName(columns.text(r, 0)); role &&
                columns.text(r, 0) == toString(*role))
                m_columns[*role].push_back(columns.text(r, 1));
    }

    bool has(Role role) const { return m_columns.count(role) > 0; }
    std::string table(Role role) const { return m_pg.qualified(m_schema, toString(role)); }

    /// The quoted column of a contract field (conventional name, then aliases, any case), or
    /// "" when the table has none: the same resolution as resolveContractFields.
    std::string column(Role role, const std::string& contractName) const
    {
        const auto it = m_columns.find(role);
        if (it == m_columns.end())
            return {};
        auto find = [&](const std::string& name) -> std::string {
            for (const std::string& c : it->second)
                if (lower(c) == lower(name))
                    return m_pg.quoteIdentifier(c);
            return {};
        };
        for (const ContractField& field : contractFields(role)) {
            if (contractName != field.name)
                continue;
            if (std::string c = find(field.name); !c.empty())
                return c;
            for (const char* alias : field.aliases)
                if (std::string c = find(alias); !c.empty())
                    return c;
        }
        return find(contractName);
    }

    std::string literal(const std::string& value) const { return m_pg.quoteLiteral(value); }
    PgConnection& pg() { return m_pg; }

private:
    PgConnection& m_pg;
    std::string m_schema;
    std::map<Role, std::vector<std::string>> m_columns;
};

constexpr const char* kGeom = "geom";

std::vector<Role> rolesNamed(const std::vector<std::string>& names)
{
    std::vector<Role> roles;
    for (const std::string& name : names)
        if (const auto role = roleFromLayerName(name))
            roles.push_back(*role);
    return roles;
}

/// One server-side rule: which layers to read, each whole ("") or only the features a query
/// selects ("SELECT fid FROM …").
struct ReadPlan {
    std::map<Role, std::string> filters; // role → SELECT of fids ("" = the whole layer)
};

ReadPlan planLandUseMismatch(ServerPark& park, const LandUseClassification& landUse,
                             const ComplianceSettings& settings, const ParkDefinition& definition,
                             std::map<Role, LandUseDetection>& systems)
{
    ReadPlan plan;
    plan.filters[Role::PlanZones] = ""; // a park has a few hundred zones: read them all
    // The judged layers: parcels always (the local engine warns when they are missing), then
    // the ones the settings list (expansion zones).
    std::vector<Role> judged = {Role::Parcels};
    for (Role role : rolesNamed(settings.landUseMismatch.layers))
        if (role != Role::PlanZones && park.has(role) &&
            std::find(judged.begin(), judged.end(), role) == judged.end())
            judged.push_back(role);
    const std::string zoneCode = park.column(Role::PlanZones, "land_use");
    auto distinct = [&](Role role, const std::string& column) {
        PgResult r = park.pg().exec("SELECT DISTINCT " + column + "::text FROM " +
                                    park.table(role) + " WHERE " + column + " IS NOT NULL");
        std::vector<std::string> values;
        for (int i = 0; i < r.rows(); ++i)
            values.push_back(r.text(i, 0));
        return values;
    };
    // The systems of each layer's codes: declared, else detected over the whole table (the
    // local engine sees only the suspect rows, so it is told).
    auto systemsOf = [&](Role role, const std::string& column) {
        if (const auto it = systems.find(role); it != systems.end())
            return it->second.systems;
        LandUseDetection detection;
        const ParkLayerSource* source = definition.find(role);
        if (source && !source->classification.empty()) {
            detection.systems = {source->classification};
            detection.declared = true;
            detection.reason = "declared " + source->classificationOrigin;
        } else {
            detection = landUse.detect(distinct(role, column), column, role);
            if (!detection.systems.empty())
                detection.reason = "detected: " + detection.reason;
        }
        systems[role] = detection;
        return detection.systems;
    };
    for (Role role : judged) {
        const std::string code = park.column(role, "land_use");
        if (code.empty() || zoneCode.empty() || !park.has(Role::PlanZones) || !park.has(role)) {
            plan.filters[role] = ""; // the local engine says what is missing
            continue;
        }
        const LandUseSystems parcelSystems = systemsOf(role, code);
        const LandUseSystems zoneSystems = systemsOf(Role::PlanZones, zoneCode);
        // Every pair of stored codes the local engine would not call a fit (or cannot judge).
        std::string pairs;
        for (const std::string& p : distinct(role, code))
            for (const std::string& z : distinct(Role::PlanZones, zoneCode)) {
                const auto pc = judgedText(p), zc = judgedText(z);
                if (pc && zc && landUse.fits(*pc, parcelSystems, *zc, zoneSystems))
                    continue;
                pairs += (pairs.empty() ? "" : ", ") + std::string("(") + park.literal(p) + ", " +
                         park.literal(z) + ")";
            }
        std::string suspect = "p." + code + " IS NULL OR z." + zoneCode + " IS NULL";
        if (!pairs.empty())
            suspect += " OR (p." + code + "::text, z." + zoneCode + "::text) IN (VALUES " +
                       pairs + ")";
        plan.filters[role] = "SELECT DISTINCT p.fid FROM " + park.table(role) + " p JOIN " +
                             park.table(Role::PlanZones) + " z ON p." + kGeom + " && z." + kGeom +
                             " AND ST_Intersects(p." + kGeom + ", z." + kGeom + ") WHERE " +
                             suspect;
    }
    return plan;
}

ReadPlan planDuplicateId(ServerPark& park)
{
    ReadPlan plan;
    const std::string id = park.column(Role::Parcels, "parcel_id");
    if (id.empty()) {
        plan.filters[Role::Parcels] = "";
        return plan;
    }
    const std::string trimmed = "btrim(" + id + "::text, E' \\t')";
    plan.filters[Role::Parcels] = "SELECT fid FROM " + park.table(Role::Parcels) + " WHERE " +
                                  trimmed + " IN (SELECT " + trimmed + " FROM " +
                                  park.table(Role::Parcels) + " GROUP BY 1 HAVING count(*) > 1)";
    return plan;
}

ReadPlan planInvalidGeometry(ServerPark& park)
{
    ReadPlan plan;
    for (Role role : allRoles())
        if (park.has(role))
            plan.filters[role] = "SELECT fid FROM " + park.table(role) + " WHERE NOT ST_IsValid(" +
                                 kGeom + ")";
    return plan;
}

ReadPlan planProtectedOverlap(ServerPark& park, const ComplianceSettings& settings)
{
    ReadPlan plan;
    plan.filters[Role::Protected] = "";
    if (!park.has(Role::Protected))
        return plan;
    for (Role role : rolesNamed(settings.protectedOverlap.layers)) {
        if (!park.has(role) || role == Role::Protected)
            continue;
        plan.filters[role] = "SELECT DISTINCT t.fid FROM " + park.table(role) + " t JOIN " +
                             park.table(Role::Protected) + " q ON t." + kGeom + " && q." + kGeom +
                             " AND ST_Intersects(t." + kGeom + ", q." + kGeom + ")";
    }
    return plan;
}

ReadPlan planOutsideBoundary(ServerPark& park, const ComplianceSettings& settings)
{
    ReadPlan plan;
    plan.filters[Role::Boundary] = "";
    const std::string kind = park.column(Role::Boundary, "kind");
    if (!park.has(Role::Boundary) || kind.empty())
        return plan;
    const std::string region = "(SELECT ST_Union(b." + std::string(kGeom) + ") FROM " +
                               park.table(Role::Boundary) + " b WHERE btrim(b." + kind +
                               "::text, E' \\t') = " +
                               park.literal(settings.outsideBoundary.boundaryKind) +
                               " AND ST_IsValid(b." + kGeom + "))";
    for (Role role : rolesNamed(settings.outsideBoundary.layers)) {
        if (!park.has(role) || role == Role::Boundary)
            continue;
        plan.filters[role] = "SELECT t.fid FROM " + park.table(role) +
                             " t WHERE NOT ST_CoveredBy(t." + kGeom + ", " + region + ")";
    }
    return plan;
}

/// The roles the rules that stay local read (the others are read per server-side rule).
std::vector<Role> localRoles(const std::vector<ComplianceRule>& rules,
                             const ComplianceSettings& settings)
{
    std::set<Role> roles;
    for (ComplianceRule rule : rules) {
        switch (rule) {
        case ComplianceRule::RoadRedLine:
            roles.insert({Role::Parcels, Role::Roads});
            break;
        case ComplianceRule::OverlappingParcels:
        case ComplianceRule::DuplicateId:
            roles.insert(Role::Parcels);
            break;
        case ComplianceRule::LandUseMismatch:
            roles.insert({Role::Parcels, Role::PlanZones});
            for (Role role : rolesNamed(settings.landUseMismatch.layers))
                roles.insert(role);
            break;
        case ComplianceRule::IntensityBelowStandard:
            roles.insert({Role::Parcels, Role::PlanZones});
            if (settings.intensityBelowStandard.coverageFromBuildings)
                roles.insert(Role::Buildings);
            break;
        case ComplianceRule::WorksOnUnacquiredLand:
            roles.insert({Role::Roads, Role::Pipelines, Role::Acquisition});
            break;
        case ComplianceRule::UnacquiredLand:
            roles.insert(Role::Acquisition);
            for (Role role : rolesNamed(settings.unacquiredLand.layers))
                roles.insert(role);
            break;
        default:
            break;
        }
    }
    return {roles.begin(), roles.end()};
}

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
    const std::vector<Role> readWhole = localRoles(staying, options.settings);
    auto readAnyway = [&](const std::vector<Role>& roles) {
        return !staying.empty() && std::all_of(roles.begin(), roles.end(), [&](Role role) {
            return std::find(readWhole.begin(), readWhole.end(), role) != readWhole.end();
        });
    };
    for (ComplianceRule rule : chosen) {
        const bool parcelsOnly = rule == ComplianceRule::DuplicateId;
        std::vector<Role> zoned = {Role::Parcels, Role::PlanZones};
        for (Role role : rolesNamed(options.settings.landUseMismatch.layers))
            if (park.has(role))
                zoned.push_back(role);
        const bool judgesZones = rule == ComplianceRule::LandUseMismatch;
        if (!runsOnServer(rule) || (parcelsOnly && readAnyway({Role::Parcels})) ||
            (judgesZones && readAnyway(zoned))) {
            local.push_back(rule);
            continue;
        }
        ReadPlan plan;
        switch (rule) {
        case ComplianceRule::LandUseMismatch:
            plan = planLandUseMismatch(park, landUse, options.settings, definition,
                                       systems);
            break;
        case ComplianceRule::DuplicateId: plan = planDuplicateId(park); break;
        case ComplianceRule::InvalidGeometry: plan = planInvalidGeometry(park); break;
        case ComplianceRule::ProtectedOverlap:
            plan = planProtectedOverlap(park, options.settings);
            break;
        case ComplianceRule::OutsideBoundary:
            plan = planOutsideBoundary(park, options.settings);
            break;
        default: break;
        }
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
        load.roles = localRoles(local, options.settings);
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
