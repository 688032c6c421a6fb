// idle_low_coverage: almost no building footprint two full years after supply, whatever the
// ledger says: a candidate to investigate (第二条, 第六条).

#include "geo/rules/audit_rule.h"

namespace parkatlas::geo {

using namespace audit;

namespace {

/// The clause cannot_decide cites: the one this rule's findings cite.
const char* const kClauseLowCoverage =
    "闲置土地处置办法（国土资源部令第53号，2012）第二条（候选）、第六条（调查）";

class LowCoverage : public ParcelAudit {
public:
    explicit LowCoverage(const ParcelAudit& plot) : ParcelAudit(plot) {}

    Verdict lowCoverage() const
    {
        Verdict cover = Verdict::unknown("geometry");
        if (measure().validGeometry && !std::isnan(measure().coveredShare))
            cover = Verdict::of(isBelow(measure().coveredShare, m_rules.lowCoverageShareMin));
        return allOf({dueAfter("supply_dt", m_rules.lowCoverageYears), cover});
    }

    Finding lowCoverageFinding() const
    {
        Finding f = base("idle_low_coverage");
        f.clause =
            std::string("闲置土地处置办法（国土资源部令第53号，2012）") + kClauseInvestigation;
        const DateField supply = m_fields.date(m_row, "supply_dt");
        const Date due = anniversary(supply.date, m_rules.lowCoverageYears);
        f.evidence.push_back({"supply_dt", dateEvidence(supply)});
        f.evidence.push_back({"years_after_supply", double(m_rules.lowCoverageYears)});
        f.evidence.push_back({"due_on", due.toIso()});
        f.evidence.push_back({"cover_share_min", m_rules.lowCoverageShareMin});
        f.evidence.push_back(
            {"status", statusKnown() ? EvidenceValue(status()) : EvidenceValue(std::monostate{})});
        f.evidence.push_back(
            {"built_area_m2", numberEvidence(m_fields.number(m_row, "built_area"))});
        f.reasonZh = label(f) + "：" + supply.date.toIso() + " 供地，满 " +
                     std::to_string(m_rules.lowCoverageYears) + " 年（" + due.toIso() +
                     "）后建筑基底仅 " + shown(measure().footprintM2) + " m²，覆盖 " +
                     percent(measure().coveredShare) + "，低于 " +
                     percent(m_rules.lowCoverageShareMin, 0) + "（台账状态 " +
                     (statusKnown() ? status() : std::string("未知")) +
                     "）：疑似闲置土地，应依第六条调查核实";
        f.reasonEn = label(f) + ": supplied " + supply.date.toIso() + ", " +
                     std::to_string(m_rules.lowCoverageYears) + " full years later (" +
                     due.toIso() + ") footprints cover only " + percent(measure().coveredShare) +
                     " (" + shown(measure().footprintM2) + " m²), under " +
                     percent(m_rules.lowCoverageShareMin, 0) + ", whatever the ledger says (" +
                     (statusKnown() ? status() : std::string("status unknown")) +
                     "): an idle-land candidate to investigate (art. 6)";
        addCommonEvidence(f);
        return f;
    }
};

} // namespace

extern const AuditRuleDefinition kIdleLowCoverageRule = {
    "idle_low_coverage",
    kClauseLowCoverage,
    [](const AuditRules& rules) { return rules.lowCoverageEnabled; },
    [](const ParkLayer& parcels, bool buildingsPresent) {
        if (!buildingsPresent)
            return std::optional<Message>(ruleMessage(
                "idle_low_coverage", message("no_buildings_layer", "the park has no {role} layer (建筑物)",
                                             {{"role", "buildings"}})));
        return lacksField(parcels, "idle_low_coverage", "supply_dt", "供地日期");
    },
    [](const ParcelAudit& plot) { return LowCoverage(plot).lowCoverage(); },
    [](const ParcelAudit& plot) { return LowCoverage(plot).lowCoverageFinding(); },
};

} // namespace parkatlas::geo
