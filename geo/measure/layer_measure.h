#pragma once

#include "geo/io/source.h"
#include "geo/measure/area.h"
#include "geo/model/layer.h"
#include "geo/progress.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace parkatlas::geo {

class IssueSink;

/// Every feature of a layer measured: areas of polygons, lengths of lines, in the layer's own
/// CRS and on its own datum's ellipsoid (never after a reprojection, which would change them).
struct LayerMeasure {
    AreaMethod method = AreaMethod::Ellipsoidal;
    /// Per feature (row order), m²; NaN where unknown (bad coordinates). Polygon layers only.
    std::vector<double> areaM2;
    /// Per feature, metres (geodesic unless the method is planar). Line layers only.
    std::vector<double> lengthM;
    /// Sums over the known values, in row order (so the result does not depend on threads).
    double totalAreaM2 = 0;
    double totalLengthM = 0;
    std::size_t unknownCount = 0; // features left out of the totals
    std::size_t emptyCount = 0;   // features with no geometry (measured 0)
};

/// Measures every feature, split over `threads` workers (0: one per core), each with its own
/// AreaCalculator. Issues (bad coordinates) go to `issues` with the file, layer and fid.
/// Throws CrsError when the layer has no CRS, GeometryError for planar on degrees, Cancelled.
LayerMeasure measureLayer(const Layer& layer, AreaMethod method, IssueSink& issues,
                          const ProgressCallback& progress = {}, unsigned threads = 0);

/// A shapefile measured straight from the file, a chunk at a time on both cores, without
/// keeping its geometry: what `area` needs for totals on a big layer, at a fraction of the
/// memory. Same values as readLayer + measureLayer. nullopt when the direct reader finds a
/// corrupt record (its issues are then not reported: read the layer through readLayer, which
/// lets GDAL decide). Throws CrsError / GeometryError as measureLayer does.
struct StreamedMeasure {
    GeometryKind kind = GeometryKind::None;
    std::vector<std::int64_t> fids;
    LayerMeasure measure;
};
std::optional<StreamedMeasure> measureShapefile(const std::string& shpPath, const Crs& crs,
                                                AreaMethod method, IssueSink& issues);

/// measureShapefile with the layer's CRS still to be made: `findCrs` (the CRS as the caller
/// reads it, through GDAL and PROJ's database: a tenth of a second and more) runs on the calling
/// thread while the workers measure, when the method is ellipsoidal and the .prj beside the .shp
/// is a Transverse Mercator plane that TransverseMercatorParameters::ofEsriPrj recognises. The
/// workers start with AreaCalculator::forTransverseMercator of those parameters; a plot its fast
/// path does not take waits for the Crs. Once the Crs is made, its calculator is compared with
/// theirs (AreaCalculator::measuresAs): the same, and every value stands, bit for bit what
/// measureShapefile(shpPath, crs, …) gives; not the same (or nothing recognised), and the file
/// is measured with the Crs as measureShapefile does. Issues of the measure are reported only
/// once the Crs has confirmed it. nullopt when findCrs gives an empty Crs (nothing reported),
/// else as measureShapefile; what findCrs throws is rethrown once the workers have stopped.
std::optional<StreamedMeasure> measureShapefile(const std::string& shpPath,
                                                const std::function<Crs()>& findCrs,
                                                AreaMethod method, IssueSink& issues);

} // namespace parkatlas::geo
