#include "geo/rules/audit_rules.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/io/json_writer.h"
#include "geo/styles.h"

#include <cpl_json.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <variant>

namespace parkatlas::geo {

namespace {

/// How a key's value is read, and what it must be.
enum class Kind { Flag, Years, Share, Amount, Texts, Period, Field, Area };

/// One key of an object of "rules": the object, the key, how it is read and the field it sets.
/// An alias is read only: writeAuditRulesJson writes each field once, under its own key.
struct AuditSetting {
    const char* object;
    const char* key;
    Kind kind;
    std::variant<bool AuditRules::*, int AuditRules::*, double AuditRules::*,
                 std::vector<std::string> AuditRules::*, std::string AuditRules::*>
        field;
    bool alias = false;
};

// In the order they apply: low_efficiency judges tax and investment per mu as
// intensity_below_standard (parkatlas check) does, so its thresholds follow that rule's unless it
// names its own.
const AuditSetting kSettings[] = {
    {"idle_not_started", "enabled", Kind::Flag, &AuditRules::notStartedEnabled},
    {"idle_not_started", "years", Kind::Years, &AuditRules::notStartedYears},
    {"idle_stalled", "enabled", Kind::Flag, &AuditRules::stalledEnabled},
    {"idle_stalled", "years", Kind::Years, &AuditRules::stalledYears},
    {"idle_stalled", "built_share_max", Kind::Share, &AuditRules::stalledBuiltShareMax},
    {"idle_stalled", "invest_share_max", Kind::Share, &AuditRules::stalledInvestShareMax},
    {"idle_fee", "rate", Kind::Share, &AuditRules::idleFeeRate},
    {"idle_fee", "recovery_years", Kind::Years, &AuditRules::recoveryYears},
    {"idle_low_coverage", "enabled", Kind::Flag, &AuditRules::lowCoverageEnabled},
    {"idle_low_coverage", "cover_share_min", Kind::Share, &AuditRules::lowCoverageShareMin},
    {"idle_low_coverage", "years_after_supply", Kind::Years, &AuditRules::lowCoverageYears},
    {"intensity_below_standard", "tax_min_wan_per_mu", Kind::Amount, &AuditRules::taxPerMuMinWan,
     true},
    {"intensity_below_standard", "investment_min_wan_per_mu", Kind::Amount,
     &AuditRules::investPerMuMinWan, true},
    {"intensity_below_standard", "tax_per_mu_min_wan", Kind::Amount, &AuditRules::taxPerMuMinWan,
     true},
    {"intensity_below_standard", "invest_per_mu_min_wan", Kind::Amount,
     &AuditRules::investPerMuMinWan, true},
    {"intensity_below_standard", "statuses", Kind::Texts, &AuditRules::productionStatuses, true},
    {"low_efficiency", "enabled", Kind::Flag, &AuditRules::lowEfficiencyEnabled},
    {"low_efficiency", "tax_min_wan_per_mu", Kind::Amount, &AuditRules::taxPerMuMinWan, true},
    {"low_efficiency", "investment_min_wan_per_mu", Kind::Amount, &AuditRules::investPerMuMinWan,
     true},
    {"low_efficiency", "tax_per_mu_min_wan", Kind::Amount, &AuditRules::taxPerMuMinWan},
    {"low_efficiency", "invest_per_mu_min_wan", Kind::Amount, &AuditRules::investPerMuMinWan},
    {"low_efficiency", "statuses", Kind::Texts, &AuditRules::productionStatuses},
    {"standard_land_shortfall", "enabled", Kind::Flag, &AuditRules::standardLandEnabled},
    {"standard_land_shortfall", "period_years", Kind::Period, &AuditRules::standardLandPeriodYears},
    {"standard_land_shortfall", "period_from", Kind::Field, &AuditRules::standardLandPeriodFrom},
    {"approved_not_supplied", "enabled", Kind::Flag, &AuditRules::approvedNotSuppliedEnabled},
    {"approved_not_supplied", "years", Kind::Years, &AuditRules::approvedNotSuppliedYears},
    {"approved_not_supplied", "stages", Kind::Texts, &AuditRules::approvedStages},
    {"approved_not_supplied", "sliver_m2", Kind::Area, &AuditRules::approvedNotSuppliedSliverM2},
    {"cannot_decide", "enabled", Kind::Flag, &AuditRules::cannotDecideEnabled},
};

class RulesReader {
public:
    RulesReader(AuditRules& rules, std::string path) : m_rules(rules), m_path(std::move(path)) {}

