// idle_not_started: 闲置土地处置办法 第二条第一款, not started one full year after agr_start.

#include "geo/rules/audit_rule.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

const char* const kClauseDefinition1 = "闲置土地处置办法（国土资源部令第53号，2012）第二条第一款";

class NotStarted : public ParcelAudit {
public:
    explicit NotStarted(const ParcelAudit& plot) : ParcelAudit(plot) {}

    Verdict notStarted() const
    {
        return allOf({dueAfter("agr_start", m_rules.notStartedYears), negate(started())});
    }

    Finding notStartedFinding() const
    {
        Finding f = base("idle_not_started");
        const DateField agr = m_fields.date(m_row, "agr_start");
        const DateField act = m_fields.date(m_row, "act_start");
        f.clause = std::string(kClauseDefinition1) + "；" + kClauseDisposal;
        f.evidence.push_back({"agr_start", dateEvidence(agr)});
        f.evidence.push_back({"act_start", dateEvidence(act)});
        f.evidence.push_back(
            {"status", statusKnown() ? EvidenceValue(status()) : EvidenceValue(std::monostate{})});
        f.evidence.push_back({"days_since_agr_start",
                              double(m_options.asOf.daysSinceEpoch - agr.date.daysSinceEpoch)});
        const std::string actZh = act.state == DateField::State::Known
                                      ? "实际动工日期 " + act.date.toIso() + " 晚于认定日"
                                      : "未动工（实际动工日期空，状态 " + status() + "）";
        const std::string actEn =
            act.state == DateField::State::Known
                ? "actual start " + act.date.toIso() + " is after the audit date"
                : "not started (act_start empty, status " + status() + ")";
        f.reasonZh = label(f) + "：约定动工日期 " + agr.date.toIso() + "，" + actZh +
                     "，超过约定动工开发日期满一年未动工开发" + coverageNoteZh();
        f.reasonEn = label(f) + ": agreed start " + agr.date.toIso() + ", " + actEn +
                     ": not started one full year after the agreed date" + coverageNoteEn();
        addDisposal(f, agr.date, f.reasonZh, f.reasonEn);
        addCommonEvidence(f);
        return f;
    }
};

} // namespace

extern const AuditRuleDefinition kIdleNotStartedRule = {
    "idle_not_started",
    kClauseDefinition1,
    [](const AuditRules& rules) { return rules.notStartedEnabled; },
    [](const ParkLayer& parcels, bool) {
        return lacksField(parcels, "idle_not_started", "agr_start", "约定动工日期");
    },
    [](const ParcelAudit& plot) { return NotStarted(plot).notStarted(); },
    [](const ParcelAudit& plot) { return NotStarted(plot).notStartedFinding(); },
};

} // namespace parkatlas::geo
