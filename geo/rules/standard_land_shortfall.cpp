// standard_land_shortfall (标准地未达约定指标): a 标准地 contract plot past its initial operating
// period that misses one or more of its contract targets (geo/rules/standard_land.h).

#include "geo/rules/audit_rule.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

const char* const kClauseStandardLand =
    "浙政办发〔2018〕73号（企业投资工业项目“标准地”：初始运营期满按约定指标达产复核）；"
    "DB33/T 2172-2018；土地出让合同及标准地投资建设协议的约定指标与违约责任";

class Shortfall : public ParcelAudit {
public:
    explicit Shortfall(const ParcelAudit& plot) : ParcelAudit(plot) {}

    const StandardLandPlot& plot() const { return m_result.standardLand[m_row]; }

    Verdict shortfall() const
    {
        const StandardLandPlot& p = plot();
        if (!p.contract)
            return Verdict::no();
        if (p.period == StandardLandPlot::Period::Unknown) {
            Verdict v{Verdict::Value::Unknown, p.periodNeeds};
            return v;
        }
        if (p.period == StandardLandPlot::Period::Inside)
            return Verdict::no();
        Verdict out = Verdict::no();
        for (const StandardLandCheck& check : p.checks) {
            if (check.state == StandardLandCheck::State::Missed)
                return Verdict::yes();
            if (check.state == StandardLandCheck::State::Met)
                continue;
            out.value = Verdict::Value::Unknown;
            if (check.state == StandardLandCheck::State::UnknownActual)
                mergeNeeds(out.needs, check.needs);
            else
                mergeNeeds(out.needs, {check.target->field});
        }
        return out;
    }

    Finding shortfallFinding() const
    {
        const StandardLandPlot& p = plot();
        Finding f = base("standard_land_shortfall");
        f.clause = kClauseStandardLand;
        std::vector<std::string> missedZh, missedEn, otherZh, otherEn;
        for (const StandardLandCheck& check : p.checks) {
            f.evidence.push_back({std::string(check.target->key) + "_contract",
                                  numberEvidence(check.contract)});
            f.evidence.push_back(
                {std::string(check.target->key) + "_actual", numberEvidence(check.actual)});
            f.evidence.push_back(
                {std::string(check.target->key) + "_state", checkStateId(check.state)});
            if (check.state == StandardLandCheck::State::Missed) {
                missedZh.push_back(describeCheckZh(check));
                missedEn.push_back(describeCheckEn(check));
            } else if (check.state != StandardLandCheck::State::Met) {
                otherZh.push_back(describeCheckZh(check));
                otherEn.push_back(describeCheckEn(check));
            }
        }
        f.evidence.push_back({"period_from", p.periodStart ? EvidenceValue(p.periodStart->toIso())
                                                           : EvidenceValue(std::monostate{})});
        f.evidence.push_back({"period_years", numberEvidence(p.periodYears)});
        f.evidence.push_back({"period_end", p.periodEnd ? EvidenceValue(p.periodEnd->toIso())
                                                        : EvidenceValue(std::monostate{})});
        auto join = [](const std::vector<std::string>& parts, const char* separator) {
            std::string out;
            for (const std::string& part : parts)
                out += (out.empty() ? "" : separator) + part;
            return out;
        };
        const std::string fromZh = displayName(NameGroup::Field, m_rules.standardLandPeriodFrom,
                                               Language::Chinese, "parcels");
        const std::string years = shown(p.periodYears, 1);
        f.reasonZh = label(f) + "（标准地，" + shown(areaMu()) + " 亩）：初始运营期（" + fromZh +
                     " " + p.periodStart->toIso() + " 起 " + years + " 年" +
                     (p.periodFromProject ? "，项目文件默认" : "") + "）已于 " +
                     p.periodEnd->toIso() + " 届满，截至 " + m_options.asOf.toIso() +
                     " 未达合同约定：" + join(missedZh, "；") +
                     (otherZh.empty() ? std::string() : "。另：" + join(otherZh, "；")) +
                     "。应按合同约定追究违约责任（限期整改、违约金等）";
        f.reasonEn = label(f) + " (standard land, " + shown(areaMu()) +
                     " mu): the initial operating period (" + years + " years from " +
                     m_rules.standardLandPeriodFrom + " " + p.periodStart->toIso() + ") ended " +
                     p.periodEnd->toIso() + "; as of " + m_options.asOf.toIso() +
                     " the contract targets are missed: " + join(missedEn, "; ") +
                     (otherEn.empty() ? std::string() : ". Also: " + join(otherEn, "; ")) +
                     ". The contract's remedies for breach apply";
        addCommonEvidence(f);
        return f;
    }
};

} // namespace

extern const AuditRuleDefinition kStandardLandShortfallRule = {
    "standard_land_shortfall",
    kClauseStandardLand,
    [](const AuditRules& rules) { return rules.standardLandEnabled; },
    // A park with no 标准地 fields has no contract plots: nothing to judge, nothing missing.
    [](const ParkLayer&, bool) { return std::optional<Message>(); },
    [](const ParcelAudit& plot) { return Shortfall(plot).shortfall(); },
    [](const ParcelAudit& plot) { return Shortfall(plot).shortfallFinding(); },
};

} // namespace parkatlas::geo
