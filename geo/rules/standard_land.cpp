#include "geo/rules/standard_land.h"

#include "geo/io/table_join.h"
#include "geo/issue.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"
#include "geo/rules/audit_rule.h"
#include "geo/rules/audit_rules.h"
#include "geo/units.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string_view>

namespace parkatlas::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A unit a target may be written in, and the factor to the target's own unit.
struct UnitFactor {
    const char* unit; // normalised: no blanks, ASCII lower case, m2 for ㎡ / 平方米 / m²
    double factor;
};

// 1 元/m² = 666.67 元/亩 = 0.0667 万元/亩; 1 万元/公顷 = 1/15 万元/亩.
const std::vector<UnitFactor> kPerMu = {
    {"", 1},         {"万元/亩", 1},         {"万/亩", 1},           {"元/亩", 1e-4},
    {"万元/公顷", 1.0 / 15}, {"万元/ha", 1.0 / 15}, {"元/m2", kSquareMetresPerMu / 1e4},
    {"亿元/亩", 1e4}};
const std::vector<UnitFactor> kNone = {{"", 1}};
const std::vector<UnitFactor> kEnergy = {
    {"", 1},           {"吨标煤/万元", 1},   {"吨标准煤/万元", 1},     {"tce/万元", 1},
    {"t标煤/万元", 1}, {"t/万元", 1},         {"吨/万元", 1},           {"千克标煤/万元", 1e-3},
    {"千克标准煤/万元", 1e-3},                {"kgce/万元", 1e-3}};
const std::vector<UnitFactor> kPercent = {{"", 1}, {"%", 1}};
const std::vector<UnitFactor> kYears = {{"", 1}, {"年", 1}, {"个月", 1.0 / 12}, {"月", 1.0 / 12}};

const std::vector<UnitFactor>& unitsOf(std::string_view field)
{
    if (field == "sl_far")
        return kNone;
    if (field == "sl_energy")
        return kEnergy;
    if (field == "sl_rd")
        return kPercent;
    if (field == "op_years")
        return kYears;
    return kPerMu;
}

std::string normalisedUnit(std::string_view text)
{
    std::string out;
    for (char c : halfWidth(text)) {
        if (c == ' ' || c == '\t')
            continue;
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const auto& [from, to] : {std::pair<std::string_view, std::string_view>{"㎡", "m2"},
                                  {"m²", "m2"},
                                  {"平方米", "m2"},
                                  {"平米", "m2"}}) {
        for (auto at = out.find(from); at != std::string::npos; at = out.find(from))
            out.replace(at, from.size(), to);
    }
    return out;
}

/// A value of a target field: absent (null or blank), known (in the target's unit), or unknown
/// with the text as written.
struct ReadValue {
    enum class State { Absent, Known, Masked, BadUnit } state = State::Absent;
    double value = kNaN;
    std::string written;
    std::string unit; // BadUnit: the unit as written
};

ReadValue readTarget(const ParkLayer& parcels, std::size_t row, std::string_view contractName)
{
    ReadValue out;
    const int field = parcels.field(contractName);
    if (field < 0)
        return out;
    const AttributeTable& table = parcels.layer->attributes;
    if (const auto number = table.number(row, field)) {
        out.state = ReadValue::State::Known;
        out.value = *number;
        return out;
    }
    const std::string raw = std::string(audit::trimmed(table.textView(row, field)));
    if (raw.empty() || raw == "\xE3\x80\x80")
        return out;
    out.written = raw;
    if (table.isUnknown(row, field)) {
        out.state = ReadValue::State::Masked;
        return out;
    }
    // A number, then a unit.
    const std::string half = halfWidth(raw);
    std::size_t end = 0;
    while (end < half.size() && (std::isdigit(static_cast<unsigned char>(half[end])) ||
                                 half[end] == '.' || half[end] == ',' || half[end] == '+' ||
                                 half[end] == '-' || half[end] == ' '))
        ++end;
    const LedgerValue number = parseLedgerNumber(std::string_view(half).substr(0, end));
    if (end == 0 || number.state != LedgerValue::State::Known) {
        out.state = ReadValue::State::Masked;
        return out;
    }
    const std::string unit = normalisedUnit(std::string_view(half).substr(end));
    for (const UnitFactor& known : unitsOf(contractName)) {
        if (unit == known.unit) {
            out.state = ReadValue::State::Known;
            out.value = number.number * known.factor;
            return out;
        }
    }
    out.state = ReadValue::State::BadUnit;
    out.unit = std::string(audit::trimmed(std::string_view(half).substr(end)));
    return out;
}

