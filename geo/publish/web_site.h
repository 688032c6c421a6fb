#pragma once

#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/model/role.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
class ParkSession;

/// Who a published web map is for. Internal shows every layer and field and the findings;
/// Public (the investment page) drops owners, tax, investment, households, persons and
/// compensation (it keeps an allow-list of contract fields: land use, area, stage …), leaves out
/// the idle-land layer and the findings, and keeps the plots available for supply.
enum class WebProfile { Internal, Public };

/// "internal" / "public".
const char* toString(WebProfile profile);

struct WebSiteOptions {
    WebProfile profile = WebProfile::Internal;
    std::string title;       // the page's title; "" = the park's name
    std::vector<Role> roles; // the layers to publish; empty = every role the park has
    Date auditDate = Date::fromYmd(1970, 1, 1); // the idle-land audit's date (internal)
    std::string publishedAt;                    // shown on the page ("2026-12-04 20:15 UTC")
    AreaMethod areaMethod = AreaMethod::Ellipsoidal;
    /// The page's folder: index.html, app.js, app.css and node_modules/maplibre-gl/dist
    /// (webPageDirectory()).
    std::string pageDirectory;
    /// The committee maps (PDFs written by `parkatlas report`) to put in the site's reports/
    /// and list in site.json, for the page's 报告 / Reports menu. Internal profile only: they
    /// carry owners and findings (publishWebSite refuses them with the public profile).
    std::vector<std::string> reportFiles;
    /// Replace an `out` folder that exists and is not empty (the old one is removed only after
    /// the new one is in place).
    bool replace = false;
    /// The tiles of a zoom are cut in bands holding about this many features each, one GDAL
    /// writer a band (GDAL's writer holds every feature it is given): 0 = 100000. The tiles
    /// are the same whatever the number (a test publishes with 1 band a zoom and with many).
    std::size_t tileBandFeatures = 0;
    /// A layer of polygons (and the findings) whose median feature is narrower than this many
    /// screen pixels at a zoom is drawn there as its classes dissolved (a patch a class, no
    /// outline; its features from the zoom where they are this wide: "detail_minzoom" in
    /// site.json). 0 = never: every feature at every zoom.
    double dissolveBelowPixels = 6;
    ProgressCallback progress;
};

struct WebSiteResult {
    std::size_t features = 0;  // features of the park's layers written into the tiles
    std::size_t findings = 0;  // findings written (internal)
    std::size_t available = 0; // plots available for supply
    std::size_t tiles = 0;     // vector tiles written
    std::size_t tileBands = 0; // GDAL tile writers run (bands of tiles, WebSiteOptions)
    std::size_t reports = 0;   // committee maps (PDF) in reports/
    std::uintmax_t bytes = 0;  // size of the whole site
    int minZoom = 0;
    int maxZoom = 0;
    std::vector<std::string> notes; // what was left out, and why
};

/// The folder of the web page (web/ of the source tree): $PARKATLAS_WEB when set, else next to
/// the executable (../share/parkatlas/web), else the source tree's web/. Throws IoError naming
/// the places it looked when none holds index.html.
std::string webPageDirectory();

/// Publishes the session's park as a self-contained static site in `outDir`: index.html and
/// its script and style, MapLibre GL JS, the layers as Mapbox vector tiles (GDAL's MVT driver,
/// Web Mercator, tiles/{z}/{x}/{y}.pbf, from a zoom that shows the whole park to one that shows
/// a plot), data/site.json (title, profile, extent, zooms, each layer's look from
/// styles/roles.json and styles/landuse.json, the legend of the classes present with their
/// counts and areas in mu, the field names of styles/names.json), data/search.json (plot
/// number, owner where the profile keeps it, area in mu, extent) and data/tiles.json (the
/// tiles there are, so the page asks for no other). Every area is measured here
/// (options.areaMethod) and written as text rounded to 2 decimals.
///
/// The site is written into a hidden folder beside `outDir` and renamed into place when
/// complete: `outDir` is the whole site or as it was. Throws IoError when `outDir` is a file,
/// is not empty (without options.replace), or a write fails; CrsError when the park has no CRS;
/// Cancelled when options.progress says so. A layer that cannot be read goes to `issues` and is
/// left out.
WebSiteResult publishWebSite(ParkSession& session, const std::string& outDir,
                             const WebSiteOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
