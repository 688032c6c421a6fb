#include "geo/rules/compliance_settings.h"

#include "geo/error.h"
#include "geo/gdal_session.h"
#include "geo/issue.h"
#include "geo/rules/audit_rule.h"
#include "geo/rules/compliance_rule.h"
#include "geo/styles.h"

#include <cpl_json.h>

#include <algorithm>
#include <filesystem>

namespace parkatlas::geo {

using Type = CPLJSONObject::Type;

RuleReader::RuleReader(const CPLJSONObject& object, std::string origin, std::string rule,
                       IssueSink& issues)
    : m_object(object), m_origin(std::move(origin)), m_rule(std::move(rule)), m_issues(issues)
{
}

void RuleReader::flag(const char* key, bool& target)
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

void RuleReader::number(const char* key, double& target)
{
    std::optional<double> value = target;
    optionalNumber(key, value, false);
    if (value)
        target = *value;
}

void RuleReader::optionalNumber(const char* key, std::optional<double>& target, bool nullable)
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

void RuleReader::integer(const char* key, int& target)
{
    double value = target;
    number(key, value);
    target = static_cast<int>(value);
}

void RuleReader::text(const char* key, std::string& target)
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

void RuleReader::texts(const char* key, std::vector<std::string>& target)
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

void RuleReader::choice(const char* key, bool& target, const char* whenTrue, const char* whenFalse)
{
    std::string chosen = target ? whenTrue : whenFalse;
    text(key, chosen);
    if (chosen == whenTrue || chosen == whenFalse)
        target = chosen == whenTrue;
    else
        m_issues.report(withMessage({Issue::Severity::Warning, m_origin, {}, -1},
                                    message("setting_not_choice",
                                            "{setting} should be \"{first}\" or \"{second}\" (ignored)",
                                            {{"setting", "rules." + m_rule + "." + key},
                                             {"first", whenTrue},
                                             {"second", whenFalse}})));
}

void RuleReader::reportUnknownKeys()
{
    for (const CPLJSONObject& child : m_object.GetChildren())
        if (std::find(m_known.begin(), m_known.end(), child.GetName()) == m_known.end())
            m_issues.report(withMessage(
                {Issue::Severity::Warning, m_origin, {}, -1},
                message("setting_unknown_key", "{setting}: unknown key \"{key}\" (ignored)",
                        {{"setting", "rules." + m_rule}, {"key", child.GetName()}})));
}

void RuleReader::wrongType(const char* key, const char* expected)
{
    m_issues.report(withMessage({Issue::Severity::Warning, m_origin, {}, -1},
                                message("setting_wrong_type", "{setting} should be {what} (ignored)",
                                        {{"setting", "rules." + m_rule + "." + key},
                                         {"what", expected}})));
}

void ComplianceSettings::apply(const CPLJSONObject& rules, const std::string& origin,
                               IssueSink& issues)
{
    for (const CPLJSONObject& child : rules.GetChildren()) {
        const ComplianceRuleDefinition* rule = complianceRuleDefinition(child.GetName());
        if (!rule) {
            // The idle-land audit's rules live in the same object; they are not ours to judge.
            if (!isAuditRuleId(child.GetName()))
                issues.report(withMessage({Issue::Severity::Warning, origin, {}, -1},
                                          message("setting_unknown_rule",
                                                  "rules: unknown rule \"{name}\" (ignored)",
                                                  {{"name", child.GetName()}})));
            continue;
        }
        if (child.GetType() != Type::Object) {
            issues.report(withMessage({Issue::Severity::Warning, origin, {}, -1},
                                      message("setting_not_object",
                                              "{setting} should be an object (ignored)",
                                              {{"setting", "rules." + child.GetName()}})));
            continue;
        }
        RuleReader reader(child, origin, child.GetName(), issues);
        rule->readSettings(*this, reader);
        reader.reportUnknownKeys();
    }
    for (const ComplianceRuleDefinition* rule : complianceRuleRunOrder())
        if (rule->checkSettings)
            rule->checkSettings(*this, origin, issues);
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
                throw IoError(message("thresholds_unreadable",
                                      "cannot read the rule thresholds: {reason}",
                                      {{"reason", errors.lastFailure().empty()
                                                      ? std::string("not valid JSON")
                                                      : errors.lastFailure()}}),
                              {path, {}, -1, {}});
            return;
        }
        const CPLJSONObject rules = document.GetRoot().GetObj("rules");
        if (!rules.IsValid())
            return;
        if (rules.GetType() != Type::Object) {
            issues.report(withMessage({Issue::Severity::Warning, path, {}, -1},
                                      message("setting_not_object",
                                              "{setting} should be an object (ignored)",
                                              {{"setting", "\"rules\""}})));
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
