#pragma once

#include "geo/diff/diff_progress.h"
#include "geo/diff/park_diff.h"
#include "geo/ledger/ledger_table.h"
#include "geo/model/layer.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

/// A reporting period: a half-year (2026H1, 2026H2), a quarter (2026Q3) or a month (2026-10).
struct Period {
    std::string label; // as the user wrote it, normalised: "2026H2", "2026Q3", "2026-10"
    Date from, to;     // both inclusive

    /// nullopt when `text` is none of the forms above (or names no real month/quarter/half).
    static std::optional<Period> parse(std::string_view text);
    /// 1 January of the period's year to the period's end.
    Period yearToDate() const;
    /// The same period a year before (同比).
    Period yearBefore() const;
    bool contains(Date date) const { return from <= date && date <= to; }
};

/// The indicators of the work summary, in the order they are shown: id, Chinese name, unit.
struct SummaryIndicatorDef {
    const char* id;
    const char* name;
    const char* unit;
};
const std::vector<SummaryIndicatorDef>& summaryIndicators();

/// Yearly targets (年度目标) per indicator id. A targets file is JSON
///   {"year": 2026, "targets": {"supplied_mu": 1500, "road_km_built": 8}}
/// or an XLSX workbook whose first sheet has a header row with the columns `indicator` (or
/// 指标) and `target` (or 目标), one indicator a row. Throws IoError naming the file, and the
/// indicator when one is not in summaryIndicators() (with the known ids), or a target that is
/// not a number.
struct Targets {
    std::string path;
    std::optional<int> year;
    std::map<std::string, double> values;
};
Targets readTargets(const std::string& path);

struct SummaryOptions {
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    ProgressOptions progress; // for the comparison with --previous
};

/// The work summary (工作总结) of `park` for `period` as a Ledger with one table `summary`:
/// per indicator the period's value, the year to date, the yearly target, 完成率 (year to date /
/// target, %), the value of the same period a year before and 同比 (%), and the ids of the
/// features each figure sums. Figures that follow from the parcels' dates (supply_dt, act_start,
/// stopped) are read from `park` for any period; the others (acquisition, settlement, works,
/// idle land, completions) need the park at the start of the period (`previous`, with `diff`
/// = diffParks(previous, park)) and are the period's values only (unknown without it; the year
/// to date only when the period starts on 1 January).
Ledger buildWorkSummary(const Park& park, const Period& period, const Park* previous,
                        const ParkDiff* diff, const Targets* targets,
                        const SummaryOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
