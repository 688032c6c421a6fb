// idle_stalled: 第二条第二款, started, built under 1/3 or invested under 25 %, stopped one
// full year.

#include "geo/rules/audit_rule.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

const char* const kClauseDefinition2 = "闲置土地处置办法（国土资源部令第53号，2012）第二条第二款";

class Stalled : public ParcelAudit {
public:
    explicit Stalled(const ParcelAudit& plot) : ParcelAudit(plot) {}

    Verdict builtShareLow() const
    {
        const auto built = m_fields.number(m_row, "built_area");
        if (!built)
            return Verdict::unknown("built_area");
        if (std::isnan(measure().areaM2) || measure().areaM2 <= 0)
            return Verdict::unknown("geometry");
        return Verdict::of(isBelow(*built, m_rules.stalledBuiltShareMax * measure().areaM2));
    }

    Verdict investShareLow() const
    {
        const auto invested = m_fields.number(m_row, "invested");
        const auto total = m_fields.number(m_row, "invest_tot");
        if (!invested || !total || *total <= 0) {
            Verdict v = Verdict::unknown(!invested ? "invested" : "invest_tot");
            if (!invested && !total)
                v.needs.push_back("invest_tot");
            return v;
        }
        return Verdict::of(isBelow(*invested, m_rules.stalledInvestShareMax * *total));
    }

    Verdict stoppedLong() const
    {
        const DateField stopped = m_fields.date(m_row, "stopped");
        switch (stopped.state) {
        case DateField::State::Known:
            return Verdict::of(anniversary(stopped.date, m_rules.stalledYears) <= m_options.asOf);
        case DateField::State::Masked:
            return Verdict::unknown("stopped");
        case DateField::State::Empty:
            break;
        }
        // An empty stopped means the works go on, unless the status says otherwise.
        if (statusKnown() && !isStoppedStatus(status()))
            return Verdict::no();
        return Verdict::unknown("stopped");
    }

    Verdict stalled() const
    {
        return allOf({started(), anyOf({builtShareLow(), investShareLow()}), stoppedLong()});
    }

    Finding stalledFinding() const
    {
        Finding f = base("idle_stalled");
        f.clause = std::string(kClauseDefinition2) + "；" + kClauseDisposal;
        const DateField act = m_fields.date(m_row, "act_start");
        const DateField stopped = m_fields.date(m_row, "stopped");
        const auto built = m_fields.number(m_row, "built_area");
        const auto invested = m_fields.number(m_row, "invested");
        const auto total = m_fields.number(m_row, "invest_tot");
        const double builtShare = built ? *built / measure().areaM2 : kNaN;
        const double investShare = invested && total && *total > 0 ? *invested / *total : kNaN;
        f.evidence.push_back({"act_start", dateEvidence(act)});
        f.evidence.push_back({"stopped", dateEvidence(stopped)});
        f.evidence.push_back({"built_area_m2", numberEvidence(built)});
        f.evidence.push_back({"built_share", numberEvidence(builtShare)});
        f.evidence.push_back({"built_share_max", m_rules.stalledBuiltShareMax});
        f.evidence.push_back({"invested_wan", numberEvidence(invested)});
        f.evidence.push_back({"invest_tot_wan", numberEvidence(total)});
        f.evidence.push_back({"invested_share", numberEvidence(investShare)});
        f.evidence.push_back({"invested_share_max", m_rules.stalledInvestShareMax});
        std::string whyZh, whyEn;
        if (!std::isnan(builtShare) &&
            isBelow(*built, m_rules.stalledBuiltShareMax * measure().areaM2)) {
            whyZh += "已开发建设用地面积占 " + percent(builtShare) + "，不足三分之一";
            whyEn += "built area " + percent(builtShare) + " of the plot, under one third";
        }
        if (!std::isnan(investShare) &&
            isBelow(*invested, m_rules.stalledInvestShareMax * *total)) {
            whyZh += std::string(whyZh.empty() ? "" : "，") + "已投资额占总投资额 " +
                     percent(investShare) + "，不足百分之二十五";
            whyEn += std::string(whyEn.empty() ? "" : ", ") + "invested " + percent(investShare) +
                     " of the total, under 25%";
        }
        f.reasonZh = label(f) + "：已于 " + act.date.toIso() + " 动工，" + whyZh + "，自 " +
                     stopped.date.toIso() + " 中止开发建设满一年" + coverageNoteZh();
        f.reasonEn = label(f) + ": started " + act.date.toIso() + ", " + whyEn +
                     ", stopped since " + stopped.date.toIso() + " (one full year)" +
                     coverageNoteEn();
        addDisposal(f, stopped.date, f.reasonZh, f.reasonEn);
        addCommonEvidence(f);
        return f;
    }
};

} // namespace

extern const AuditRuleDefinition kIdleStalledRule = {
    "idle_stalled",
    kClauseDefinition2,
    [](const AuditRules& rules) { return rules.stalledEnabled; },
    [](const ParkLayer&, bool) { return std::optional<Message>(); },
    [](const ParcelAudit& plot) { return Stalled(plot).stalled(); },
    [](const ParcelAudit& plot) { return Stalled(plot).stalledFinding(); },
};

} // namespace parkatlas::geo
