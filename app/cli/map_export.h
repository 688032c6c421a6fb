#pragma once

#include "app/render/page_layout.h"
#include "app/render/page_renderer.h"
#include "geo/measure/area.h"
#include "geo/model/park.h"

#include <memory>
#include <string>
#include <vector>

namespace parkatlas::geo {
class IssueSink;
class ParkSession;
struct Finding;
struct ParkDiff;
} // namespace parkatlas::geo

namespace parkatlas::cli {

class CommandLine;

/// The page options `map` and `report` share: --template, --title, --subtitle, --org, --date,
/// --paper, --portrait/--landscape, --dpi, --scale, --extent, --layers, --grid, --table, --method.
void addMapOptions(CommandLine& cli);
/// The layout they give: the template's (when one is named) with the options laid over it.
/// Throws UsageError.
render::PageLayout pageLayoutFrom(const CommandLine& cli);
/// --dpi (default 300; 30–1200).
double dpiFrom(const CommandLine& cli);

/// Starts Qt's GUI layer on the offscreen platform (fonts, painting; no display) the first time
/// a map is made; the other commands never load it.
void ensureGuiApplication();

/// What the CLI knows about a map beyond its layout.
struct ParkMapOptions {
    geo::AreaMethod areaMethod = geo::AreaMethod::Ellipsoidal;
    double dpi = 300;
    /// Findings of the plan check, when the caller already has them (report); else the
    /// findings table runs the check.
    const std::vector<geo::Finding>* findings = nullptr;
    /// A change map (变化图, table "changes"): the park at the start of the period and the
    /// changes since (both from `map --previous`).
    std::shared_ptr<const geo::Park> previous;
    const geo::ParkDiff* diff = nullptr;
    geo::ParkSession* session = nullptr; // the park's: a findings page's check runs on it
    std::string source;      // the park as the user named it, for the footnote
};

/// Styles the park's layers by role, picks the page's layers, builds its table for what the
/// frame shows, draws the findings (on a findings page) and writes `out` in `format`.
/// Throws UsageError for a layer name the park does not have.
render::PageExportResult exportParkMap(const std::shared_ptr<const geo::Park>& park,
                                       const render::PageLayout& layout, const std::string& out,
                                       render::PageFormat format, const ParkMapOptions& options,
                                       geo::IssueSink& issues);

} // namespace parkatlas::cli
