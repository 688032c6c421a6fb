#include "geo/rules/audit.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/measure/units.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

namespace parkatlas::geo {

Date anniversary(Date date, int years)
{
    using namespace std::chrono;
    const year_month_day start{sys_days{days{date.daysSinceEpoch}}};
    year_month_day target = start + std::chrono::years{years};
    if (!target.ok()) // 29 February in a common year: the last day of that February
        target = year_month_day{year_month_day_last{target.year(), month_day_last{February}}};
    return Date{static_cast<std::int32_t>(sys_days{target}.time_since_epoch().count())};
}

bool isBelow(double value, double threshold)
{
    const double tolerance = 1e-12 * std::max(std::fabs(value), std::fabs(threshold));
    return value < threshold - tolerance;
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kClauseDefinition1 = "闲置土地处置办法（国土资源部令第53号，2012）第二条第一款";
const char* const kClauseDefinition2 = "闲置土地处置办法（国土资源部令第53号，2012）第二条第二款";
const char* const kClauseDisposal = "第十四条（满一年征缴土地闲置费，满两年无偿收回）";
const char* const kClauseInvestigation = "第二条（候选）、第六条（调查）";
const char* const kClauseLowEfficiency =
    "国土资发〔2016〕147号（城镇低效用地：投入产出水平低）；投资强度 国土资发〔2008〕24号；"
    "亩均税收 园区标准";

// ---- three-valued verdicts ------------------------------------------------------------------

/// Yes, no, or unknown because of the named values. A rule fires on Yes, says nothing on No and
/// gives cannot_decide on Unknown.
struct Verdict {
    enum class Value { No, Yes, Unknown };
    Value value = Value::No;
    std::vector<std::string> needs;

    static Verdict yes() { return {Value::Yes, {}}; }
    static Verdict no() { return {Value::No, {}}; }
    static Verdict of(bool flag) { return flag ? yes() : no(); }
    static Verdict unknown(std::string need) { return {Value::Unknown, {std::move(need)}}; }
    bool isYes() const { return value == Value::Yes; }
    bool isUnknown() const { return value == Value::Unknown; }
};

void mergeNeeds(std::vector<std::string>& into, const std::vector<std::string>& from)
{
    for (const std::string& need : from)
        if (std::find(into.begin(), into.end(), need) == into.end())
            into.push_back(need);
}

/// Kleene AND: any No decides; else any Unknown leaves it unknown.
Verdict allOf(std::initializer_list<Verdict> terms)
{
    Verdict out = Verdict::yes();
    for (const Verdict& t : terms) {
        if (t.value == Verdict::Value::No)
            return Verdict::no();
        if (t.isUnknown()) {
            out.value = Verdict::Value::Unknown;
            mergeNeeds(out.needs, t.needs);
        }
    }
    return out;
}

/// Kleene OR: any Yes decides; else any Unknown leaves it unknown.
Verdict anyOf(std::initializer_list<Verdict> terms)
{
    Verdict out = Verdict::no();
    for (const Verdict& t : terms) {
        if (t.isYes())
            return Verdict::yes();
        if (t.isUnknown()) {
            out.value = Verdict::Value::Unknown;
            mergeNeeds(out.needs, t.needs);
        }
    }
    return out;
}

// ---- reading the parcels' fields ------------------------------------------------------------

std::string_view trimmed(std::string_view text)
{
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    return text;
}

struct DateField {
    enum class State { Known, Empty, Masked };
    State state = State::Empty;
    Date date;
    std::string raw; // as written (masked values)
};

class ParcelFields {
public:
    explicit ParcelFields(const ParkLayer& layer) : m_layer(layer), m_table(layer.layer.attributes)
    {
        static const char* const kPriceFields[] = {"land_price", "price_wan", "出让价款",
                                                   "土地价款",   "划拨价款",  "出让金",
                                                   "成交价",     "CRJK"};
        for (const char* name : kPriceFields)
            if (m_priceField < 0)
                m_priceField = m_table.fieldIndex(name);
    }

    bool has(std::string_view contractName) const { return m_layer.field(contractName) >= 0; }

    /// Empty: no field, null, or blank. Masked: "xx", "**" … or text that is not a date.
    DateField date(std::size_t row, std::string_view contractName) const
    {
        DateField out;
        const int field = m_layer.field(contractName);
        if (field < 0)
            return out;
        if (auto date = m_table.date(row, field)) {
            out.state = DateField::State::Known;
            out.date = *date;
            return out;
        }
        const std::string_view text = trimmed(m_table.textView(row, field));
        if (text.empty() || text == "\xE3\x80\x80")
            return out;
        out.state = DateField::State::Masked;
        out.raw = std::string(text);
        return out;
    }

    std::optional<double> number(std::size_t row, std::string_view contractName) const
    {
        const int field = m_layer.field(contractName);
        if (field < 0)
            return std::nullopt;
        return m_table.number(row, field);
    }

    /// The value as written ("" when the field is missing or null).
    std::string text(std::size_t row, std::string_view contractName) const
    {
        const int field = m_layer.field(contractName);
        return field < 0 ? std::string() : std::string(trimmed(m_table.text(row, field)));
    }

    bool isUnknown(std::size_t row, std::string_view contractName) const
    {
        const int field = m_layer.field(contractName);
        return field < 0 || m_table.isUnknown(row, field);
    }

    std::optional<double> landPriceWan(std::size_t row) const
    {
        return m_priceField < 0 ? std::nullopt : m_table.number(row, m_priceField);
    }
    bool hasLandPrice() const { return m_priceField >= 0; }

private:
    const ParkLayer& m_layer;
    const AttributeTable& m_table;
    int m_priceField = -1;
};

EvidenceValue dateEvidence(const DateField& field)
{
    switch (field.state) {
    case DateField::State::Known:
        return field.date.toIso();
    case DateField::State::Masked:
        return field.raw;
    case DateField::State::Empty:
        break;
    }
    return std::monostate{};
}

EvidenceValue numberEvidence(std::optional<double> value)
{
    return value ? EvidenceValue(*value) : EvidenceValue(std::monostate{});
}

EvidenceValue numberEvidence(double value)
{
    return std::isnan(value) ? EvidenceValue(std::monostate{}) : EvidenceValue(value);
}

std::string shown(double value, int decimals = 2)
{
    return formatForDisplay(value, decimals);
}

std::string percent(double share, int decimals = 1)
{
    return formatForDisplay(share * 100.0, decimals) + "%";
}

bool contains(const std::vector<std::string>& list, std::string_view text)
{
    return std::find(list.begin(), list.end(), text) != list.end();
}

bool isNotStartedStatus(std::string_view status)
{
    return status == "未动工" || status == "未开工";
}

bool isStoppedStatus(std::string_view status)
{
    return status == "停工" || status == "停建" || status == "中止" || status == "中止开发" ||
           status == "停产";
}

// ---- the audit of one parcel ----------------------------------------------------------------

class ParcelAudit {
public:
    ParcelAudit(const ParkLayer& parcels, const AuditOptions& options, const AuditResult& result,
                bool buildingsPresent)
        : m_parcels(parcels), m_fields(parcels), m_options(options), m_rules(options.rules),
          m_result(result), m_buildingsPresent(buildingsPresent)
    {
    }

    void run(std::size_t row, std::map<std::string, std::vector<Finding>>& byRule)
    {
        m_row = row;
        std::vector<std::pair<std::string, std::vector<std::string>>> undecided;
        auto consider = [&](const char* rule, const Verdict& verdict, auto makeFinding) {
            if (verdict.isYes())
                byRule[rule].push_back(makeFinding());
            else if (verdict.isUnknown())
                undecided.emplace_back(rule, verdict.needs);
        };
        if (m_rules.notStartedEnabled && m_fields.has("agr_start"))
            consider("idle_not_started", notStarted(), [&] { return notStartedFinding(); });
        if (m_rules.stalledEnabled)
            consider("idle_stalled", stalled(), [&] { return stalledFinding(); });
        if (m_rules.lowCoverageEnabled && m_buildingsPresent && m_fields.has("supply_dt"))
            consider("idle_low_coverage", lowCoverage(), [&] { return lowCoverageFinding(); });
        if (m_rules.lowEfficiencyEnabled && m_fields.has("status"))
            consider("low_efficiency", lowEfficiency(), [&] { return lowEfficiencyFinding(); });
        if (m_rules.cannotDecideEnabled && !undecided.empty())
            byRule["cannot_decide"].push_back(cannotDecideFinding(undecided));
    }

private:
    const ParcelMeasure& measure() const { return m_result.parcels[m_row]; }
    double areaMu() const { return muFromM2(measure().areaM2); }
    std::string status() const
    {
        return m_fields.isUnknown(m_row, "status") ? std::string() : m_fields.text(m_row, "status");
    }
    bool statusKnown() const { return !m_fields.isUnknown(m_row, "status"); }

    Verdict dueAfter(std::string_view field, int years) const
    {
        const DateField date = m_fields.date(m_row, field);
        if (date.state != DateField::State::Known)
            return Verdict::unknown(std::string(field));
        return Verdict::of(anniversary(date.date, years) <= m_options.asOf);
    }

    // act_start as of the audit date: Yes = started, No = not started.
    Verdict started() const
    {
        const DateField act = m_fields.date(m_row, "act_start");
        switch (act.state) {
        case DateField::State::Known:
            return Verdict::of(act.date <= m_options.asOf);
        case DateField::State::Masked:
            return Verdict::unknown("act_start");
        case DateField::State::Empty:
            break;
        }
        if (statusKnown() && isNotStartedStatus(status()))
            return Verdict::no();
        return Verdict::unknown("act_start");
    }

    static Verdict negate(const Verdict& v)
    {
        if (v.isUnknown())
            return v;
        return Verdict::of(!v.isYes());
    }

    Verdict notStarted() const
    {
        return allOf({dueAfter("agr_start", m_rules.notStartedYears), negate(started())});
    }

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

    Verdict lowCoverage() const
    {
        Verdict cover = Verdict::unknown("geometry");
        if (measure().validGeometry && !std::isnan(measure().coveredShare))
            cover = Verdict::of(isBelow(measure().coveredShare, m_rules.lowCoverageShareMin));
        return allOf({dueAfter("supply_dt", m_rules.lowCoverageYears), cover});
    }

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

    // ---- findings ----

    Finding base(const char* rule) const
    {
        Finding f;
        f.rule = rule;
        f.layer = "parcels";
        f.fids = {m_parcels.layer.fids[m_row]};
        if (!m_fields.isUnknown(m_row, "parcel_id"))
            f.featureId = m_fields.text(m_row, "parcel_id");
        f.areaMu = areaMu();
        f.geometryWkb = featureWkb(m_parcels.layer.geometry, m_row);
        return f;
    }

    std::string label(const Finding& f) const
    {
        return f.featureId.empty() ? "fid " + std::to_string(f.fids.front()) : f.featureId;
    }

    /// The evidence every finding carries: plot area and, with a buildings layer, the covered
    /// share of the plot.
    void addCommonEvidence(Finding& f) const
    {
        f.evidence.push_back({"parcel_area_mu", numberEvidence(areaMu())});
        if (m_buildingsPresent) {
            f.evidence.push_back({"covered_share", numberEvidence(measure().coveredShare)});
            f.evidence.push_back({"footprint_m2", numberEvidence(measure().footprintM2)});
        }
    }

    std::string coverageNoteZh() const
    {
        if (!m_buildingsPresent)
            return "";
        if (std::isnan(measure().coveredShare))
            return "；建筑覆盖率未知（图形无效）";
        return "；建筑覆盖 " + percent(measure().coveredShare);
    }
    std::string coverageNoteEn() const
    {
        if (!m_buildingsPresent)
            return "";
        if (std::isnan(measure().coveredShare))
            return "; building cover unknown (invalid geometry)";
        return "; buildings cover " + percent(measure().coveredShare);
    }

    /// 第十四条 as of the audit date, from the date the idle year started (agr_start or
    /// stopped).
    void addDisposal(Finding& f, Date from, std::string& zh, std::string& en) const
    {
        const Date oneYear = anniversary(from, 1);
        const Date recovery = anniversary(from, m_rules.recoveryYears);
        const bool recoverable = recovery <= m_options.asOf;
        const auto price = m_fields.landPriceWan(m_row);
        const double fee = price ? *price * m_rules.idleFeeRate : kNaN;
        f.evidence.push_back({"one_year_on", oneYear.toIso()});
        f.evidence.push_back({"recovery_on", recovery.toIso()});
        f.evidence.push_back(
            {"consequence", std::string(recoverable ? "无偿收回" : "征缴土地闲置费")});
        f.evidence.push_back({"idle_fee_rate", m_rules.idleFeeRate});
        f.evidence.push_back({"land_price_wan", numberEvidence(price)});
        f.evidence.push_back({"idle_fee_wan", numberEvidence(fee)});
        const std::string feeZh = price ? "土地闲置费 " + shown(fee) + " 万元（价款 " +
                                              shown(*price) + " 万元的 " +
                                              percent(m_rules.idleFeeRate, 0) + "）"
                                        : "土地闲置费按出让或者划拨价款的 " +
                                              percent(m_rules.idleFeeRate, 0) + " 征缴（价款未知）";
        const std::string feeEn = price ? "an idle-land fee of " + shown(fee) + " 万元 (" +
                                              percent(m_rules.idleFeeRate, 0) +
                                              " of the land price " + shown(*price) + " 万元)"
                                        : "an idle-land fee of " + percent(m_rules.idleFeeRate, 0) +
                                              " of the land price (price unknown)";
        if (recoverable) {
            zh += "；截至 " + m_options.asOf.toIso() + " 已满两年（" + recovery.toIso() +
                  "）：可报批无偿收回国有建设用地使用权（第十四条第二项）";
            en += "; as of " + m_options.asOf.toIso() + " two full years have passed (" +
                  recovery.toIso() +
                  "): the land use right may be recovered without "
                  "compensation (art. 14(2))";
        } else {
            zh += "；截至 " + m_options.asOf.toIso() + " 已满一年（" + oneYear.toIso() + "）：" +
                  feeZh + "（第十四条第一项）；至 " + recovery.toIso() + " 满两年可无偿收回";
            en += "; as of " + m_options.asOf.toIso() + " one full year has passed (" +
                  oneYear.toIso() + "): " + feeEn + " (art. 14(1)); from " + recovery.toIso() +
                  " the land may be recovered without compensation";
        }
        zh += "，除非属第八条所列政府或不可抗力原因";
        en += ", unless art. 8 (government action or force majeure) applies";
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

    EvidenceValue rawValue(const std::string& field) const
    {
        if (field == "geometry")
            return std::string(measure().validGeometry ? "unmeasurable" : "invalid");
        if (!m_fields.has(field))
            return std::monostate{};
        const std::string text = m_fields.text(m_row, field);
        return text.empty() ? EvidenceValue(std::monostate{}) : EvidenceValue(text);
    }

    Finding cannotDecideFinding(
        const std::vector<std::pair<std::string, std::vector<std::string>>>& undecided) const
    {
        Finding f = base("cannot_decide");
        std::string needs, needsZh, zh, en, clauses;
        std::vector<std::string> fields;
        auto fieldZh = [](const std::string& field) {
            return displayName(NameGroup::Field, field, Language::Chinese, "parcels");
        };
        for (const auto& [rule, ruleNeeds] : undecided) {
            std::string list, listZh;
            for (const std::string& need : ruleNeeds) {
                list += (list.empty() ? "" : ", ") + need;
                listZh += (listZh.empty() ? "" : "、") + fieldZh(need);
            }
            needs += (needs.empty() ? "" : "; ") + rule + " needs " + list;
            needsZh += (needsZh.empty() ? "" : "；") +
                       displayName(NameGroup::Rule, rule, Language::Chinese) + "需" + listZh;
            mergeNeeds(fields, ruleNeeds);
            const std::string clause =
                rule == "idle_not_started" ? kClauseDefinition1
                : rule == "idle_stalled"   ? kClauseDefinition2
                : rule == "idle_low_coverage"
                    ? std::string("闲置土地处置办法（国土资源部令第53号，2012）") +
                          kClauseInvestigation
                    : std::string(kClauseLowEfficiency);
            if (clauses.find(clause) == std::string::npos)
                clauses += (clauses.empty() ? "" : "；") + clause;
        }
        f.clause = clauses;
        f.evidence.push_back({"needs", needs});
        for (const std::string& field : fields) {
            const EvidenceValue value = rawValue(field);
            f.evidence.push_back({field, value});
            const std::string shownValue = std::holds_alternative<std::string>(value)
                                               ? "'" + std::get<std::string>(value) + "'"
                                               : std::string("空");
            zh += (zh.empty() ? "" : "，") + fieldZh(field) + " 为 " + shownValue;
            en += (en.empty() ? "" : ", ") + field + " is " +
                  (std::holds_alternative<std::string>(value) ? shownValue : "empty");
        }
        f.reasonZh = label(f) + "：无法判定（" + needsZh + "）：" + zh + "，该值未知，不作零处理" +
                     coverageNoteZh();
        f.reasonEn = label(f) + ": cannot decide (" + needs + "): " + en +
                     ", an unknown value, never taken as zero" + coverageNoteEn();
        addCommonEvidence(f);
        return f;
    }

    const ParkLayer& m_parcels;
    ParcelFields m_fields;
    const AuditOptions& m_options;
    const AuditRules& m_rules;
    const AuditResult& m_result;
    bool m_buildingsPresent;
    std::size_t m_row = 0;
};

} // namespace

AuditResult runAudit(const Park& park, const AuditOptions& options, IssueSink& issues)
{
    const ParkLayer* parcels = park.layer(Role::Parcels);
    if (!parcels)
        throw IoError("the park has no parcels layer (宗地): nothing to audit",
                      {park.name, {}, -1, {}});
    if (parcels->layer.geometry.kind() != GeometryKind::Polygon)
        throw GeometryError("the parcels layer does not hold polygons",
                            {parcels->layer.sourcePath, parcels->layer.name, -1, {}});
    const ParkLayer* buildings = park.layer(Role::Buildings);
    const AuditRules& rules = options.rules;

    AuditResult result;
    result.asOf = options.asOf.toIso();
    result.parcelCount = parcels->layer.featureCount();
    const bool coverageGiven = options.coverage.has_value();
    if (coverageGiven && options.coverage->size() != parcels->layer.featureCount())
        throw IoError("the coverage given has " + std::to_string(options.coverage->size()) +
                          " entries for " + std::to_string(parcels->layer.featureCount()) +
                          " parcels",
                      {parcels->layer.sourcePath, parcels->layer.name, -1, {}});
    const bool hasBuildings = buildings != nullptr || coverageGiven;
    result.buildingsPresent = hasBuildings;

    auto step = [&](double begin, double span) -> ProgressCallback {
        if (!options.progress)
            return {};
        return
            [&options, begin, span](double done) { return options.progress(begin + span * done); };
    };
    const LayerMeasure measure =
        measureLayer(parcels->layer, options.areaMethod, issues, step(0, 0.3), options.threads);
    result.parcels.resize(result.parcelCount);
    for (std::size_t row = 0; row < result.parcelCount; ++row)
        result.parcels[row].areaM2 = measure.areaM2[row];

    if (hasBuildings) {
        const std::vector<PlotCoverage> coverage =
            coverageGiven ? *options.coverage
                          : plotCoverage(parcels->layer, buildings->layer, issues, options.threads,
                                         step(0.3, 0.6));
        for (std::size_t row = 0; row < result.parcelCount; ++row) {
            ParcelMeasure& m = result.parcels[row];
            m.validGeometry = coverage[row].validPlot;
            m.coveredShare = coverage[row].share;
            m.footprintM2 = coverage[row].share * m.areaM2;
        }
    } else {
        const std::vector<bool> valid = plotValidity(parcels->layer, issues);
        for (std::size_t row = 0; row < result.parcelCount; ++row) {
            result.parcels[row].validGeometry = valid[row];
            result.parcels[row].coveredShare = result.parcels[row].footprintM2 = kNaN;
        }
    }

    auto lacks = [&](const char* rule, const char* field, const char* zh) {
        result.notRun.push_back(std::string(rule) + ": the parcels layer has no field " + field +
                                " (" + zh + ")");
    };
    if (rules.notStartedEnabled && parcels->field("agr_start") < 0)
        lacks("idle_not_started", "agr_start", "约定动工日期");
    if (rules.lowCoverageEnabled && !hasBuildings)
        result.notRun.push_back("idle_low_coverage: the park has no buildings layer (建筑物)");
    if (rules.lowCoverageEnabled && hasBuildings && parcels->field("supply_dt") < 0)
        lacks("idle_low_coverage", "supply_dt", "供地日期");
    if (rules.lowEfficiencyEnabled && parcels->field("status") < 0)
        lacks("low_efficiency", "status", "状态");

    std::map<std::string, std::vector<Finding>> byRule;
    ParcelAudit audit(*parcels, options, result, hasBuildings);
    for (std::size_t row = 0; row < result.parcelCount; ++row)
        audit.run(row, byRule);
    for (const char* rule : {"idle_not_started", "idle_stalled", "idle_low_coverage",
                             "low_efficiency", "cannot_decide"})
        for (Finding& finding : byRule[rule])
            result.findings.push_back(std::move(finding));
    if (options.progress && !options.progress(1.0))
        throw Cancelled();
    return result;
}

} // namespace parkatlas::geo