void reportBadUnit(IssueSink* issues, const ParkLayer& parcels, std::size_t row,
                   std::string_view contractName, const ReadValue& value, const char* nameZh,
                   const char* expected)
{
    if (!issues)
        return;
    const int field = parcels.field(contractName);
    const std::string sourceField =
        field >= 0 ? parcels.layer->attributes.fields()[static_cast<std::size_t>(field)].name
                   : std::string(contractName);
    issues->report(withMessage(
        {Issue::Severity::Warning, parcels.layer->sourcePath, parcels.layer->name,
         parcels.layer->fids[row]},
        message("standard_land_unknown_unit",
                "field {field} ({target}): '{value}' is in a unit the 标准地 check does not know "
                "({unit}; expected {expected}): the target is not read, never guessed",
                {{"field", sourceField},
                 {"target", nameZh},
                 {"value", value.written},
                 {"unit", value.unit},
                 {"expected", expected}})));
}

std::string shown(double value, int decimals = 2)
{
    return formatForDisplay(value, decimals);
}

} // namespace

const std::vector<StandardLandTarget>& standardLandTargets()
{
    static const std::vector<StandardLandTarget> targets = {
        {"invest_per_mu", "sl_invest", "投资强度", "investment per mu", "万元/亩", false},
        {"far", "sl_far", "容积率", "FAR", "", false},
        {"tax_per_mu", "sl_tax", "亩均税收", "tax per mu", "万元/亩", false},
        {"value_per_mu", "sl_value", "亩均增加值", "added value per mu", "万元/亩", false},
        {"energy_per_value", "sl_energy", "单位增加值能耗", "energy per added value",
         "吨标煤/万元", true},
        {"rd_share", "sl_rd", "研发投入占比", "R&D share", "%", false},
    };
    return targets;
}

Date addMonths(Date date, int months)
{
    using namespace std::chrono;
    const year_month_day start{sys_days{days{date.daysSinceEpoch}}};
    year_month_day target = start + std::chrono::months{months};
    if (!target.ok())
        target = year_month_day{year_month_day_last{target.year(), month_day_last{target.month()}}};
    return Date{static_cast<std::int32_t>(sys_days{target}.time_since_epoch().count())};
}

bool hasStandardLandFields(const ParkLayer& parcels)
{
    if (parcels.field("op_years") >= 0)
        return true;
    for (const StandardLandTarget& target : standardLandTargets())
        if (parcels.field(target.field) >= 0)
            return true;
    return false;
}