    void apply(const CPLJSONObject& rulesObject)
    {
        std::string current;
        CPLJSONObject o;
        for (const AuditSetting& setting : kSettings) {
            if (current != setting.object) {
                current = setting.object;
                o = object(rulesObject, setting.object);
            }
            if (!o.IsValid())
                continue;
            const CPLJSONObject value = o.GetObj(setting.key);
            if (!value.IsValid())
                continue;
            std::visit([&](auto field) { read(setting, value, m_rules.*field); }, setting.field);
        }
    }

private:
    /// "\"rules\": KEY must be WHAT": `what` is said in the user's language where known.
    [[noreturn]] void fail(const std::string& key, const char* what) const
    {
        throw IoError(message("rules_setting_invalid", "\"rules\": {setting} must be {what}",
                              {{"setting", key}, {"what", what}}),
                      {m_path, {}, -1, {}});
    }
    CPLJSONObject object(const CPLJSONObject& parent, const char* name) const
    {
        CPLJSONObject child = parent.GetObj(name);
        if (child.IsValid() && child.GetType() != CPLJSONObject::Type::Object)
            fail(name, "an object");
        return child;
    }
    static bool isNumber(const CPLJSONObject& value)
    {
        const auto type = value.GetType();
        return type == CPLJSONObject::Type::Integer || type == CPLJSONObject::Type::Long ||
               type == CPLJSONObject::Type::Double;
    }
    void read(const AuditSetting& setting, const CPLJSONObject& value, bool& out) const
    {
        if (value.GetType() != CPLJSONObject::Type::Boolean)
            fail(setting.key, "true or false");
        out = value.ToBool();
    }
    void read(const AuditSetting& setting, const CPLJSONObject& value, int& out) const
    {
        if (!isNumber(value) || value.ToDouble() < 0 || value.ToDouble() > 100 ||
            value.ToDouble() != static_cast<double>(value.ToInteger()))
            fail(setting.key, "a whole number of years");
        out = value.ToInteger();
    }
    void read(const AuditSetting& setting, const CPLJSONObject& value, double& out) const
    {
        if (setting.kind == Kind::Share &&
            (!isNumber(value) || value.ToDouble() < 0 || value.ToDouble() > 1))
            fail(setting.key, "a share between 0 and 1");
        if (setting.kind == Kind::Amount && (!isNumber(value) || value.ToDouble() < 0))
            fail(setting.key, "a number ≥ 0 (万元 per mu)");
        if (setting.kind == Kind::Period &&
            (!isNumber(value) || value.ToDouble() < 0 || value.ToDouble() > 100))
            fail(std::string(setting.object) + "." + setting.key,
                 "a number of years between 0 and 100");
        if (setting.kind == Kind::Area && (!isNumber(value) || value.ToDouble() < 0))
            fail(std::string(setting.object) + "." + setting.key, "a number ≥ 0 (m²)");
        out = value.ToDouble();
    }
    void read(const AuditSetting& setting, const CPLJSONObject& value, std::string& out) const
    {
        // Kind::Field: a date field of the parcels the period may be counted from.
        static const char* const kDateFields[] = {"agr_finish", "agr_start", "act_start",
                                                  "supply_dt"};
        const std::string text =
            value.GetType() == CPLJSONObject::Type::String ? value.ToString() : std::string();
        bool known = false;
        for (const char* field : kDateFields)
            known = known || text == field;
        if (!known)
            fail(std::string(setting.object) + "." + setting.key,
                 "one of agr_finish, agr_start, act_start, supply_dt");
        out = text;
    }
    void read(const AuditSetting& setting, const CPLJSONObject& value,
              std::vector<std::string>& out) const
    {
        if (value.GetType() != CPLJSONObject::Type::Array)
            fail(std::string(setting.object) + "." + setting.key, "a list of texts");
        out.clear();
        for (const CPLJSONObject& item : value.ToArray())
            out.push_back(item.ToString());
    }

    AuditRules& m_rules;
    std::string m_path;
};

void applyFile(AuditRules& rules, const std::string& path, bool wholeFileIsRules,
               const std::string& origin)
{
    CPLJSONDocument document;
    {
        GdalErrorCapture errors;
        if (!document.Load(path))
            throw IoError(message("cannot_read", "cannot read: {reason}",
                                  {{"reason", errors.lastFailure().empty()
                                                  ? std::string("not valid JSON")
                                                  : errors.lastFailure()}}),
                          {path, {}, -1, {}});
    }
    const CPLJSONObject root = document.GetRoot();
    CPLJSONObject rulesObject = root.GetObj("rules");
    if (!rulesObject.IsValid()) {
        if (!wholeFileIsRules)
            return;
        rulesObject = root;
    }
    if (rulesObject.GetType() != CPLJSONObject::Type::Object)
        throw IoError(message("rules_not_object", "\"rules\" must be an object"), {path, {}, -1, {}});
    RulesReader(rules, path).apply(rulesObject);
    rules.origins.push_back(origin);
}

} // namespace

AuditRules loadAuditRules(const std::string& projectPath, IssueSink& issues)
{
    return loadAuditRules(
        optionalStylePath("thresholds.json", issues, "the audit uses its built-in defaults"),
        projectPath);
}

AuditRules loadAuditRules(const std::string& stylesThresholdsPath, const std::string& projectPath)
{
    ensureGdal();
    AuditRules rules;
    std::error_code error;
    if (!stylesThresholdsPath.empty() &&
        std::filesystem::is_regular_file(stylesThresholdsPath, error))
        applyFile(rules, stylesThresholdsPath, true, stylesThresholdsPath);
    if (!projectPath.empty())
        applyFile(rules, projectPath, false, "project file " + projectPath);
    return rules;
}

void writeAuditRulesJson(JsonWriter& json, const AuditRules& rules)
{
    json.key("rules").beginObject();
    const char* current = nullptr;
    for (const AuditSetting& setting : kSettings) {
        if (setting.alias)
            continue;
        if (!current || std::string_view(current) != setting.object) {
            if (current)
                json.endObject();
            current = setting.object;
            json.key(current).beginObject();
        }
        // A period of 0 is none: the key is left out, as the project file leaves it out.
        if (setting.kind == Kind::Period &&
            !(rules.*std::get<double AuditRules::*>(setting.field) > 0))
            continue;
        std::visit([&](auto field) { json.field(setting.key, rules.*field); }, setting.field);
    }
    if (current)
        json.endObject();
    json.field("from", rules.origins);
    json.endObject();
}

} // namespace parkatlas::geo
