#pragma once

#include "app/desktop/park_project.h"
#include "app/render/layer_snapshot.h"
#include "app/render/role_style_book.h"
#include "geo/crs/crs.h"
#include "geo/io/source.h"
#include "geo/issue.h"
#include "geo/model/layer.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parkatlas::geo {
class ParkSession;
}

namespace parkatlas::desktop {

/// A layer left out because it has no coordinate system while the map has one: what the window
/// needs to ask the user for one (CrsDialog) and read it again.
struct CrsNeeded {
    geo::LayerRef ref;
    geo::OpenOptions open;
    std::optional<render::RoleBinding> binding; // a project file's, if any
    std::optional<geo::ZoneProposal> proposal;  // zone-prefixed eastings name their zone
    std::string hint;                           // other advice (degrees, eastings without zone)
};

/// What loading a set of sources for the map gave: the layers to draw, all in one map CRS, and
/// what was left out and why, in words a user can act on.
struct LoadReport {
    std::vector<std::shared_ptr<const geo::Layer>> layers;
    /// Per layer (same order): its role and field mapping when a project file gave them;
    /// nullopt when the role is to be guessed from the layer's name.
    std::vector<std::optional<render::RoleBinding>> bindings;
    /// Per layer: the encoding and CRS overrides it was read with (a project file's).
    std::vector<geo::OpenOptions> openOptions;
    /// The first project file (*.parkatlas.json) among the sources, else the one the viewer keeps
    /// beside them (projectPathFor) when it exists; "" when none.
    std::string projectPath;
    /// True when projectPath is that file beside the sources (its roles, field mappings, encodings
    /// and CRSs were applied to the layers it names).
    bool projectBeside = false;
    /// Layers with no coordinate system while the map has one: left out, to be given one.
    std::vector<CrsNeeded> crsNeeded;
    /// Orthophotos (GeoTIFF …), with their extents in the map CRS; drawn under the layers.
    std::vector<std::shared_ptr<const render::RasterLayer>> rasters;
    /// The map CRS: the first layer's (in the order the sources list them) that has one.
    geo::Crs mapCrs;
    /// True when no layer has a CRS: every layer is drawn in its raw coordinates.
    bool rawCoordinates = false;
    /// Sources and layers that could not be used: the geo::Error text, which names the file.
    std::vector<std::string> problems;
    /// Bad features and other notes from the readers (the layers were still loaded).
    std::vector<geo::Issue> issues;
    bool cancelled = false;
};

/// Called with the share done (0..1) and what is being read; return false to cancel. A
/// geo::ProgressCallback with the step's name for the status bar (each read's own progress is
/// a geo::ProgressCallback that forwards here).
using LoadProgress = std::function<bool(double share, const std::string& step)>;

/// Reads every layer of every source (a file, a folder, a connection string) into memory for
/// drawing. The map CRS is the first layer's that has one; layers in another CRS are reprojected
/// into it while reading; layers with no CRS are left out with the reader's CrsError text. When no
/// layer has a CRS, all are read with their raw coordinates. A file GDAL opens as a raster (and
/// not as vector data) is an orthophoto: its header is read (geo::describeRaster), its pixels
/// only when drawn; it sets the map CRS only when no vector layer has one. A project file
/// (*.parkatlas.json) stands for the layers it names, read with its encodings and CRSs, in its
/// CRS, with their roles and field mappings (bindings). Without one among the sources, the project
/// file the viewer keeps beside them (projectPathFor), when there is one, gives the layers it
/// names their roles, field mappings, encodings and CRSs. `overrides` (what the user chose this
/// session) go over both, layer by layer. A layer with no CRS while the map has one is left out
/// and listed in `crsNeeded` (with the zone its eastings propose). Never throws for bad input:
/// every failure ends up in `problems`. Blocking: run it on a worker, never on the GUI thread.
/// Thread-safety: reentrant (each call opens its own datasets).
/// A big layer's geometry, read before its attributes, for the map to show while they are read:
/// the layer has its features' geometry and ids and no fields yet, in the map CRS; `binding` as
/// loadSources would give it. Called on the loading thread.
using EarlyGeometry = std::function<void(std::shared_ptr<const geo::Layer> layer,
                                         const std::optional<render::RoleBinding>& binding,
                                         const geo::Crs& mapCrs)>;

/// Shapefiles of at least this many bytes (.shp) have their geometry shown before their
/// attributes are read (loadSources' `early`): about 30 000 plots.
constexpr std::uintmax_t kEarlyGeometryBytes = 8u << 20;

LoadReport loadSources(const std::vector<std::string>& sources, const LoadProgress& progress = {},
                       const std::vector<ProjectLayer>& overrides = {},
                       const EarlyGeometry& early = {});

/// True when `a` and `b` name the same layer (the same file, however the path is written; a
/// missing layer name matches any layer of the file).
bool sameLayer(const geo::LayerRef& a, const geo::LayerRef& b);

/// A load styled for the map: the report, and its layers styled by role
/// (render::RoleStyleBook from styles/roles.json and styles/landuse.json) in drawing order.
struct LoadedMap {
    LoadReport report;
    std::vector<render::LayerSnapshot> layers;
    /// The styles read (to restyle a layer whose role the user changes).
    std::shared_ptr<const render::RoleStyleBook> styleBook;
    /// Style files that could not be read (the layers then use default styles).
    std::vector<std::string> styleProblems;
    /// The park every analysis of the window runs on (check, audit, ledgers, pages, the report,
    /// the edit check): the project file among the sources or beside them, else the first
    /// source that gave layers; null when there is none. The layers of the map that are the
    /// park's (same source, same encoding and CRS override, in the park's working CRS) are
    /// handed to it, so they are not read again.
    std::shared_ptr<geo::ParkSession> session;
    /// Why the park cannot be opened for analysis ("" when it can or there is none).
    std::string sessionError;
};

/// True for a project file name (*.parkatlas.json).
bool isProjectFile(const std::string& path);

/// loadSources, then the styles (orthophotos first, at the bottom): reads the style files of
/// `stylesDirectory` ("" finds them with RoleStyleBook::defaultDirectory()), then opens the
/// park's session (LoadedMap::session). Blocking: run it on a worker.
///
/// `early`, when given, is called (on the loading thread) with a big shapefile's layer styled
/// for the map as soon as its geometry is read (see EarlyGeometry), before its attributes: the
/// first picture of a million plots need not wait for their attribute table.
LoadedMap loadMap(const std::vector<std::string>& sources, const LoadProgress& progress = {},
                  const QString& stylesDirectory = {},
                  const std::vector<ProjectLayer>& overrides = {},
                  const std::function<void(std::vector<render::LayerSnapshot> layers,
                                           geo::Crs mapCrs)>& early = {});

} // namespace parkatlas::desktop
