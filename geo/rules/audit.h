#pragma once

#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/measure/coverage.h"
#include "geo/model/layer.h"
#include "geo/progress.h"
#include "geo/rules/audit_rules.h"
#include "geo/rules/finding.h"
#include "geo/rules/standard_land.h"

#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
struct Park;

/// The idle-land audit (闲置土地认定) of DESIGN.md, "Findings", as of a date the user gives.
///
/// Rule ids: idle_not_started, idle_stalled, idle_low_coverage, low_efficiency,
/// standard_land_shortfall (标准地 targets missed after the initial operating period),
/// approved_not_supplied (批而未供: approved batches not supplied within the period; reads the
/// acquisition layer when the park has one), cannot_decide.
/// Each finding names its clause of the 闲置土地处置办法 (国土资源部令第53号, 2012) or of the
/// intensity standard, the numbers that triggered it (evidence), and what follows as of the date
/// (第十四条: 征缴土地闲置费 after one full year, 无偿收回 after two).
///
/// Readings (data/sample/README.md, "Rules as read here"):
/// - "One full year" after a date D is reached on the same calendar date a year later (the
///   anniversary), and a rule is due when the anniversary is on or before the audit date. A
///   29 February has no anniversary in a common year; the period then ends on 28 February, the
///   last day of that month, as 民法典 第二百零二条 reads periods counted in years ("没有对应日的，
///   月末日为期间的最后一日"). See anniversary().
/// - act_start empty with status 未动工 means not started; a masked act_start (xx, **) or an
///   empty one with any other status is unknown. act_start later than the audit date means not
///   yet started on that date.
/// - stopped empty means "not stopped" unless the status says the works stopped (停工, 停建,
///   中止) or is itself unknown; then it is unknown.
/// - Shares: built_area / plot area and invested / invest_tot; "不足三分之一" and "不足百分之二十
///   五" are strict: exactly 1/3 or exactly 25 % is not under (compared with a 1e-12 relative
///   tolerance, so 1/3 of a plot computed in floating point is "exactly").
/// - Every rule is three-valued: a rule whose answer does not depend on an unknown value decides
///   (a plot that invested 90 % is not stalled whatever its status); one that does gives a
///   cannot_decide finding naming each unknown value it needed ("idle_not_started needs
///   act_start"), one finding per feature.
/// - Building footprints (the buildings layer) are evidence on every finding: the covered share
///   of the plot is the area of the union of footprints within the plot over the plot's area.
///   An invalid plot (GEOS) gets no covered share and is left out of idle_low_coverage.
struct AuditOptions {
    Date asOf;
    AuditRules rules;
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    unsigned threads = 0; // 0: one per core
    ProgressCallback progress;
    /// The building coverage of each parcel (row order of the park's parcels) measured
    /// elsewhere, for instance by the server of a PostGIS park (geo/store/server_audit.h); the
    /// park then needs no buildings layer in memory. Empty: measured here from the park's
    /// buildings layer, when it has one.
    std::optional<std::vector<PlotCoverage>> coverage = {};
};

/// Per parcel what the audit measured (row order of the parcels layer).
struct ParcelMeasure {
    double areaM2 = 0;       // by AuditOptions::areaMethod; NaN when not measurable
    double coveredShare = 0; // footprint / plot, 0..1; NaN when unknown
    double footprintM2 = 0;  // coveredShare × areaM2; NaN when unknown
    bool validGeometry = true;
};

struct AuditResult {
    std::string asOf;              // ISO
    std::vector<Finding> findings; // by rule, then parcel row
    std::vector<ParcelMeasure> parcels;
    bool buildingsPresent = false;
    std::size_t parcelCount = 0;
    /// Rules that could not run at all (a field the layer lacks), with why.
    std::vector<Message> notRun;
    /// Per parcel row, where it stands as a 标准地 contract plot (empty when
    /// standard_land_shortfall did not run).
    std::vector<StandardLandPlot> standardLand;
};

/// Runs the enabled rules on the park's parcels (and buildings, when the park has them). Throws
/// IoError when the park has no parcels layer; Cancelled when the progress callback says so.
/// Problems with single features (an invalid plot or footprint) go to `issues`.
/// Thread-safety: reads `park` only; uses its own GEOS context per worker thread.
AuditResult runAudit(const Park& park, const AuditOptions& options, IssueSink& issues);

/// The date `years` full years after `date`: the same month and day, or the last day of
/// February when `date` is 29 February and the target year is common (民法典 第二百零二条).
Date anniversary(Date date, int years);

/// True when `value` is under `threshold` by more than a 1e-12 relative tolerance: a value
/// exactly at the threshold (up to floating point) is not under it.
bool isBelow(double value, double threshold);

} // namespace parkatlas::geo