StandardLandPlot standardLandPlot(const ParkLayer& parcels, std::size_t row, double areaM2,
                                  Date asOf, const AuditRules& rules, IssueSink* issues)
{
    StandardLandPlot plot;
    const AttributeTable& table = parcels.layer->attributes;
    auto number = [&](const char* field) -> std::optional<double> {
        const int index = parcels.field(field);
        if (index < 0)
            return std::nullopt;
        const auto value = table.number(row, index);
        // A negative figure is not a figure: unknown, never taken as it is.
        if (value && *value < 0)
            return std::nullopt;
        return value;
    };
    const double mu = muFromM2(areaM2);
    const bool areaKnown = !std::isnan(areaM2) && areaM2 > 0;

    for (const StandardLandTarget& target : standardLandTargets()) {
        const ReadValue read = readTarget(parcels, row, target.field);
        if (read.state == ReadValue::State::Absent)
            continue;
        plot.contract = true;
        StandardLandCheck check;
        check.target = &target;
        if (read.state == ReadValue::State::Masked) {
            check.state = StandardLandCheck::State::UnknownTarget;
            check.written = read.written;
            plot.checks.push_back(std::move(check));
            continue;
        }
        if (read.state == ReadValue::State::BadUnit) {
            check.state = StandardLandCheck::State::UnknownUnit;
            check.written = read.written;
            reportBadUnit(issues, parcels, row, target.field, read, target.nameZh,
                          *target.unit ? target.unit : "a plain number");
            plot.checks.push_back(std::move(check));
            continue;
        }
        check.contract = read.value;
        // The actual figure, in the target's unit.
        auto perMu = [&](const char* field) {
            const auto value = number(field);
            if (!value)
                check.needs.push_back(field);
            if (!areaKnown)
                check.needs.push_back("geometry");
            if (value && areaKnown)
                check.actual = *value / mu;
        };
        const std::string_view key = target.key;
        if (key == "invest_per_mu") {
            perMu("invested");
        } else if (key == "tax_per_mu") {
            perMu("tax");
        } else if (key == "value_per_mu") {
            perMu("value_add");
        } else if (key == "far") {
            const auto floor = number("floor_area");
            if (!floor)
                check.needs.push_back("floor_area");
            if (!areaKnown)
                check.needs.push_back("geometry");
            if (floor && areaKnown)
                check.actual = *floor / areaM2;
        } else if (key == "energy_per_value") {
            const auto energy = number("energy_tce");
            const auto value = number("value_add");
            if (!energy)
                check.needs.push_back("energy_tce");
            if (!value || *value <= 0)
                check.needs.push_back("value_add");
            if (energy && value && *value > 0)
                check.actual = *energy / *value;
        } else if (key == "rd_share") {
            const ReadValue share = readTarget(parcels, row, "rd_share");
            if (share.state == ReadValue::State::Known && share.value >= 0)
                check.actual = share.value;
            else
                check.needs.push_back("rd_share");
        }
        if (std::isnan(check.actual)) {
            check.state = StandardLandCheck::State::UnknownActual;
        } else {
            const bool missed = target.atMost ? isBelow(check.contract, check.actual)
                                              : isBelow(check.actual, check.contract);
            check.state = missed ? StandardLandCheck::State::Missed : StandardLandCheck::State::Met;
        }
        plot.checks.push_back(std::move(check));
    }

    // The initial operating period: the plot's op_years, else the project's default.
    const ReadValue years = readTarget(parcels, row, "op_years");
    if (years.state != ReadValue::State::Absent)
        plot.contract = true;
    if (!plot.contract)
        return plot;
    if (years.state == ReadValue::State::Known && years.value >= 0) {
        plot.periodYears = years.value;
    } else if (years.state == ReadValue::State::Absent && rules.standardLandPeriodYears > 0) {
        plot.periodYears = rules.standardLandPeriodYears;
        plot.periodFromProject = true;
    } else {
        plot.periodWritten = years.written;
        plot.periodNeeds.push_back("op_years");
        if (years.state == ReadValue::State::BadUnit)
            reportBadUnit(issues, parcels, row, "op_years", years, "初始运营期", "年 or 个月");
    }
    const int fromField = parcels.field(rules.standardLandPeriodFrom);
    if (fromField >= 0)
        if (const auto date = table.date(row, fromField))
            plot.periodStart = *date;
    if (!plot.periodStart)
        plot.periodNeeds.push_back(rules.standardLandPeriodFrom);
    if (plot.periodStart && !std::isnan(plot.periodYears)) {
        plot.periodEnd = addMonths(*plot.periodStart,
                                   static_cast<int>(std::lround(plot.periodYears * 12)));
        plot.period = *plot.periodEnd <= asOf ? StandardLandPlot::Period::Past
                                              : StandardLandPlot::Period::Inside;
    }
    return plot;
}

const char* checkStateZh(StandardLandCheck::State state)
{
    switch (state) {
    case StandardLandCheck::State::Met:
        return "达标";
    case StandardLandCheck::State::Missed:
        return "未达标";
    case StandardLandCheck::State::UnknownActual:
        return "实际值未知";
    case StandardLandCheck::State::UnknownTarget:
        return "合同值不详";
    case StandardLandCheck::State::UnknownUnit:
        return "单位不明";
    }
    return "";
}

