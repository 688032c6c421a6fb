#pragma once

#include "app/render/page_layout.h"
#include "app/render/page_renderer.h"
#include "geo/diff/park_diff.h"
#include "geo/measure/area.h"
#include "geo/model/park.h"
#include "geo/progress.h"
#include "geo/rules/finding.h"

#include <memory>
#include <string>
#include <vector>

namespace parkatlas::geo {
struct MonitoringReport;
class IssueSink;
} // namespace parkatlas::geo

namespace parkatlas::render {

class RoleStyleBook;

/// The roles a page needs: its layers (every role when it names none) and what its table reads
/// (every role for a findings page: the plan check reads nearly all). Empty means all.
std::vector<geo::Role> rolesForPage(const PageLayout& layout);

/// What a park page needs beyond its layout.
struct ParkPageOptions {
    geo::AreaMethod areaMethod = geo::AreaMethod::Ellipsoidal;
    /// Findings of the plan check, drawn and tabulated on a findings page (which needs them:
    /// report::sessionPage runs the check for a caller that has none).
    const std::vector<geo::Finding>* findings = nullptr;
    /// A change map (table "changes"): the park at the start of the period and what changed
    /// since (diffParks(*previous, park)); both needed for that page.
    std::shared_ptr<const geo::Park> previous;
    const geo::ParkDiff* diff = nullptr;
    std::string source; // the park as the user named it, for the footnote
    /// The 监测统计图's figures (report --year); null: computed for the current year.
    const geo::MonitoringReport* monitoring = nullptr;
};

/// A page of the park: its layers (the layout's, styled by role with `book`, sharing the park's
/// data), the findings hatched over them on a findings page, the table for what the frame shows
/// (land use, findings by rule, or a ledger's summary: acquisition by stage, idle land by kind,
/// works by road class and pipeline kind) and the footnote (sources, area method). A layer the
/// layout names that the park lacks is reported to `issues` and left out. A findings page without
/// `options.findings` throws geo::Error. Blocking (it may measure every parcel): call it on a
/// worker.
PageRenderer parkPage(const std::shared_ptr<const geo::Park>& park, const PageLayout& layout,
                      const RoleStyleBook& book, const ParkPageOptions& options,
                      geo::IssueSink& issues);

} // namespace parkatlas::render
