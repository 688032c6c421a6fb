#include "geo/rules/audit_rules.h"

#include "geo/error.h"
#include "geo/io/gdal_session.h"
#include "geo/rules/styles.h"

#include <cpl_json.h>

#include <cstdlib>
#include <filesystem>

namespace parkatlas::geo {

namespace {

class RulesReader {
public:
    RulesReader(AuditRules& rules, std::string path) : m_rules(rules), m_path(std::move(path)) {}

    void apply(const CPLJSONObject& rulesObject)
    {
        if (const CPLJSONObject o = object(rulesObject, "idle_not_started"); o.IsValid()) {
            flag(o, "enabled", m_rules.notStartedEnabled);
            years(o, "years", m_rules.notStartedYears);
        }
        if (const CPLJSONObject o = object(rulesObject, "idle_stalled"); o.IsValid()) {
            flag(o, "enabled", m_rules.stalledEnabled);
            years(o, "years", m_rules.stalledYears);
            share(o, "built_share_max", m_rules.stalledBuiltShareMax);
            share(o, "invest_share_max", m_rules.stalledInvestShareMax);
        }
        if (const CPLJSONObject o = object(rulesObject, "idle_fee"); o.IsValid()) {
            share(o, "rate", m_rules.idleFeeRate);
            years(o, "recovery_years", m_rules.recoveryYears);
        }
        if (const CPLJSONObject o = object(rulesObject, "idle_low_coverage"); o.IsValid()) {
            flag(o, "enabled", m_rules.lowCoverageEnabled);
            share(o, "cover_share_min", m_rules.lowCoverageShareMin);
            years(o, "years_after_supply", m_rules.lowCoverageYears);
        }
        // low_efficiency judges tax and investment per mu as intensity_below_standard (parkatlas
        // check) does: its thresholds follow that rule's unless it names its own.
        for (const char* name : {"intensity_below_standard", "low_efficiency"}) {
            const CPLJSONObject o = object(rulesObject, name);
            if (!o.IsValid())
                continue;
            if (std::string(name) == "low_efficiency")
                flag(o, "enabled", m_rules.lowEfficiencyEnabled);
            amount(o, "tax_min_wan_per_mu", m_rules.taxPerMuMinWan);
            amount(o, "investment_min_wan_per_mu", m_rules.investPerMuMinWan);
            amount(o, "tax_per_mu_min_wan", m_rules.taxPerMuMinWan);
            amount(o, "invest_per_mu_min_wan", m_rules.investPerMuMinWan);
            if (const CPLJSONObject list = o.GetObj("statuses"); list.IsValid()) {
                if (list.GetType() != CPLJSONObject::Type::Array)
                    fail(std::string(name) + ".statuses must be a list of texts");
                m_rules.productionStatuses.clear();
                for (const CPLJSONObject& item : list.ToArray())
                    m_rules.productionStatuses.push_back(item.ToString());
            }
        }
        if (const CPLJSONObject o = object(rulesObject, "cannot_decide"); o.IsValid())
            flag(o, "enabled", m_rules.cannotDecideEnabled);
    }

private:
    [[noreturn]] void fail(const std::string& message) const
    {
        throw IoError("\"rules\": " + message, {m_path, {}, -1, {}});
    }
    CPLJSONObject object(const CPLJSONObject& parent, const char* name) const
    {
        CPLJSONObject child = parent.GetObj(name);
        if (child.IsValid() && child.GetType() != CPLJSONObject::Type::Object)
            fail(std::string(name) + " must be an object");
        return child;
    }
    static bool isNumber(const CPLJSONObject& value)
    {
        const auto type = value.GetType();
        return type == CPLJSONObject::Type::Integer || type == CPLJSONObject::Type::Long ||
               type == CPLJSONObject::Type::Double;
    }
    void flag(const CPLJSONObject& o, const char* key, bool& out) const
    {
        const CPLJSONObject value = o.GetObj(key);
        if (!value.IsValid())
            return;
        if (value.GetType() != CPLJSONObject::Type::Boolean)
            fail(std::string(key) + " must be true or false");
        out = value.ToBool();
    }
    void years(const CPLJSONObject& o, const char* key, int& out) const
    {
        const CPLJSONObject value = o.GetObj(key);
        if (!value.IsValid())
            return;
        if (!isNumber(value) || value.ToDouble() < 0 || value.ToDouble() > 100 ||
            value.ToDouble() != static_cast<double>(value.ToInteger()))
            fail(std::string(key) + " must be a whole number of years");
        out = value.ToInteger();
    }
    void share(const CPLJSONObject& o, const char* key, double& out) const
    {
        const CPLJSONObject value = o.GetObj(key);
        if (!value.IsValid())
            return;
        if (!isNumber(value) || value.ToDouble() < 0 || value.ToDouble() > 1)
            fail(std::string(key) + " must be a share between 0 and 1");
        out = value.ToDouble();
    }
    void amount(const CPLJSONObject& o, const char* key, double& out) const
    {
        const CPLJSONObject value = o.GetObj(key);
        if (!value.IsValid())
            return;
        if (!isNumber(value) || value.ToDouble() < 0)
            fail(std::string(key) + " must be a number ≥ 0 (万元 per mu)");
        out = value.ToDouble();
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
            throw IoError("cannot read: " + (errors.lastFailure().empty()
                                                 ? std::string("not valid JSON")
                                                 : errors.lastFailure()),
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
        throw IoError("\"rules\" must be an object", {path, {}, -1, {}});
    RulesReader(rules, path).apply(rulesObject);
    rules.origins.push_back(origin);
}

} // namespace

AuditRules loadAuditRules(const std::string& projectPath, IssueSink& issues)
{
    return loadAuditRules(optionalStylePath("thresholds.json", issues,
                                            "the audit uses its built-in defaults"),
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

} // namespace parkatlas::geo