const char* checkStateId(StandardLandCheck::State state)
{
    switch (state) {
    case StandardLandCheck::State::Met:
        return "met";
    case StandardLandCheck::State::Missed:
        return "missed";
    case StandardLandCheck::State::UnknownActual:
        return "unknown_actual";
    case StandardLandCheck::State::UnknownTarget:
        return "unknown_target";
    case StandardLandCheck::State::UnknownUnit:
        return "unknown_unit";
    }
    return "";
}

const char* periodStateZh(StandardLandPlot::Period period)
{
    switch (period) {
    case StandardLandPlot::Period::Inside:
        return "初始运营期内";
    case StandardLandPlot::Period::Past:
        return "初始运营期已满";
    case StandardLandPlot::Period::Unknown:
        return "运营期不详";
    }
    return "";
}

const char* periodStateId(StandardLandPlot::Period period)
{
    switch (period) {
    case StandardLandPlot::Period::Inside:
        return "inside";
    case StandardLandPlot::Period::Past:
        return "past";
    case StandardLandPlot::Period::Unknown:
        return "unknown";
    }
    return "";
}

std::string describeCheckZh(const StandardLandCheck& check)
{
    const StandardLandTarget& t = *check.target;
    const std::string unit = *t.unit ? std::string(" ") + t.unit : std::string();
    auto fieldsZh = [&] {
        std::string out;
        for (const std::string& need : check.needs)
            out += (out.empty() ? "" : "、") +
                   displayName(NameGroup::Field, need, Language::Chinese, "parcels");
        return out;
    };
    switch (check.state) {
    case StandardLandCheck::State::Met:
    case StandardLandCheck::State::Missed: {
        const bool missed = check.state == StandardLandCheck::State::Missed;
        const char* op = t.atMost ? (missed ? " > " : " ≤ ") : (missed ? " < " : " ≥ ");
        return std::string(t.nameZh) + " " + shown(check.actual) + unit + op + "合同 " +
               shown(check.contract) + unit;
    }
    case StandardLandCheck::State::UnknownActual:
        return std::string(t.nameZh) + "（合同 " + shown(check.contract) + unit +
               "）：实际值未知（缺" + fieldsZh() + "），不作零处理";
    case StandardLandCheck::State::UnknownTarget:
        return std::string(t.nameZh) + "：合同值 '" + check.written + "' 不详";
    case StandardLandCheck::State::UnknownUnit:
        return std::string(t.nameZh) + "：合同值 '" + check.written + "' 的单位不明（应为" +
               (*t.unit ? t.unit : "无单位的数") + "），未换算";
    }
    return {};
}

std::string describeCheckEn(const StandardLandCheck& check)
{
    const StandardLandTarget& t = *check.target;
    const std::string unit = *t.unit ? std::string(" ") + t.unit : std::string();
    std::string needs;
    for (const std::string& need : check.needs)
        needs += (needs.empty() ? "" : ", ") + need;
    switch (check.state) {
    case StandardLandCheck::State::Met:
    case StandardLandCheck::State::Missed: {
        const bool missed = check.state == StandardLandCheck::State::Missed;
        const char* op = t.atMost ? (missed ? " > " : " <= ") : (missed ? " < " : " >= ");
        return std::string(t.nameEn) + " " + shown(check.actual) + unit + op + "contract " +
               shown(check.contract) + unit;
    }
    case StandardLandCheck::State::UnknownActual:
        return std::string(t.nameEn) + " (contract " + shown(check.contract) + unit +
               "): actual unknown (needs " + needs + "), never taken as zero";
    case StandardLandCheck::State::UnknownTarget:
        return std::string(t.nameEn) + ": contract value '" + check.written + "' unknown";
    case StandardLandCheck::State::UnknownUnit:
        return std::string(t.nameEn) + ": contract value '" + check.written +
               "' in an unknown unit (expected " + (*t.unit ? t.unit : "a plain number") +
               "), not converted";
    }
    return {};
}

} // namespace parkatlas::geo
