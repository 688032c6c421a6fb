#pragma once

#include "geo/diff/park_diff.h"
#include "geo/diff/work_summary.h"
#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/model/park.h"
#include "geo/progress.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace parkatlas::geo {
struct MonitoringReport;
class IssueSink;
class ParkSession;
} // namespace parkatlas::geo

namespace parkatlas::report {

struct CommitteePackOptions {
    geo::Date asOf; // of the idle-land audit
    geo::AreaMethod areaMethod = geo::AreaMethod::Ellipsoidal;
    double dpi = 300;     // how finely the PDFs keep vertices
    QString organisation; // in the maps' title blocks ("": the templates')
    QString date;         // likewise
    QString paper;        // "": the templates' (A3)
    /// Replace `out` when it exists and is not empty (else that is an error).
    bool replace = false;
    std::string source;             // the park as the user named it
    geo::ProgressCallback progress; // 0..1 over the whole pack; false cancels
    /// `report --period`: the work summary of the period (summary_PERIOD.csv/.xlsx) and, with
    /// `previous` and `diff` (diffParks(*previous, *park)), the change map 变化图 after the
    /// other maps. Null period: neither.
    const geo::Period* period = nullptr;
    const geo::Targets* targets = nullptr;
    std::shared_ptr<const geo::Park> previous;
    const geo::ParkDiff* diff = nullptr;
    /// `report --year`: the 开发区土地集约利用监测统计 tables (monitor_YEAR.csv/.xlsx, with the
    /// plots one by one) and the map 监测统计图 after the other maps. Null: neither.
    const geo::MonitoringReport* monitoring = nullptr;
    /// Only the maps (PDF) and 清单.txt: no findings files, audit, ledgers, summary, monitoring
    /// tables or indicators (`report --maps-only`, which `publish --reports` runs). The plan
    /// check still runs: the compliance map draws its findings.
    bool mapsOnly = false;
};

struct CommitteePackResult {
    std::vector<std::string> contents; // what is in the pack, one line each
    std::vector<std::string> leftOut;  // what could not be made, and why
    std::vector<std::string> warnings; // from the maps (legend or table cut short …)
};

/// The maps of the committee pack, in order: 用地现状图, 规划符合性分析图, 闲置土地分布图,
/// 征地进度图, 道路管网工程进度图.
const std::vector<const char*>& committeeTemplates();

/// True when `out` may be written without `replace`: it does not exist or is an empty folder.
bool isFreeForPack(const std::string& out);

/// Writes the committee pack of the session's park (every layer; the check, the audit and the
/// ledgers run on the session, with its project file's rules) into the folder `out` (UTF-8 path):
/// the template maps as PDF (a map whose layer the park lacks is left out, and said so), the
/// ledgers as CSV (UTF-8 with BOM) and XLSX, the plan check's findings and the idle-land audit as
/// CSV and GeoPackage, and 清单.txt listing them. Everything is written into a fresh folder beside
/// `out`, renamed to `out` when complete; a full `out` is refused unless options.replace, which
/// moves it aside and removes it only once the new pack is in place. On any error or cancel nothing
/// of the new pack remains and `out` is as it was. Throws geo::IoError naming the folder,
/// geo::Cancelled. Needs a QGuiApplication (fonts). Blocking: call it on a worker.
CommitteePackResult writeCommitteePack(geo::ParkSession& session, const std::string& out,
                                       const CommitteePackOptions& options, geo::IssueSink& issues);

} // namespace parkatlas::report
