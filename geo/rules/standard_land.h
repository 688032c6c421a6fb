#pragma once

// 标准地 (standard land): plots supplied with contract targets (浙政办发〔2018〕73号;
// DB33/T 2172-2018 工业项目"标准地"设置指南) that are checked, target by target, once the plot's
// initial operating period (初始运营期 / 达产期) is over. Read here from the parcels' fields
// (geo/model/role.cpp: sl_invest … op_years, and the actual figures tax, invested, floor_area,
// value_add, energy_tce, rd_share), which `parkatlas import --join CONTRACTS.xlsx --on
// parcel_id` writes from a contract table. Used by the audit rule standard_land_shortfall and the
// ledger --kind standard_land, so both read a plot the same way.

#include "geo/model/layer.h"

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct AuditRules;
struct ParkLayer;

/// One contract target: its field, its names, its unit and which way it must be met.
struct StandardLandTarget {
    const char* key;       // "tax_per_mu": JSON, evidence and ledger column keys
    const char* field;     // the parcels' contract field holding the target: "sl_tax"
    const char* nameZh;    // "亩均税收"
    const char* nameEn;    // "tax per mu"
    const char* unit;      // the unit targets and actual figures are compared in: "万元/亩"
    bool atMost;           // true: the actual must not exceed the target (energy use)
};

/// The targets, in the order the ledger and the findings list them: 投资强度, 容积率, 亩均税收,
/// 亩均增加值, 单位能耗, 研发投入占比.
const std::vector<StandardLandTarget>& standardLandTargets();

/// A target against the plot's actual figure.
struct StandardLandCheck {
    enum class State {
        Met,
        Missed,
        UnknownActual, // an actual figure it needs is unknown (named in `needs`), never 0
        UnknownTarget, // the target is masked (xx, **) or not a number
        UnknownUnit,   // the target names a unit that is not one of this target's
    };
    const StandardLandTarget* target = nullptr;
    State state = State::UnknownActual;
    double contract = std::numeric_limits<double>::quiet_NaN(); // in target->unit
    double actual = std::numeric_limits<double>::quiet_NaN();   // in target->unit
    std::string written;            // the target as written (UnknownTarget, UnknownUnit)
    std::vector<std::string> needs; // the fields an UnknownActual needs ("value_add", "geometry")
};

/// Where a contract plot stands as of a date.
struct StandardLandPlot {
    /// The plot names at least one target or its own period: a 标准地 contract plot.
    bool contract = false;
    enum class Period { Inside, Past, Unknown };
    Period period = Period::Unknown;
    std::optional<Date> periodStart;           // the date the period is counted from
    std::optional<Date> periodEnd;             // start + the period
    double periodYears = std::numeric_limits<double>::quiet_NaN();
    bool periodFromProject = false;            // the years are the project's default
    std::string periodWritten;                 // op_years as written when it cannot be read
    std::vector<std::string> periodNeeds;      // what an unknown period needs ("op_years" …)
    std::vector<StandardLandCheck> checks;     // one per target the contract names
};

/// The plot at `row` of the parcels (`areaM2` its measured area, NaN when unknown) as of `asOf`,
/// with the period's default and start field from `rules`. A target or a period in a unit that
/// is not its own is reported to `issues` (when given) naming the file, layer, feature and
/// field, and is never converted by guess.
StandardLandPlot standardLandPlot(const ParkLayer& parcels, std::size_t row, double areaM2,
                                  Date asOf, const AuditRules& rules, IssueSink* issues);

/// True when any parcels field of the 标准地 targets or op_years is present.
bool hasStandardLandFields(const ParkLayer& parcels);

/// "亩均税收 18.2 万元/亩 < 合同 23.08 万元/亩" (zh) for a missed or met check; "亩均增加值：
/// 实际值未知（缺 value_add）" for an unknown one.
std::string describeCheckZh(const StandardLandCheck& check);
std::string describeCheckEn(const StandardLandCheck& check);

/// "达标", "未达标", "实际值未知", "合同值不详", "单位不明" and their English.
const char* checkStateZh(StandardLandCheck::State state);
const char* checkStateId(StandardLandCheck::State state); // "met", "missed", "unknown_actual" …
const char* periodStateZh(StandardLandPlot::Period period);
const char* periodStateId(StandardLandPlot::Period period); // "inside", "past", "unknown"

/// The date `months` calendar months after `date`, on the last day of the month where the day
/// does not exist (31 January + 1 month = 28/29 February).
Date addMonths(Date date, int months);

} // namespace parkatlas::geo
