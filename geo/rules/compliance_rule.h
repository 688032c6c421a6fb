#pragma once

// The registry of plan-compliance rules (internal to geo/rules and the server-side check). A
// rule lives in one file of its own, named after its id (geo/rules/road_red_line.cpp): its
// ComplianceRuleDefinition with its id, its keys in a "rules" object, the layers it reads, its
// local implementation (a RuleStep of compliance_engine.h) and, where it has one, its
// server-side SQL. compliance.cpp lists the definitions. To add a rule: its file, a value in
// ComplianceRule (the order rules are listed in) and a line in compliance.cpp's list (the order
// they run in).

#include "geo/model/role.h"
#include "geo/rules/compliance.h"

#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

class CPLJSONObject;

namespace parkatlas::geo {

class IssueSink;
class ServerPark;
struct ReadPlan;
struct ServerPlanContext;

namespace compliance {
class Engine;
}

/// A setting that is a text naming one of two choices (coverage_source: "buildings" or
/// "built_area"), kept as a flag: true for the first.
template <class Settings> struct TextChoice {
    bool Settings::*field;
    const char* whenTrue;
    const char* whenFalse;
};

/// One key of a rule's settings: its name in the "rules" object and the field it sets. The
/// field's type says how the value is read: true or false, a number, a number or null (no
/// threshold), a whole number, a text, an array of texts, one of two texts.
template <class Settings> struct SettingKey {
    const char* key;
    std::variant<bool Settings::*, double Settings::*, std::optional<double> Settings::*,
                 int Settings::*, std::string Settings::*, std::vector<std::string> Settings::*,
                 TextChoice<Settings>>
        field;
};

/// Reads the keys of one rule's object into typed fields; a value of the wrong type is reported
/// (and ignored), and so is a key no row names (reportUnknownKeys).
class RuleReader {
public:
    RuleReader(const CPLJSONObject& object, std::string origin, std::string rule,
               IssueSink& issues);

    /// Every key of the table, in its order.
    template <class Settings, std::size_t N>
    void read(Settings& settings, const SettingKey<Settings> (&keys)[N])
    {
        for (const SettingKey<Settings>& key : keys)
            std::visit([&](const auto& field) { readField(key.key, settings, field); }, key.field);
    }

    void flag(const char* key, bool& target);
    void number(const char* key, double& target);
    /// null is allowed and means "no threshold".
    void optionalNumber(const char* key, std::optional<double>& target, bool nullable = true);
    void integer(const char* key, int& target);
    void text(const char* key, std::string& target);
    void texts(const char* key, std::vector<std::string>& target);
    void choice(const char* key, bool& target, const char* whenTrue, const char* whenFalse);
    void reportUnknownKeys();

private:
    template <class Settings, class Value>
    void readField(const char* key, Settings& settings, Value Settings::*field)
    {
        read(key, settings.*field);
    }
    template <class Settings>
    void readField(const char* key, Settings& settings, const TextChoice<Settings>& choice)
    {
        this->choice(key, settings.*(choice.field), choice.whenTrue, choice.whenFalse);
    }
    void read(const char* key, bool& target) { flag(key, target); }
    void read(const char* key, double& target) { number(key, target); }
    void read(const char* key, std::optional<double>& target) { optionalNumber(key, target); }
    void read(const char* key, int& target) { integer(key, target); }
    void read(const char* key, std::string& target) { text(key, target); }
    void read(const char* key, std::vector<std::string>& target) { texts(key, target); }
    void wrongType(const char* key, const char* expected);

    const CPLJSONObject& m_object;
    std::string m_origin;
    std::string m_rule;
    IssueSink& m_issues;
    std::vector<std::string> m_known;
};

/// One plan-compliance rule. Function pointers, so that a definition is a constant.
struct ComplianceRuleDefinition {
    ComplianceRule rule;
    const char* id; // "land_use_mismatch": the CLI's, the JSON's and the project file's name
    bool (*enabled)(const ComplianceSettings& settings);
    /// Reads its object of a "rules" object (thresholds.json, a project file) into `settings`.
    void (*readSettings)(ComplianceSettings& settings, RuleReader& reader);
    /// After a whole "rules" object is applied: warns of settings that contradict each other
    /// (null: none can).
    void (*checkSettings)(const ComplianceSettings& settings, const std::string& origin,
                          IssueSink& issues);
    /// Adds the layers it reads (with those its settings name) to `roles`.
    void (*roles)(const ComplianceSettings& settings, std::set<Role>& roles);
    /// Whether its step runs in a check (null: when the rule runs). Validity serves every
    /// geometric rule, the zone overlay intensity too.
    bool (*runsStep)(const compliance::Engine& engine);
    /// Its local implementation: finds what it finds into the engine's workers.
    void (*run)(compliance::Engine& engine);
    /// check --server on a PostGIS park: the features its SQL selects for the local engine to
    /// judge (null: the rule runs locally over its whole layers).
    ReadPlan (*serverPlan)(ServerPark& park, ServerPlanContext& context);
    /// The layers that, when the rules staying local read them whole anyway, make it run
    /// locally with them, the server saving nothing (null: never).
    std::vector<Role> (*localWhenReadWhole)(const ComplianceSettings& settings,
                                            const ServerPark& park);
};

/// Every rule, in the order a check runs them (compliance.cpp).
const std::vector<const ComplianceRuleDefinition*>& complianceRuleRunOrder();
/// The definition of a rule.
const ComplianceRuleDefinition& complianceRuleDefinition(ComplianceRule rule);
/// The definition of the rule with this id; null when there is none.
const ComplianceRuleDefinition* complianceRuleDefinition(std::string_view id);

/// The roles of layer names ("parcels", "expansion" …); unknown names are left out.
std::vector<Role> rolesNamed(const std::vector<std::string>& names);

} // namespace parkatlas::geo
