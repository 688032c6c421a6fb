#pragma once

// The registry of idle-land audit rules (internal to geo/rules). A rule lives in a file of its own
// named after its id (geo/rules/idle_stalled.cpp): its AuditRuleDefinition with its id, the
// clause that defines it, whether the park lets it judge, its three-valued verdict on one plot and
// the finding it makes. audit.cpp lists the definitions, runs them plot by plot and makes the
// cannot_decide findings. To add a rule: its file, its thresholds in AuditRules (audit_rules.h,
// with their rows in audit_rules.cpp's table) and a line in audit.cpp's list.

#include "geo/model/display_names.h"
#include "geo/model/park.h"
#include "geo/rules/audit.h"
#include "geo/rules/rule_message.h"
#include "geo/units.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

namespace audit {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* const kClauseDisposal = "第十四条（满一年征缴土地闲置费，满两年无偿收回）";
const char* const kClauseInvestigation = "第二条（候选）、第六条（调查）";

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

inline void mergeNeeds(std::vector<std::string>& into, const std::vector<std::string>& from)
{
    for (const std::string& need : from)
        if (std::find(into.begin(), into.end(), need) == into.end())
            into.push_back(need);
}

/// Kleene AND: any No decides; else any Unknown leaves it unknown.
inline Verdict allOf(std::initializer_list<Verdict> terms)
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
inline Verdict anyOf(std::initializer_list<Verdict> terms)
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

inline std::string_view trimmed(std::string_view text)
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
    explicit ParcelFields(const ParkLayer& layer) : m_layer(layer), m_table(layer.layer->attributes)
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

inline EvidenceValue dateEvidence(const DateField& field)
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

inline EvidenceValue numberEvidence(std::optional<double> value)
{
    return value ? EvidenceValue(*value) : EvidenceValue(std::monostate{});
}

inline EvidenceValue numberEvidence(double value)
{
    return std::isnan(value) ? EvidenceValue(std::monostate{}) : EvidenceValue(value);
}

inline std::string shown(double value, int decimals = 2)
{
    return formatForDisplay(value, decimals);
}

inline std::string percent(double share, int decimals = 1)
{
    return formatForDisplay(share * 100.0, decimals) + "%";
}

inline bool contains(const std::vector<std::string>& list, std::string_view text)
{
    return std::find(list.begin(), list.end(), text) != list.end();
}

inline bool isNotStartedStatus(std::string_view status)
{
    return status == "未动工" || status == "未开工";
}

inline bool isStoppedStatus(std::string_view status)
{
    return status == "停工" || status == "停建" || status == "中止" || status == "中止开发" ||
           status == "停产";
}

// ---- the audit of one parcel ----------------------------------------------------------------

/// One plot under audit, and what every rule reads of it: its fields, its measures, the audit
/// date and thresholds, and the parts of a finding all rules share. A rule's verdict and finding
/// derive from it (a copy per plot is a few references).
class ParcelAudit {
public:
    ParcelAudit(const ParkLayer& parcels, const AuditOptions& options, const AuditResult& result,
                bool buildingsPresent)
        : m_parcels(parcels), m_fields(parcels), m_options(options), m_rules(options.rules),
          m_result(result), m_buildingsPresent(buildingsPresent)
    {
    }

    void setRow(std::size_t row) { m_row = row; }
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

    Finding base(const char* rule) const
    {
        Finding f;
        f.rule = rule;
        f.layer = "parcels";
        f.fids = {m_parcels.layer->fids[m_row]};
        if (!m_fields.isUnknown(m_row, "parcel_id"))
            f.featureId = m_fields.text(m_row, "parcel_id");
        f.areaMu = areaMu();
        f.geometryWkb = featureWkb(m_parcels.layer->geometry, m_row);
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

    EvidenceValue rawValue(const std::string& field) const
    {
        if (field == "geometry")
            return std::string(measure().validGeometry ? "unmeasurable" : "invalid");
        if (!m_fields.has(field))
            return std::monostate{};
        const std::string text = m_fields.text(m_row, field);
        return text.empty() ? EvidenceValue(std::monostate{}) : EvidenceValue(text);
    }

protected:
    const ParkLayer& m_parcels;
    ParcelFields m_fields;
    const AuditOptions& m_options;
    const AuditRules& m_rules;
    const AuditResult& m_result;
    bool m_buildingsPresent;
    std::size_t m_row = 0;
};

} // namespace audit

/// One idle-land audit rule. Function pointers, so that a definition is a constant.
struct AuditRuleDefinition {
    const char* id;     // "idle_stalled": the CLI's, the JSON's and the project file's name
    const char* clause; // the clause that defines it (cannot_decide cites it)
    bool (*enabled)(const AuditRules& rules);
    /// Why it cannot judge this park's plots at all (a field the parcels lack, no buildings);
    /// nullopt when it can.
    std::optional<Message> (*cannotRun)(const ParkLayer& parcels, bool buildingsPresent);
    audit::Verdict (*verdict)(const audit::ParcelAudit& plot);
    Finding (*finding)(const audit::ParcelAudit& plot);
};

/// Every audit rule, in the order its findings are listed (audit.cpp); cannot_decide follows.
const std::vector<const AuditRuleDefinition*>& auditRuleDefinitions();

/// Whether `id` names an audit rule (cannot_decide included).
bool isAuditRuleId(std::string_view id);

/// approved_not_supplied (批而未供, geo/rules/approved_not_supplied.cpp): a rule over the
/// acquisition batches rather than the plots, run once after the plot rules. Its findings go to
/// `findings`, its cannot_decide findings (an approved batch with no approval date) to
/// `undecided`, why it cannot run at all to result.notRun. Nothing when the park has no
/// acquisition layer.
void auditApprovedNotSupplied(const Park& park, const AuditOptions& options, AuditResult& result,
                              std::vector<Finding>& findings, std::vector<Finding>& undecided,
                              IssueSink& issues);

/// "idle_not_started: the parcels layer has no field agr_start (约定动工日期)" when the parcels
/// lack the field, for AuditRuleDefinition::cannotRun.
std::optional<Message> lacksField(const ParkLayer& parcels, const char* rule, const char* field,
                                  const char* zh);

} // namespace parkatlas::geo
