#pragma once

#include "geo/model/land_use_classification.h"
#include "geo/model/role.h"

#include <map>
#include <string>
#include <vector>

namespace parkatlas::geo {

class PgConnection;
class LandUseClassification;
struct ComplianceSettings;
struct ParkDefinition;

/// The SQL around one PostGIS park for the rules' server-side parts (check --server): its
/// tables and their columns by contract field. Not thread-safe (one connection).
class ServerPark {
public:
    /// Reads which conventional tables `schema` holds, and their columns.
    ServerPark(PgConnection& pg, std::string schema);

    bool has(Role role) const { return m_columns.count(role) > 0; }
    /// The role's table, schema-qualified and quoted.
    std::string table(Role role) const;
    /// The quoted column of a contract field (conventional name, then aliases, any case), or
    /// "" when the table has none: the same resolution as resolveContractFields.
    std::string column(Role role, const std::string& contractName) const;
    std::string literal(const std::string& value) const;
    PgConnection& pg() { return m_pg; }

private:
    PgConnection& m_pg;
    std::string m_schema;
    std::map<Role, std::vector<std::string>> m_columns;
};

/// The geometry column of a published park's tables.
inline constexpr const char* kServerGeometry = "geom";

/// One server-side rule: which layers to read, each whole ("") or only the features a query
/// selects ("SELECT fid FROM …").
struct ReadPlan {
    std::map<Role, std::string> filters; // role → SELECT of fids ("" = the whole layer)
};

/// What a rule's server-side part reads beside the park.
struct ServerPlanContext {
    const LandUseClassification& landUse;
    const ComplianceSettings& settings;
    const ParkDefinition& definition;
    /// Per role, the land-use systems its codes are read in: given by the caller, or detected
    /// by a plan over the whole table and left here for the local engine.
    std::map<Role, LandUseDetection>& systems;
};

} // namespace parkatlas::geo
