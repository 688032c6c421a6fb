#pragma once

#include "geo/io/source.h"
#include "geo/model/park.h"
#include "geo/progress.h"

#include <map>
#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

/// Where one role's layer comes from, and what the user said about it.
struct ParkLayerSource {
    Role role = Role::Parcels;
    LayerRef ref;
    OpenOptions open;                            // encoding and CRS overrides
    std::map<std::string, std::string> fieldMap; // contract field → source field (explicit)
    /// The land-use classification of the layer's land_use codes (one of landUseSystemIds():
    /// "GB/T 21010-2017" …); "" = detect it from the codes.
    std::string classification;
    /// Where it was declared, for messages: "in the project file", "on the command line".
    std::string classificationOrigin;
};

/// A park before reading: which layer plays which role. Made from a GeoPackage with the
/// conventional layer names, a folder of files named after them, or a *.parkatlas.json project.
struct ParkDefinition {
    std::string source; // as the user gave it
    std::string name;   // the park's name (project file), else the source's stem
    bool nameGiven = false; // the project file names the park; else loadPark looks at the boundary
    std::string crs;    // working CRS definition; "" = the parcels' own CRS
    std::vector<ParkLayerSource> layers;
    std::vector<LayerRef> unassigned; // layers with no role: kept for display, not analysed
    /// Files of a folder source that cannot be opened, as IoError texts naming each: never
    /// silently left out (loadPark reports them as errors).
    std::vector<std::string> unreadable;
    std::string projectPath;          // the project file, when there is one
    /// What discovery has to say about reading the park (an --as-of on a park that keeps no
    /// history …): loadPark reports them as warnings.
    std::vector<std::string> warnings;

    const ParkLayerSource* find(Role role) const;
};

/// Recognises the roles in `source`. `defaults` (the command line's --encoding and --s-srs)
/// apply to every layer the project file says nothing about. A project file is JSON:
///   { "name": "…", "crs": "EPSG:4547",
///     "layers": { "parcels": { "source": "shp/parcels.shp", "layer": "parcels",
///                              "encoding": "GBK", "crs": "EPSG:4547",
///                              "fields": { "parcel_id": "ZDDM" },
///                              "classification": "GB/T 21010-2017" }, … } }
/// with paths relative to the project file. Throws IoError naming the file when the source or
/// the project file cannot be read.
/// `source` may end in @YYYY-MM-DD (park.gpkg@2026-06-30), as may defaults.asOf say: the park
/// is then read as it was at the end of that day (every layer's open.asOf), from the history it
/// keeps (`<role>_history`, geo/store/history.h). Throws Error for a date that does not parse,
/// lies in the future, differs between the two, or falls before the park's first recorded
/// history; a park (or layer) that keeps no history is read as it is, said in `warnings`.
ParkDefinition discoverPark(const std::string& source, const OpenOptions& defaults = {});

/// Writes `definition` as the project file `path` (*.parkatlas.json, the format discoverPark
/// reads): the name (an empty one keeps the file's), the CRS and, per role, the source (relative to
/// the project's folder when it lies under it), the layer, the encoding and CRS overrides and the
/// field mapping and the declared land-use classification. When `path` exists, everything else in it (rule settings, thresholds …) is kept
/// as it was. Atomic: written beside `path` under a temporary name and renamed over it, so a failed
/// save leaves the old file whole. Throws IoError naming the file.
void saveProject(const ParkDefinition& definition, const std::string& path);

struct ParkLoadOptions {
    /// Roles to read; empty reads every role present.
    std::vector<Role> roles;
    ProgressCallback progress;
    /// Per role, only the features this filter selects (ReadOptions::attributeFilter).
    std::map<Role, std::string> attributeFilters = {};
    /// The working CRS when the caller has it already (parkWorkingCrs, or a park read before:
    /// a ParkSession reading more of its roles); empty: found by parkWorkingCrs.
    Crs workingCrs = {};
};

/// The working CRS of a park: the project's, else the parcels', else the first layer's that has
/// one (read from the layers' headers, no features). Throws CrsError naming the source when no
/// layer has one (and the first failure to read a layer, if any).
Crs parkWorkingCrs(const ParkDefinition& definition);

/// Reads the park. Its name is the project file's, else the `name` of its boundary (核准范围
/// first), else the source's stem. A layer that cannot be read (no CRS, broken file) is reported to `issues`
/// as an error naming the file and left out; the others are read. Throws IoError or CrsError
/// only when no working CRS can be found, Cancelled when the progress callback says so.
Park loadPark(const ParkDefinition& definition, const ParkLoadOptions& options, IssueSink& issues);

} // namespace parkatlas::geo
