// low_efficiency (低效用地): tax or investment per mu of a plot in production under the park's
// thresholds.

#include "geo/rules/audit_rule.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

const char* const kClauseLowEfficiency =
    "国土资发〔2016〕147号（城镇低效用地：投入产出水平低）；投资强度 国土资发〔2008〕24号；"
    "亩均税收 园区标准";

class LowEfficiency : public ParcelAudit {
public:
    explicit LowEfficiency(const ParcelAudit& plot) : ParcelAudit(plot) {}

    Verdict lowEfficiency() const
    {
        Verdict producing = Verdict::unknown("status");
        if (statusKnown())
            producing = Verdict::of(contains(m_rules.productionStatuses, status()));
        const double mu = areaMu();
        auto perMuBelow = [&](const char* field, double minimum) {
            const auto value = m_fields.number(m_row, field);
            if (!value)
                return Verdict::unknown(field);
            if (std::isnan(mu) || mu <= 0)
                return Verdict::unknown("geometry");
            return Verdict::of(isBelow(*value / mu, minimum));
        };
        return allOf({producing, anyOf({perMuBelow("tax", m_rules.taxPerMuMinWan),
                                        perMuBelow("invested", m_rules.investPerMuMinWan)})});
    }

    Finding lowEfficiencyFinding() const
    {
        Finding f = base("low_efficiency");
        f.clause = kClauseLowEfficiency;
        const double mu = areaMu();
        const auto tax = m_fields.number(m_row, "tax");
        const auto invested = m_fields.number(m_row, "invested");
        const double taxPerMu = tax ? *tax / mu : kNaN;
        const double investPerMu = invested ? *invested / mu : kNaN;
        f.evidence.push_back({"status", status()});
        f.evidence.push_back({"tax_wan", numberEvidence(tax)});
        f.evidence.push_back({"tax_per_mu_wan", numberEvidence(taxPerMu)});
        f.evidence.push_back({"tax_per_mu_min_wan", m_rules.taxPerMuMinWan});
        f.evidence.push_back({"invested_wan", numberEvidence(invested)});
        f.evidence.push_back({"invest_per_mu_wan", numberEvidence(investPerMu)});
        f.evidence.push_back({"invest_per_mu_min_wan", m_rules.investPerMuMinWan});
        std::vector<std::string> zh, en;
        if (!std::isnan(taxPerMu) && isBelow(taxPerMu, m_rules.taxPerMuMinWan)) {
            zh.push_back("亩均税收 " + shown(taxPerMu) + " 万元/亩 < " +
                         shown(m_rules.taxPerMuMinWan) + " 万元/亩");
            en.push_back("tax " + shown(taxPerMu) + " 万元/mu < " + shown(m_rules.taxPerMuMinWan));
        }
        if (!std::isnan(investPerMu) && isBelow(investPerMu, m_rules.investPerMuMinWan)) {
            zh.push_back("亩均投资 " + shown(investPerMu) + " 万元/亩 < " +
                         shown(m_rules.investPerMuMinWan) + " 万元/亩");
            en.push_back("investment " + shown(investPerMu) + " 万元/mu < " +
                         shown(m_rules.investPerMuMinWan));
        }
        auto join = [](const std::vector<std::string>& parts, const char* separator) {
            std::string out;
            for (const std::string& part : parts)
                out += (out.empty() ? "" : separator) + part;
            return out;
        };
        f.reasonZh = label(f) + "（" + status() + "，" + shown(mu) + " 亩）：" + join(zh, "，") +
                     "：低效用地" + coverageNoteZh();
        f.reasonEn = label(f) + " (" + status() + ", " + shown(mu) + " mu): " + join(en, ", ") +
                     ": inefficiently used land" + coverageNoteEn();
        addCommonEvidence(f);
        return f;
    }
};

} // namespace

extern const AuditRuleDefinition kLowEfficiencyRule = {
    "low_efficiency",
    kClauseLowEfficiency,
    [](const AuditRules& rules) { return rules.lowEfficiencyEnabled; },
    [](const ParkLayer& parcels, bool) {
        return lacksField(parcels, "low_efficiency", "status", "状态");
    },
    [](const ParcelAudit& plot) { return LowEfficiency(plot).lowEfficiency(); },
    [](const ParcelAudit& plot) { return LowEfficiency(plot).lowEfficiencyFinding(); },
};

} // namespace parkatlas::geo
